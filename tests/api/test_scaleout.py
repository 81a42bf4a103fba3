"""No state in the app processes: two gunicorn app servers behind HAProxy, one PostgreSQL reached
through PgBouncer in transaction pooling, one Redis — and members, organizers and the cron get the
same answers whichever server they reach (issue 10, point 2). bench/scaleout.py plays load on the
same cluster.

PostgreSQL only (the PostgreSQL pass of `make test`); skipped without the Debian packages haproxy
and pgbouncer (.ci/run installs them) or without Redis.
"""
import os
import re
import threading
from datetime import datetime, timedelta, timezone

import pytest
import redis
import requests
from sqlalchemy import func, select

from contest.audit.models import AuditEvent
from contest.extensions import db
from contest.rounds.models import Attempt
from contest.standings.models import Standing
from tests.servers import cluster, missing_parts

pytestmark = pytest.mark.postgres

REDIS_URL = os.environ.get("TEST_SCALEOUT_REDIS_URL", "redis://127.0.0.1:6379/12")
SIGN_IN_LIMIT = 4  # per minute and per address, counted in Redis for every server


@pytest.fixture(scope="module")
def servers(app, database_url):
    if missing_parts():
        pytest.skip(f"needs the Debian packages {', '.join(missing_parts())} (apt-get install haproxy pgbouncer)")
    try:
        store = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        store.ping()
    except redis.RedisError:
        pytest.skip(f"needs Redis at {REDIS_URL} (set TEST_SCALEOUT_REDIS_URL)")
    # Two workers of four threads on each server share PgBouncer's three server connections, so
    # one app connection's transactions run on different ones: without DATABASE_POOLER=pgbouncer
    # (psycopg preparing its frequent statements) the saves fail with "prepared statement … does
    # not exist".
    # One member saves 165 times in seconds here: the per-user save limit is lifted.
    with cluster(database_url, REDIS_URL, workers=2, bouncer_pool=3,
                 env={"LOGIN_RATE_LIMIT": f"{SIGN_IN_LIMIT} per minute", "RATE_LIMIT_SAVE_USER": "none"}) as running:
        yield running
    store.flushdb()


@pytest.fixture
def shared(servers, clock):
    """The cluster, with Redis emptied (tables are emptied for every test) and the factories'
    clock at the real time, which the servers use."""
    redis.Redis.from_url(REDIS_URL).flushdb()
    clock.set(datetime.now(timezone.utc).replace(microsecond=0))
    return servers


def api(base, token=None):
    session = requests.Session()
    if token:
        session.headers["Authorization"] = f"Bearer {token}"
    session.base = base + "/api/v1"
    return session


def test_answers_saved_through_one_server_are_read_through_the_other(make, shared):
    first, second = shared.servers
    round_ = make.quiz(questions=5, question_count=5)
    token = make.token(make.user(full_name="Nguyễn Thị Lan"))
    started = api(first, token).post(f"{first}/api/v1/rounds/{round_.id}/attempts")
    assert started.status_code == 201
    attempt = started.json()
    # 160 saves from 8 threads through the load balancer, round robin over both servers and,
    # behind them, PgBouncer handing each transaction any server connection. Each thread answers
    # its own questions, its last choice is what must be read back.
    questions = attempt["questions"]
    chosen, statuses = {}, []

    def answer(thread):
        through = api(shared.url, token)
        for i in range(20):
            question = questions[(thread + i) % 5]
            option = question["options"][(thread * 20 + i) % len(question["options"])]["id"]
            saved = through.put(f"{shared.url}/api/v1/attempts/{attempt['id']}/answers/{question['id']}",
                                json={"option_ids": [option]})
            statuses.append(saved.status_code)

    threads = [threading.Thread(target=answer, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 160
    for question in questions:  # the last word, given through the load balancer
        option = question["options"][0]["id"]
        saved = api(shared.url, token).put(
            f"{shared.url}/api/v1/attempts/{attempt['id']}/answers/{question['id']}", json={"option_ids": [option]})
        assert saved.status_code == 200
        chosen[str(question["id"])] = [option]
    read = api(second, token).get(f"{second}/api/v1/attempts/{attempt['id']}")
    assert read.status_code == 200
    assert read.json()["answers"] == chosen
    # ...and the member's own page on the first server shows the same attempt in progress.
    again = api(first, token).post(f"{first}/api/v1/rounds/{round_.id}/attempts")
    assert (again.status_code, again.json()["id"], again.json()["answers"]) == (200, attempt["id"], chosen)


def test_the_sign_in_limit_counts_across_both_servers(make, shared):
    first, second = shared.servers
    make.user(username="lan.nt")
    body = {"username": "lan.nt", "password": "secret-pass"}
    answers = [requests.post(f"{base}/api/v1/auth/token", json=body).status_code
               for base in (first, first, second, second)]
    assert answers == [200] * SIGN_IN_LIMIT
    refused = requests.post(f"{shared.url}/api/v1/auth/token", json=body)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) > 0
    # A client cannot escape the limit by claiming another address: HAProxy appends the address
    # it sees, and the servers trust that one hop only (PROXY_COUNT=1).
    spoofed = requests.post(f"{shared.url}/api/v1/auth/token", json=body,
                            headers={"X-Forwarded-For": "203.0.113.7"})
    assert spoofed.status_code == 429


def _signed_in_page_session(base, username):
    session = requests.Session()
    form = session.get(f"{base}/login").text
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', form)
    token = next(group for group in csrf.groups() if group)
    signed_in = session.post(f"{base}/login", data={"username": username, "password": "secret-pass",
                                                      "csrf_token": token})
    assert signed_in.status_code == 200
    session.csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', signed_in.text).group(1)
    return session


def test_a_bank_change_through_one_server_is_seen_by_the_others_draws_at_once(make, shared):
    first, second = shared.servers
    questions = make.questions(3)
    round_ = make.round(question_count=2)
    make.user(username="btc", role="organizer")
    members = [make.token(make.user()) for _ in range(2)]
    # The second server draws once, so its candidate list (3 questions) is cached.
    warm = api(second, members[0]).post(f"{second}/api/v1/rounds/{round_.id}/attempts")
    assert warm.status_code == 201
    # The organizer retires a question on the first server...
    organizer = _signed_in_page_session(first, "btc")
    retired = organizer.post(f"{first}/manage/bank/questions/{questions[0].id}/status",
                             data={"status": "retired", "csrf_token": organizer.csrf})
    assert retired.status_code == 200
    assert "Đã ngừng sử dụng câu hỏi: câu hỏi sẽ không còn được đưa vào đề thi." in retired.text
    # ...and the second server's very next draw leaves it out: the two questions left, exactly.
    drawn = api(second, members[1]).post(f"{second}/api/v1/rounds/{round_.id}/attempts")
    assert drawn.status_code == 201
    assert sorted(q["id"] for q in drawn.json()["questions"]) == sorted(q.id for q in questions[1:])


def test_the_final_ranks_are_frozen_once_and_both_servers_read_them(make, shared):
    first, second = shared.servers
    make.questions(3)
    round_ = make.round(question_count=3, open_for=timedelta(hours=2), grace_seconds=0)
    names = ["Trần Văn Bình", "Lê Thị Cúc", "Phạm Minh Đức"]
    for name in names:  # three members finish, one after the other
        session = api(first, make.token(make.user(full_name=name)))
        attempt = session.post(f"{first}/api/v1/rounds/{round_.id}/attempts").json()
        assert session.post(f"{first}/api/v1/attempts/{attempt['id']}/submit", json={}).status_code == 200
    organizer = make.token(make.user(role="organizer"))
    # The organizer closes the round now (the API's PATCH of its window)...
    closed_at = (datetime.now(timezone.utc) - timedelta(seconds=1)).isoformat()
    patched = api(first, organizer).patch(f"{first}/api/v1/rounds/{round_.id}", json={"closes_at": closed_at})
    assert patched.status_code == 200, patched.text
    # ...and twenty readers ask for the leaderboard at once on both servers: the first to get the
    # round's row lock freezes the final ranks, every other one waits and reads them.
    answers = [None] * 20

    def read(i):
        base = shared.servers[i % 2]
        answers[i] = api(base, organizer).get(f"{base}/api/v1/rounds/{round_.id}/leaderboard")

    readers = [threading.Thread(target=read, args=(i,)) for i in range(20)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    assert [a.status_code for a in answers] == [200] * 20
    boards = {tuple((row["rank"], row["display_name"]) for row in a.json()["items"]) for a in answers}
    assert len(boards) == 1
    assert sorted(name for _rank, name in boards.pop()) == sorted(names)
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(Standing).where(Standing.round_id == round_.id)) == 3
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.object_type == "round", AuditEvent.action == "round.freeze")) == 1
    assert db.session.scalar(select(func.count()).select_from(Attempt).where(
        Attempt.round_id == round_.id, Attempt.status == "submitted")) == 3
