"""The address of a self-registration and of an attempt's start, for organizers' flags (many
accounts from one address): user_account.registered_from, attempt.started_from

Revision ID: e_abuse
Revises: e_contestset
Create Date: 2026-12-04 18:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e_abuse'
down_revision = 'e_contestset'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registered_from', sa.String(length=45), nullable=True))
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('started_from', sa.String(length=45), nullable=True))


def downgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_column('started_from')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('registered_from')
