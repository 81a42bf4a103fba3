"""Prize tiers of a round and hand-moved prizes of writing entries: round.prizes,
judging_prize_override

Revision ID: e_prizes
Revises: e_standings
Create Date: 2026-12-03 06:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e_prizes'
down_revision = 'e_standings'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prizes', sa.JSON(), nullable=True))
    op.create_table('judging_prize_override',
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('prize', sa.String(length=100), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['essay_entry.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], ),
    sa.ForeignKeyConstraint(['set_by_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('entry_id')
    )
    with op.batch_alter_table('judging_prize_override', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_judging_prize_override_round_id'), ['round_id'], unique=False)


def downgrade():
    with op.batch_alter_table('judging_prize_override', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_judging_prize_override_round_id'))
    op.drop_table('judging_prize_override')
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_column('prizes')
