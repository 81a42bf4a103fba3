"""The hot paths count their statements (issue 10 point 3): an answer save is one statement
(the conditional UPDATE) once the token is cached, and the leaderboard costs as many statements
for 200 rows as for 10. The bearer token is cached a few seconds, yet a revoked token is refused
on the very next request."""
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from contest.accounts.models import User
from contest.audit.models import AuditEvent
from contest.extensions import cache, db
from contest.rounds.models import Attempt, AttemptQuestion, Round
from contest.standings.models import Standing, UnitParticipation
from contest.standings.service import freeze_if_closed
from tests.factories import sign_in
from tests.web.test_leaderboard_page import board, rows

CLOSED = "Đã hết giờ: lượt thi này không nhận thêm câu trả lời."


@contextmanager
def statements():
    seen = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def started(client, make, kind="single", **fields):
    make.questions(3, kind=kind)
    round_ = make.round(question_count=3, open_for=timedelta(hours=2), **fields)
    member = make.user()
    headers = make.auth(member)
    attempt = client.post(f"/api/v1/rounds/{round_.id}/attempts", headers=headers).json
    return member, headers, attempt


def put(client, headers, attempt, q, keys):
    return client.put(f"/api/v1/attempts/{attempt['id']}/answers/{q['id']}", headers=headers,
                      json={"option_ids": keys})


def saved(attempt, q):
    db.session.expire_all()
    return db.session.execute(select(AttemptQuestion).where(
        AttemptQuestion.attempt_id == attempt["id"], AttemptQuestion.question_id == q["id"])).scalar_one()


def test_an_answer_save_is_one_statement_once_the_token_is_cached(client, make):
    member, headers, attempt = started(client, make)
    first, second = attempt["questions"][:2]
    assert put(client, headers, attempt, first, [first["options"][0]["id"]]).status_code == 200
    key = second["options"][1]["id"]
    with statements() as seen:
        response = put(client, headers, attempt, second, [key])
    assert response.status_code == 200 and response.json["option_ids"] == [key]
    assert len(seen) == 1, seen  # the token from the cache; attempt check and write in one UPDATE
    assert seen[0].lstrip().upper().startswith("UPDATE ATTEMPT_QUESTION")
    row = saved(attempt, second)
    assert row.selected == [row.option_id_of(key)]
    with statements() as seen:  # clearing an answer: the same one statement
        assert put(client, headers, attempt, second, []).status_code == 200
    assert len(seen) == 1
    assert saved(attempt, second).selected == []


def test_a_cold_token_costs_one_more_statement(client, make):
    member, headers, attempt = started(client, make)
    q = attempt["questions"][0]
    cache.clear()
    with statements() as seen:
        assert put(client, headers, attempt, q, [q["options"][0]["id"]]).status_code == 200
    assert len(seen) == 2, seen  # the token with its user, then the UPDATE


def test_multiple_choice_saves_several_keys_in_the_order_given(client, make):
    member, headers, attempt = started(client, make, kind="multiple")
    q = attempt["questions"][0]
    keys = [q["options"][2]["id"], q["options"][0]["id"], q["options"][2]["id"]]
    with statements() as seen:
        response = put(client, headers, attempt, q, keys)
    assert response.status_code == 200 and response.json["option_ids"] == keys[:2]
    assert len(seen) == 1
    row = saved(attempt, q)
    assert row.selected == [row.option_id_of(k) for k in keys[:2]]


def test_the_refusals_are_told_apart_after_the_update_touched_nothing(client, make):
    member, headers, attempt = started(client, make)
    q, other = attempt["questions"][:2]
    mine = q["options"][0]["id"]
    two = put(client, headers, attempt, q, [mine, q["options"][1]["id"]])  # a single-answer question
    assert two.status_code == 422 and two.json["error"]["code"] == "invalid_option"
    foreign = put(client, headers, attempt, q, [other["options"][0]["id"]])  # another question's key
    assert foreign.status_code == 422 and foreign.json["error"]["code"] == "invalid_option"
    assert put(client, headers, attempt, q, [mine] + list(range(1, 80))).status_code == 422
    missing = client.put(f"/api/v1/attempts/{attempt['id']}/answers/999999", headers=headers,
                         json={"option_ids": [mine]})
    assert missing.status_code == 404
    stranger = put(client, make.auth(make.user()), attempt, q, [mine])  # another member's attempt
    assert stranger.status_code == 404 and stranger.json["error"]["code"] == "not_found"
    assert saved(attempt, q).selected is None  # none of them wrote anything
    assert put(client, headers, attempt, q, [mine]).status_code == 200


def test_the_deadline_is_the_app_clock_with_the_grace_and_the_extra_time(client, make):
    member, headers, attempt = started(client, make, duration_seconds=600, grace_seconds=30)
    q = attempt["questions"][0]
    key = q["options"][0]["id"]
    row = db.session.get(Attempt, attempt["id"])
    deadline = row.deadline
    make.clock.set(deadline + timedelta(seconds=30))  # exactly at the end of the grace: kept
    assert put(client, headers, attempt, q, [key]).status_code == 200
    make.clock.set(deadline + timedelta(seconds=31))
    late = put(client, headers, attempt, q, [key])
    assert late.status_code == 409 and late.json["error"]["code"] == "attempt_closed"
    assert late.json["error"]["message"] == CLOSED
    row.deadline = deadline + timedelta(minutes=5)  # extra time, as a grant writes it
    db.session.commit()
    assert put(client, headers, attempt, q, [key]).status_code == 200


def test_a_save_after_submit_is_refused(client, make):
    member, headers, attempt = started(client, make)
    q = attempt["questions"][0]
    assert client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=headers, json={}).status_code == 200
    refused = put(client, headers, attempt, q, [q["options"][0]["id"]])
    assert refused.status_code == 409 and refused.json["error"]["code"] == "attempt_closed"
    assert saved(attempt, q).selected is None


# --- the cached token, revoked at once ---------------------------------------------------------

def me(client, headers):
    return client.get("/api/v1/me", headers=headers)


def test_a_revoked_token_is_refused_on_the_very_next_request(client, make):
    member = make.user()
    headers = make.auth(member)
    assert me(client, headers).status_code == 200  # now cached
    with statements() as seen:
        assert me(client, headers).status_code == 200
    assert not any("api_token" in s for s in seen)  # read from the cache
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    assert me(client, headers).status_code == 401


def test_sign_out_everywhere_refuses_the_cached_tokens_at_once(client, make):
    member = make.user()
    one, two = make.auth(member), make.auth(member)
    assert me(client, one).status_code == 200 and me(client, two).status_code == 200
    sign_in(client, member)
    assert client.post("/account/sign-out-everywhere").status_code == 302
    assert me(client, one).status_code == 401 and me(client, two).status_code == 401


def test_deactivation_refuses_the_cached_token_at_once(client, make):
    member = make.user()
    headers = make.auth(member)
    assert me(client, headers).status_code == 200
    admin = make.auth(make.user(role="admin"))
    response = client.patch(f"/api/v1/users/{member.id}", headers=admin,
                            json={"active": False})
    assert response.status_code == 200, response.json
    assert me(client, headers).status_code == 401


def test_a_password_change_ends_the_other_cached_tokens_and_refreshes_its_own(client, make):
    member = make.user()
    mine, other = make.auth(member), make.auth(member)
    assert me(client, mine).status_code == 200 and me(client, other).status_code == 200
    response = client.post("/api/v1/me/password", headers=mine,
                           json={"current_password": "secret-pass", "new_password": "Một mật khẩu mới 2026"})
    assert response.status_code in (200, 204), response.json
    assert me(client, other).status_code == 401
    assert me(client, mine).status_code == 200


def test_a_role_change_is_seen_on_the_next_request(client, make):
    member = make.user()
    headers = make.auth(member)
    assert me(client, headers).json["role"] == "member"
    user = db.session.get(User, member.id)
    user.role = "organizer"
    db.session.commit()
    assert me(client, headers).json["role"] == "organizer"


# --- the leaderboard ----------------------------------------------------------------------------

def count_board(client, make, n, *, offset=0):
    """Statements of the board's first read (which freezes the final ranks), of a read of the
    frozen ranks (the cache emptied) through the API, and of the page of a signed-in member,
    `offset` rows down the board."""
    round_, _ = board(make, [f"Thí sinh {i + 1}" for i in range(n)])
    viewer = make.user()
    headers = make.auth(viewer)
    sign_in(client, viewer)
    counts = []
    for path, headers_ in ((f"/api/v1/rounds/{round_.id}/leaderboard?offset={offset}", headers),
                           (f"/api/v1/rounds/{round_.id}/leaderboard?offset={offset}", headers),
                           (f"/rounds/{round_.id}/leaderboard?page={offset // 50 + 1}", {})):
        cache.clear()
        me(client, headers)  # the token cached again: what is counted is the board's
        db.session.remove()  # as in a request of its own: nothing already loaded
        with statements() as seen:
            response = client.get(path, headers=headers_)
        assert response.status_code == 200
        if response.is_json:
            assert response.json["total"] == n
            assert [r["display_name"] for r in response.json["items"]] == [
                f"Thí sinh {i + 1}" for i in range(offset, min(n, offset + 50))]
        else:
            assert f"Thí sinh {offset + 1}<" in response.get_data(as_text=True)
        counts.append(len(seen))
    return counts


def test_the_leaderboard_costs_the_same_statements_for_200_rows_as_for_10(client, make):
    small = count_board(client, make, 10)
    from tests.conftest import clean_tables

    clean_tables()
    cache.clear()
    assert count_board(client, make, 200) == small
    # The API: round, contest, the page of rows (a seek on the frozen rank), the count; the
    # page the same and the member's own row (its user, no round); the longest extra time is
    # a column of the round, read with it.
    assert small[1:] == [4, 5]


def test_a_deep_page_of_the_frozen_board_costs_what_the_first_costs(client, make):
    first = count_board(client, make, 200)
    from tests.conftest import clean_tables

    clean_tables()
    cache.clear()
    assert count_board(client, make, 200, offset=150)[1:] == first[1:] == [4, 5]


def test_the_freeze_costs_the_same_statements_for_200_rows_as_for_10(make):
    """The final ranks go into `standing` in one INSERT … SELECT (the window functions of
    sql_ranking.py), the unit table from one GROUP BY: nothing runs once per row."""
    from tests.conftest import clean_tables

    def freeze(n):
        unit = make.unit("Chi bộ Một")
        round_, _ = board(make, [f"Thí sinh {i + 1}" for i in range(n)], unit=unit,
                          prediction_prompt="Bao nhiêu người đúng hết?")
        round_id = round_.id
        db.session.remove()
        round_ = db.session.get(Round, round_id)
        with statements() as seen:
            assert freeze_if_closed(round_)
        assert db.session.execute(select(func.count()).select_from(Standing)).scalar_one() == n
        participation = db.session.execute(select(UnitParticipation)).scalar_one()
        assert (participation.members, participation.participants) == (n, n)
        assert db.session.get(Round, round_id).prediction_truth == n  # every answer right
        audit = db.session.execute(select(AuditEvent).where(AuditEvent.object_type == "round",
                                                            AuditEvent.action == "round.freeze")).scalar_one()
        assert audit.after["ranked"] == n
        return seen

    small = freeze(10)
    clean_tables()
    cache.clear()
    big = freeze(200)
    assert len(big) == len(small) == 10, big
    # Expire what is overdue, lock the round, the true number, the ranks, the units, their
    # members, the unit table, the audit row, the round; the round read again after the commit.
    assert [" ".join(s.split()[:3]) for s in big] == [
        "SELECT attempt.id, attempt.deadline,", "SELECT round.id, round.contest_id,", "SELECT count(*) AS",
        "INSERT INTO standing", "SELECT unit.id, unit.parent_id", "SELECT user_account.unit_id, count(user_account.id)",
        "INSERT INTO round_unit_participation", "INSERT INTO audit_event", "UPDATE round SET",
        "SELECT round.id, round.contest_id,"], big


def test_the_live_board_costs_the_same_statements_for_200_rows_as_for_10(client, make):
    """An open round's board (organizers): ranked by the database in one SELECT."""
    from tests.conftest import clean_tables

    def live(n):
        round_, _ = board(make, [f"Thí sinh {i + 1}" for i in range(n)], publish=False)
        make.clock.set(round_.closes_at - timedelta(hours=1))
        headers = make.auth(make.user(role="organizer"))
        path = f"/api/v1/rounds/{round_.id}/leaderboard?offset=5"
        me(client, headers)
        db.session.remove()
        with statements() as seen:
            response = client.get(path, headers=headers)
        assert response.status_code == 200 and response.json["final"] is False
        assert response.json["total"] == n
        assert response.json["items"][0] == {**response.json["items"][0], "rank": 6, "display_name": "Thí sinh 6"}
        return len(seen)

    small = live(10)
    clean_tables()
    cache.clear()
    assert live(200) == small == 4  # round, contest, the overdue attempts, the ranked rows


def test_a_live_page_deep_down_the_board_costs_what_the_first_costs(client, make):
    """The live board, the API's window and the organizer's page (?page=, with their own row
    looked up), a page at a time from the database (LIMIT/OFFSET over the ranked window): the
    same statements 150 rows down a 200-row board as on the first page of a 10-row one."""
    from tests.conftest import clean_tables

    def live(n, offset):
        round_, users = board(make, [f"Thí sinh {i + 1}" for i in range(n)], publish=False)
        make.clock.set(round_.closes_at - timedelta(hours=1))
        organizer = make.user(role="organizer")
        headers = make.auth(organizer)
        sign_in(client, organizer)
        counts = []
        for path, headers_ in ((f"/api/v1/rounds/{round_.id}/leaderboard?offset={offset}&limit=20", headers),
                               (f"/rounds/{round_.id}/leaderboard?page={offset // 50 + 1}", {})):
            cache.clear()
            me(client, headers)
            db.session.remove()
            with statements() as seen:
                response = client.get(path, headers=headers_)
            assert response.status_code == 200
            if response.is_json:
                assert response.json["total"] == n and response.json["final"] is False
                assert [(r["rank"], r["display_name"]) for r in response.json["items"]] == [
                    (i + 1, f"Thí sinh {i + 1}") for i in range(offset, min(n, offset + 20))]
            else:
                first = offset // 50 * 50
                assert rows(response.get_data(as_text=True)) == [
                    (i + 1, f"Thí sinh {i + 1}") for i in range(first, min(n, first + 50))]
            counts.append(len(seen))
        assert not db.session.execute(select(Standing)).first()  # still live: nothing frozen
        return counts

    small = live(10, 0)
    clean_tables()
    cache.clear()
    assert live(200, 150) == small
    # The API: round, contest, the overdue attempts, the page of ranked rows with the total; the
    # page the same (the organizer's own row kept by the same SELECT), then the implausible-attempt
    # flags of the page's rows (their attempts, the saves' times, the members' registrations).
    assert small == [4, 7], small


def test_organizers_watching_a_live_board_share_one_ranking_per_cache_period(app, client, make, monkeypatch):
    """With LEADERBOARD_CACHE_SECONDS on (production's 15 s), a live page is ranked once and kept
    in the shared cache for every reader without a row of their own."""
    monkeypatch.setitem(app.config, "LEADERBOARD_CACHE_SECONDS", 15)
    round_, _ = board(make, [f"Thí sinh {i + 1}" for i in range(30)], publish=False)
    make.clock.set(round_.closes_at - timedelta(hours=1))
    path = f"/api/v1/rounds/{round_.id}/leaderboard?offset=10&limit=5"
    first, second = (make.auth(make.user(role="organizer")) for _ in range(2))
    seen_by = []
    for headers in (first, second):
        me(client, headers)
        db.session.remove()
        with statements() as seen:
            response = client.get(path, headers=headers)
        assert response.status_code == 200
        assert [(r["rank"], r["display_name"]) for r in response.json["items"]] == [
            (i + 1, f"Thí sinh {i + 1}") for i in range(10, 15)]
        assert response.json["total"] == 30
        seen_by.append(sum("rank() over" in s.lower() for s in seen))
    assert seen_by == [1, 0]  # the second organizer's page came from the cache
