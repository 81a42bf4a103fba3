"""While the database does not answer, every route answers 503 `service_unavailable` with
Retry-After (issue 10 point 6), never a 500; once it answers again, the same request succeeds
without a restart. No private cluster here: the engine is made to fail (a connection attempt to
an address where no database is), on SQLite and PostgreSQL alike; the PostgreSQL-only tests at
the end kill the app's own server connections. The crash-restart of a real cluster under load is
tests/api/test_fault_cluster.py."""
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.pool import NullPool

from app import create_app
from contest.extensions import db
from contest.rounds.models import Attempt, AttemptQuestion
from tests.factories import sign_in
from tests.faultlab import database_down

UNAVAILABLE = "Hệ thống tạm thời gián đoạn: cơ sở dữ liệu không phản hồi. Vui lòng thử lại sau vài giây."
ENVELOPE = {"error": {"code": "service_unavailable", "message": UNAVAILABLE}}


@pytest.fixture
def quiz(make):
    make.questions(8)
    round_ = make.round(question_count=5, max_attempts=3)
    return round_.id, make.auth(make.user())  # ids: the test's session is closed when the database goes


def _start(client, round_id, headers):
    response = client.post(f"/api/v1/rounds/{round_id}/attempts", headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _assert_unavailable(response):
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.get_json() == ENVELOPE


def test_pre_ping_is_on(app):
    with app.app_context():
        assert db.engine.pool._pre_ping is True


def test_a_save_while_the_database_is_down_is_503_then_succeeds_when_it_is_back(client, quiz, app):
    round_id, headers = quiz
    attempt = _start(client, round_id, headers)
    question = attempt["questions"][0]
    url = f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}"
    body = {"option_ids": [question["options"][1]["id"]]}
    with database_down(app) as calls:
        _assert_unavailable(client.put(url, headers=headers, json=body))
        assert calls  # the request really reached for the database
    response = client.put(url, headers=headers, json=body)
    assert response.status_code == 200, response.get_json()
    row = db.session.execute(select(AttemptQuestion).where(
        AttemptQuestion.attempt_id == attempt["id"], AttemptQuestion.question_id == question["id"])).scalar_one()
    assert row.selected == [row.option_id_of(question["options"][1]["id"])]


def test_a_start_while_the_database_is_down_is_503_and_writes_nothing(client, quiz, app):
    round_id, headers = quiz
    with database_down(app):
        _assert_unavailable(client.post(f"/api/v1/rounds/{round_id}/attempts", headers=headers))
    assert db.session.execute(select(func.count()).select_from(Attempt)).scalar_one() == 0
    _start(client, round_id, headers)
    assert db.session.execute(select(func.count()).select_from(Attempt)).scalar_one() == 1


def test_a_submit_and_a_read_are_503_too(client, quiz, app):
    round_id, headers = quiz
    attempt = _start(client, round_id, headers)
    with database_down(app):
        _assert_unavailable(client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=headers, json={}))
        _assert_unavailable(client.get(f"/api/v1/rounds/{round_id}/leaderboard", headers=headers))
        _assert_unavailable(client.get(f"/api/v1/attempts/{attempt['id']}", headers=headers))
    # (GET /api/v1/me may still answer: the token's user is cached for a few seconds)
    assert client.get(f"/api/v1/attempts/{attempt['id']}", headers=headers).status_code == 200


def test_pages_answer_the_503_page_in_vietnamese(client, quiz, make, app):
    round_id, headers = quiz
    organizer = make.user(role="organizer")
    sign_in(client, organizer)
    leaderboard = f"/rounds/{round_id}/leaderboard"
    assert client.get(leaderboard).status_code == 200
    with database_down(app):
        for response in (client.get(leaderboard), client.get("/"), client.post(f"/rounds/{round_id}/start")):
            assert response.status_code == 503
            assert response.headers["Retry-After"] == "5"
            page = response.get_data(as_text=True)
            assert UNAVAILABLE in page
            assert 'href="/login"' in page  # drawn without the member, whose row is out of reach
    response = client.get(leaderboard)
    assert response.status_code == 200
    assert UNAVAILABLE not in response.get_data(as_text=True)


def test_healthz_still_says_the_database_is_down(client, app):
    with database_down(app):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "down", "database": "down", "cache": "none"}


def test_a_programming_error_in_the_database_stays_a_500(app):
    """Not every OperationalError means "not answering": SQLite says "no such table" with one."""
    config = {**app.config}
    config.pop("SERVER_NAME", None)
    broken = create_app(config)

    @broken.get("/api/v1/broken")
    def broken_route():
        db.session.execute(text("SELECT * FROM no_such_table"))
        return {}

    @broken.get("/broken")
    def broken_page():
        db.session.execute(text("SELECT * FROM no_such_table"))
        return ""

    client = broken.test_client()
    response = client.get("/api/v1/broken")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers
    assert response.get_json() == {"error": {"code": "internal_error",
                                             "message": "Hệ thống gặp sự cố. Vui lòng thử lại."}}
    assert client.get("/broken").status_code == 500


def test_the_503_is_documented_on_every_operation(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    operations = [(path, method, operation) for path, methods in paths.items()
                  for method, operation in methods.items() if method in ("get", "post", "put", "patch", "delete")]
    assert len(operations) > 30
    for path, method, operation in operations:
        assert "`service_unavailable`" in operation["responses"]["503"]["description"], (method, path)


# --- PostgreSQL: the server ends the app's connections ---------------------------------------

@contextmanager
def _side_connection():
    """A connection of its own, outside the app's pool."""
    engine = create_engine(db.engine.url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_connections_ended_by_the_server_are_replaced_by_pre_ping(client, quiz, app):
    round_id, headers = quiz
    attempt = _start(client, round_id, headers)
    question = attempt["questions"][0]
    url = f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}"
    db.session.remove()  # the test's own connection goes back to the pool, to be ended there too
    assert db.engine.pool.checkedin() >= 1
    with _side_connection() as killer:
        ended = killer.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                    "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar_one()
    assert ended >= db.engine.pool.checkedin()
    response = client.put(url, headers=headers, json={"option_ids": [question["options"][0]["id"]]})
    assert response.status_code == 200, response.get_json()


@contextmanager
def _connection_lost_on(sql_start):
    """The server ends the request's connection just before the first statement starting with
    `sql_start` runs (a crash in the middle of a transaction)."""
    engine = db.engine
    fired = []

    def kill(conn, cursor, statement, parameters, context, executemany):
        if not fired and statement.lstrip().upper().startswith(sql_start):
            fired.append(statement)
            pid = conn.connection.dbapi_connection.info.backend_pid
            with _side_connection() as other:
                assert other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()

    event.listen(engine, "before_cursor_execute", kill)
    try:
        yield fired
    finally:
        event.remove(engine, "before_cursor_execute", kill)


@pytest.mark.postgres
def test_a_start_cut_in_the_middle_leaves_nothing_half_written(client, quiz):
    round_id, headers = quiz
    db.session.remove()
    with _connection_lost_on("INSERT INTO ATTEMPT_QUESTION") as fired:
        _assert_unavailable(client.post(f"/api/v1/rounds/{round_id}/attempts", headers=headers))
    assert fired  # the attempt row was inserted in the same transaction before the cut
    db.session.remove()
    assert db.session.execute(select(func.count()).select_from(Attempt)).scalar_one() == 0
    assert db.session.execute(select(func.count()).select_from(AttemptQuestion)).scalar_one() == 0
    attempt = _start(client, round_id, headers)
    assert len(attempt["questions"]) == 5


@pytest.mark.postgres
def test_a_save_cut_in_the_middle_keeps_the_previous_answer(client, quiz):
    round_id, headers = quiz
    attempt = _start(client, round_id, headers)
    question = attempt["questions"][0]
    url = f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}"
    first, second = question["options"][0]["id"], question["options"][1]["id"]
    assert client.put(url, headers=headers, json={"option_ids": [first]}).status_code == 200
    db.session.remove()
    with _connection_lost_on("UPDATE ATTEMPT_QUESTION") as fired:
        _assert_unavailable(client.put(url, headers=headers, json={"option_ids": [second]}))
    assert fired
    db.session.remove()
    row = db.session.execute(select(AttemptQuestion).where(
        AttemptQuestion.attempt_id == attempt["id"], AttemptQuestion.question_id == question["id"])).scalar_one()
    assert row.selected == [row.option_id_of(first)]
    assert client.put(url, headers=headers, json={"option_ids": [second]}).status_code == 200
