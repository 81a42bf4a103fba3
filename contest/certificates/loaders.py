"""The certificates' loaders: a code that is unknown, or not the caller's, is "not found"."""
from sqlalchemy import select

from contest.certificates.models import Certificate
from contest.errors import not_found
from contest.extensions import db
from contest.rounds.scope import contest_allowed, manages_contest

MAX_CODE = 64


def find(code: str) -> Certificate | None:
    if not code or len(code) > MAX_CODE:
        return None
    return db.session.execute(select(Certificate).where(Certificate.code == code)).scalar_one_or_none()


def get_public_certificate_or_404(code: str) -> Certificate:
    """Any certificate by its code: what /verify/<code> tells anyone."""
    certificate = find(code)
    if certificate is None:
        raise not_found()
    return certificate


def get_certificate_or_404(code: str) -> Certificate:
    """A certificate of a contest the request may reach (on an organizer's route: one they
    manage, rounds/scope.py)."""
    certificate = find(code)
    if certificate is None or not contest_allowed(certificate.round.contest):
        raise not_found()
    return certificate


def get_visible_certificate_or_404(code: str, user) -> Certificate:
    """The certificate if the user holds it or organizes its contest; anyone else: not found."""
    certificate = find(code)
    if certificate is None or user is None or not (
            certificate.user_id == user.id
            or (user.has_role("organizer") and manages_contest(user, certificate.round.contest))):
        raise not_found()
    return certificate
