"""Writing questions into the bank: shared by pages, API, importer and demo data."""
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from contest.audit.service import record, record_change
from contest.dbtypes import fold, nfc
from contest.extensions import db
from contest.rounds.models import Attempt, AttemptQuestion
from question_bank.analysis import Response
from question_bank.candidates import forget_candidates
from question_bank.formats.common import OptionDraft, QuestionDraft
from question_bank.models import (STATUSES, Option, Question, QuestionVersion, Topic, clean_topic_name,
                                  topic_key)

TRUE_FALSE_OPTIONS = ("Đúng", "Sai")


def fingerprint(text: str, options: list[tuple[str, bool]]) -> str:
    """Same normalized text and options within the bank = a duplicate (as the importer sees it)."""
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
    record("question.create", "question", question.id, before=None,
           after={k: v for k, v in question_state(question).items() if v not in (None, [])})
    return question


def question_state(question: Question) -> dict:
    """What the audit log compares when a question changes: its fields and its current version."""
    version = question.current
    return {"topic_id": question.topic_id, "status": question.status, "difficulty": question.difficulty,
            "title": question.title, "source_note": question.source_note, "tags": list(question.tags or []),
            "version": version.number if version else None, "kind": version.kind if version else None,
            "text": version.text if version else None,
            "explanation": version.explanation if version else None,
            "options": [[o.text, bool(o.is_correct)] for o in version.options] if version else []}


def topic_named(name: str, parent_id: int | None, *, exclude_id: int | None = None) -> Topic | None:
    """The topic under ``parent_id`` (None: the top level) whose name is the same as ``name``
    by ``topic_key`` (case, Unicode form and spacing do not matter)."""
    stmt = select(Topic).where(Topic.parent_id.is_(None) if parent_id is None else Topic.parent_id == parent_id,
                               Topic.name_key == topic_key(name))
    if exclude_id is not None:
        stmt = stmt.where(Topic.id != exclude_id)
    return db.session.execute(stmt.order_by(Topic.id)).scalars().first()


def topic_by_path(path: list[str], cache: dict | None = None) -> Topic:
    """Find or create the topic at a path of names ("Tư tưởng/Đại đoàn kết"). Each name finds
    the existing topic whose name is the same by ``topic_key`` ("đạo đức  hồ chí minh" finds
    "Đạo đức Hồ Chí Minh")."""
    parent_id = None
    topic = None
    for name in [clean_topic_name(p) for p in path]:
        if not name:
            continue
        key = (parent_id, topic_key(name))
        topic = cache.get(key) if cache is not None else None
        if topic is None:
            topic = topic_named(name, parent_id)
            if topic is None:
                topic = _add_topic(name, parent_id)
            if cache is not None:
                cache[key] = topic
        parent_id = topic.id
    return topic


def _add_topic(name: str, parent_id: int | None) -> Topic:
    """Insert a topic; when a simultaneous request has just inserted the same one, use that."""
    topic = Topic(name=name, parent_id=parent_id)
    try:
        with db.session.begin_nested():
            db.session.add(topic)
    except IntegrityError:
        found = topic_named(name, parent_id)
        if found is None:
            raise
        return found
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


# --- topics ---------------------------------------------------------------------------------

def topic_parents() -> dict[int, int | None]:
    return dict(db.session.execute(select(Topic.id, Topic.parent_id)).all())


def topic_descendants(topic_id: int, parents: dict | None = None) -> set[int]:
    """The topic and every topic below it."""
    parents = topic_parents() if parents is None else parents
    children: dict = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)
    found, stack = set(), [topic_id]
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.add(current)
        stack.extend(children.get(current, []))
    return found


def topic_tree() -> list[tuple[Topic, int]]:
    """Every topic with its depth, parents before children, siblings by name."""
    topics = db.session.execute(select(Topic)).scalars().all()
    children: dict = {}
    ids = {t.id for t in topics}
    for t in topics:
        parent = t.parent_id if t.parent_id in ids else None
        children.setdefault(parent, []).append(t)
    out: list[tuple[Topic, int]] = []

    def walk(parent, depth, seen):
        for t in sorted(children.get(parent, []), key=lambda t: fold(t.name)):
            if t.id in seen:
                continue
            out.append((t, depth))
            walk(t.id, depth + 1, seen | {t.id})

    walk(None, 0, frozenset())
    return out


def topic_path(topic: Topic | None) -> list[str]:
    names, seen = [], set()
    while topic is not None and topic.id not in seen:
        seen.add(topic.id)
        names.append(topic.name)
        topic = topic.parent
    return list(reversed(names))


def topic_question_counts() -> dict[int | None, int]:
    return dict(db.session.execute(
        select(Question.topic_id, func.count()).group_by(Question.topic_id)).all())


class TopicMoveRefused(ValueError):
    pass


class TopicNameTaken(ValueError):
    """Another topic under the same parent has the same name (by ``topic_key``)."""

    def __init__(self, existing: Topic):
        super().__init__(existing.name)
        self.existing = existing


class TopicNameEmpty(ValueError):
    pass


def name_taken_message(existing: Topic) -> str:
    """What the organizer reads when a topic of the same name is already there."""
    from flask_babel import gettext as _

    if existing.parent is None:
        return _("There is already a top-level topic named “%(name)s”.", name=existing.name)
    return _("“%(parent)s” already has a sub-topic named “%(name)s”.",
             parent=" / ".join(topic_path(existing.parent)), name=existing.name)


def save_topic(topic: Topic | None, name: str, parent_id: int | None) -> Topic:
    """Create a topic (``topic`` None) or rename and move one: the pages and the API.

    Raises ``TopicNameEmpty``, ``TopicMoveRefused`` (under itself or a sub-topic) or
    ``TopicNameTaken`` when the parent already has a topic of the same name by ``topic_key``
    ("đạo đức  hồ chí minh" beside "Đạo đức Hồ Chí Minh"). Nothing is changed then.
    Flushes; the caller commits."""
    name = clean_topic_name(name)
    if not name:
        raise TopicNameEmpty()
    if topic is not None and parent_id is not None and parent_id in topic_descendants(topic.id):
        raise TopicMoveRefused("cycle")
    existing = topic_named(name, parent_id, exclude_id=topic.id if topic is not None else None)
    if existing is not None:
        raise TopicNameTaken(existing)
    before = None if topic is None else {"name": topic.name, "parent_id": topic.parent_id}
    try:
        with db.session.begin_nested():
            if topic is None:
                topic = Topic(name=name, parent_id=parent_id)
                db.session.add(topic)
            else:
                topic.name, topic.parent_id = name, parent_id
    except IntegrityError:  # a simultaneous request took the name
        existing = topic_named(name, parent_id, exclude_id=topic.id if topic.id else None)
        if existing is None:
            raise
        raise TopicNameTaken(existing) from None
    after = {"name": topic.name, "parent_id": topic.parent_id}
    if before is None:
        record("topic.create", "topic", topic.id, after=after)
    else:
        record_change("topic.update", "topic", topic.id, before, after)
    return topic


# --- listing --------------------------------------------------------------------------------

def question_query(*, q: str | None = None, topic_id: int | None = None, kind: str | None = None,
                   difficulty: int | None = None, status: str | None = None,
                   subtopics: bool = True):
    """A SELECT of questions matching the bank filters (no order). Search ignores diacritics
    and case: every word must appear in the question text, title or options."""
    stmt = select(Question)
    if topic_id:
        if subtopics:
            stmt = stmt.where(Question.topic_id.in_(sorted(topic_descendants(topic_id))))
        else:
            stmt = stmt.where(Question.topic_id == topic_id)
    if status:
        stmt = stmt.where(Question.status == status)
    if difficulty is not None:
        stmt = stmt.where(Question.difficulty.is_(None) if difficulty == 0
                          else Question.difficulty == difficulty)
    if kind:
        stmt = stmt.join(QuestionVersion, QuestionVersion.id == Question.current_version_id) \
            .where(QuestionVersion.kind == kind)
    for word in fold(q or "").split():
        stmt = stmt.where(Question.search_text.contains(word, autoescape=True))
    return stmt


# --- editing, versions, status ---------------------------------------------------------------

def version_in_use(version_id: int) -> bool:
    """Has any attempt drawn this version? Then it is frozen."""
    return db.session.execute(
        select(AttemptQuestion.id).where(AttemptQuestion.version_id == version_id).limit(1)
    ).first() is not None


def edit_question(question: Question, *, text, kind, options, explanation=None, user_id=None,
                  **fields) -> bool:
    """Change a question. Wording, kind, options and explanation live in a version: if an attempt
    has drawn the current version, a new version N+1 is made (attempts keep the one they drew, so
    past scores and reviews never change); otherwise the current version is edited in place.
    `fields` may set topic_id, difficulty, status, source_note, tags, title (not versioned).
    Returns True when a new version was created. One audit row (``question.update``) holds the
    changed fields (``version`` among them when a new one is made). Caller commits."""
    before = question_state(question)
    options = [(nfc(t), bool(c)) for t, c in options]
    text, explanation = nfc(text), nfc(explanation) or None
    for key in ("source_note", "title"):
        if key in fields:
            fields[key] = nfc(fields[key]) or None
    if "tags" in fields:
        fields["tags"] = list(fields["tags"] or [])
    for key, value in fields.items():
        if key not in ("topic_id", "difficulty", "status", "source_note", "tags", "title"):
            raise TypeError(f"unknown field {key}")
        setattr(question, key, value)
    current = question.current
    same = current is not None and (
        current.text == text and current.kind == kind and (current.explanation or None) == explanation
        and [(o.text, o.is_correct) for o in current.options] == options)
    created = False
    if not same:
        if current is None or version_in_use(current.id):
            number = max((v.number for v in question.versions), default=0) + 1
            version = QuestionVersion(number=number, kind=kind, text=text, explanation=explanation,
                                      created_by_id=user_id)
            version.options = [Option(position=i, text=t, is_correct=c) for i, (t, c) in enumerate(options)]
            question.versions.append(version)
            db.session.flush()
            question.current = version
            created = True
        else:
            current.text, current.kind, current.explanation = text, kind, explanation
            current.options = [Option(position=i, text=t, is_correct=c) for i, (t, c) in enumerate(options)]
            if user_id is not None:
                current.created_by_id = user_id
        question.fingerprint = fingerprint(text, options)
    db.session.flush()
    question.refresh_search_text()
    record_change("question.update", "question", question.id, before, question_state(question))
    return created


def set_status(question_ids, status: str) -> int:
    """Approve, retire or send back to draft. Only approved questions are drawn. Caller commits."""
    if status not in STATUSES:
        raise ValueError(status)
    ids = [int(i) for i in question_ids]
    if not ids:
        return 0
    questions = db.session.execute(select(Question).where(Question.id.in_(ids))).scalars().all()
    for q in questions:
        if q.status != status:  # one audit row per question whose status changes
            record(status_action(q.status, status), "question", q.id, before={"status": q.status},
                   after={"status": status})
        q.status = status
    return len(questions)


def status_action(old: str, new: str) -> str:
    """The audit action of a status change.

    >>> status_action("approved", "retired"), status_action("retired", "approved")
    ('question.retire', 'question.restore')
    >>> status_action("draft", "approved"), status_action("approved", "draft")
    ('question.approve', 'question.draft')
    """
    if new == "retired":
        return "question.retire"
    if old == "retired":
        return "question.restore"
    return "question.approve" if new == "approved" else "question.draft"


def move_questions(question_ids, topic_id: int | None) -> int:
    ids = [int(i) for i in question_ids]
    questions = db.session.execute(select(Question).where(Question.id.in_(ids))).scalars().all()
    for q in questions:
        if q.topic_id != topic_id:
            record("question.move", "question", q.id, before={"topic_id": q.topic_id}, after={"topic_id": topic_id})
        q.topic_id = topic_id
    return len(questions)


def bank_changed() -> None:
    """Draws cache the approved bank briefly; forget it after any change to statuses or topics."""
    forget_candidates()


# --- export ---------------------------------------------------------------------------------

def question_drafts(questions) -> list:
    """Bank questions as format drafts (with their full topic path), ready for formats.export."""
    paths: dict = {}
    drafts = []
    for q in questions:
        version = q.current
        if version is None:
            continue
        if q.topic_id not in paths:
            paths[q.topic_id] = topic_path(q.topic)
        drafts.append(QuestionDraft(
            text=version.text, kind=version.kind,
            options=[OptionDraft(o.text, o.is_correct) for o in version.options],
            topic_path=list(paths[q.topic_id]), title=q.title or "",
            explanation=version.explanation or "", source_note=q.source_note or "",
            tags=list(q.tags or []), difficulty=q.difficulty))
    return drafts


# --- item analysis input ----------------------------------------------------------------------

def responses(*, round_id: int | None = None, question_ids=None) -> list:
    """Finished attempts' answers as analysis.Response values (one query)."""
    stmt = (select(AttemptQuestion.attempt_id, AttemptQuestion.question_id, AttemptQuestion.selected,
                   AttemptQuestion.is_correct, Attempt.correct_count, Attempt.question_count)
            .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
            .where(Attempt.status != "in_progress"))
    if round_id is not None:
        stmt = stmt.where(Attempt.round_id == round_id)
    if question_ids is not None:
        stmt = stmt.where(AttemptQuestion.question_id.in_(list(question_ids)))
    return [Response(attempt_id=a, question_id=q, selected=tuple(sel or ()), correct=bool(ok),
                     attempt_correct=cc or 0, attempt_items=qc or 0)
            for a, q, sel, ok, cc, qc in db.session.execute(stmt)]


def question_statistics_table(round_id: int):
    """The round's item analysis as a sheet of its report (api-v1.md: "question statistics"):
    per question seen, its text, how often it was seen and answered right, its discrimination and
    what needs checking — the flags of the round's analysis page, hardest-to-trust first."""
    from flask_babel import gettext as _
    from sqlalchemy.orm import selectinload

    from contest.exports.writer import Column, Table
    from question_bank import analysis

    stats = analysis.item_stats(responses(round_id=round_id))
    texts = {q.id: q.current.text if q.current else "" for q in db.session.execute(
        select(Question).where(Question.id.in_(list(stats))).options(selectinload(Question.current))).scalars()}
    ordered = sorted(stats.values(), key=lambda s: (
        not s.needs_check, s.discrimination if s.discrimination is not None else 2, s.question_id))
    columns = [Column(_("Question"), "int"), Column(_("Question text"), "text"), Column(_("Times drawn"), "int"),
               Column(_("Answered right"), "int"), Column(_("Left unanswered"), "int"),
               Column(_("Facility"), "percent"), Column(_("Discrimination"), "float"),
               Column(_("To check"), "text")]
    rows = [(s.question_id, texts.get(s.question_id, ""), s.seen, s.correct, s.unanswered, s.facility,
             round(s.discrimination, 2) if s.discrimination is not None else None,
             " ".join(f.message for f in s.flags)) for s in ordered]
    return Table(_("Item analysis"), columns, rows)
