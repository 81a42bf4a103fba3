"""Rate limits (issue 10 point 7, contest/ratelimit.py): registration, answer saves, submits,
uploads and exports are counted per user and per address; over a limit the API answers 429
`rate_limited` with Retry-After and the pages say how long to wait, in Vietnamese. Shared limits
count across servers on one Redis; saves are counted in each process (never a Redis round trip)."""
import io
import os
import time
from contextlib import contextmanager

import pytest
import redis
from sqlalchemy import func, select

from app import create_app
from contest import ratelimit
from contest.accounts import registration
from contest.accounts.models import User
from contest.extensions import db
from tests.servers import sharing_redis
from tests.factories import sign_in

TEST_REDIS_URL = os.environ.get("TEST_CACHE_REDIS_URL", "redis://127.0.0.1:6379/10")
WAIT = "Bạn thao tác quá nhanh. Vui lòng thử lại sau {} giây."
HIGH = "100000 per minute"
PASSWORD = "song-nui-xanh-thao"


@contextmanager
def limits(app, **actions):
    """RATE_LIMITS with some actions lowered: action=(per user, per address)."""
    saved = app.config["RATE_LIMITS"]
    app.config["RATE_LIMITS"] = {**saved, **actions}
    try:
        yield
    finally:
        app.config["RATE_LIMITS"] = saved


def wait_of(response, window=60):
    """The Retry-After of a 429: the rest of a `window`-second window that began with this test's
    first counted request. The counts run on the real time (the `limits` library's), so a slow
    machine may have spent a few of its seconds since."""
    assert response.status_code == 429
    wait = int(response.headers["Retry-After"])
    assert window - 10 < wait <= window
    return wait


def refused_as_too_fast(response, window=60):
    wait = wait_of(response, window)
    assert response.get_json() == {"error": {"code": "rate_limited", "message": WAIT.format(wait)}}
    return True


def refused_on_the_page(page, window=60):
    wait = wait_of(page, window)
    assert WAIT.format(wait) in page.get_data(as_text=True)
    return True


def _attempt(client, make, round_, user, address="127.0.0.1"):
    headers = make.auth(user)
    attempt = client.post(f"/api/v1/rounds/{round_.id}/attempts", headers=headers,
                          environ_base={"REMOTE_ADDR": address}).get_json()
    return headers, attempt


def _save(client, headers, attempt, address="127.0.0.1"):
    q = attempt["questions"][0]
    return client.put(f"/api/v1/attempts/{attempt['id']}/answers/{q['id']}", headers=headers,
                      json={"option_ids": [q["options"][0]["id"]]}, environ_base={"REMOTE_ADDR": address})


def test_the_rules_of_the_window():
    import doctest

    assert doctest.testmod(ratelimit).failed == 0


def test_saves_are_counted_per_user(app, client, make):
    round_ = make.quiz(questions=5, question_count=3)
    an, binh = make.user(), make.user()
    with limits(app, save=("3 per minute", HIGH)):
        headers, attempt = _attempt(client, make, round_, an)
        assert [_save(client, headers, attempt).status_code for _ in range(3)] == [200] * 3
        assert refused_as_too_fast(_save(client, headers, attempt))
        # The same address, another member: their own count.
        other, theirs = _attempt(client, make, round_, binh)
        assert _save(client, other, theirs).status_code == 200
        # The prediction is a save too, on the same count.
        refused = client.put(f"/api/v1/attempts/{attempt['id']}/prediction", headers=headers, json={"prediction": 5})
        assert refused_as_too_fast(refused)
        ratelimit.forget_all(app)  # as when the window ends (on the real time: see test_a_window_ends)
        assert _save(client, headers, attempt).status_code == 200


def test_a_window_ends_and_the_next_one_counts_afresh(app, client, make):
    round_ = make.quiz(questions=5, question_count=3)
    """On the real time: a window of 3 s, the third save refused within it, taken once the
    Retry-After it was told has passed."""
    with limits(app, save=("2 per 3 seconds", HIGH)):
        headers, attempt = _attempt(client, make, round_, make.user())
        assert [_save(client, headers, attempt).status_code for _ in range(2)] == [200, 200]
        refused = _save(client, headers, attempt)
        assert refused_as_too_fast(refused, window=3)
        time.sleep(int(refused.headers["Retry-After"]) + 0.05)
        assert [_save(client, headers, attempt).status_code for _ in range(2)] == [200, 200]  # a new window
        assert refused_as_too_fast(_save(client, headers, attempt), window=3)


def test_saves_are_counted_per_address_and_retry_after_is_the_rest_of_the_window(app, client, make):
    round_ = make.quiz(questions=5, question_count=3)
    members = [make.user() for _ in range(3)]
    with limits(app, save=(HIGH, "4 per minute")):
        attempts = [_attempt(client, make, round_, m, address="10.0.0.7") for m in members]
        codes = [_save(client, h, a, address="10.0.0.7").status_code for h, a in attempts + attempts[:1]]
        assert codes == [200] * 4
        time.sleep(2)
        refused = _save(client, *attempts[2], address="10.0.0.7")
        assert refused_as_too_fast(refused)
        assert int(refused.headers["Retry-After"]) <= 58  # the rest of the window, not a whole one
        assert _save(client, *attempts[2], address="10.0.0.8").status_code == 200  # another address
    # The refused save changed nothing: the row still has the save of the first window.
    from contest.rounds.models import AttemptQuestion

    saved = db.session.execute(select(AttemptQuestion.saved_at).where(
        AttemptQuestion.attempt_id == attempts[2][1]["id"], AttemptQuestion.saved_at.is_not(None))).scalars().all()
    assert len(saved) == 1


def test_submits_are_counted_per_user_on_the_api_and_the_page(app, client, make):
    round_ = make.quiz(questions=5, question_count=3, max_attempts=None)
    an = make.user()
    with limits(app, submit=("2 per minute", HIGH)):
        headers, attempt = _attempt(client, make, round_, an)
        url = f"/api/v1/attempts/{attempt['id']}/submit"
        assert [client.post(url, headers=headers, json={}).status_code for _ in range(2)] == [200, 200]
        assert refused_as_too_fast(client.post(url, headers=headers, json={}))
        sign_in(client, an)
        page = client.post(f"/attempts/{attempt['id']}/submit", data={})
        assert refused_on_the_page(page)


def test_registration_is_counted_per_address_on_the_page_and_the_api(app, client, make):
    registration.save_settings(None, {"open": True, "unit_required": False})
    db.session.commit()

    def form(n):
        return {"full_name": "Lê Thị Mai", "username": f"le.mai{n}", "password": PASSWORD, "confirm": PASSWORD}

    with limits(app, register=(None, "2 per 10 minutes")):
        assert client.get("/register").status_code == 200  # showing the form is not counted
        for n in range(2):
            page = client.post("/register", data=form(n), environ_base={"REMOTE_ADDR": "10.0.0.7"})
            assert page.status_code == 302
            client.post("/logout")
        page = client.post("/register", data=form(2), environ_base={"REMOTE_ADDR": "10.0.0.7"})
        assert wait_of(page, window=600) > 540  # told in minutes: any of its last 60 s is "10 minutes"
        assert "Bạn thao tác quá nhanh. Vui lòng thử lại sau 10 phút." in page.get_data(as_text=True)
        api = client.post("/api/v1/auth/register", json={"username": "le.mai3", "password": PASSWORD,
                                                         "full_name": "Lê Thị Mai"},
                          environ_base={"REMOTE_ADDR": "10.0.0.7"})
        assert wait_of(api, window=600) > 540
        assert api.get_json() == {"error": {"code": "rate_limited",
                                            "message": "Bạn thao tác quá nhanh. Vui lòng thử lại sau 10 phút."}}
        elsewhere = client.post("/api/v1/auth/register", json={"username": "le.mai4", "password": PASSWORD,
                                                               "full_name": "Lê Thị Mai"},
                                environ_base={"REMOTE_ADDR": "10.0.0.8"})
        assert elsewhere.status_code == 201
    assert sorted(db.session.execute(select(User.username, User.registered_from)).all()) == [
        ("le.mai0", "10.0.0.7"), ("le.mai1", "10.0.0.7"), ("le.mai4", "10.0.0.8")]


def test_uploads_are_counted_per_user_and_per_address(app, client, make):
    organizer, other = make.user(role="organizer"), make.user(role="organizer")
    mine, theirs = make.auth(organizer), make.auth(other)

    def bank_import(headers, address="127.0.0.1"):
        return client.post("/api/v1/questions/import", headers=headers, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(b"not a question"), "cau-hoi.txt"), "format": "aiken"},
                           environ_base={"REMOTE_ADDR": address})

    def member_import(headers, address="127.0.0.1"):
        return client.post("/api/v1/users/import", headers=headers, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(b"x"), "thanh-vien.csv")}, environ_base={"REMOTE_ADDR": address})

    third, fourth = make.auth(make.user(role="organizer")), make.auth(make.user(role="organizer"))
    with limits(app, upload=("2 per minute", "4 per minute")):
        assert [bank_import(mine).status_code, member_import(mine).status_code] == [422, 422]
        assert refused_as_too_fast(bank_import(mine))  # the user's third upload of the minute ...
        assert member_import(theirs).status_code == 422  # ... not counted on the address: its third
        assert member_import(third).status_code == 422  # the address's fourth
        assert refused_as_too_fast(member_import(third))  # the address's fifth (their second, given back)
        assert bank_import(third, address="10.0.0.9").status_code == 422  # from elsewhere: their second
        assert bank_import(theirs, address="10.0.0.9").status_code == 422  # their second ...
        assert refused_as_too_fast(bank_import(theirs, address="10.0.0.9"))  # ... and third, wherever from
        # The refused third did not count on 10.0.0.9 either: two more fit in its four.
        assert [bank_import(fourth, address="10.0.0.9").status_code for _ in range(2)] == [422, 422]
        assert refused_as_too_fast(bank_import(fourth, address="10.0.0.9"))  # their third


def test_an_essay_upload_is_counted(app, client, make):
    from tests.api.test_essay_entries import essay_round

    round_ = essay_round(make)
    member = make.user()
    headers = make.auth(member)
    with limits(app, upload=("1 per minute", HIGH)):
        first = client.post(f"/api/v1/rounds/{round_.id}/entries", headers=headers,
                            json={"title": "Bài viết", "body": "Học tập và làm theo Bác " * 20})
        assert first.status_code == 201
        again = client.post(f"/api/v1/rounds/{round_.id}/entries", headers=headers,
                            json={"title": "Bài viết", "body": "Sửa lại bài viết " * 20})
        assert refused_as_too_fast(again)
        sign_in(client, member)
        page = client.post(f"/essays/rounds/{round_.id}/upload", data={"title": "Bài viết"})
        assert refused_on_the_page(page)
        assert client.get(f"/essays/rounds/{round_.id}/upload").status_code == 200  # the form is not counted


def test_exports_and_reports_are_counted_per_user_on_the_api_and_the_pages(app, client, make):
    round_ = make.quiz(questions=3, question_count=3)
    organizer = make.user(role="organizer")
    headers = make.auth(organizer)
    with limits(app, export=("3 per minute", HIGH)):
        base = f"/api/v1/rounds/{round_.id}"
        codes = [client.get(url, headers=headers).status_code
                 for url in (f"{base}/export/leaderboard.csv", f"{base}/report.xlsx", f"{base}/export/attempts.xlsx")]
        assert codes == [200, 200, 200]
        assert refused_as_too_fast(client.get(f"{base}/export/units.csv", headers=headers))
        sign_in(client, organizer)
        page = client.post(f"/rounds/{round_.id}/report/prepare")  # the page prepares it as a job
        assert refused_on_the_page(page)
        other = make.auth(make.user(role="organizer"))
        assert client.get(f"{base}/export/units.csv", headers=other).status_code == 200


def test_the_openapi_document_says_which_operations_may_answer_429(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    limited = {(path, method) for path, ops in paths.items() for method, op in ops.items() if method != "parameters"
               if "429" in op.get("responses", {})}
    assert {("/api/v1/attempts/{attempt_id}/answers/{question_id}", "put"),
            ("/api/v1/attempts/{attempt_id}/submit", "post"), ("/api/v1/auth/register", "post"),
            ("/api/v1/questions/import", "post"), ("/api/v1/rounds/{round_id}/report.xlsx", "get")} <= limited
    assert ("/api/v1/rounds/{round_id}", "get") not in limited


# --- across servers --------------------------------------------------------------------------


@pytest.fixture
def two_servers(app, clock):
    """Two app instances (two gunicorn workers or two servers) on one Redis (db 10)."""
    limits = {**app.config["RATE_LIMITS"], "submit": ("3 per minute", HIGH), "export": (HIGH, "3 per minute"),
              "save": ("2 per minute", HIGH)}
    with sharing_redis(app, TEST_REDIS_URL, CLOCK=clock, RATE_LIMITS=limits) as servers:
        yield servers


def test_submits_and_exports_count_across_two_servers_sharing_redis(two_servers, make):
    first, second = (server.test_client() for server in two_servers)
    round_ = make.quiz(questions=3, question_count=3, max_attempts=None)
    headers, attempt = _attempt(first, make, round_, make.user())
    url = f"/api/v1/attempts/{attempt['id']}/submit"
    codes = [c.post(url, headers=headers, json={}).status_code for c in (first, second, first)]
    assert codes == [200, 200, 200]
    assert refused_as_too_fast(second.post(url, headers=headers, json={}))  # the user's fourth, in all

    organizer = make.auth(make.user(role="organizer"))
    export = f"/api/v1/rounds/{round_.id}/export/leaderboard.csv"
    codes = [c.get(export, headers=organizer, environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code
             for c in (first, second, second)]
    assert codes == [200, 200, 200]
    assert refused_as_too_fast(first.get(export, headers=organizer, environ_base={"REMOTE_ADDR": "10.0.0.7"}))
    store = redis.Redis.from_url(TEST_REDIS_URL)
    counted = sorted(key.decode().split("/")[1:3] for key in store.keys(ratelimit.REDIS_PREFIX + ":*"))
    assert [action for action, _who in counted] == ["export", "export", "submit", "submit"]  # user and address


def test_saves_are_counted_in_each_process_never_in_redis(two_servers, make):
    """The hot path: no Redis round trip for the save's limit. Each process counts its own, so
    behind two processes a member may save twice the limit, and no more."""
    first, second = (server.test_client() for server in two_servers)
    round_ = make.quiz(questions=3, question_count=3)
    headers, attempt = _attempt(first, make, round_, make.user())
    codes = [_save(c, headers, attempt).status_code for c in (first, first, second, second)]
    assert codes == [200, 200, 200, 200]
    assert refused_as_too_fast(_save(first, headers, attempt))
    assert refused_as_too_fast(_save(second, headers, attempt))
    store = redis.Redis.from_url(TEST_REDIS_URL)
    assert store.keys(ratelimit.REDIS_PREFIX + ":*") == []  # where the submits' counts are (the test above)


def test_when_redis_does_not_answer_the_process_counts_instead(app, make, clock):
    config = {**app.config, "REDIS_URL": "redis://127.0.0.1:1/0", "CLOCK": clock,
              "RATE_LIMITS": {**app.config["RATE_LIMITS"], "submit": ("2 per minute", HIGH)}}
    config.pop("SERVER_NAME", None)
    client = create_app(config).test_client()
    round_ = make.quiz(questions=3, question_count=3)
    headers, attempt = _attempt(client, make, round_, make.user())
    url = f"/api/v1/attempts/{attempt['id']}/submit"
    assert [client.post(url, headers=headers, json={}).status_code for _ in range(2)] == [200, 200]
    assert refused_as_too_fast(client.post(url, headers=headers, json={}))
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
