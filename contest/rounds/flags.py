"""Implausible attempts, flagged for the organizers (issue 10, point 7): never a verdict, a
reason to look. Members never see them (the leaderboard shows them to organizers only, and the
attempts export is an organizer's).

Two rules, plain functions:
- ``too_fast``: every answer saved within a second or two of the one before — a script, or
  answers copied in from elsewhere. (An answer's time is its last save: a member who came back
  online after answering offline sends the queued answers at once, and is flagged too; the
  organizer judges.)
- ``many_accounts_from_one_address``: several accounts registered, or starting the round, from
  one address within a few minutes — one person with many accounts, or a classroom behind one
  address; the organizer knows which.

The thresholds are in config: FLAG_TOO_FAST_SECONDS, FLAG_ACCOUNTS_PER_ADDRESS, FLAG_ADDRESS_MINUTES.
The addresses are those recorded at registration (``user_account.registered_from``) and at the
attempt's start (``attempt.started_from``).
"""
from collections import Counter, defaultdict

from flask import current_app
from flask_babel import format_decimal, gettext as _
from sqlalchemy import select

from contest.accounts.models import User
from contest.extensions import db
from contest.rounds.models import Attempt, AttemptQuestion

MIN_ANSWERS = 3  # fewer answers say nothing about speed


def too_fast(answer_times, min_seconds: float = 2, min_answers: int = MIN_ANSWERS) -> bool:
    """Whether every answer came within `min_seconds` of the previous one (times in seconds, in
    any order), over at least `min_answers` answers.

    >>> too_fast([10.0, 10.8, 11.5, 12.9])  # four answers, each under 2 s after the one before
    True
    >>> too_fast([10.0, 10.8, 14.0, 14.5])  # one took 3.2 s: a person reading
    False
    >>> too_fast([5.0, 5.5])  # two answers are too few to say
    False
    >>> too_fast([3.0, 1.0, 2.0, 0.0], min_seconds=1.5)  # order does not matter
    True
    >>> too_fast([0.0, 2.0, 4.0], min_seconds=2)  # exactly 2 s is not under 2 s
    False
    """
    times = sorted(answer_times)
    if len(times) < max(2, min_answers):
        return False
    return all(later - earlier < min_seconds for earlier, later in zip(times, times[1:]))


def many_accounts_from_one_address(events, accounts: int = 5, minutes: float = 10) -> dict:
    """The accounts that, with others, make `accounts` or more distinct accounts from one address
    within `minutes`. `events` are (address, account, seconds); events without an address are
    ignored. Returns {address: {accounts}} for the addresses that pass.

    >>> starts = [("10.0.0.7", "an", 0), ("10.0.0.7", "binh", 60), ("10.0.0.7", "chi", 120),
    ...           ("10.0.0.9", "dung", 130), ("10.0.0.7", "an", 150)]
    >>> many_accounts_from_one_address(starts, accounts=3, minutes=5) == {"10.0.0.7": {"an", "binh", "chi"}}
    True
    >>> many_accounts_from_one_address(starts, accounts=3, minutes=1)  # never 3 within a minute
    {}
    >>> many_accounts_from_one_address(starts, accounts=4, minutes=60)  # the same account twice is one
    {}
    >>> many_accounts_from_one_address([(None, "e", 0), (None, "g", 1)], accounts=2)
    {}
    """
    by_address = defaultdict(list)
    for address, account, at in events:
        if address:
            by_address[address].append((at, account))
    window, flagged = minutes * 60, {}
    for address, seen in by_address.items():
        seen.sort(key=lambda event: event[0])
        inside, first, found = Counter(), 0, set()
        for at, account in seen:
            inside[account] += 1
            while at - seen[first][0] > window:
                old = seen[first][1]
                inside[old] -= 1
                if not inside[old]:
                    del inside[old]
                first += 1
            if len(inside) >= accounts:
                found.update(inside)
        if found:
            flagged[address] = found
    return flagged


# --- the round's flags, from what the database recorded ------------------------------------


def _settings() -> tuple[float, int, float]:
    config = current_app.config
    return (config.get("FLAG_TOO_FAST_SECONDS", 2), config.get("FLAG_ACCOUNTS_PER_ADDRESS", 5),
            config.get("FLAG_ADDRESS_MINUTES", 10))


def attempt_flags(round_id: int, user_ids=None) -> dict[int, list[str]]:
    """{attempt id: [reasons, in the reader's language]} for the round's flagged attempts; only
    the attempts of `user_ids` when given (a page of the leaderboard), else every attempt (the
    export). At most five queries, whatever the number of attempts."""
    return _flags(round_id, user_ids)[1]


def user_flags(round_id: int, user_ids) -> dict[int, list[str]]:
    """{user id: [reasons]} over each member's attempts in the round (the leaderboard's rows)."""
    attempts, reasons = _flags(round_id, user_ids)
    owner = {a.id: a.user_id for a in attempts}
    flags: dict[int, list[str]] = {}
    for attempt_id, found in reasons.items():
        mine = flags.setdefault(owner[attempt_id], [])
        mine.extend(r for r in found if r not in mine)
    return flags


def _flags(round_id: int, user_ids):
    seconds, accounts, minutes = _settings()
    query = select(Attempt.id, Attempt.user_id, Attempt.started_at, Attempt.started_from).where(
        Attempt.round_id == round_id)
    if user_ids is not None:
        if not user_ids:
            return [], {}
        query = query.where(Attempt.user_id.in_(list(user_ids)))
    attempts = db.session.execute(query).all()
    if not attempts:
        return [], {}
    reasons: dict[int, list[str]] = defaultdict(list)

    # Every answer within `seconds` of the one before.
    times = defaultdict(list)
    answers = (select(AttemptQuestion.attempt_id, AttemptQuestion.saved_at)
               .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
               .where(Attempt.round_id == round_id, AttemptQuestion.saved_at.is_not(None)))
    if user_ids is not None:
        answers = answers.where(Attempt.user_id.in_(list(user_ids)))
    for attempt_id, saved_at in db.session.execute(answers.execution_options(yield_per=5000)):
        times[attempt_id].append(saved_at.timestamp())
    for attempt_id, saved in times.items():
        if too_fast(saved, min_seconds=seconds):
            reasons[attempt_id].append(_("Every answer was saved within %(seconds)s seconds of the one before "
                                         "(%(n)s answers).", seconds=format_decimal(seconds), n=len(saved)))

    # Many accounts starting this round from one address: the starts from the addresses seen.
    addresses = {a.started_from for a in attempts if a.started_from}
    if addresses:
        starts = db.session.execute(select(Attempt.started_from, Attempt.user_id, Attempt.started_at).where(
            Attempt.round_id == round_id, Attempt.started_from.in_(addresses))).all()
        crowded = many_accounts_from_one_address(
            [(address, user_id, at.timestamp()) for address, user_id, at in starts], accounts, minutes)
        for a in attempts:
            if a.user_id in crowded.get(a.started_from, ()):
                reasons[a.id].append(_("%(n)s accounts started this round from the same address (%(address)s) "
                                       "within %(minutes)s minutes.", n=len(crowded[a.started_from]),
                                       address=a.started_from, minutes=minutes))

    # Many accounts registered from one address (the members' own registrations).
    members = db.session.execute(select(User.id, User.registered_from).where(
        User.id.in_({a.user_id for a in attempts}), User.registered_from.is_not(None))).all()
    registered_from = dict(members)
    if registered_from:
        registrations = db.session.execute(select(User.registered_from, User.id, User.created_at).where(
            User.registered_from.in_(set(registered_from.values())))).all()
        crowded = many_accounts_from_one_address(
            [(address, user_id, at.timestamp()) for address, user_id, at in registrations], accounts, minutes)
        for a in attempts:
            address = registered_from.get(a.user_id)
            if a.user_id in crowded.get(address, ()):
                reasons[a.id].append(_("%(n)s accounts were registered from the same address (%(address)s) "
                                       "within %(minutes)s minutes.", n=len(crowded[address]),
                                       address=address, minutes=minutes))
    return attempts, dict(reasons)
