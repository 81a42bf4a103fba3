"""Extra time granted to a member for a round (WCAG 2.2.1): extra_time

Revision ID: e_extra_time
Revises: e_certificates
Create Date: 2026-12-03 07:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e_extra_time'
down_revision = 'e_certificates'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('extra_time',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['granted_by_id'], ['user_account.id'], name=op.f('fk_extra_time_granted_by_id_user_account')),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_extra_time_round_id_round')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_extra_time_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_extra_time')),
    sa.UniqueConstraint('round_id', 'user_id', name=op.f('uq_extra_time_round_id_user_id'))
    )
    with op.batch_alter_table('extra_time', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_extra_time_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('longest_extra_seconds', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_column('longest_extra_seconds')
    with op.batch_alter_table('extra_time', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_extra_time_user_id'))
    op.drop_table('extra_time')
