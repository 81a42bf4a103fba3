"""Creating and editing rounds: one validation for the organizer pages and the API."""
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from contest.dbtypes import nfc
from contest.extensions import db
from contest.rounds.models import Round
from contest.rounds.prizes import check_prizes
from question_bank.candidates import draw_problems
from question_bank.models import Topic

QUIZ_DEFAULTS = {"max_attempts": 1, "counting": "best", "tie_break": "duration",
                 "shuffle_options": True, "grace_seconds": 10}
ESSAY_DEFAULTS = {"judges_per_entry": 2, "discrepancy_threshold": 20.0}
FIELDS = ("kind", "title", "rules", "opens_at", "closes_at", "prizes",  # results_published: publishing.py only
          "duration_seconds", "question_count", "draw", "topic_ids", "max_attempts", "counting",
          "tie_break", "shuffle_options", "grace_seconds", "prediction_prompt", "min_words",
          "max_words", "judges_per_entry", "discrepancy_threshold")


class RoundInvalid(Exception):
    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__(problems)
        self.problems = problems


def apply_round_fields(round_: Round, data: dict, creating: bool) -> list | None:
    """Set fields on a round and check the whole round; raises RoundInvalid with every problem.

    Returns the criteria asked for (None when not given): the judging feature owns them, so the
    caller hands them to ``contest.judging.criteria.set_criteria``."""
    data = dict(data)
    criteria = data.pop("criteria", None)
    if creating:
        defaults = QUIZ_DEFAULTS if data.get("kind", "quiz") == "quiz" else ESSAY_DEFAULTS
        for key, value in defaults.items():
            data.setdefault(key, value)
    if round_.kind and "kind" in data and not creating and data["kind"] != round_.kind:
        raise RoundInvalid([("kind", _("A round's kind cannot be changed."))])
    if "prizes" in data:  # the one check of prize tiers (API and forms): cleaned, NFC
        data["prizes"], prize_problems = check_prizes(data["prizes"])
        if prize_problems:
            raise RoundInvalid([("prizes", p) for p in prize_problems])
    for key in FIELDS:
        if key in data:
            value = data[key]
            if isinstance(value, str):
                value = nfc(value) or (None if key in ("rules", "prediction_prompt") else value)
            setattr(round_, key, value)
    if round_.kind is None:
        round_.kind = "quiz"
    # The round may already be in the session, incomplete: checking must not flush it (a NOT
    # NULL column would fail inside the database, a 500, instead of these 422 problems).
    with db.session.no_autoflush:
        problems = check_round(round_)
    if problems:
        raise RoundInvalid(problems)
    if criteria is not None:
        if round_.kind != "essay":
            raise RoundInvalid([("criteria", _("Only writing rounds have criteria."))])
        db.session.flush()
    return criteria


def check_round(round_: Round) -> list[tuple[str, str]]:
    problems = []
    if not round_.title:
        problems.append(("title", _("Give the round a title.")))
    if round_.opens_at is None:
        problems.append(("opens_at", _("Give the opening time.")))
    if round_.closes_at is None:
        problems.append(("closes_at", _("Give the closing time.")))
    if round_.opens_at and round_.closes_at and round_.closes_at <= round_.opens_at:
        problems.append(("closes_at", _("The round must close after it opens.")))
    if round_.kind == "quiz":
        if not round_.duration_seconds:
            problems.append(("duration_seconds", _("Give the time allowed for one attempt.")))
        elif round_.opens_at and round_.closes_at and \
                timedelta(seconds=round_.duration_seconds) > round_.closes_at - round_.opens_at:
            problems.append(("duration_seconds", _("The time allowed is longer than the round is open.")))
        if round_.draw:
            round_.question_count = sum(int(item["count"]) for item in round_.draw)
        if not round_.question_count:
            problems.append(("question_count", _("Give the number of questions.")))
        topic_ids = set(round_.topic_ids or []) | {int(i["topic_id"]) for i in (round_.draw or [])}
        if topic_ids:
            known = set(db.session.execute(select(Topic.id).where(Topic.id.in_(topic_ids))).scalars())
            if topic_ids - known:
                problems.append(("topic_ids", _("A chosen topic does not exist any more. Choose the topics again.")))
        if round_.question_count and not problems:
            for problem in draw_problems(round_):
                problems.append(("question_count", problem.message))
    elif round_.kind == "essay":
        if round_.min_words and round_.max_words and round_.min_words > round_.max_words:
            problems.append(("max_words", _("The maximum number of words is below the minimum.")))
    return problems
