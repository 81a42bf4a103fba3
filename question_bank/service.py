"""Writing questions into the bank: shared by pages, API, importer and demo data."""
from sqlalchemy import func, select

from contest.dbtypes import fold, nfc
from contest.extensions import db
from question_bank.models import Option, Question, QuestionVersion, Topic

TRUE_FALSE_OPTIONS = ("Đúng", "Sai")


def fingerprint(text: str, options: list[tuple[str, bool]]) -> str:
    """Same normalized text and options within the bank = a duplicate (as the importer sees it)."""
    from question_bank.formats.common import OptionDraft, QuestionDraft

    return QuestionDraft(text=text, kind="", options=[OptionDraft(t, c) for t, c in options]).fingerprint()


def create_question(*, text, kind, options, topic_id=None, difficulty=None, status="draft",
                    explanation=None, source_note=None, tags=None, title=None,
                    user_id=None) -> Question:
    """options: [(text, is_correct)] in display order. Caller commits."""
    options = [(nfc(t), bool(c)) for t, c in options]
    question = Question(topic_id=topic_id, status=status, difficulty=difficulty,
                        title=nfc(title) or None, source_note=nfc(source_note) or None,
                        tags=list(tags or []), fingerprint=fingerprint(text, options))
    version = QuestionVersion(number=1, kind=kind, text=nfc(text),
                              explanation=nfc(explanation) or None, created_by_id=user_id)
    version.options = [Option(position=i, text=t, is_correct=c) for i, (t, c) in enumerate(options)]
    question.versions.append(version)
    db.session.add(question)
    db.session.flush()
    question.current = version
    question.refresh_search_text()
    return question


def topic_by_path(path: list[str], cache: dict | None = None) -> Topic:
    """Find or create the topic at a path of names ("Tư tưởng/Đại đoàn kết")."""
    parent_id = None
    topic = None
    for name in [nfc(p) for p in path if p and p.strip()]:
        key = (parent_id, fold(name))
        topic = cache.get(key) if cache is not None else None
        if topic is None:
            topic = db.session.execute(
                select(Topic).where(Topic.parent_id.is_(parent_id) if parent_id is None
                                    else Topic.parent_id == parent_id,
                                    func.lower(Topic.name) == name.lower())
            ).scalars().first()
            if topic is None:
                topic = Topic(name=name, parent_id=parent_id)
                db.session.add(topic)
                db.session.flush()
            if cache is not None:
                cache[key] = topic
        parent_id = topic.id
    return topic


def question_dict(q: Question, with_key: bool = True) -> dict:
    version = q.current
    return {
        "id": q.id, "topic_id": q.topic_id, "kind": version.kind if version else None,
        "text": version.text if version else "", "difficulty": q.difficulty, "status": q.status,
        "title": q.title, "explanation": version.explanation if version else None,
        "source_note": q.source_note, "tags": q.tags or [],
        "version": version.number if version else None,
        "options": [{"id": o.id, "text": o.text, **({"is_correct": o.is_correct} if with_key else {})}
                    for o in (version.options if version else [])],
    }
