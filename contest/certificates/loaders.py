"""The certificates' loaders: a code that is unknown, or not the caller's, is "not found"."""
from sqlalchemy import select

from contest.certificates.models import Certificate
from contest.errors import not_found
from contest.extensions import db

MAX_CODE = 64


def find(code: str) -> Certificate | None:
    if not code or len(code) > MAX_CODE:
        return None
    return db.session.execute(select(Certificate).where(Certificate.code == code)).scalar_one_or_none()


def get_certificate_or_404(code: str) -> Certificate:
    certificate = find(code)
    if certificate is None:
        raise not_found()
    return certificate


def get_visible_certificate_or_404(code: str, user) -> Certificate:
    """The certificate if the user holds it or organizes; anyone else: not found."""
    certificate = find(code)
    if certificate is None or user is None or not (
            certificate.user_id == user.id or user.has_role("organizer")):
        raise not_found()
    return certificate
