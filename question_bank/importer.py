"""Import parsed questions into the bank: all or nothing, duplicates skipped and counted."""
from dataclasses import dataclass

from sqlalchemy import select

from contest.extensions import db
from question_bank import formats
from question_bank.models import Question, Topic
from question_bank.service import create_question, topic_by_path


@dataclass
class ImportReport:
    imported: int = 0
    duplicates_skipped: int = 0
    topics_created: int = 0
    errors: list | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def import_file(data: bytes, *, format: str | None = None, filename: str | None = None,
                topic_id: int | None = None, status: str = "approved",
                user_id: int | None = None) -> ImportReport:
    """Parse and import. Any bad question: nothing is imported and every error is returned."""
    result = formats.parse(data, format=format, filename=filename)
    if result.errors:
        return ImportReport(errors=result.errors)
    return import_drafts(result.questions, topic_id=topic_id, status=status, user_id=user_id)


def import_drafts(drafts, *, topic_id=None, status="approved", user_id=None) -> ImportReport:
    report = ImportReport()
    base = db.session.get(Topic, topic_id) if topic_id else None
    topics_before = db.session.execute(select(db.func.count(Topic.id))).scalar_one()
    known = set(db.session.execute(
        select(Question.fingerprint).where(Question.fingerprint.is_not(None))).scalars())
    cache: dict = {}
    try:
        for draft in drafts:
            key = draft.fingerprint()
            if key in known:
                report.duplicates_skipped += 1
                continue
            known.add(key)
            topic = base
            if draft.topic_path:
                if base is not None:
                    topic = _child_path(base, draft.topic_path, cache)
                else:
                    topic = topic_by_path(draft.topic_path, cache)
            create_question(
                text=draft.text, kind=draft.kind,
                options=[(o.text, o.is_correct) for o in draft.options],
                topic_id=topic.id if topic else None, difficulty=draft.difficulty, status=status,
                explanation=draft.explanation or None, source_note=draft.source_note or None,
                tags=draft.tags, title=draft.title or None, user_id=user_id)
            report.imported += 1
        report.topics_created = db.session.execute(
            select(db.func.count(Topic.id))).scalar_one() - topics_before
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    from contest.rounds.service import forget_candidates

    forget_candidates()
    return report


def _child_path(base: Topic, path: list[str], cache: dict) -> Topic:
    names = []
    node = base
    while node is not None:
        names.append(node.name)
        node = node.parent
    return topic_by_path(list(reversed(names)) + list(path), cache)
