"""A certificate as HTML and as PDF (WeasyPrint, the Noto Serif shipped under static/fonts).

``values`` gives the placeholders of one certificate; ``page_html`` fills the contest's template
with them in the sandbox (rules.render_source); ``pdf`` lays out any number of certificates, one
landscape A4 page each. The QR code (segno, a PNG data URI) holds the absolute URL of the
certificate's public ``/verify/<code>`` page: PUBLIC_BASE_URL, else the host the request came in on.
WeasyPrint fetches the shipped fonts and data URIs and nothing else (no network, no other file).
"""
from __future__ import annotations

import base64
from pathlib import Path

from flask import current_app, has_request_context, render_template, request
from flask_babel import gettext as _
from flask_babel import to_user_timezone

from contest.certificates import rules

DEFAULT_TEMPLATE_PATH = Path(__file__).with_name("default_template.html")


def default_template() -> str:
    return DEFAULT_TEMPLATE_PATH.read_text(encoding="utf-8")


def base_url(given: str | None = None) -> str:
    """Where the public pages are reached: config PUBLIC_BASE_URL, else ``given`` (the host of
    the request that started a job), else this request's host."""
    url = current_app.config.get("PUBLIC_BASE_URL") or given
    if not url and has_request_context():
        url = request.host_url
    return (url or "http://localhost").rstrip("/")


def verify_url(code: str, base: str | None = None) -> str:
    """The absolute URL of a certificate's public page.

    >>> verify_url("abc", "https://thi.example.vn/")
    'https://thi.example.vn/verify/abc'
    """
    return f"{(base or '').rstrip('/')}/verify/{code}"


def qr_data_uri(payload: str) -> str:
    """The QR code of ``payload`` as a PNG data URI (error correction M)."""
    import segno

    return segno.make(payload, error="m").png_data_uri(scale=6, border=2)


def date_text(when) -> str:
    local = to_user_timezone(when)
    return _("Day %(day)s month %(month)s year %(year)s", day=local.day, month=local.month, year=local.year)


def image_data_uri(settings) -> str | None:
    if settings is None or not settings.image:
        return None
    return f"data:{settings.image_type};base64," + base64.b64encode(settings.image).decode("ascii")


def values(certificate, settings, base: str) -> dict:
    """The placeholders of one certificate (an object with code, full_name, unit_name, prize,
    issued_at and round), with the contest's signer and image."""
    round_ = certificate.round
    url = verify_url(certificate.code, base)
    return {
        "full_name": certificate.full_name, "unit": certificate.unit_name or "",
        "prize": certificate.prize or "", "contest": round_.contest.title if round_.contest else "",
        "round": round_.title, "date": date_text(certificate.issued_at),
        "signer_name": (settings.signer_name if settings else None) or "",
        "signer_title": (settings.signer_title if settings else None) or "",
        "signature": rules.image_tag(image_data_uri(settings), _("Signature and seal"), "signature"),
        "qr": rules.image_tag(qr_data_uri(url), _("QR code of the verification page"), "qr"),
        "code": certificate.code, "verify_url": url,
    }


def template_of(settings) -> str:
    return (settings.template if settings is not None and settings.template else None) or default_template()


def page_html(certificate, settings, base: str) -> str:
    return rules.render_source(template_of(settings), values(certificate, settings, base))


def fonts_dir() -> Path:
    return Path(current_app.static_folder) / "fonts"


def document_html(pages: list[str], title: str) -> str:
    from markupsafe import Markup

    root = fonts_dir().resolve()
    fonts = {style: (root / f"NotoSerif-{style}.ttf").as_uri()
             for style in ("Regular", "Bold", "Italic", "BoldItalic")}
    return render_template("certificates/document.html", pages=[Markup(p) for p in pages],
                           fonts=fonts, title=title)


def _fetcher():
    from weasyprint.urls import URLFetcher

    allowed = fonts_dir().resolve().as_uri() + "/"

    class FontsAndDataOnly(URLFetcher):
        """The shipped fonts and data URIs (the QR code, the signature), nothing else."""

        def fetch(self, url, headers=None):
            if not (url.startswith("data:") or (url.startswith(allowed) and ".." not in url)):
                raise ValueError(f"not fetched: {url[:100]}")
            return super().fetch(url, headers)

    return FontsAndDataOnly(allowed_protocols={"file", "data"})


def pdf_of_html(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=fonts_dir().resolve().as_uri() + "/",
                url_fetcher=_fetcher()).write_pdf()


def _document(html: str):
    from weasyprint import HTML

    return HTML(string=html, base_url=fonts_dir().resolve().as_uri() + "/", url_fetcher=_fetcher()).render()


def pdf(certificates, settings, base: str, title: str = "", chunk: int = 50, progress=None) -> bytes:
    """One PDF, one page per certificate, in the order given. Laid out ``chunk`` at a time (one
    font subset for the whole file); ``progress(done, total)`` after each chunk."""
    certificates = list(certificates)
    title = title or _("Certificate")
    if len(certificates) <= chunk:
        return pdf_of_html(document_html([page_html(c, settings, base) for c in certificates], title))
    documents, pages = [], []
    for start in range(0, len(certificates), chunk):
        part = certificates[start:start + chunk]
        document = _document(document_html([page_html(c, settings, base) for c in part], title))
        documents.append(document)
        pages.extend(document.pages)
        if progress is not None:
            progress(start + len(part), len(certificates))
    return documents[0].copy(pages).write_pdf()
