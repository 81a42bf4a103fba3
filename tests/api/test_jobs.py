"""Background jobs: queued by a request, run once it commits (a thread, inline in tests, or an RQ
worker on Redis), their state read back by GET /api/v1/jobs/{id} by whoever started them only."""
import pytest
from redis import Redis

from contest.extensions import db
from contest.jobs import service
from contest.jobs.models import Job

REDIS_TEST_URL = "redis://127.0.0.1:6379/7"


@pytest.fixture
def inline(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_INLINE", True)  # as TestConfig has it: said for the reader


def _enqueue(func, user, **kwargs) -> str:
    job = service.enqueue("test", f"contest.jobs.examples:{func}", started_by=user, **kwargs)
    job_id = job.id
    db.session.commit()
    return job_id


def test_a_job_runs_inline_after_the_commit_and_reports_done_with_its_result(make, client, inline):
    owner = make.user()
    job_id = _enqueue("count_to", owner, n=4)
    body = client.get(f"/api/v1/jobs/{job_id}", headers=make.auth(owner)).get_json()
    assert body == {"id": job_id, "kind": "test", "status": "done", "progress": 1.0,
                    "result": {"counted": 4}, "error": None}


def test_a_job_runs_in_a_background_thread_without_redis(make, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    owner = make.user()
    job_id = _enqueue("count_to", owner, n=3)
    for thread in [t for t in __import__("threading").enumerate() if t.name == f"job-{job_id}"]:
        thread.join(10)
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    assert (job.status, job.progress, job.result) == ("done", 1.0, {"counted": 3})


def test_progress_is_written_in_its_own_transaction_while_the_job_runs(make, app):
    owner = make.user()
    job = service.enqueue("test", "contest.jobs.examples:count_to", started_by=owner, n=2)
    db.session.info.pop(service.PENDING)  # not started: the test runs it by hand
    db.session.commit()
    service.report_progress(job, 0.25)
    with db.engine.connect() as other:  # what a polling page reads, from another connection
        progress = other.execute(db.select(Job.progress).where(Job.id == job.id)).scalar_one()
    assert progress == 0.25


def test_nothing_starts_when_the_request_rolls_back(make, app, inline):
    owner = make.user()
    job = service.enqueue("test", "contest.jobs.examples:count_to", started_by=owner, n=2)
    job_id = job.id
    db.session.rollback()
    db.session.commit()
    assert db.session.get(Job, job_id) is None
    assert service.PENDING not in db.session.info


def test_a_refusal_is_the_jobs_error_and_a_crash_says_only_that_it_failed(make, client, inline):
    owner = make.user()
    refused = _enqueue("refuse", owner)
    crashed = _enqueue("crash", owner)
    headers = make.auth(owner)
    body = client.get(f"/api/v1/jobs/{refused}", headers=headers).get_json()
    assert (body["status"], body["error"]) == ("failed", "Không có gì để làm.")
    body = client.get(f"/api/v1/jobs/{crashed}", headers=headers).get_json()
    assert body["status"] == "failed"
    assert body["error"] == "Tác vụ không thành công. Vui lòng thử lại; nếu vẫn lỗi, hãy báo quản trị viên."


def test_only_who_started_a_job_or_an_admin_reads_it(make, client, inline):
    owner, other = make.user(), make.user(role="organizer")
    admin = make.user(role="admin")
    job_id = _enqueue("count_to", owner, n=1)
    assert client.get(f"/api/v1/jobs/{job_id}", headers=make.auth(other)).status_code == 404
    assert client.get(f"/api/v1/jobs/{job_id}", headers=make.auth(admin)).status_code == 200
    assert client.get(f"/api/v1/jobs/{job_id}").status_code == 401
    missing = client.get("/api/v1/jobs/no-such-job", headers=make.auth(owner))
    assert (missing.status_code, missing.get_json()["error"]["code"]) == (404, "not_found")


def test_job_ids_are_unguessable():
    ids = {service.new_job_id() for _ in range(1000)}
    assert len(ids) == 1000 and all(len(i) == 22 for i in ids)


@pytest.fixture
def redis_queue(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)  # to the queue, not a thread
    redis = Redis.from_url(REDIS_TEST_URL)
    try:
        redis.ping()
    except Exception:
        pytest.skip("no Redis at " + REDIS_TEST_URL)
    redis.flushdb()
    app.config["REDIS_URL"] = REDIS_TEST_URL
    yield service.rq_queue(app)
    app.config["REDIS_URL"] = None
    redis.flushdb()


def test_with_redis_the_job_waits_in_rq_until_a_worker_runs_it(make, client, app, redis_queue):
    from rq import SimpleWorker

    owner = make.user()
    job_id = _enqueue("count_to", owner, n=5)
    headers = make.auth(owner)
    assert client.get(f"/api/v1/jobs/{job_id}", headers=headers).get_json()["status"] == "queued"
    assert redis_queue.job_ids == [job_id]
    worker = SimpleWorker([redis_queue], connection=redis_queue.connection)
    assert worker.work(burst=True)
    body = client.get(f"/api/v1/jobs/{job_id}", headers=headers).get_json()
    assert (body["status"], body["progress"], body["result"]) == ("done", 1.0, {"counted": 5})
