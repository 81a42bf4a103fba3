"""Who gets a certificate, issuing them (a background job), revoking one, the contest's settings.

Issuing is idempotent: one certificate per (round, member), kept by a unique constraint; running
it again issues only the missing ones. ``issue_job`` is what POST /api/v1/rounds/{id}/certificates
queues (contest/jobs): it commits in batches and reports its progress between them, then lays out
every valid certificate of the round in one PDF (the ``CertificateBundle``, what GET
.../certificates.pdf serves: 2,000 take longer than a request may). Issuing, revoking and saving
the contest's settings forget the bundle (``forget_bundles``); the next job builds it again.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from contest.audit.service import SYSTEM, record, record_change
from contest.certificates import rules
from contest.certificates.models import Certificate, CertificateBundle, CertificateSettings
from contest.clock import utcnow
from contest.errors import Refusal
from contest.extensions import db
from contest.jobs.service import report_progress
from contest.rounds.models import Round

SCOPES = ("winners", "all")
BATCH = 100


@dataclass(frozen=True)
class Recipient:
    user_id: int
    full_name: str
    unit: str | None
    prize: str | None


def not_published() -> Refusal:
    return Refusal("not_published", 409, _l("The results of this round are not published yet."))


def is_published(round_) -> bool:
    from contest.standings.publishing import round_is_final

    return bool(round_.results_published) and round_is_final(round_)


def _quiz_recipients(round_) -> list[Recipient]:
    from contest.standings.service import leaderboard

    return [Recipient(row["user_id"], row["display_name"], row.get("unit"), row.get("prize"))
            for row in leaderboard(round_)]


def _essay_recipients(round_) -> list[Recipient]:
    from contest.judging import service as judging

    labels = judging.prize_labels()
    people = []
    for item in judging.ranked(round_):
        entry = item["entry"]
        if item.get("rank") is None or entry.author is None:
            continue
        prize = item.get("prize")
        if prize is None and entry.prize:
            prize = str(labels.get(entry.prize, entry.prize))
        people.append(Recipient(entry.author_id, entry.author.full_name, judging.unit_name(entry.author), prize))
    return people


def recipients(round_, scope: str) -> list[Recipient]:
    """Who gets a certificate, in rank order: every ranked participant ("all"), or the ranked
    rows with a prize ("winners")."""
    people = _quiz_recipients(round_) if round_.kind == "quiz" else _essay_recipients(round_)
    if scope == "winners":
        people = [p for p in people if p.prize]
    return people


def issued_user_ids(round_id: int) -> set[int]:
    return set(db.session.execute(select(Certificate.user_id).where(Certificate.round_id == round_id)).scalars())


def issue(round_, scope: str, progress=None, actor=None) -> dict:
    """Issue the missing certificates of the round (the caller checked it is published).
    ``progress(done, total)`` is called after each committed batch when given (the job);
    without it nothing is committed (the caller commits). Returns the counts. Audited
    ``certificate.issue`` (who started it: ``actor``), in the transaction of the last batch."""
    people = recipients(round_, scope)
    have = issued_user_ids(round_.id)
    missing = [p for p in people if p.user_id not in have]
    now = utcnow()
    created = 0
    if missing:
        forget_bundles([round_.id])
    for start in range(0, len(missing), BATCH):
        for person in missing[start:start + BATCH]:
            db.session.add(Certificate(code=rules.new_code(), round_id=round_.id, user_id=person.user_id,
                                       full_name=person.full_name, unit_name=person.unit,
                                       prize=person.prize, issued_at=now))
            created += 1
        if progress is not None:
            try:
                db.session.flush()  # a duplicate fails here, before the audit row is added
                if start + BATCH >= len(missing):
                    _record_issued(round_, scope, len(have), len(missing), actor)
                db.session.commit()
            except IntegrityError:  # another run issued some of them meanwhile: keep theirs
                db.session.rollback()
                return issue(round_, scope, progress, actor)
            progress(start + len(missing[start:start + BATCH]), len(missing))
        else:
            db.session.flush()
            if start + BATCH >= len(missing):
                _record_issued(round_, scope, len(have), len(missing), actor)
    return {"issued": created, "already": len(people) - len(missing), "total": len(people)}


def _record_issued(round_, scope: str, had: int, added: int, actor) -> None:
    record("certificate.issue", "round", round_.id, actor=actor or None, before={"issued": had},
           after={"issued": had + added, "scope": scope}, round_id=round_.id, contest_id=round_.contest_id)


ISSUE_SHARE = 0.2  # of the progress bar: issuing; the rest is laying out the PDF


def issue_job(job, round_id: int, scope: str, base_url: str | None = None) -> dict:
    """The background job: issue the round's missing certificates, then build the round's PDF,
    reporting progress as it goes."""
    from contest.certificates import render

    round_ = db.session.get(Round, round_id)
    if round_ is None or not is_published(round_):
        raise not_published()
    from contest.accounts.models import User

    starter = db.session.get(User, job.started_by_id) if job.started_by_id else None
    counts = issue(round_, scope, progress=lambda done, total: report_progress(
        job, ISSUE_SHARE * done / total if total else ISSUE_SHARE), actor=starter or SYSTEM)
    db.session.commit()
    report_progress(job, ISSUE_SHARE)
    build_bundle(round_, render.base_url(base_url), progress=lambda done, total: report_progress(
        job, ISSUE_SHARE + (1 - ISSUE_SHARE) * done / total))
    return counts


def build_bundle(round_, base: str, progress=None) -> CertificateBundle:
    """Lay out every valid certificate of the round in one PDF and keep it. Flushes."""
    from contest.certificates import render

    certificates = of_round(round_.id, include_revoked=False)
    data = render.pdf(certificates, settings_for(round_.contest_id), base, round_.title, progress=progress)
    forget_bundles([round_.id])
    bundle = CertificateBundle(round_id=round_.id, pdf=data, count=len(certificates), built_at=utcnow())
    db.session.add(bundle)
    db.session.flush()
    return bundle


def bundle_of(round_id: int) -> CertificateBundle | None:
    return db.session.get(CertificateBundle, round_id)


def forget_bundles(round_ids) -> None:
    """The one place a round's PDF of every certificate is forgotten (it no longer says the truth)."""
    db.session.execute(delete(CertificateBundle).where(CertificateBundle.round_id.in_(list(round_ids))))


def round_pdf(round_, base: str) -> bytes:
    """The round's PDF of every valid certificate: the one the job built, else laid out now."""
    from contest.certificates import render

    bundle = bundle_of(round_.id)
    if bundle is not None:
        return bundle.pdf
    return render.pdf(of_round(round_.id, include_revoked=False), settings_for(round_.contest_id), base,
                      round_.title)


def start_issuing(round_, scope: str, actor, base_url: str | None = None) -> str:
    """Queue the issuing job of a published round; its id. Refused before publication."""
    from contest.jobs.service import enqueue

    if scope not in SCOPES:
        raise Refusal("validation_error", 422, _l("Choose who gets a certificate."))
    if not is_published(round_):
        raise not_published()
    job = enqueue("certificates", "contest.certificates.service:issue_job", started_by=actor,
                  round_id=round_.id, scope=scope, base_url=base_url)
    return job.id


def of_round(round_id: int, include_revoked: bool = True) -> list[Certificate]:
    stmt = select(Certificate).where(Certificate.round_id == round_id)
    if not include_revoked:
        stmt = stmt.where(Certificate.revoked_at.is_(None))
    return list(db.session.execute(stmt.order_by(Certificate.id)).scalars())


def of_user(user_id: int) -> list[Certificate]:
    return list(db.session.execute(select(Certificate).where(Certificate.user_id == user_id)
                                   .order_by(Certificate.issued_at.desc(), Certificate.id.desc())).scalars())


def own_certificate(round_id: int, user_id: int) -> Certificate | None:
    return db.session.execute(select(Certificate).where(
        Certificate.round_id == round_id, Certificate.user_id == user_id)).scalar_one_or_none()


def revoke(certificate: Certificate, reason: str, actor=None) -> None:
    """Revoke a certificate (audited ``certificate.revoke``, with the reason). Flushes."""
    reason = (reason or "").strip()
    if not reason:
        raise Refusal("validation_error", 422, _l("Say why the certificate is revoked."),
                      [{"field": "reason", "message": str(_l("Say why the certificate is revoked."))}])
    if certificate.revoked:
        raise Refusal("already_revoked", 409, _l("This certificate is already revoked."))
    certificate.revoked_at = utcnow()
    certificate.revoked_reason = reason[:1000]
    certificate.revoked_by_id = getattr(actor, "id", None)
    forget_bundles([certificate.round_id])
    db.session.flush()
    record("certificate.revoke", "certificate", certificate.id, actor=actor, before={"revoked": False},
           after={"revoked": True}, reason=certificate.revoked_reason, round_id=certificate.round_id,
           contest_id=certificate.round.contest_id)


# --- the contest's settings ----------------------------------------------------------------------

def settings_for(contest_id: int) -> CertificateSettings | None:
    return db.session.get(CertificateSettings, contest_id)


def save_settings(contest_id: int, *, template: str | None, signer_name: str | None,
                  signer_title: str | None, image: bytes | None = None, remove_image: bool = False,
                  actor=None) -> CertificateSettings:
    """Save a contest's certificate settings; the template is checked (it compiles) and the image
    (PNG/JPEG by content, ≤ 1 MB). Flushes."""
    template = (template or "").strip() or None
    if template is not None:
        rules.check_template(template)
    image_type = rules.check_image(image) if image else None
    settings = settings_for(contest_id)
    if settings is None:
        settings = CertificateSettings(contest_id=contest_id)
        db.session.add(settings)
    old = _settings_state(settings)
    settings.template = template
    settings.signer_name = (signer_name or "").strip()[:200] or None
    settings.signer_title = (signer_title or "").strip()[:200] or None
    if image:
        settings.image, settings.image_type = image, image_type
    elif remove_image:
        settings.image = settings.image_type = None
    settings.updated_at = utcnow()
    forget_bundles(db.session.execute(select(Round.id).where(Round.contest_id == contest_id)).scalars().all())
    db.session.flush()
    record_change("certificate.settings", "contest", contest_id, old, _settings_state(settings), actor=actor,
                  contest_id=contest_id)
    return settings


def _settings_state(settings: CertificateSettings) -> dict:
    """What the audit log keeps of the settings: the template's text, the signer, and of the
    image its type and size (not its bytes)."""
    return {"template": settings.template, "signer_name": settings.signer_name,
            "signer_title": settings.signer_title, "image_type": settings.image_type,
            "image_bytes": len(settings.image) if settings.image else None}
