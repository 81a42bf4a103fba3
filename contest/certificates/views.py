"""Pages: the public /verify/<code>, the organizers' certificate settings and a round's
certificates (issue with a progress bar, download, revoke), a member's own certificate."""
from types import SimpleNamespace

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from contest.accounts.permissions import current_actor, login_required, organizer_required
from contest.certificates import render, service
from contest.certificates.forms import IssueForm, RevokeForm, SettingsForm
from contest.certificates.loaders import find, get_certificate_or_404, get_visible_certificate_or_404
from contest.clock import utcnow
from contest.errors import Refusal
from contest.extensions import db
from contest.ratelimit import limited
from contest.jobs.loaders import get_visible_job_or_404
from contest.rounds.loaders import get_contest_or_404, get_round_or_404

bp = Blueprint("certificates", __name__)


@bp.app_template_global()
def own_certificate(round_id: int):
    """The signed-in member's certificate of a round (not revoked), for the round's page."""
    user = current_actor()
    if user is None:
        return None
    certificate = service.own_certificate(round_id, user.id)
    return certificate if certificate is not None and not certificate.revoked else None


@bp.route("/verify/<string(maxlength=64):code>")
def verify(code):
    """Anyone, no sign-in: what the certificate certifies, or that it is unknown or revoked."""
    certificate = find(code)
    response = Response(render_template("certificates/verify.html", certificate=certificate, code=code),
                        status=200 if certificate is not None else 404)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _pdf(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/certificates/<string(maxlength=64):code>.pdf")
@login_required
def certificate_pdf(code):
    certificate = get_visible_certificate_or_404(code, current_actor())
    data = render.pdf([certificate], service.settings_for(certificate.round.contest_id), render.base_url())
    return _pdf(data, f"giay-chung-nhan-{certificate.code}.pdf")


@bp.route("/rounds/<int:round_id>/certificates")
@organizer_required
def round_certificates(round_id):
    round_ = get_round_or_404(round_id)
    job = None
    job_id = request.args.get("job", "")[:32]
    if job_id:
        try:
            job = get_visible_job_or_404(job_id, current_actor())
        except Refusal:
            job = None
    return render_template("certificates/round.html", round=round_, certificates=service.of_round(round_.id),
                           published=service.is_published(round_), job=job, form=IssueForm(),
                           revoke_form=RevokeForm())


@bp.route("/rounds/<int:round_id>/certificates/issue", methods=["POST"])
@organizer_required
def issue(round_id):
    round_ = get_round_or_404(round_id)
    form = IssueForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        job_id = service.start_issuing(round_, form.scope.data, current_actor(), render.base_url())
    except Refusal as refused:
        db.session.rollback()
        flash(refused.text, "danger")
        return redirect(url_for("certificates.round_certificates", round_id=round_.id))
    db.session.commit()
    return redirect(url_for("certificates.round_certificates", round_id=round_.id, job=job_id))


@bp.route("/rounds/<int:round_id>/certificates.pdf")
@organizer_required
@limited("export")
def round_pdf(round_id):
    round_ = get_round_or_404(round_id)
    data = service.round_pdf(round_, render.base_url())
    return _pdf(data, f"giay-chung-nhan-vong-{round_.id}.pdf")


@bp.route("/certificates/<string(maxlength=64):code>/revoke", methods=["POST"])
@organizer_required
def revoke(code):
    certificate = get_certificate_or_404(code)
    form = RevokeForm()
    if not form.validate_on_submit():
        flash(_("Say why the certificate is revoked."), "danger")
    else:
        try:
            service.revoke(certificate, form.reason.data, current_actor())
            db.session.commit()
            flash(_("The certificate %(code)s is revoked.", code=certificate.code), "success")
        except Refusal as refused:
            db.session.rollback()
            flash(refused.text, "danger")
    return redirect(url_for("certificates.round_certificates", round_id=certificate.round_id))


def _sample(contest, settings_round=None):
    """A certificate that is not one: what the preview shows."""
    round_ = settings_round or (contest.rounds[0] if contest.rounds else SimpleNamespace(
        title=_("Round"), contest=contest))
    return SimpleNamespace(code="XEM-TRUOC-MAU", full_name="Nguyễn Thị Ánh Tuyết",
                           unit_name=_("Sample unit"), prize=_("First prize"), issued_at=utcnow(), round=round_)


@bp.route("/manage/contests/<int:contest_id>/certificates", methods=["GET", "POST"])
@organizer_required
def settings(contest_id):
    contest = get_contest_or_404(contest_id)
    current = service.settings_for(contest.id)
    form = SettingsForm(obj=current)
    if request.method == "GET" and not form.template.data:
        form.template.data = render.template_of(current)
    if form.validate_on_submit():
        upload = form.image.data  # the stored bytes when nothing was uploaded (form built from obj)
        image = upload.read(service.rules.MAX_IMAGE_BYTES + 1) if hasattr(upload, "read") else None
        template = form.template.data
        if template and template.strip() == render.default_template().strip():
            template = None  # the default, kept as the default (it follows the platform's updates)
        try:
            service.save_settings(contest.id, template=template, signer_name=form.signer_name.data,
                                  signer_title=form.signer_title.data, image=image or None,
                                  remove_image=form.remove_image.data, actor=current_actor())
            db.session.commit()
            flash(_("Certificate settings saved."), "success")
            return redirect(url_for("certificates.settings", contest_id=contest.id))
        except Refusal as refused:
            db.session.rollback()
            flash(refused.text, "danger")
    return render_template("certificates/settings.html", contest=contest, form=form, settings=current)


@bp.route("/manage/contests/<int:contest_id>/certificates/preview.pdf")
@organizer_required
def preview(contest_id):
    contest = get_contest_or_404(contest_id)
    data = render.pdf([_sample(contest)], service.settings_for(contest.id), render.base_url())
    return _pdf(data, f"xem-truoc-giay-chung-nhan-{contest.id}.pdf")
