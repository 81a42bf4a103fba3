"""Taking a quiz round: start, save, submit, expire. Shared by the HTML pages and the API.

The invariants are kept where two simultaneous requests meet, in the database:
- start: a unique (round, member, number) and a partial unique index on in-progress attempts;
- save: the attempt row is read FOR SHARE (inside the save's one conditional UPDATE), so a save
  and a submit never interleave;
- submit/expire: a conditional UPDATE ... WHERE status = 'in_progress' finishes an attempt once.
"""
import random
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, cast, func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from contest.clock import utcnow
from contest.dbtypes import UTCDateTime
from contest.errors import Refusal
from contest.extensions import db
from contest.rounds import options as option_rules
from contest.rounds import timing, visibility
from contest.rounds.models import Attempt, AttemptQuestion, ExtraTime, Round
from contest.rounds.scoring import QuestionKey, score_attempt
from question_bank.candidates import load_candidates
from question_bank.draw import draw_questions
from question_bank.models import Option, Question, QuestionVersion


# The refusals of taking a round, each with its API code, status and the member's message.
def _refusal(code: str) -> Refusal:
    status, message = {
        "round_not_open": (403, _l("This round is not open right now.")),
        "attempts_exhausted": (409, _l("You have used all your attempts for this round.")),
        "attempt_closed": (409, _l("Time is up: this attempt no longer accepts answers.")),
        "invalid_option": (422, _l("That option does not belong to this question.")),
        "round_not_ready": (409, _l("This round cannot draw its questions right now. Please tell the organizers.")),
        "not_found": (404, _l("Not found.")),
    }[code]
    return Refusal(code, status, message)


# --- attempts ------------------------------------------------------------------------------

def finished_count(round_id: int, user_id: int) -> int:
    return db.session.execute(
        select(func.count()).select_from(Attempt).where(
            Attempt.round_id == round_id, Attempt.user_id == user_id,
            Attempt.status != "in_progress")
    ).scalar_one()


def in_progress(round_id: int, user_id: int) -> Attempt | None:
    return db.session.execute(
        select(Attempt).where(Attempt.round_id == round_id, Attempt.user_id == user_id,
                              Attempt.status == "in_progress")
    ).scalar_one_or_none()


def attempts_left(round_: Round, user_id: int) -> int | None:
    if round_.max_attempts is None:
        return None
    return max(0, round_.max_attempts - finished_count(round_.id, user_id))


def start_attempt(round_: Round, user, rng: random.Random | None = None,
                  address: str | None = None) -> tuple[Attempt, bool]:
    """Return (attempt, created). An attempt already in progress is returned, not doubled.
    `address` is the client's, kept with a new attempt for the organizers' flags (flags.py)."""
    now = utcnow()
    expire_overdue(round_id=round_.id, user_id=user.id)
    current = in_progress(round_.id, user.id)
    if current is not None:
        return current, False
    if round_.kind != "quiz" or timing.round_state(now, round_.opens_at, round_.closes_at) != "open" \
            or not visibility.accepts_new_work(round_.contest):
        raise _refusal("round_not_open")
    previous = db.session.execute(
        select(Attempt.number, Attempt.id).where(Attempt.round_id == round_.id,
                                                 Attempt.user_id == user.id)
    ).all()
    if round_.max_attempts is not None and len(previous) >= round_.max_attempts:
        raise _refusal("attempts_exhausted")
    seen = set()
    if previous:
        seen = set(db.session.execute(
            select(AttemptQuestion.question_id).join(Attempt)
            .where(Attempt.round_id == round_.id, Attempt.user_id == user.id)
        ).scalars())
    # The candidate list is cached for a few seconds; a question retired meanwhile is caught
    # here (only approved questions get their version loaded) and the draw is made afresh.
    for fresh in (False, True):
        try:
            question_ids = draw_questions(
                load_candidates(use_cache=not fresh), question_count=round_.question_count,
                draw_spec=round_.draw, topic_ids=round_.topic_ids, seen=seen, rng=rng)
        except ValueError:
            raise _refusal("round_not_ready")
        versions = {
            v.question_id: v for v in db.session.execute(
                select(QuestionVersion)
                .join(Question, Question.current_version_id == QuestionVersion.id)
                .where(Question.id.in_(question_ids), Question.status == "approved")
            ).scalars()
        }
        if len(versions) == len(question_ids):
            break
    else:
        raise _refusal("round_not_ready")
    options: dict[int, list[tuple[int, str]]] = {}
    for version_id, option_id, option_text in db.session.execute(
        select(Option.version_id, Option.id, Option.text).where(
            Option.version_id.in_([v.id for v in versions.values()])).order_by(Option.position, Option.id)
    ):
        options.setdefault(version_id, []).append((option_id, option_text))

    attempt = Attempt(
        round_id=round_.id, user_id=user.id, number=max((n for n, _ in previous), default=0) + 1,
        status="in_progress", started_at=now,
        deadline=timing.attempt_deadline(now, round_.duration_seconds, round_.closes_at,
                                         extra_seconds(round_.id, user.id)),
        question_count=len(question_ids), started_from=address,
    )
    rows, taken = [], set()
    for position, qid in enumerate(question_ids, start=1):
        version = versions[qid]
        order, keys = option_rules.freeze(options.get(version.id, []), version.kind,
                                          round_.shuffle_options, taken, rng)
        rows.append({"question_id": qid, "version_id": version.id, "position": position,
                     "option_order": order, "option_keys": keys})
    try:
        with db.session.begin_nested():  # a savepoint: the unique indexes speak here if a twin raced us
            db.session.add(attempt)
            db.session.flush()  # the attempt's id
            db.session.execute(insert(AttemptQuestion), [{**row, "attempt_id": attempt.id} for row in rows])
    except IntegrityError:
        # A simultaneous request started one first: give back that one.
        current = in_progress(round_.id, user.id)
        if current is None:
            raise _refusal("attempts_exhausted")
        return current, False
    return attempt, True


# --- extra time (WCAG 2.2.1) ----------------------------------------------------------------

EXTRA_MINUTES_MAX = 600  # ten hours: more is a typo, not an accommodation


def extra_time(round_id: int, user_id: int) -> ExtraTime | None:
    return db.session.execute(
        select(ExtraTime).where(ExtraTime.round_id == round_id, ExtraTime.user_id == user_id)
    ).scalar_one_or_none()


def extra_seconds(round_id: int, user_id: int) -> int:
    grant = extra_time(round_id, user_id)
    return grant.seconds if grant is not None else 0


@dataclass
class ExtraTimeGranted:
    """What a grant changed, for the audit log (the pages and the API record it)."""
    grant: ExtraTime
    before_seconds: int
    attempt: Attempt | None = None  # the attempt in progress whose deadline moved
    old_deadline: object = None


def grant_extra_time(round_: Round, user, minutes: int, reason: str | None, actor=None) -> ExtraTimeGranted:
    """Grant `user` `minutes` extra for `round_` (0 takes the extra time back); a new grant
    replaces the old one. The member's attempt in progress gets its deadline moved at once,
    computed by the one rule (timing.attempt_deadline)."""
    if round_.kind != "quiz":
        message = _l("Extra time applies to quiz rounds only.")
        raise Refusal("validation_error", 422, message, details=[{"field": "round_id", "message": str(message)}])
    if minutes < 0 or minutes > EXTRA_MINUTES_MAX:
        message = _l("Extra time must be between 0 and %(max)s minutes.", max=EXTRA_MINUTES_MAX)
        raise Refusal("validation_error", 422, message, details=[{"field": "minutes", "message": str(message)}])
    # An attempt already past its deadline + grace counts as it stands, as if it had been
    # expired on time (commits, like every lazy expiry, before anything changes).
    expire_overdue(round_id=round_.id, user_id=user.id)
    grant = extra_time(round_.id, user.id)
    before = grant.seconds if grant is not None else 0
    if grant is None:
        grant = ExtraTime(round_id=round_.id, user_id=user.id, seconds=0)
        db.session.add(grant)
    grant.seconds = minutes * 60
    grant.reason = reason or None
    grant.granted_by_id = getattr(actor, "id", None)
    grant.at = utcnow()
    db.session.flush()
    round_.longest_extra_seconds = db.session.execute(
        select(func.max(ExtraTime.seconds)).where(ExtraTime.round_id == round_.id)).scalar() or 0
    done = ExtraTimeGranted(grant, before)
    current = db.session.execute(
        select(Attempt).where(Attempt.round_id == round_.id, Attempt.user_id == user.id,
                              Attempt.status == "in_progress").with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if current is not None:
        old = current.deadline
        current.deadline = timing.attempt_deadline(current.started_at, round_.duration_seconds,
                                                   round_.closes_at, grant.seconds)
        if current.deadline != old:
            db.session.flush()
            done.attempt, done.old_deadline = current, old
    return done


def extra_time_grants(round_id: int) -> list[ExtraTime]:
    return list(db.session.execute(
        select(ExtraTime).options(joinedload(ExtraTime.user)).where(
            ExtraTime.round_id == round_id, ExtraTime.seconds > 0).order_by(ExtraTime.at.desc())
    ).scalars())


@dataclass
class SavedAnswer:
    question_id: int
    option_ids: list[int]
    saved_at: object


def _lock_open_attempt(attempt_id: int, exclusive: bool = False) -> Attempt:
    """The attempt, locked (FOR SHARE, or FOR UPDATE to change the attempt row itself) so a
    submit waits for this save and a save after the submit sees it; refused (attempt_closed)
    after submit or past the deadline + grace."""
    attempt = db.session.execute(
        select(Attempt).options(joinedload(Attempt.round, innerjoin=True))
        .where(Attempt.id == attempt_id).with_for_update(read=not exclusive, of=Attempt)
        .execution_options(populate_existing=True)  # the status as of the lock, not as cached
    ).scalar_one()
    if attempt.status != "in_progress" or not timing.accepts_writes(
            utcnow(), attempt.deadline, attempt.round.grace_seconds):
        db.session.rollback()
        raise _refusal("attempt_closed")
    return attempt


def save_answer(attempt_id: int, question_id: int, option_ids: list[int]) -> SavedAnswer:
    """Save one answer, given as the public option keys the member was shown (`option_ids` in
    the API). Refused (attempt_closed) after submit or past the deadline + grace."""
    now = utcnow()
    _lock_open_attempt(attempt_id)
    row = db.session.execute(
        select(AttemptQuestion).options(joinedload(AttemptQuestion.version, innerjoin=True))
        .where(AttemptQuestion.attempt_id == attempt_id, AttemptQuestion.question_id == question_id)
    ).scalar_one_or_none()
    if row is None:
        db.session.rollback()
        raise _refusal("not_found")
    keys = list(dict.fromkeys(int(o) for o in option_ids))
    chosen = [row.option_id_of(k) for k in keys]
    kind = row.version.kind
    if None in chosen or (kind != "multiple" and len(chosen) > 1):
        db.session.rollback()
        raise _refusal("invalid_option")
    row.selected = chosen
    row.saved_at = now
    db.session.flush()  # the caller commits, which ends the FOR SHARE lock
    return SavedAnswer(question_id, keys, now)


# The most frequent write of a round (every member, every answer, the last hour's spike), so it
# is one statement when it succeeds: the attempt check and the write together, in SQL.
FAST_KEYS_MAX = 64  # more keys than any question has options: left to the checked path


def save_own_answer(user, attempt_id: int, question_id: int, option_ids: list[int]) -> SavedAnswer | None:
    """Save one answer of `user`'s own attempt: one conditional UPDATE of the answer row that
    holds only if the attempt is the user's, in progress and within its deadline + grace (read
    FOR SHARE in the same statement on PostgreSQL, so a submit still waits for the save and a
    save after the submit is refused), and every key is one of the question's (a single-answer
    question takes at most one). None when no row changes: the caller then takes the checked
    path (the loader, then save_answer), which says why: 404, 409 attempt_closed or 422
    invalid_option.

    The deadline is compared with the app's clock (utcnow), passed as a parameter, and
    attempt.deadline already holds the member's extra time."""
    now = utcnow()
    keys = list(dict.fromkeys(int(o) for o in option_ids))
    if len(keys) <= FAST_KEYS_MAX and _update_answer(user.id, attempt_id, question_id, keys, now) == 1:
        return SavedAnswer(question_id, keys, now)
    return None


def _update_answer(user_id: int, attempt_id: int, question_id: int, keys: list[int], now) -> int:
    aq, attempt = AttemptQuestion.__table__.c, Attempt.__table__
    dialect = db.session.get_bind().dialect.name
    at = literal(now, UTCDateTime)
    if dialect == "postgresql":
        def option_of(key):
            return aq.option_keys.op("->>")(str(key))

        selected = func.json_build_array(*[cast(option_of(k), Integer) for k in keys])
        in_time = attempt.c.deadline + func.make_interval(0, 0, 0, 0, 0, 0, Round.grace_seconds) >= at
    else:
        def option_of(key):
            return func.json_extract(aq.option_keys, f'$."{key}"')

        selected = func.json_array(*[option_of(k) for k in keys])
        # julianday() is a float: a millisecond of slack keeps "exactly at the limit" inside.
        in_time = ((func.julianday(at)
                    - func.julianday(attempt.c.deadline)) * 86400.0 <= Round.grace_seconds + 0.001)
    open_attempt = (
        select(attempt.c.id).join(Round, Round.id == attempt.c.round_id)
        .where(attempt.c.id == attempt_id, attempt.c.user_id == user_id,
               attempt.c.status == "in_progress", in_time)
        .with_for_update(read=True, of=attempt))
    statement = (update(AttemptQuestion.__table__)
                 .where(aq.attempt_id == attempt_id, aq.question_id == question_id,
                        aq.attempt_id.in_(open_attempt),
                        *[option_of(k).is_not(None) for k in keys])
                 .values(selected=selected if keys else [], saved_at=now))
    if len(keys) > 1:
        statement = statement.where(select(QuestionVersion.id).where(
            QuestionVersion.id == aq.version_id, QuestionVersion.kind == "multiple").exists())
    return db.session.execute(statement, execution_options={"synchronize_session": False}).rowcount


def save_prediction(attempt_id: int, prediction: int | None):
    """Save the answer to the prediction question as it is typed (None clears it); it counts
    at submit and when the attempt runs out. Same refusals as an answer. Returns saved_at."""
    now = utcnow()
    attempt = _lock_open_attempt(attempt_id, exclusive=True)
    attempt.prediction = prediction
    db.session.flush()  # the caller commits, which ends the FOR UPDATE lock
    return now


def _score(attempt: Attempt) -> None:
    rows = db.session.execute(
        select(AttemptQuestion.id, AttemptQuestion.question_id, AttemptQuestion.selected,
               AttemptQuestion.version_id)
        .where(AttemptQuestion.attempt_id == attempt.id)
    ).all()
    correct: dict[int, set[int]] = {}
    for version_id, option_id in db.session.execute(
        select(Option.version_id, Option.id).where(
            Option.version_id.in_([r.version_id for r in rows]), Option.is_correct.is_(True))
    ):
        correct.setdefault(version_id, set()).add(option_id)
    keys = [QuestionKey(r.question_id, frozenset(correct.get(r.version_id, ()))) for r in rows]
    result = score_attempt(keys, {r.question_id: r.selected or [] for r in rows})
    attempt.score = result.score
    attempt.max_score = result.max_score
    attempt.correct_count = result.correct_count
    attempt.question_count = result.question_count
    attempt.duration_seconds = timing.time_taken(attempt.started_at, attempt.submitted_at,
                                                 attempt.deadline)
    if rows:  # one executemany by primary key, not a statement per question
        db.session.execute(update(AttemptQuestion), [
            {"id": r.id, "is_correct": r.question_id in result.correct_ids} for r in rows])


def _finish(attempt_id: int, status: str, finished_at, prediction=None) -> bool:
    """Flip one attempt out of progress; True if this call did it (and so must score it)."""
    values = {"status": status, "submitted_at": finished_at}
    if prediction is not None:
        values["prediction"] = prediction
    done = db.session.execute(
        update(Attempt).where(Attempt.id == attempt_id, Attempt.status == "in_progress")
        .values(**values).execution_options(synchronize_session=False)
    ).rowcount
    return done == 1


def submit_attempt(attempt: Attempt, prediction: int | None = None) -> Attempt:
    """Submit once; a second call (or a late one) returns the same result."""
    now = utcnow()
    attempt_id = attempt.id
    grace = attempt.round.grace_seconds
    if timing.accepts_writes(now, attempt.deadline, grace):
        status, finished_at = "submitted", min(now, attempt.deadline)
    else:
        status, finished_at, prediction = "expired", attempt.deadline, None
    if _finish(attempt_id, status, finished_at, prediction):
        fresh = db.session.get(Attempt, attempt_id, populate_existing=True)
        _score(fresh)
        db.session.flush()  # the caller commits the submission and its score together
        return fresh
    return db.session.get(Attempt, attempt_id, populate_existing=True)


def expire_overdue(round_id: int | None = None, user_id: int | None = None, attempt: Attempt | None = None) -> int:
    """Score every attempt whose deadline + grace has passed with what it saved. Returns how many."""
    now = utcnow()
    if attempt is not None:
        candidates = [(attempt.id, attempt.deadline, attempt.round.grace_seconds)] \
            if attempt.status == "in_progress" else []
    else:
        stmt = select(Attempt.id, Attempt.deadline, Round.grace_seconds).join(Round).where(
            Attempt.status == "in_progress", Attempt.deadline < now)
        if round_id is not None:
            stmt = stmt.where(Attempt.round_id == round_id)
        if user_id is not None:
            stmt = stmt.where(Attempt.user_id == user_id)
        candidates = db.session.execute(stmt).all()
    count = 0
    for attempt_id, deadline, grace in candidates:
        if not timing.is_overdue(now, deadline, grace):
            continue
        if _finish(attempt_id, "expired", deadline):
            _score(db.session.get(Attempt, attempt_id, populate_existing=True))
            count += 1
        # Committed here, one attempt at a time, on purpose: expiry runs lazily on reads (a page,
        # the standings freeze) before they take their own locks (the freeze's round row lock),
        # and a scored expiry must stand even if the rest of the request is refused.
        db.session.commit()
    return count


# --- what members and organizers see ------------------------------------------------------

def close_for_everyone(round_: Round):
    """The round's close plus the longest extra time granted for it: the last moment a member
    given extra time may still be answering (the close itself when nobody has extra time)."""
    return round_.closes_at + timedelta(seconds=round_.longest_extra_seconds or 0)


def round_closed(round_: Round) -> bool:
    """Closed for everyone, extra time included, so that correct answers are not shown while a
    member given extra time may still answer."""
    return utcnow() >= close_for_everyone(round_)


def result_dict(attempt: Attempt) -> dict | None:
    if attempt.status == "in_progress":
        return None
    return {
        "score": attempt.score, "max_score": attempt.max_score,
        "correct_count": attempt.correct_count, "question_count": attempt.question_count,
        "duration_seconds": round(attempt.duration_seconds or 0, 3),
        "submitted_at": attempt.submitted_at,
    }


def attempt_view(attempt: Attempt) -> dict:
    """The attempt as a member sees it: options by their public keys, never their real ids.
    Correct options only once the round has closed."""
    reveal = attempt.finished and round_closed(attempt.round)
    questions, answers = [], {}
    rows = db.session.execute(
        select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt.id)
        .order_by(AttemptQuestion.position)
    ).scalars().all()
    version_ids = [r.version_id for r in rows]
    versions = {v.id: v for v in db.session.execute(
        select(QuestionVersion).where(QuestionVersion.id.in_(version_ids))).scalars()}
    options = {o.id: o for o in db.session.execute(
        select(Option).where(Option.version_id.in_(version_ids))).scalars()}
    for r in rows:
        version = versions[r.version_id]
        public = {oid: int(key) for key, oid in r.option_keys.items()}
        shown = [oid for oid in r.option_order if oid in options and oid in public]
        item = {
            "id": r.question_id, "position": r.position, "kind": version.kind,
            "text": version.text,
            "options": [{"id": public[oid], "text": options[oid].text} for oid in shown],
        }
        if reveal:
            item["correct_option_ids"] = r.public_ids(oid for oid in shown if options[oid].is_correct)
            item["explanation"] = version.explanation
            item["is_correct"] = bool(r.is_correct)
        questions.append(item)
        if r.selected is not None:
            answers[str(r.question_id)] = r.public_ids(r.selected)
    data = {
        "id": attempt.id, "round_id": attempt.round_id, "number": attempt.number,
        "status": attempt.status, "started_at": attempt.started_at, "deadline": attempt.deadline,
        "grace_seconds": attempt.round.grace_seconds, "server_time": utcnow(),
        "questions": questions, "answers": answers,
        "prediction_prompt": attempt.round.prediction_prompt, "prediction": attempt.prediction,
    }
    if attempt.finished:
        data["result"] = result_dict(attempt)
    return data


def version_texts(version_ids) -> dict[int, str]:
    """The text of the question versions shown in attempts, by version id (one query)."""
    ids = list(version_ids)
    if not ids:
        return {}
    return dict(db.session.execute(
        select(QuestionVersion.id, QuestionVersion.text).where(QuestionVersion.id.in_(ids))).all())
