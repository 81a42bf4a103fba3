"""judging's own state of a writing round moves to judging: judging_settings

`current_stage` and `normalize_scores` lived on essay_settings, the essays feature's table, though
only judging reads and writes them. They move to judging_settings, one row per round, with every
round's values copied; essay_settings keeps what the essays feature owns.

Revision ID: e_state
Revises: e_quiz
Create Date: 2026-12-02 16:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e_state'
down_revision = 'e_quiz'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('judging_settings',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('current_stage', sa.Integer(), nullable=False),
    sa.Column('normalize_scores', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_judging_settings_round_id_round')),
    sa.PrimaryKeyConstraint('round_id', name=op.f('pk_judging_settings'))
    )
    op.execute("INSERT INTO judging_settings (round_id, current_stage, normalize_scores) "
               "SELECT round_id, current_stage, normalize_scores FROM essay_settings")
    with op.batch_alter_table('essay_settings', schema=None) as batch_op:
        batch_op.drop_column('current_stage')
        batch_op.drop_column('normalize_scores')


def downgrade():
    with op.batch_alter_table('essay_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('normalize_scores', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('current_stage', sa.Integer(), nullable=False,
                                      server_default='1'))
    op.execute("UPDATE essay_settings SET current_stage = (SELECT j.current_stage FROM judging_settings j "
               "WHERE j.round_id = essay_settings.round_id), normalize_scores = (SELECT j.normalize_scores "
               "FROM judging_settings j WHERE j.round_id = essay_settings.round_id) "
               "WHERE round_id IN (SELECT round_id FROM judging_settings)")
    with op.batch_alter_table('essay_settings', schema=None) as batch_op:
        batch_op.alter_column('normalize_scores', server_default=None)
        batch_op.alter_column('current_stage', server_default=None)
    op.drop_table('judging_settings')
