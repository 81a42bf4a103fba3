"""A round's lifecycle beyond its form: copy it (next week's round is last week's with new dates),
delete it while nobody has taken it, and count each round's real participants.

It lives in standings because a round is spread over rounds (the round), essays (its essay
settings, entries, drafts), judging (criteria, settings, panel) and standings (frozen ranks and
unit participation): only standings may use them all.

- ``copy_round``: same kind and settings (draw, prizes; a writing round's essay settings, its
  first-stage criteria and whether scores are normalized), the title suffixed "(bản sao)", the
  window one week later unless another is given. Audited ``round.copy``.
- ``delete_round``: only with no attempt and no entry (nor a member's draft of one), otherwise
  ``Refusal("round_taken", 409)`` saying how many; audited ``round.delete`` with the round's fields.
- ``participant_counts``: quiz = distinct members with an attempt, writing = entries; one query
  for every round.
"""
from datetime import datetime, timedelta

from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import delete, func, select, union_all

from contest.audit.service import record
from contest.errors import Refusal
from contest.essays.models import EntryDraft, EssaySettings, Entry, ReferenceText
from contest.extensions import db
from contest.judging.criteria import criteria_rows, set_criteria
from contest.judging.models import Criterion, JudgingSettings, PanelJudge, Stage
from contest.judging.round_audit import round_snapshot
from contest.rounds.models import Attempt, ExtraTime, Round
from contest.rounds.schedule import FIELDS, apply_round_fields
from contest.standings.models import Standing, UnitParticipation

COPY_SHIFT = timedelta(days=7)
TITLE_MAX = 300


def proposed_window(opens_at: datetime, closes_at: datetime, shift: timedelta = COPY_SHIFT):
    """The copy's window: the same one, a week later.

    >>> from datetime import timezone
    >>> opens = datetime(2026, 12, 7, 1, 0, tzinfo=timezone.utc)
    >>> [d.isoformat() for d in proposed_window(opens, opens + timedelta(days=6, hours=14))]
    ['2026-12-14T01:00:00+00:00', '2026-12-20T15:00:00+00:00']
    """
    return opens_at + shift, closes_at + shift


def copy_title(title: str, suffix: str) -> str:
    """The copy's title: the round's, then the suffix, within the title's 300 characters.

    >>> copy_title("Tuần thi thứ hai", "(bản sao)")
    'Tuần thi thứ hai (bản sao)'
    >>> len(copy_title("x" * 300, "(bản sao)"))
    300
    """
    tail = " " + suffix
    return title[:TITLE_MAX - len(tail)].rstrip() + tail


def copy_round(round_: Round, opens_at: datetime | None = None, closes_at: datetime | None = None,
               actor=None) -> Round:
    """A new round of the same contest, kind and settings, with the window given or proposed
    (a missing end keeps the original's length). Raises RoundInvalid like a new round's form.
    Flushes; the caller commits."""
    proposed_open, proposed_close = proposed_window(round_.opens_at, round_.closes_at)
    if opens_at is None and closes_at is not None:
        opens_at = closes_at - (round_.closes_at - round_.opens_at)
    opens_at = opens_at or proposed_open
    closes_at = closes_at or (opens_at + (round_.closes_at - round_.opens_at))
    data = {field: getattr(round_, field) for field in FIELDS}
    data.update(title=copy_title(round_.title, str(_l("(copy)"))), opens_at=opens_at, closes_at=closes_at)
    copy = Round(contest_id=round_.contest_id)
    db.session.add(copy)
    apply_round_fields(copy, data, creating=True)
    db.session.flush()
    if round_.kind == "essay":
        settings = db.session.get(EssaySettings, round_.id)
        if settings is not None:
            db.session.add(EssaySettings(round_id=copy.id, **{
                f: getattr(settings, f) for f in ("allowed_kinds", "max_file_bytes", "require_declaration",
                                                  "declaration_text", "similarity_limit")}))
        judging = db.session.get(JudgingSettings, round_.id)
        if judging is not None:
            db.session.add(JudgingSettings(round_id=copy.id, current_stage=1,
                                           normalize_scores=judging.normalize_scores))
        set_criteria(copy, [{"name": c.name, "max_points": c.max_points, "weight": c.weight}
                            for c in criteria_rows(round_.id)])
    db.session.flush()
    after = {k: v for k, v in round_snapshot(copy).items() if v is not None}
    record("round.copy", "round", copy.id, actor=actor, before={"copied_from": round_.id}, after=after,
           round_id=copy.id, contest_id=copy.contest_id)
    return copy


def taken_by(round_: Round) -> tuple[int, int, int]:
    """(attempts, entries, drafts) of the round: what forbids deleting it."""
    attempts = db.session.scalar(select(func.count()).select_from(Attempt).where(Attempt.round_id == round_.id))
    entries = db.session.scalar(select(func.count()).select_from(Entry).where(Entry.round_id == round_.id))
    drafts = db.session.scalar(select(func.count()).select_from(EntryDraft).where(EntryDraft.round_id == round_.id))
    return attempts, entries, drafts


def taken_reason(attempts: int, entries: int, drafts: int) -> str | None:
    """Why the round cannot be deleted, in the user's words; None when nobody has taken it."""
    if attempts:
        return _("Attempts already taken: %(num)s. The round cannot be deleted.", num=attempts)
    if entries:
        return _("Entries already submitted: %(num)s. The round cannot be deleted.", num=entries)
    if drafts:
        return _("Members already writing an entry: %(num)s. The round cannot be deleted.", num=drafts)
    return None


def delete_round(round_: Round, actor=None) -> None:
    """Delete a round nobody has taken, with what belongs to it alone (settings, criteria, panel,
    stages, reference texts, an empty frozen table, extra time granted); else 409 ``round_taken`` with the reason.
    Audited ``round.delete`` with the round's fields. Flushes; the caller commits."""
    reason = taken_reason(*taken_by(round_))
    if reason is not None:
        raise Refusal("round_taken", 409, reason)
    before = {k: v for k, v in round_snapshot(round_).items() if v is not None}
    round_id, contest_id = round_.id, round_.contest_id
    for model in (Criterion, PanelJudge, Stage, JudgingSettings, EssaySettings, ReferenceText,
                  Standing, UnitParticipation, ExtraTime):
        db.session.execute(delete(model).where(model.round_id == round_id))
    db.session.delete(round_)
    record("round.delete", "round", round_id, actor=actor, before=before, round_id=round_id,
           contest_id=contest_id)
    db.session.flush()


def participant_counts(round_ids: list[int]) -> dict[int, int]:
    """{round id: participants} in one query: a quiz round's distinct members with an attempt,
    a writing round's entries (one per member). Rounds nobody took are absent (0)."""
    if not round_ids:
        return {}
    quiz = (select(Attempt.round_id.label("round_id"), func.count(func.distinct(Attempt.user_id)).label("n"))
            .where(Attempt.round_id.in_(round_ids)).group_by(Attempt.round_id))
    essay = (select(Entry.round_id.label("round_id"), func.count(Entry.id).label("n"))
             .where(Entry.round_id.in_(round_ids)).group_by(Entry.round_id))
    rows = db.session.execute(union_all(quiz, essay)).all()
    counts: dict[int, int] = {}
    for round_id, n in rows:
        counts[round_id] = counts.get(round_id, 0) + n
    return counts

