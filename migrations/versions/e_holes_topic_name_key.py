"""topic names: one topic per name under a parent (topic.name_key, unique per parent)

Revision ID: e_holes
Revises: e_accounts
Create Date: 2026-12-02 15:30:00

Fills ``topic.name_key`` with ``topic_key(name)`` (NFC, case-folded, spaces collapsed) and
cleans the stored names the same way. Topics that already have the same key under the same
parent are all kept, questions and all: the oldest keeps the key, each later one gets a key
of its own (the key, a line break and its id; a real key never holds a line break) so the
unique indexes can be made, and the migration prints them so an organizer can rename or
merge them. Renaming such a topic gives it its real key again.

"""
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "e_holes"
down_revision = "e_accounts"
branch_labels = None
depends_on = None


# Frozen copies of question_bank.models.clean_topic_name and topic_key as of this revision.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def clean_topic_name(name):
    return " ".join(unicodedata.normalize("NFC", name or "").translate(_INVISIBLE).split())


def topic_key(name):
    return unicodedata.normalize("NFC", clean_topic_name(name).casefold())


def upgrade():
    with op.batch_alter_table("topic", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=600), nullable=True))

    conn = op.get_bind()
    topic = sa.table("topic", sa.column("id", sa.Integer), sa.column("name", sa.String),
                     sa.column("name_key", sa.String), sa.column("parent_id", sa.Integer))
    rows = conn.execute(sa.select(topic.c.id, topic.c.name, topic.c.parent_id).order_by(topic.c.id)).all()
    first: dict = {}
    duplicates = []
    for id_, name, parent_id in rows:
        name = clean_topic_name(name) or f"#{id_}"
        key = topic_key(name)
        if (parent_id, key) in first:
            duplicates.append((id_, name, first[(parent_id, key)]))
            key = f"{key}\n{id_}"
        else:
            first[(parent_id, key)] = id_
        conn.execute(topic.update().where(topic.c.id == id_).values(name=name, name_key=key))
    if duplicates:
        print(f"e_holes: {len(duplicates)} topics have the name of an older topic under the same parent; "
              "they are kept as they are. Rename or merge them:")
        for id_, name, older in duplicates:
            print(f"  topic {id_} \u201c{name}\u201d (same as topic {older})")

    with op.batch_alter_table("topic", schema=None) as batch_op:
        batch_op.alter_column("name_key", existing_type=sa.String(length=600), nullable=False)
        batch_op.create_index("uq_topic_parent_name_key", ["parent_id", "name_key"], unique=True)
        batch_op.create_index("uq_topic_top_name_key", ["name_key"], unique=True,
                              sqlite_where=sa.text("parent_id IS NULL"),
                              postgresql_where=sa.text("parent_id IS NULL"))


def downgrade():
    with op.batch_alter_table("topic", schema=None) as batch_op:
        batch_op.drop_index("uq_topic_top_name_key", sqlite_where=sa.text("parent_id IS NULL"),
                            postgresql_where=sa.text("parent_id IS NULL"))
        batch_op.drop_index("uq_topic_parent_name_key")
        batch_op.drop_column("name_key")
