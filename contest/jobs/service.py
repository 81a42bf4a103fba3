"""Background jobs, one way whatever runs them.

``enqueue(kind, func_path, started_by=..., **kwargs)`` adds a ``Job`` row (flushed, like every
service) and hands the job to a runner only once the caller's transaction commits, so a worker
never looks for a row that is not there yet and a refused request starts nothing:

- ``REDIS_URL`` set: an RQ queue on that Redis; ``flask --app app jobs-worker`` runs it (README);
- otherwise (the embedded SQLite default, ``make run``, tests): a thread of this process, or,
  with config ``JOBS_INLINE``, that thread is waited for before the request answers.

The function named by ``func_path`` ("package.module:function") is called as
``function(job, **kwargs)`` inside an app context; what it returns (JSON) is the job's result and
its session is committed. It may commit its own work in batches and call
``report_progress(job, fraction)`` between them: the progress is written in its own short
transaction, so the page polling ``GET /api/v1/jobs/{id}`` sees it move. A ``Refusal`` raised
by the function is the job's error as the user reads it; anything else is logged and the user
reads a plain "the job failed".
"""
from __future__ import annotations

import importlib
import os
import secrets
import threading

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import event, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from contest.clock import utcnow
from contest.errors import Refusal
from contest.extensions import db
from contest.jobs.models import Job

PENDING = "jobs.pending"  # session.info key: ids of jobs to start once the transaction commits
QUEUE = "contest"
ALLOWED_PACKAGES = ("contest.", "question_bank.")


def new_job_id() -> str:
    """22 URL-safe characters, 128 random bits: a job's id says nothing and cannot be guessed.

    >>> len(new_job_id()), new_job_id() != new_job_id()
    (22, True)
    """
    return secrets.token_urlsafe(16)


def enqueue(kind: str, func_path: str, *, started_by=None, **kwargs) -> Job:
    """A queued job, started once the caller commits (nothing starts if it rolls back)."""
    _resolve(func_path)  # a wrong name fails here, in the request, not later in a worker
    now = utcnow()
    job = Job(id=new_job_id(), kind=kind, func_path=func_path, kwargs=kwargs, status="queued",
              progress=0.0, started_by_id=getattr(started_by, "id", started_by), created_at=now,
              updated_at=now)
    db.session.add(job)
    db.session.flush()
    db.session.info.setdefault(PENDING, []).append(job.id)
    return job


def report_progress(job: Job, fraction: float) -> None:
    """Write how far the job got (0..1) in its own short transaction, seen at once by the page
    that polls. Call it after committing the work done so far: on SQLite a second connection
    cannot write while the job's own transaction holds the lock (it is then skipped, logged)."""
    fraction = min(1.0, max(0.0, float(fraction)))
    set_committed_value(job, "progress", fraction)
    try:
        with db.engine.begin() as conn:
            conn.execute(update(Job).where(Job.id == job.id).values(progress=fraction, updated_at=utcnow()))
    except SQLAlchemyError:
        current_app.logger.warning("jobs: could not write the progress of %s", job.id)


def resolve(func_path: str):
    """The project's function named "package.module:function" (a job's, or one a job is told to
    call: an export's extra sheets); anything outside the project is refused."""
    return _resolve(func_path)


def _resolve(func_path: str):
    module_name, _sep, name = func_path.partition(":")
    if not name or not module_name.startswith(ALLOWED_PACKAGES):
        raise ValueError(f"not a job function of the project: {func_path!r}")
    return getattr(importlib.import_module(module_name), name)


def _error_text(exc: Exception) -> str:
    if isinstance(exc, Refusal):
        return exc.text
    return _("The job failed. Please try again; if it fails again, tell the administrator.")


def run(job_id: str) -> None:
    """Run a queued job to its end (done or failed), in the current app context."""
    job = db.session.get(Job, job_id)
    if job is None or job.status != "queued":
        return  # gone, or another runner took it
    job.status, job.updated_at = "running", utcnow()
    db.session.commit()
    try:
        result = _resolve(job.func_path)(job, **(job.kwargs or {}))
        db.session.commit()
    except Exception as exc:  # the job's failure is its status, never the worker's death
        db.session.rollback()
        if not isinstance(exc, Refusal):
            current_app.logger.exception("job %s (%s) failed", job_id, job.kind)
        failed = db.session.get(Job, job_id)
        failed.status, failed.error, failed.updated_at = "failed", _error_text(exc), utcnow()
        db.session.commit()
        return
    job = db.session.get(Job, job_id)
    job.status, job.progress, job.result, job.updated_at = "done", 1.0, result, utcnow()
    db.session.commit()


def run_from_rq(job_id: str) -> None:
    """What an RQ worker calls, inside the app's context (app.py `run_job` makes one for a worker
    started without it). `flask jobs-worker` forks a work horse per job: the child drops the
    connections it inherited (the parent keeps using them) and opens its own."""
    if current_app.config.get("JOBS_WORKER_PID") not in (None, os.getpid()):
        db.engine.dispose(close=False)
    return run(job_id)


def _run_in_thread(app, job_id: str) -> None:
    with app.app_context():
        try:
            run(job_id)
        finally:
            db.session.remove()


def redis_connection(url: str):
    from redis import Redis

    return Redis.from_url(url)


def rq_queue(app=None):
    from rq import Queue

    app = app or current_app
    return Queue(QUEUE, connection=redis_connection(app.config["REDIS_URL"]))


def dispatch(app, job_id: str) -> None:
    """Hand one committed job to its runner: RQ when REDIS_URL is set, else a thread."""
    if app.config.get("REDIS_URL") and not app.config.get("JOBS_INLINE"):
        try:
            rq_queue(app).enqueue("app.run_job", job_id, job_id=job_id,
                                  job_timeout=app.config.get("JOBS_TIMEOUT", 3600))
            return
        except Exception:  # Redis down: the job still runs, here
            app.logger.warning("jobs: Redis did not take job %s; running it in a thread", job_id)
    thread = threading.Thread(target=_run_in_thread, args=(app, job_id), name=f"job-{job_id}", daemon=True)
    thread.start()
    if app.config.get("JOBS_INLINE"):
        thread.join()


def _after_commit(session) -> None:
    pending = session.info.pop(PENDING, None)
    if not pending or not has_app_context():
        return
    app = current_app._get_current_object()
    for job_id in pending:
        dispatch(app, job_id)


def _after_rollback(session) -> None:
    session.info.pop(PENDING, None)


def init_app(app) -> None:
    if not getattr(init_app, "_listening", False):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
        init_app._listening = True
