"""One row per background job: what it is, how far it got, what it gave or why it failed."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from contest.clock import utcnow
from contest.dbtypes import UTCDateTime
from contest.extensions import db

STATUSES = ("queued", "running", "done", "failed")


class Job(db.Model):
    __tablename__ = "job"
    # Unguessable (secrets.token_urlsafe): the same id names the RQ job.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # "certificates", "anthology", "export"…
    func_path: Mapped[str] = mapped_column(String(200))  # "package.module:function"
    kwargs: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    progress: Mapped[float] = mapped_column(default=0.0)  # 0..1
    result: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def as_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "status": self.status, "progress": self.progress,
                "result": self.result, "error": self.error}


class JobFile(db.Model):
    """The file a job produced (the anthology, an export), kept in the database so that every
    worker and server sees it, whichever wrote it; one per job. Downloaded from
    GET /jobs/<id>/file by who started the job; gone a day later (files.py)."""
    __tablename__ = "job_file"

    job_id: Mapped[str] = mapped_column(ForeignKey("job.id", ondelete="CASCADE"), primary_key=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(200))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
