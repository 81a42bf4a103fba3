"""API v1: a background job's state, for the page (or client) that waits for it."""
import marshmallow as ma
from flask_smorest import Blueprint

from contest.accounts.permissions import current_actor, login_required
from contest.jobs.loaders import get_visible_job_or_404

blp = Blueprint("api_jobs", __name__, description="Background jobs")


class JobOut(ma.Schema):
    id = ma.fields.String()
    kind = ma.fields.String()
    status = ma.fields.String(metadata={"enum": ["queued", "running", "done", "failed"]})
    progress = ma.fields.Float(metadata={"minimum": 0, "maximum": 1})
    result = ma.fields.Raw(allow_none=True)
    error = ma.fields.String(allow_none=True)


@blp.route("/jobs/<string(maxlength=32):job_id>")
@blp.response(200, JobOut)
@login_required
def job_state(job_id):
    """A job started by the caller (or any job, for an administrator); others: 404."""
    return get_visible_job_or_404(job_id, current_actor()).as_dict()
