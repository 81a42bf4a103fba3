"""A job's produced file: one row of ``job_file`` per job, in the database (every worker and
server sees it; neither the memory of a process nor its local disk), downloaded from the one
route GET /jobs/<id>/file by whoever may read the job (loaders.get_visible_job_or_404).

Files expire after ``LIFETIME``: an older one is no longer served (404), and each job that keeps a
new file deletes the expired ones (``forget_expired``), so the table holds about a day of files.

>>> attachment("ky-yeu-vong-3.pdf")
'attachment; filename="ky-yeu-vong-3.pdf"'
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete

from contest.clock import utcnow
from contest.extensions import db
from contest.jobs.models import Job, JobFile

LIFETIME = timedelta(days=1)


def attachment(filename: str) -> str:
    """The Content-Disposition of a job's file (its names are ASCII: "round-3-report.xlsx")."""
    return f'attachment; filename="{filename}"'


def forget_expired(now: datetime | None = None) -> int:
    """Delete the files older than LIFETIME; how many. Flushes."""
    cutoff = (now or utcnow()) - LIFETIME
    return db.session.execute(delete(JobFile).where(JobFile.created_at < cutoff)).rowcount or 0


def keep_file(job: Job, filename: str, content_type: str, data: bytes) -> dict:
    """Keep what the job produced (replacing a file it kept before) and forget the expired ones.
    Flushes; the job's runner commits. Returns what the job's result says of it."""
    forget_expired()
    db.session.execute(delete(JobFile).where(JobFile.job_id == job.id))
    db.session.add(JobFile(job_id=job.id, filename=filename, content_type=content_type, data=data,
                           created_at=utcnow()))
    db.session.flush()
    return {"filename": filename, "size": len(data)}


def file_of(job: Job, now: datetime | None = None) -> JobFile | None:
    """The job's file, unless it has none or it expired."""
    kept = db.session.get(JobFile, job.id)
    if kept is None or kept.created_at < (now or utcnow()) - LIFETIME:
        return None
    return kept
