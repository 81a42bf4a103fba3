"""API v1: issuing, listing, fetching, verifying and revoking certificates (api-v1.md
"Results and reporting")."""
import marshmallow as ma
from flask import Response
from flask_smorest import Blueprint

from contest.accounts.permissions import current_actor, login_required, roles_required
from contest.api.core import Page, errors, page_of
from contest.certificates import render, service
from contest.certificates.loaders import (get_certificate_or_404, get_public_certificate_or_404,
                                          get_visible_certificate_or_404)
from contest.extensions import db
from contest.ratelimit import limited
from contest.rounds.loaders import get_round_or_404

blp = Blueprint("api_certificates", __name__, description="Certificates anyone can verify")

PDF = "application/pdf"


class IssueIn(ma.Schema):
    scope = ma.fields.String(required=True, validate=ma.validate.OneOf(service.SCOPES), metadata={
        "description": "`winners`: the ranked rows with a prize; `all`: every ranked participant"})


class JobStarted(ma.Schema):
    job_id = ma.fields.String()


class CertificateItem(ma.Schema):
    code = ma.fields.String()
    full_name = ma.fields.String()
    unit = ma.fields.String(allow_none=True)
    prize = ma.fields.String(allow_none=True)
    issued_at = ma.fields.DateTime()
    revoked = ma.fields.Boolean()
    pdf_url = ma.fields.String()


class CertificatePage(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CertificateItem))
    total = ma.fields.Integer()


class CertificatePublic(ma.Schema):
    code = ma.fields.String()
    full_name = ma.fields.String()
    unit = ma.fields.String(allow_none=True)
    contest = ma.fields.String()
    round = ma.fields.String()
    prize = ma.fields.String(allow_none=True)
    issued_at = ma.fields.DateTime()
    revoked = ma.fields.Boolean()


class RevokeIn(ma.Schema):
    # Required (422 when empty), asked by the service after the code is found (404 first).
    reason = ma.fields.String(load_default=None, validate=ma.validate.Length(max=1000),
                              metadata={"description": "why it is revoked (required)"})


def pdf_url(code: str) -> str:
    return f"/api/v1/certificates/{code}.pdf"


def _item(c) -> dict:
    return {"code": c.code, "full_name": c.full_name, "unit": c.unit_name, "prize": c.prize,
            "issued_at": c.issued_at, "revoked": c.revoked, "pdf_url": pdf_url(c.code)}


def _pdf_response(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype=PDF)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


_PDF_DOC = {"responses": {"200": {"description": "The PDF (attachment)", "content": {
    PDF: {"schema": {"type": "string", "format": "binary"}}}}}}


@blp.route("/rounds/<int:round_id>/certificates", methods=["POST"])
@roles_required("organizer")
@blp.arguments(IssueIn)
@blp.response(202, JobStarted)
@errors(E409="`not_published`: the round's results are not published yet")
def issue_certificates(data, round_id):
    """Issue the round's certificates as a background job (follow it with GET /api/v1/jobs/{id}).
    Idempotent: a member who has one keeps it; only the missing ones are issued."""
    round_ = get_round_or_404(round_id)
    job_id = service.start_issuing(round_, data["scope"], current_actor(), render.base_url())
    db.session.commit()
    return {"job_id": job_id}


@blp.route("/rounds/<int:round_id>/certificates")
@roles_required("organizer")
@blp.arguments(Page, location="query")
@blp.response(200, CertificatePage)
def list_certificates(args, round_id):
    """The round's certificates, in the order they were issued (rank order)."""
    round_ = get_round_or_404(round_id)
    return page_of([_item(c) for c in service.of_round(round_.id)], args)


@blp.route("/rounds/<int:round_id>/certificates.pdf")
@roles_required("organizer")
@blp.doc(**_PDF_DOC)
@limited("export")
def round_certificates_pdf(round_id):
    """Every certificate of the round (not revoked) in one PDF, one page each: the one the
    issuing job built (POST .../certificates builds it again after a revocation)."""
    round_ = get_round_or_404(round_id)
    data = service.round_pdf(round_, render.base_url())
    return _pdf_response(data, f"giay-chung-nhan-vong-{round_.id}.pdf")


@blp.route("/certificates/<string(maxlength=64):code>.pdf")
@login_required
@blp.doc(**_PDF_DOC)
@limited("export")
def certificate_pdf(code):
    """The certificate as a PDF: for its holder and the organizers; anyone else: 404."""
    certificate = get_visible_certificate_or_404(code, current_actor())
    data = render.pdf([certificate], service.settings_for(certificate.round.contest_id), render.base_url())
    return _pdf_response(data, f"giay-chung-nhan-{certificate.code}.pdf")


@blp.route("/certificates/<string(maxlength=64):code>")
@blp.response(200, CertificatePublic)
def verify_certificate(code):
    """What a certificate certifies, for anyone with its code (no sign-in); unknown: 404."""
    c = get_public_certificate_or_404(code)
    return {"code": c.code, "full_name": c.full_name, "unit": c.unit_name,
            "contest": c.round.contest.title if c.round.contest else "", "round": c.round.title,
            "prize": c.prize, "issued_at": c.issued_at, "revoked": c.revoked}


@blp.route("/certificates/<string(maxlength=64):code>", methods=["DELETE"])
@roles_required("organizer")
@blp.arguments(RevokeIn)
@blp.response(204)
@errors(E409="`already_revoked`")
def revoke_certificate(data, code):
    """Revoke a certificate, with the reason (audited `certificate.revoke`): it then verifies
    as revoked."""
    service.revoke(get_certificate_or_404(code), data["reason"], current_actor())
    db.session.commit()
