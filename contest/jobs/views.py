"""Pages: the one download of a job's produced file (the anthology, an export)."""
from flask import Blueprint, Response

from contest.accounts.permissions import current_actor, login_required
from contest.errors import not_found
from contest.jobs import files
from contest.jobs.loaders import get_visible_job_or_404

bp = Blueprint("jobs", __name__)


@bp.route("/jobs/<string(maxlength=32):job_id>/file")
@login_required
def job_file(job_id):
    """The file of a job the signed-in user started (or any, for an administrator: the rule of
    GET /api/v1/jobs/{id}); anyone else, no file yet, or expired: 404."""
    job = get_visible_job_or_404(job_id, current_actor())
    kept = files.file_of(job)
    if kept is None:
        raise not_found()
    return Response(kept.data, mimetype=kept.content_type, headers={
        "Content-Disposition": files.attachment(kept.filename), "Cache-Control": "private, no-store"})
