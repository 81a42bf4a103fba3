"""The frozen leaderboard read a page at a time and frozen in one statement: index
standing(round_id, rank, attempt_id); the redundant index on round_id and the foreign keys of
round_id and user_id dropped

A page of final ranks is a seek on the rank column in the board's order (rank, attempt_id)
(contest/standings/board.py), so a page at offset 199,950 reads 50 index entries, not the
board; that index (and the unique one on round_id, user_id) serve every lookup by round. The
freeze inserts every rank in one INSERT … SELECT of the round's attempts: its round_id and
user_id are the attempt's, whose own foreign key implies both, and checking all three per row
was most of a 200,000-row freeze (bench/README.md).

Revision ID: e_hotpaths
Revises: e_longjobs
Create Date: 2026-12-04 18:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e_hotpaths'
down_revision = 'e_longjobs'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('standing', schema=None) as batch_op:
        batch_op.create_index('ix_standing_round_rank', ['round_id', 'rank', 'attempt_id'], unique=False)
        batch_op.drop_index(batch_op.f('ix_standing_round_id'))
        batch_op.drop_constraint(batch_op.f('fk_standing_round_id_round'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_standing_user_id_user_account'), type_='foreignkey')


def downgrade():
    with op.batch_alter_table('standing', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_standing_user_id_user_account'), 'user_account', ['user_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_standing_round_id_round'), 'round', ['round_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_standing_round_id'), ['round_id'], unique=False)
        batch_op.drop_index('ix_standing_round_rank')
