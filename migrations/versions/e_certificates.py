"""Certificates anyone can verify: certificate, certificate_settings, certificate_bundle

Revision ID: e_certificates
Revises: e_scope
Create Date: 2026-12-03 06:50:00

"""
from alembic import op
import sqlalchemy as sa

from contest.dbtypes import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'e_certificates'
down_revision = 'e_scope'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('unit_name', sa.String(length=300), nullable=True),
    sa.Column('prize', sa.String(length=100), nullable=True),
    sa.Column('issued_at', UTCDateTime(), nullable=False),
    sa.Column('revoked_at', UTCDateTime(), nullable=True),
    sa.Column('revoked_reason', sa.Text(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['user_account.id'], name=op.f('fk_certificate_revoked_by_id_user_account')),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_certificate_round_id_round')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_certificate_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate')),
    sa.UniqueConstraint('code', name=op.f('uq_certificate_code')),
    sa.UniqueConstraint('round_id', 'user_id', name='uq_certificate_round_user')
    )
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_user_id'), ['user_id'], unique=False)
    op.create_table('certificate_settings',
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('template', sa.Text(), nullable=True),
    sa.Column('signer_name', sa.String(length=200), nullable=True),
    sa.Column('signer_title', sa.String(length=200), nullable=True),
    sa.Column('image', sa.LargeBinary(), nullable=True),
    sa.Column('image_type', sa.String(length=20), nullable=True),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_certificate_settings_contest_id_contest')),
    sa.PrimaryKeyConstraint('contest_id', name=op.f('pk_certificate_settings'))
    )
    op.create_table('certificate_bundle',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('built_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_certificate_bundle_round_id_round')),
    sa.PrimaryKeyConstraint('round_id', name=op.f('pk_certificate_bundle'))
    )


def downgrade():
    op.drop_table('certificate_bundle')
    op.drop_table('certificate_settings')
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_user_id'))
        batch_op.drop_index(batch_op.f('ix_certificate_round_id'))
    op.drop_table('certificate')
