"""The jobs feature's loader, the same for the pages and the API."""
from contest.errors import get_or_404
from contest.jobs.models import Job


def get_visible_job_or_404(job_id: str, user) -> Job:
    """The job if the user started it, or is an administrator; anyone else: not found."""
    return get_or_404(Job, job_id, lambda job: user is not None and (
        job.started_by_id == user.id or user.has_role("admin")))
