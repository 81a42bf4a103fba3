"""contest standings: contest.standings_rule, standings_published, status

A contest ranks its members across its rounds (``standings_rule``: sum or best), shows that
table to members once ``standings_published``, and has a ``status`` (draft, published,
archived). Existing contests: rule sum, standings not published, status published.

Revision ID: e_standings
Revises: e_certs
Create Date: 2026-12-03 06:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e_standings'
down_revision = 'e_certs'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contest', schema=None) as batch_op:
        batch_op.add_column(sa.Column('standings_rule', sa.String(length=10), nullable=False,
                                      server_default='sum'))
        batch_op.add_column(sa.Column('standings_published', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('status', sa.String(length=10), nullable=False,
                                      server_default='published'))


def downgrade():
    with op.batch_alter_table('contest', schema=None) as batch_op:
        batch_op.drop_column('status')
        batch_op.drop_column('standings_published')
        batch_op.drop_column('standings_rule')
