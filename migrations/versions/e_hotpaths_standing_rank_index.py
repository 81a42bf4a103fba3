"""The frozen leaderboard read a page at a time: index standing(round_id, rank, attempt_id)

A page of final ranks is a seek on the rank column in the board's order (rank, attempt_id)
(contest/standings/board.py), so a page at offset 199,950 reads 50 index entries, not the board.

Revision ID: e_hotpaths
Revises: e_register
Create Date: 2026-12-04 18:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e_hotpaths'
down_revision = 'e_register'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('standing', schema=None) as batch_op:
        batch_op.create_index('ix_standing_round_rank', ['round_id', 'rank', 'attempt_id'], unique=False)


def downgrade():
    with op.batch_alter_table('standing', schema=None) as batch_op:
        batch_op.drop_index('ix_standing_round_rank')
