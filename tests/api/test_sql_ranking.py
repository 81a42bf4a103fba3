"""The ranks the database computes (contest/standings/sql_ranking.py, window functions) are the
ranks of the documented rules (contest/standings/ranking.py), on SQLite and PostgreSQL alike:
random rounds (a fixed seed) whose attempts tie on every key — score, prediction gap, duration,
submission time, everything at once — and hold the values that count as 0 (no score, no
duration), every counting and tie-break, with and without the prediction's true number."""
import random
from datetime import timedelta

import pytest

from contest.accounts.models import Unit, User
from contest.bounds import INT_MAX
from contest.extensions import db
from contest.rounds.models import Attempt, Round
from contest.rounds.service import expire_overdue
from contest.standings import board, participation, ranking, sql_ranking
from contest.standings.models import Standing, UnitParticipation
from contest.standings.service import freeze_if_closed, leaderboard

SEED = 2026
SCORES = [None, 0.0, 2.5, 5.0, 5.0, 7.5, 10.0]  # a missing score ranks as 0
DURATIONS = [None, 30.0, 30.0, 45.5, 60.0]      # a missing duration ranks as 0
PREDICTIONS = [None, 0, 1, 2, 3, 5, 8]
STATUSES = ["submitted", "submitted", "expired", "in_progress"]  # in progress: never ranked (the
# last attempt only: one in progress per member)


def random_round(make, rng, members=40):
    """A round of `members` members with 0 to 3 attempts each, drawn from few values so that
    every key ties often; a few members are exact twins of another (every key equal)."""
    round_ = make.round(max_attempts=None)
    start = round_.opens_at + timedelta(minutes=1)
    times = [start + timedelta(seconds=s) for s in (100, 100, 200, 300, 300, 400)]
    users = [User(username=f"ng{round_.id}-{i}", password_hash="x", full_name=f"Người {i}", role="member")
             for i in range(members)]
    db.session.add_all(users)
    db.session.flush()
    attempts = []
    for user in users:
        count = rng.choice([0, 1, 1, 2, 3])
        for number in range(1, count + 1):
            questions = rng.choice([0, 4, 4])
            correct = rng.choice([None, 0, 3, questions, questions])
            attempts.append(dict(
                round_id=round_.id, user_id=user.id, number=number,
                status=rng.choice(STATUSES if number == count else STATUSES[:3]),
                started_at=start, deadline=start + timedelta(hours=1), submitted_at=rng.choice(times),
                score=rng.choice(SCORES), max_score=10, correct_count=correct, question_count=questions,
                duration_seconds=rng.choice(DURATIONS), prediction=rng.choice(PREDICTIONS)))
    twins = [a for a in attempts if a["status"] != "in_progress"][:5]
    for twin, user in zip(twins, users[-5:]):  # the last members: a copy of another's attempt
        attempts.append({**twin, "user_id": user.id, "number": 9})
    db.session.add_all(Attempt(**a) for a in attempts)
    db.session.commit()
    return round_


def finished(round_id):
    """The round's finished attempts as ranking.py reads them (service._finished, before SQL)."""
    rows = db.session.execute(db.select(Attempt).where(Attempt.round_id == round_id,
                                                       Attempt.status != "in_progress")).scalars()
    return [ranking.Finished(attempt_id=a.id, user_id=a.user_id, number=a.number, score=a.score or 0,
                             correct_count=a.correct_count or 0, question_count=a.question_count or 0,
                             submitted_at=a.submitted_at, duration_seconds=a.duration_seconds or 0,
                             prediction=a.prediction) for a in rows]


def by_rules(round_id, counting, tie_break, truth):
    counted = ranking.counted_attempts(finished(round_id), counting)
    return [(r.rank, r.entry.attempt_id, r.entry.user_id, r.prediction_gap)
            for r in ranking.rank_members(counted.values(), tie_break=tie_break, truth=truth)]


def by_sql(round_id, counting, tie_break, truth):
    r = sql_ranking.ranked(round_id, counting, tie_break, truth).subquery()
    return [tuple(row) for row in db.session.execute(
        db.select(r.c.rank, r.c.attempt_id, r.c.user_id, r.c.prediction_gap).order_by(r.c.rank, r.c.attempt_id))]


def test_sqlite_has_window_functions():
    import sqlite3

    assert sqlite3.sqlite_version_info >= (3, 25)


@pytest.mark.parametrize("counting", ranking.COUNTING_MODES)
@pytest.mark.parametrize("tie_break", ranking.TIE_BREAKS)
def test_the_database_ranks_as_the_rules_on_random_rounds_full_of_ties(make, counting, tie_break):
    rng = random.Random(f"{SEED}-{counting}-{tie_break}")
    for _ in range(4):
        round_id = random_round(make, rng).id
        counted = ranking.counted_attempts(finished(round_id), counting).values()
        truth = ranking.prediction_truth(counted)
        assert db.session.execute(sql_ranking.prediction_truth(round_id, counting)).scalar_one() == truth
        for given in (None, truth, 0, 3):
            expected = by_rules(round_id, counting, tie_break, given)
            assert by_sql(round_id, counting, tie_break, given) == expected
        # The rounds are what the test says: ties a rank shares, ranks skipped after them.
        ranks = [rank for rank, *_ in expected]
        assert len(set(ranks)) < len(ranks) and ranks[0] == 1
        assert any(b - a > 1 for a, b in zip(ranks, ranks[1:]))


def test_the_freeze_stores_the_ranks_of_the_rules_and_the_unit_table_of_count_units(make):
    rng = random.Random(SEED)
    top = make.unit("Huyện ủy")
    cells = [make.unit(f"Chi bộ {i}", parent=top) for i in range(3)]
    round_ = random_round(make, rng, members=60)
    round_.prediction_prompt = "Bao nhiêu người đúng hết?"
    round_.counting, round_.tie_break = "latest", "submitted_at"
    users = db.session.execute(db.select(User).where(User.username.like("ng%")).order_by(User.id)).scalars().all()
    for i, user in enumerate(users):
        user.unit_id = [None, top.id, *[c.id for c in cells]][i % 5]
    after_close = round_.closes_at + timedelta(days=1)  # an import's clock: registered "later"
    late = User(username="muon", password_hash="x", full_name="Muộn", role="member", unit_id=cells[0].id,
                created_at=after_close)  # and never took part: not counted
    taker = User(username="nhap-muon", password_hash="x", full_name="Nhập muộn", role="member",
                 unit_id=cells[0].id, created_at=after_close)  # but took part: counted
    db.session.add_all([late, taker])
    db.session.flush()
    db.session.add(Attempt(round_id=round_.id, user_id=taker.id, number=1, status="submitted",
                           started_at=round_.opens_at, deadline=round_.closes_at,
                           submitted_at=round_.opens_at + timedelta(seconds=100), score=7.5, max_score=10,
                           correct_count=3, question_count=4, duration_seconds=30.0, prediction=1))
    users += [late, taker]
    db.session.commit()
    make.clock.set(round_.closes_at + timedelta(minutes=1))
    expire_overdue(round_id=round_.id)  # as the freeze does first: attempts left in progress scored
    counted = ranking.counted_attempts(finished(round_.id), "latest")
    truth = ranking.prediction_truth(counted.values())
    expected = by_rules(round_.id, "latest", "submitted_at", truth)
    assert freeze_if_closed(round_)
    db.session.expire_all()
    frozen = db.session.get(Round, round_.id)
    assert frozen.prediction_truth == truth
    stored = db.session.execute(db.select(Standing.rank, Standing.attempt_id, Standing.user_id,
                                          Standing.prediction_gap)
                                .where(Standing.round_id == round_.id)
                                .order_by(Standing.rank, Standing.attempt_id)).all()
    assert [tuple(s) for s in stored] == expected
    assert [(r["rank"], r["attempt_id"]) for r in leaderboard(frozen)] == [(e[0], e[1]) for e in expected]
    # The unit table: what count_units says of the members registered by the close.
    scores = {e.user_id: e.score for e in counted.values()}
    members = [(u.id, u.unit_id) for u in users
               if u.unit_id is not None and (u.created_at <= round_.closes_at or u.id in scores)]
    parents = dict(db.session.execute(db.select(Unit.id, Unit.parent_id)).all())
    want = participation.count_units(parents, members, scores)
    got = {row.unit_id: (row.members, row.participants, row.score_sum) for row in db.session.execute(
        db.select(UnitParticipation).where(UnitParticipation.round_id == round_.id)).scalars()}
    assert set(got) == set(want) == {top.id, *[c.id for c in cells]}
    for unit_id, (m, p, total) in want.items():
        assert got[unit_id][:2] == (m, p)
        assert got[unit_id][2] == pytest.approx(total)
    assert want[top.id][0] == sum(1 for u in users if u.unit_id is not None) - 1  # all but the late one
    assert want[cells[0].id][0] == sum(1 for u in users if u.unit_id == cells[0].id) - 1


def test_keyset_pages_of_the_frozen_board_are_the_windows_of_the_whole_board(make):
    """board.py reads a page by a seek on the frozen rank: every window, at every offset and
    size, ties across a page's edges included, is the same rows (prizes too) as the window of the
    whole board; the count and each member's position are those of the whole board."""
    rng = random.Random(SEED + 1)
    round_ = random_round(make, rng, members=45)
    round_.prizes = [{"name": "Giải Nhất", "count": 1}, {"name": "Giải Nhì", "count": 3},
                     {"name": "Giải Ba", "count": 6}]
    db.session.commit()
    make.clock.set(round_.closes_at + timedelta(minutes=1))
    whole = leaderboard(round_)
    ranks = [row["rank"] for row in whole]
    assert len(set(ranks)) < len(ranks) - 3  # ties, and some across the windows below
    assert board.frozen_count(round_.id) == len(whole)
    for limit in (1, 2, 3, 7, 50):
        for offset in range(len(whole) + 2):
            assert board.frozen_page(round_, offset, limit) == whole[offset:offset + limit], (offset, limit)
    for position, row in enumerate(whole):
        assert board.frozen_position(round_.id, row["user_id"]) == {
            "rank": row["rank"], "user_id": row["user_id"], "position": position}
    assert board.frozen_position(round_.id, make.user().id) is None
    assert board.frozen_count(round_.id + 1) == 0 and board.frozen_page(round_, 10**9, 50) == []
    assert board.frozen_page(round_, INT_MAX, 500) == []  # the bounds stay integers of the database


def test_pages_of_the_live_board_are_the_windows_of_the_whole_board(make):
    """An open round's board read a page at a time (service.live_page: LIMIT/OFFSET over the
    ranked window, the total a column of the rows) is, at every offset and size, ties across a
    page's edges included, the window of the whole live board (prizes too: board.py gives each
    row its rank's prize); each member's own row, read with a page that holds it or not, is
    theirs on the whole board and leaves the page as it was."""
    from contest.standings.service import live_page

    rng = random.Random(SEED + 2)
    round_ = random_round(make, rng, members=45)
    round_.prizes = [{"name": "Giải Nhất", "count": 1}, {"name": "Giải Nhì", "count": 3},
                     {"name": "Giải Ba", "count": 6}]
    db.session.commit()
    make.clock.set(round_.closes_at - timedelta(hours=1))
    whole = leaderboard(round_)  # live: expires what is overdue, ranks every row into Python
    assert round_.standings_frozen_at is None
    ranks = [row["rank"] for row in whole]
    assert len(set(ranks)) < len(ranks) - 3 and ranks[0] == 1  # ties, some across the windows
    assert {row["prize"] for row in whole} == {"Giải Nhất", "Giải Nhì", "Giải Ba", None}
    for limit in (1, 2, 3, 7, 50):
        for offset in range(len(whole) + 2):
            page = board.api_page(round_, offset, limit)
            assert page == {"items": whole[offset:offset + limit], "total": len(whole)}, (offset, limit)
    plain = [{**{k: v for k, v in row.items() if k != "prize"}, "position": p} for p, row in enumerate(whole)]
    for position, row in enumerate(whole):
        for offset in (0, 10, 40):
            assert live_page(round_, offset, 5, row["user_id"]) == (
                plain[offset:offset + 5], len(whole), plain[position]), (position, offset)
    assert live_page(round_, 0, 5, make.user().id) == (plain[:5], len(whole), None)
    assert live_page(round_, 10**9, 50, whole[3]["user_id"]) == ([], len(whole), plain[3])
    assert live_page(round_, 10**9, 50) == ([], len(whole), None)
    assert live_page(round_, INT_MAX, 500) == ([], len(whole), None)
    shown = board.html_page(round_, 10**6, 7, "", whole[-1]["user_id"])  # past the end: the last page
    last = -(-len(whole) // 7)
    assert (shown["page"], shown["pages"], shown["total"], shown["matches"]) == (last, last, len(whole), len(whole))
    assert [r["attempt_id"] for r in shown["rows"]] == [r["attempt_id"] for r in whole[(last - 1) * 7:]]
    assert shown["mine"]["prize"] == whole[-1]["prize"] and shown["mine_page"] == last
