"""What must hold under simultaneous requests, proven on PostgreSQL with a real threaded server."""
import json
import threading
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from contest.extensions import db
from contest.rounds.models import Attempt, AttemptQuestion
from tests.servers import serving

pytestmark = pytest.mark.postgres


@pytest.fixture
def server(app, clock):
    with serving(app) as base:
        yield base


def call(method, url, headers, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={**headers, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def together(n, fn):
    """Run fn n times at once (released by a barrier); return the results."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        barrier.wait()
        results[i] = fn()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_simultaneous_starts_give_one_attempt(server, make):
    make.questions(10)
    round_ = make.round(question_count=5, max_attempts=3)
    member = make.user()
    headers = make.auth(member)
    url = f"{server}/api/v1/rounds/{round_.id}/attempts"
    results = together(8, lambda: call("POST", url, headers))
    statuses = sorted(status for status, _ in results)
    assert statuses.count(201) == 1 and all(s in (200, 201) for s in statuses), results
    assert len({body["id"] for _, body in results}) == 1
    db.session.expire_all()
    assert db.session.execute(select(func.count()).select_from(Attempt)).scalar_one() == 1


def test_simultaneous_submits_give_one_result(server, make):
    make.questions(6)
    round_ = make.round(question_count=5)
    headers = make.auth(make.user())
    status, attempt = call("POST", f"{server}/api/v1/rounds/{round_.id}/attempts", headers)
    assert status == 201
    for q in attempt["questions"]:
        call("PUT", f"{server}/api/v1/attempts/{attempt['id']}/answers/{q['id']}", headers,
             {"option_ids": [q["options"][0]["id"]]})
    make.clock.advance(seconds=42)
    results = together(8, lambda: call("POST", f"{server}/api/v1/attempts/{attempt['id']}/submit", headers, {}))
    assert all(status == 200 for status, _ in results), results
    assert len({json.dumps(body["result"], sort_keys=True) for _, body in results}) == 1
    db.session.expire_all()
    row = db.session.get(Attempt, attempt["id"])
    assert row.status == "submitted" and row.duration_seconds == 42


def test_save_racing_submit_is_either_counted_or_refused(server, make):
    """A save that loses the race to submit is refused (409); one that wins is in the score."""
    make.questions(6)
    round_ = make.round(question_count=5, max_attempts=None)
    headers = make.auth(make.user())
    start_url = f"{server}/api/v1/rounds/{round_.id}/attempts"
    for _ in range(5):
        status, attempt = call("POST", start_url, headers)
        assert status == 201
        q = attempt["questions"][0]
        save_url = f"{server}/api/v1/attempts/{attempt['id']}/answers/{q['id']}"
        submit_url = f"{server}/api/v1/attempts/{attempt['id']}/submit"
        choice = {"option_ids": [q["options"][0]["id"]]}
        jobs = [("save", save_url, choice), ("submit", submit_url, {}), ("save", save_url, choice),
                ("save", save_url, choice)]
        counter = iter(range(len(jobs)))
        lock = threading.Lock()

        def one():
            with lock:
                kind, url, body = jobs[next(counter)]
            method = "PUT" if kind == "save" else "POST"
            return kind, call(method, url, headers, body)

        out = together(len(jobs), one)
        saves = [result for kind, result in out if kind == "save"]
        assert all(status in (200, 409) for status, _ in saves), out
        db.session.expire_all()
        row = db.session.execute(select(AttemptQuestion).where(
            AttemptQuestion.attempt_id == attempt["id"], AttemptQuestion.question_id == q["id"])).scalar_one()
        finished = db.session.get(Attempt, attempt["id"])
        assert finished.status == "submitted"
        if any(status == 200 for status, _ in saves):
            # Accepted means saved before the submit scored the attempt, and so counted.
            assert row.public_ids(row.selected) == choice["option_ids"] and row.saved_at <= finished.submitted_at
            assert row.is_correct is not None
        else:
            assert row.selected is None


def test_save_after_deadline_and_grace_is_refused_and_changes_nothing(server, make):
    make.questions(5)
    round_ = make.round(question_count=5, duration_seconds=120, grace_seconds=10)
    headers = make.auth(make.user())
    status, attempt = call("POST", f"{server}/api/v1/rounds/{round_.id}/attempts", headers)
    q = attempt["questions"][0]
    make.clock.advance(seconds=120 + 10, microseconds=1)
    status, body = call("PUT", f"{server}/api/v1/attempts/{attempt['id']}/answers/{q['id']}", headers,
                        {"option_ids": [q["options"][0]["id"]]})
    assert status == 409 and body["error"]["code"] == "attempt_closed"
    db.session.expire_all()
    row = db.session.execute(select(AttemptQuestion).where(
        AttemptQuestion.attempt_id == attempt["id"], AttemptQuestion.question_id == q["id"])).scalar_one()
    assert row.selected is None and row.saved_at is None
    status, body = call("GET", f"{server}/api/v1/attempts/{attempt['id']}", headers)
    assert body["status"] == "expired" and body["result"]["score"] == 0
    assert timedelta(seconds=body["result"]["duration_seconds"]) == timedelta(seconds=120)


def test_simultaneous_first_readers_freeze_final_ranks_once(server, make):
    make.questions(4)
    round_ = make.round(question_count=3)
    from contest.rounds import service
    from contest.standings.models import Standing

    from contest.standings.models import UnitParticipation

    unit = make.unit()
    for _ in range(5):
        attempt, _ = service.start_attempt(round_, make.user(unit=unit))
        service.submit_attempt(attempt)
    headers = make.auth(make.user(role="organizer"))
    make.clock.set(round_.closes_at + timedelta(seconds=round_.grace_seconds + 1))  # final after the grace
    url = f"{server}/api/v1/rounds/{round_.id}/leaderboard"
    results = together(6, lambda: call("GET", url, headers))
    assert all(status == 200 and body["final"] and body["total"] == 5 for status, body in results), results
    db.session.expire_all()
    assert db.session.execute(select(func.count()).select_from(Standing)).scalar_one() == 5
    frozen = db.session.execute(select(UnitParticipation.members, UnitParticipation.participants)).all()
    assert frozen == [(5, 5)]  # the unit table froze once, with the ranks


def test_prediction_save_racing_submit_is_either_counted_or_refused(server, make):
    """The prediction locks the attempt row as an answer save does: a save that loses the race to
    submit is refused (409) and changes nothing; one that wins is the prediction ranked."""
    make.questions(4)
    round_ = make.round(question_count=3, max_attempts=None, prediction_prompt="Bao nhiêu người?")
    headers = make.auth(make.user())
    start_url = f"{server}/api/v1/rounds/{round_.id}/attempts"
    for _ in range(6):
        status, attempt = call("POST", start_url, headers)
        assert status == 201
        prediction_url = f"{server}/api/v1/attempts/{attempt['id']}/prediction"
        submit_url = f"{server}/api/v1/attempts/{attempt['id']}/submit"
        jobs = [("save", prediction_url, {"prediction": 100 + n}) for n in range(3)] + [("submit", submit_url, {})]
        counter = iter(range(len(jobs)))
        lock = threading.Lock()

        def one():
            with lock:
                kind, url, body = jobs[next(counter)]
            return kind, body, call("PUT" if kind == "save" else "POST", url, headers, body)

        out = together(len(jobs), one)
        saves = [(body["prediction"], status) for kind, body, (status, _) in out if kind == "save"]
        assert all(status in (200, 409) for _, status in saves), out
        submitted = next(body for kind, _, (status, body) in out if kind == "submit")
        db.session.expire_all()
        finished = db.session.get(Attempt, attempt["id"])
        assert finished.status == "submitted"
        accepted = {p for p, status in saves if status == 200}
        # What the submit answered and what is stored (and ranked) agree, and it is an accepted save.
        assert finished.prediction == submitted["prediction"]
        if accepted:
            assert finished.prediction in accepted
        else:
            assert finished.prediction is None
