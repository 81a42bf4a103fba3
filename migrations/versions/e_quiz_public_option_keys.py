"""public option keys per drawn question: the ids members see carry no information

Every attempt question gets `option_keys`, {public key: option id}: members see and send the
keys, never the option ids (which follow the order the author wrote the options in, right answer
first). New attempts get random keys (contest/rounds/options.py).

Rows drawn before this migration keep the ids their members were already shown: their key for an
option is the option's id. Nothing is revealed that those members had not seen, an attempt in
progress during the upgrade goes on working (its open page and any answers queued offline on the
phone carry those ids), and every saved answer (`selected`, real option ids, untouched) still
shows as chosen on its page and review.

Revision ID: e_quiz
Revises: e_holes
Create Date: 2026-12-02 15:10:00

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e_quiz'
down_revision = 'e_holes'
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade():
    with op.batch_alter_table('attempt_question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('option_keys', sa.JSON(), nullable=True))
    _keys_for_existing_rows()
    with op.batch_alter_table('attempt_question', schema=None) as batch_op:
        batch_op.alter_column('option_keys', existing_type=sa.JSON(), nullable=False)


def _keys_for_existing_rows():
    conn = op.get_bind()
    table = sa.table("attempt_question", sa.column("id", sa.Integer),
                     sa.column("option_order", sa.JSON), sa.column("option_keys", sa.JSON))
    last = 0
    while True:
        rows = conn.execute(
            sa.select(table.c.id, table.c.option_order).where(table.c.id > last)
            .order_by(table.c.id).limit(BATCH)).all()
        if not rows:
            return
        for row_id, order in rows:
            if isinstance(order, str):  # a driver that hands JSON back as text
                order = json.loads(order)
            conn.execute(table.update().where(table.c.id == row_id).values(
                option_keys={str(option_id): option_id for option_id in order or []}))
        last = rows[-1][0]


def downgrade():
    with op.batch_alter_table('attempt_question', schema=None) as batch_op:
        batch_op.drop_column('option_keys')
