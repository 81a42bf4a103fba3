"""members: handed-out passwords must be changed, temporary ones expire, names searchable folded

user_account gains must_change_password (an imported or reset password), password_expires_at (a
temporary password's end) and search_text (full name and username without diacritics), filled
for the users already there.

Revision ID: e_members
Revises: e_state
Create Date: 2026-12-02 19:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e_members'
down_revision = 'e_state'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('password_expires_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('search_text', sa.String(length=300), nullable=False,
                                      server_default=''))
    from contest.dbtypes import fold

    bind = op.get_bind()
    users = sa.table('user_account', sa.column('id', sa.Integer), sa.column('username', sa.String),
                     sa.column('full_name', sa.String), sa.column('search_text', sa.String))
    for row in bind.execute(sa.select(users.c.id, users.c.username, users.c.full_name)).all():
        bind.execute(users.update().where(users.c.id == row.id)
                     .values(search_text=fold(f"{row.full_name} {row.username}")[:300]))
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.alter_column('must_change_password', server_default=None)
        batch_op.alter_column('search_text', server_default=None)


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('search_text')
        batch_op.drop_column('password_expires_at')
        batch_op.drop_column('must_change_password')
