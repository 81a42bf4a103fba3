"""A contest's own prize tiers and its self-registration switch: contest.prizes,
contest.registration

Revision ID: e_contestset
Revises: e_register
Create Date: 2026-12-04 18:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e_contestset'
down_revision = 'e_register'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contest', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prizes', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('registration', sa.String(length=15), server_default='open',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('contest', schema=None) as batch_op:
        batch_op.drop_column('registration')
        batch_op.drop_column('prizes')
