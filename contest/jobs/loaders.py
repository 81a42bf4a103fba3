"""The jobs feature's loader, the same for the pages and the API."""
from contest.errors import get_or_404
from contest.jobs.models import Job


def get_visible_job_or_404(job_id: str, user) -> Job:
    """The job if the user started it, or is an administrator; anyone else: not found."""
    return get_or_404(Job, job_id, lambda job: user is not None and (
        job.started_by_id == user.id or user.has_role("admin")))


def requested_job(user) -> Job | None:
    """The job a page was sent back with (``?job=<id>``, after starting it) if the user may read
    it; else None (the page then shows no progress bar)."""
    from flask import request

    from contest.errors import Refusal

    job_id = request.args.get("job", "")[:32]
    if not job_id or user is None:
        return None
    try:
        return get_visible_job_or_404(job_id, user)
    except Refusal:
        return None
