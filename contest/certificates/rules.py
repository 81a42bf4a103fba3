"""The certificate's rules, as plain functions: its code, its sandboxed template, its image.

The organizer's template is Jinja rendered in a ``SandboxedEnvironment`` with autoescape on: it
reads the placeholders it is given and nothing of Python (``{{ ''.__class__.__mro__ }}`` is a
refusal, a name or unit with ``<script>`` is printed as text).
"""
from __future__ import annotations

import io
import secrets

from flask_babel import lazy_gettext as _l
from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from markupsafe import Markup

from contest.errors import Refusal

CODE_BYTES = 15  # 120 random bits (the contract asks at least 80)
MAX_IMAGE_BYTES = 1024 * 1024
IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
MAX_TEMPLATE_CHARS = 100_000
PLACEHOLDERS = ("full_name", "unit", "prize", "contest", "round", "date", "signer_name",
                "signer_title", "signature", "qr", "code", "verify_url")


def new_code() -> str:
    """A certificate's code: 20 URL-safe characters, 120 random bits, nothing sequential.

    >>> code = new_code()
    >>> len(code), code != new_code(), set(code) <= set(
    ...     "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    (20, True, True)
    """
    return secrets.token_urlsafe(CODE_BYTES)


_env = SandboxedEnvironment(autoescape=True)


def invalid_template(detail: str = "") -> Refusal:
    return Refusal("invalid_template", 422, _l("The certificate template is not valid: %(detail)s",
                                               detail=detail[:200]))


def check_template(source: str) -> None:
    """Refuse a template that does not compile (a syntax error), is too long, or reaches past
    its placeholders (a trial run with sample values), so that it fails when saved, not later
    in the issuing job.

    >>> check_template("<h1>{{ full_name }}</h1>")
    >>> check_template("{% if %}")
    Traceback (most recent call last):
    ...
    contest.errors.Refusal: invalid_template: ...
    >>> check_template("{{ cycler.__init__.__globals__ }}")
    Traceback (most recent call last):
    ...
    contest.errors.Refusal: invalid_template: ...
    """
    if len(source or "") > MAX_TEMPLATE_CHARS:
        raise invalid_template(f"> {MAX_TEMPLATE_CHARS}")
    try:
        _env.from_string(source or "")
    except TemplateError as exc:
        raise invalid_template(str(exc)) from None
    render_source(source, {name: name for name in PLACEHOLDERS})  # a trial run: the sandbox says no now


def render_source(source: str, values: dict) -> str:
    """The organizer's template filled with ``values``, escaped (values that are ``Markup``, the
    QR code and the signature image, are the page's own). Python is out of reach:

    >>> render_source("<b>{{ full_name }}</b>", {"full_name": "<script>Ánh</script>"})
    '<b>&lt;script&gt;Ánh&lt;/script&gt;</b>'
    >>> render_source("[{{ ''.__class__ }}]", {})
    '[]'
    >>> render_source("{{ ''.__class__.__mro__[1].__subclasses__() }}", {})
    Traceback (most recent call last):
    ...
    contest.errors.Refusal: invalid_template: ...
    """
    try:
        return _env.from_string(source or "").render(**values)
    except SecurityError:
        raise invalid_template(str(_l("it reaches outside its placeholders"))) from None
    except TemplateError as exc:
        raise invalid_template(str(exc)) from None


def image_tag(data_uri: str | None, alt: str, css_class: str) -> Markup:
    """An <img> of a data URI (the QR code, the signature), or nothing."""
    if not data_uri:
        return Markup("")
    return Markup('<img class="{}" src="{}" alt="{}">').format(css_class, data_uri, alt)


def check_image(data: bytes) -> str:
    """The media type of a signature or seal image: a PNG or JPEG by its content (Pillow opens
    and verifies it, whatever its name says), at most 1 MB. Anything else is a refusal.

    >>> check_image(b"not an image, renamed .png")
    Traceback (most recent call last):
    ...
    contest.errors.Refusal: invalid_image: ...
    """
    if len(data) > MAX_IMAGE_BYTES:
        raise Refusal("file_too_large", 413, _l("The image is larger than 1 MB."))
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        kind = None
    if kind not in IMAGE_TYPES:
        raise Refusal("invalid_image", 422, _l("The image must be a PNG or JPEG picture."))
    return IMAGE_TYPES[kind]
