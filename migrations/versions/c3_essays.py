"""writing rounds: essay settings, entries with originals, drafts, references, similarity;
judging criteria, stages, panels, assignments, scores, discrepancy flags

Revision ID: c3_essays
Revises: b2_bank
Create Date: 2026-12-07 12:00:00

Written by hand (other models change at the same time; autogenerate would pick them up).
"""
from alembic import op
import sqlalchemy as sa

import contest.dbtypes


revision = "c3_essays"
down_revision = "b2_bank"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('essay_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('saved_at', contest.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('upload_kind', sa.String(length=10), nullable=True),
    sa.Column('upload_name', sa.String(length=255), nullable=True),
    sa.Column('upload_data', sa.LargeBinary(), nullable=True),
    sa.Column('upload_text', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_essay_draft_round_id_round')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_essay_draft_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_essay_draft')),
    sa.UniqueConstraint('round_id', 'user_id', name=op.f('uq_essay_draft_round_id_user_id'))
    )
    with op.batch_alter_table('essay_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_essay_draft_user_id'), ['user_id'], unique=False)

    op.create_table('essay_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('word_count', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('declared_at', contest.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('submitted_at', contest.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', contest.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Integer(), nullable=False),
    sa.Column('prize', sa.String(length=12), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_essay_entry_author_id_user_account')),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_essay_entry_round_id_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_essay_entry')),
    sa.UniqueConstraint('code', name=op.f('uq_essay_entry_code')),
    sa.UniqueConstraint('round_id', 'author_id', name=op.f('uq_essay_entry_round_id_author_id'))
    )
    with op.batch_alter_table('essay_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_essay_entry_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_essay_entry_round_id'), ['round_id'], unique=False)

    op.create_table('essay_reference',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', contest.dbtypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_essay_reference_round_id_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_essay_reference'))
    )
    with op.batch_alter_table('essay_reference', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_essay_reference_round_id'), ['round_id'], unique=False)

    op.create_table('essay_settings',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('allowed_kinds', sa.JSON(), nullable=False),
    sa.Column('max_file_bytes', sa.Integer(), nullable=False),
    sa.Column('require_declaration', sa.Boolean(), nullable=False),
    sa.Column('declaration_text', sa.Text(), nullable=True),
    sa.Column('similarity_limit', sa.Double(), nullable=False),
    sa.Column('normalize_scores', sa.Boolean(), nullable=False),
    sa.Column('current_stage', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_essay_settings_round_id_round')),
    sa.PrimaryKeyConstraint('round_id', name=op.f('pk_essay_settings'))
    )
    op.create_table('judging_criterion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('max_points', sa.Double(), nullable=False),
    sa.Column('weight', sa.Double(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_judging_criterion_round_id_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_judging_criterion'))
    )
    with op.batch_alter_table('judging_criterion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_judging_criterion_round_id'), ['round_id'], unique=False)

    op.create_table('judging_panel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['judge_id'], ['user_account.id'], name=op.f('fk_judging_panel_judge_id_user_account')),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_judging_panel_round_id_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_judging_panel')),
    sa.UniqueConstraint('round_id', 'stage', 'judge_id', name=op.f('uq_judging_panel_round_id_stage_judge_id'))
    )
    with op.batch_alter_table('judging_panel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_judging_panel_judge_id'), ['judge_id'], unique=False)

    op.create_table('judging_stage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', contest.dbtypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_judging_stage_round_id_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_judging_stage')),
    sa.UniqueConstraint('round_id', 'number', name=op.f('uq_judging_stage_round_id_number'))
    )
    op.create_table('essay_entry_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_at', contest.dbtypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['essay_entry.id'], name=op.f('fk_essay_entry_file_entry_id_essay_entry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_essay_entry_file'))
    )
    with op.batch_alter_table('essay_entry_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_essay_entry_file_entry_id'), ['entry_id'], unique=False)

    op.create_table('essay_similarity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('other_entry_id', sa.Integer(), nullable=True),
    sa.Column('reference_id', sa.Integer(), nullable=True),
    sa.Column('score', sa.Double(), nullable=False),
    sa.Column('passages', sa.JSON(), nullable=True),
    sa.Column('checked_at', contest.dbtypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['essay_entry.id'], name=op.f('fk_essay_similarity_entry_id_essay_entry')),
    sa.ForeignKeyConstraint(['other_entry_id'], ['essay_entry.id'], name=op.f('fk_essay_similarity_other_entry_id_essay_entry')),
    sa.ForeignKeyConstraint(['reference_id'], ['essay_reference.id'], name=op.f('fk_essay_similarity_reference_id_essay_reference')),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_essay_similarity_round_id_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_essay_similarity'))
    )
    with op.batch_alter_table('essay_similarity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_essay_similarity_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_essay_similarity_round_id'), ['round_id'], unique=False)

    op.create_table('judging_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('extra', sa.Boolean(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('total', sa.Double(), nullable=True),
    sa.Column('assigned_at', contest.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('saved_at', contest.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('submitted_at', contest.dbtypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['essay_entry.id'], name=op.f('fk_judging_assignment_entry_id_essay_entry')),
    sa.ForeignKeyConstraint(['judge_id'], ['user_account.id'], name=op.f('fk_judging_assignment_judge_id_user_account')),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_judging_assignment_round_id_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_judging_assignment')),
    sa.UniqueConstraint('entry_id', 'judge_id', 'stage', name=op.f('uq_judging_assignment_entry_id_judge_id_stage'))
    )
    with op.batch_alter_table('judging_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_judging_assignment_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_judging_assignment_judge_id'), ['judge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_judging_assignment_round_id'), ['round_id'], unique=False)

    op.create_table('judging_discrepancy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Integer(), nullable=False),
    sa.Column('spread', sa.Double(), nullable=False),
    sa.Column('extra_assignment_id', sa.Integer(), nullable=True),
    sa.Column('created_at', contest.dbtypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['essay_entry.id'], name=op.f('fk_judging_discrepancy_entry_id_essay_entry')),
    sa.ForeignKeyConstraint(['extra_assignment_id'], ['judging_assignment.id'], name=op.f('fk_judging_discrepancy_extra_assignment_id_judging_assignment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_judging_discrepancy')),
    sa.UniqueConstraint('entry_id', 'stage', name=op.f('uq_judging_discrepancy_entry_id_stage'))
    )
    op.create_table('judging_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Double(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['judging_assignment.id'], name=op.f('fk_judging_score_assignment_id_judging_assignment')),
    sa.ForeignKeyConstraint(['criterion_id'], ['judging_criterion.id'], name=op.f('fk_judging_score_criterion_id_judging_criterion')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_judging_score')),
    sa.UniqueConstraint('assignment_id', 'criterion_id', name=op.f('uq_judging_score_assignment_id_criterion_id'))
    )
    with op.batch_alter_table('judging_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_judging_score_criterion_id'), ['criterion_id'], unique=False)


def downgrade():
    op.drop_table('judging_discrepancy')
    op.drop_table('judging_score')
    op.drop_table('judging_assignment')
    op.drop_table('judging_panel')
    op.drop_table('judging_stage')
    op.drop_table('judging_criterion')
    op.drop_table('essay_similarity')
    op.drop_table('essay_reference')
    op.drop_table('essay_draft')
    op.drop_table('essay_entry_file')
    op.drop_table('essay_entry')
    op.drop_table('essay_settings')
