"""Import parsed questions into the bank: all or nothing, duplicates skipped and counted."""
from dataclasses import dataclass

from sqlalchemy import insert, select, update

from contest.audit.service import record
from contest.dbtypes import fold, nfc
from contest.extensions import db
from question_bank import formats
from question_bank.candidates import forget_candidates
from question_bank.models import Option, Question, QuestionVersion, Topic
from question_bank.service import topic_by_path


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
    pending: list = []
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
            pending.append((draft, topic.id if topic else None, key))
            if len(pending) >= BATCH:
                _insert(pending, status, user_id)
                pending = []
            report.imported += 1
        _insert(pending, status, user_id)
        report.topics_created = db.session.execute(
            select(db.func.count(Topic.id))).scalar_one() - topics_before
        # One audit row for the whole file, with its counts, committed with the questions.
        record("question.import", "question_bank", None, before=None,
               after={"imported": report.imported, "duplicates_skipped": report.duplicates_skipped,
                      "topics_created": report.topics_created, "status": status, "topic_id": topic_id})
        # Committed here, not by the request: the draw's candidate cache is cleared below, after
        # the commit, so that no other request re-caches the bank as it was before the import.
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    forget_candidates()
    return report


BATCH = 1000


def _insert(pending, status, user_id) -> None:
    """Insert questions, their first versions and options in a few statements per batch (the
    same rows create_question makes one by one; 10,000 questions import in seconds)."""
    if not pending:
        return
    question_rows, version_rows = [], []
    for draft, topic_id, key in pending:
        text = nfc(draft.text)
        options = [nfc(o.text) for o in draft.options]
        title = nfc(draft.title) or None
        question_rows.append({
            "topic_id": topic_id, "status": status, "difficulty": draft.difficulty, "title": title,
            "source_note": nfc(draft.source_note) or None, "tags": list(draft.tags or []),
            "fingerprint": key, "search_text": fold(" ".join([text, title or ""] + options))})
        version_rows.append({"number": 1, "kind": draft.kind, "text": text,
                             "explanation": nfc(draft.explanation) or None, "created_by_id": user_id})
    question_ids = db.session.execute(
        insert(Question).returning(Question.id, sort_by_parameter_order=True), question_rows).scalars().all()
    for row, question_id in zip(version_rows, question_ids):
        row["question_id"] = question_id
    version_ids = db.session.execute(
        insert(QuestionVersion).returning(QuestionVersion.id, sort_by_parameter_order=True),
        version_rows).scalars().all()
    option_rows = [{"version_id": version_id, "position": i, "text": nfc(o.text), "is_correct": bool(o.is_correct)}
                   for (draft, _, _), version_id in zip(pending, version_ids)
                   for i, o in enumerate(draft.options)]
    db.session.execute(insert(Option), option_rows)
    db.session.execute(update(Question), [{"id": q, "current_version_id": v}
                                          for q, v in zip(question_ids, version_ids)])


def _child_path(base: Topic, path: list[str], cache: dict) -> Topic:
    names = []
    node = base
    while node is not None:
        names.append(node.name)
        node = node.parent
    return topic_by_path(list(reversed(names)) + list(path), cache)
