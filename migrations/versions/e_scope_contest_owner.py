"""Organizer scope: contest.owner_unit_id (None = platform-wide) and contest.members_only

Revision ID: e_scope
Revises: e_prizes
Create Date: 2026-12-03 06:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e_scope'
down_revision = 'e_prizes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contest', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_unit_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('members_only', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index(batch_op.f('ix_contest_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_foreign_key('fk_contest_owner_unit_id_unit', 'unit', ['owner_unit_id'], ['id'])


def downgrade():
    with op.batch_alter_table('contest', schema=None) as batch_op:
        batch_op.drop_constraint('fk_contest_owner_unit_id_unit', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_contest_owner_unit_id'))
        batch_op.drop_column('members_only')
        batch_op.drop_column('owner_unit_id')
