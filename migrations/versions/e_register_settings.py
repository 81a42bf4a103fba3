"""Registration settings per unit subtree, invitation codes, pending registrations: registration_setting, registration_code, user_account.pending

Revision ID: e_register
Revises: e_extra_time
Create Date: 2026-12-03 08:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e_register'
down_revision = 'e_extra_time'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('registration_setting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('open', sa.Boolean(), nullable=False),
    sa.Column('unit_required', sa.Boolean(), nullable=False),
    sa.Column('code_required', sa.Boolean(), nullable=False),
    sa.Column('approval_required', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_registration_setting_unit_id_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_setting')),
    sa.UniqueConstraint('unit_id', name=op.f('uq_registration_setting_unit_id'))
    )
    op.create_table('registration_code',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_registration_code_unit_id_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('unit_id', name=op.f('pk_registration_code')),
    sa.UniqueConstraint('code', name=op.f('uq_registration_code_code'))
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending', sa.Boolean(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('pending')
    op.drop_table('registration_code')
    op.drop_table('registration_setting')
