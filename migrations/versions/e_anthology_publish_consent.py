"""an entry's consent to publication: essay_entry.publish_consent

A member who submits a writing entry may tick that it may be published if it wins a prize; the
anthology's public page shows only the entries whose authors did. Existing entries: no consent.

Revision ID: e_anthology
Revises: e_state
Create Date: 2026-12-02 19:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e_anthology'
down_revision = 'e_members'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('essay_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('publish_consent', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('essay_entry', schema=None) as batch_op:
        batch_op.drop_column('publish_consent')
