"""Uploaded essay files: recognized by content (never by name or declared type), size- and
bomb-checked, reduced to normalized body text.

Only body text leaves this module.  Document metadata (Word core properties such as the
author, PDF /Info such as /Author), headers, footers, comments and footnotes are never read
into the result, so an uploaded file cannot unblind the entry.

Errors are ``UploadError`` with a stable ``code`` matching the API contract:

* ``file_too_large``  (HTTP 413) — more bytes than the round allows, or a .docx that unpacks
  to more content than an entry can hold (``reason`` ``"too_much_content"``);
* ``unsupported_file`` (HTTP 415) — not a .docx, .pdf or UTF-8/UTF-16 text file by content,
  or a kind the round does not accept;
* ``bad_file``        (HTTP 415/422, the view decides) — the right kind but unreadable:
  damaged, encrypted, too many pages, a zip bomb, or a .docx too complex to read within the
  time budget.  ``reason`` tells which.

Pure functions: bytes in, values out.
"""

from __future__ import annotations

import io
import logging
import time
import zipfile
from collections.abc import Iterable, Iterator

from flask_babel import lazy_gettext as _l

from contest.essays.text import normalize_text

__all__ = [
    "ALL_KINDS",
    "DOCX_TIME_BUDGET",
    "MAX_DOCX_DOCUMENT_XML",
    "MAX_DOCX_ENTRIES",
    "MAX_DOCX_RATIO",
    "MAX_DOCX_UNCOMPRESSED",
    "MAX_DOCX_XML",
    "MAX_PDF_PAGES",
    "UploadError",
    "check_declared_size",
    "check_zip_members",
    "extract_text",
    "sniff",
]

ALL_KINDS = frozenset({"docx", "pdf", "txt"})

# What a .docx may unpack to, read from its zip directory before anything is inflated.  The
# XML is what costs: python-docx parses every XML part and the text is walked paragraph by
# paragraph (about 0.3 s of CPU per MB of document.xml).  A 10,000-word essay, formatted
# heavily, has well under 2 MB of document.xml; pictures are stored compressed and not parsed.
MAX_DOCX_DOCUMENT_XML = 8 * 1024 * 1024  # word/document.xml
MAX_DOCX_XML = 12 * 1024 * 1024  # every .xml and .rels part together
MAX_DOCX_UNCOMPRESSED = 20 * 1024 * 1024  # every member together (or twice the round's limit)
MAX_DOCX_RATIO = 100  # uncompressed / compressed, per member
MAX_DOCX_ENTRIES = 1000
# Seconds of extraction after which a .docx is refused as too complex (checked while walking
# its paragraphs; the size limits above keep the parse itself short).
DOCX_TIME_BUDGET = 4.0
# A member smaller than this cannot do harm whatever its ratio (a few KB of repeated
# whitespace in styles.xml compresses very well); the ratio rule applies above it.
_RATIO_MIN_SIZE = 64 * 1024
MAX_PDF_PAGES = 200

_TXT_MIN_PRINTABLE = 0.95

_KIND_LABELS = {"docx": ".docx", "pdf": ".pdf", "txt": ".txt"}


class UploadError(Exception):
    """A refused upload.

    ``code`` is the stable machine code, ``reason`` a finer machine detail (``None``,
    ``"empty"``, ``"damaged"``, ``"encrypted"``, ``"too_many_pages"``, ``"zip_bomb"``,
    ``"not_allowed"``), ``params`` the message parameters and ``message`` a lazy-translated
    sentence for the member.
    """

    def __init__(self, code: str, message, reason: str | None = None, **params) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        self.reason = reason
        self.params = params

    def __str__(self) -> str:  # readable in logs and test failures
        return f"{self.code}: {self.message}"


def _too_large(max_bytes: int) -> UploadError:
    limit_mb = _format_mb(max_bytes)
    return UploadError(
        "file_too_large",
        _l("The file is larger than the limit of %(limit_mb)s MB.", limit_mb=limit_mb),
        limit_mb=limit_mb,
        max_bytes=max_bytes,
    )


def _too_much_content(size: int, limit: int) -> UploadError:
    size_mb, limit_mb = _format_mb(size), _format_mb(limit)
    return UploadError(
        "file_too_large",
        _l(
            "The document holds too much content to be read: %(size_mb)s MB once unpacked, "
            "at most %(limit_mb)s MB. Save only the text of your entry in a new document, or "
            "paste it into the editor.",
            size_mb=size_mb, limit_mb=limit_mb,
        ),
        reason="too_much_content",
        size_mb=size_mb,
        limit_mb=limit_mb,
    )


def _unsupported(allowed: Iterable[str], reason: str | None = None) -> UploadError:
    kinds = ", ".join(_KIND_LABELS[k] for k in sorted(allowed) if k in _KIND_LABELS)
    return UploadError(
        "unsupported_file",
        _l(
            "This kind of file is not accepted. Please upload one of: %(kinds)s "
            "(text files must be saved as UTF-8).",
            kinds=kinds,
        ),
        reason=reason,
        kinds=kinds,
    )


def _bad(reason: str, **params) -> UploadError:
    messages = {
        "empty": _l("The file is empty."),
        "damaged": _l("The file is damaged or could not be read. Please save it again and retry."),
        "encrypted": _l(
            "The file is protected by a password. Please upload a copy without a password."
        ),
        "too_many_pages": _l(
            "The file has more than %(max_pages)s pages.", max_pages=params.get("max_pages")
        ),
        "zip_bomb": _l(
            "The file is built in an unusual way and cannot be read safely. "
            "Please save it again from your word processor."
        ),
        "too_complex": _l(
            "The document is too complex to be read. Save only the text of your entry in a "
            "new document, or paste it into the editor."
        ),
    }
    return UploadError("bad_file", messages[reason], reason=reason, **params)


def _format_mb(n: int) -> str:
    mb = n / (1024 * 1024)
    return f"{mb:.0f}" if mb >= 10 or mb == int(mb) else f"{mb:.1f}"


# --------------------------------------------------------------------------- size


def check_declared_size(content_length: int | str | None, max_bytes: int) -> None:
    """Refuse a request whose declared ``Content-Length`` already exceeds ``max_bytes``,
    before its body is read.  ``None`` (length unknown) passes; ``extract_text`` checks the
    bytes actually received.  The caller decides whether ``max_bytes`` includes an
    allowance for multipart form overhead.
    """
    if content_length is None or content_length == "":
        return
    try:
        declared = int(content_length)
    except (TypeError, ValueError):
        return
    if declared > max_bytes:
        raise _too_large(max_bytes)


# --------------------------------------------------------------------------- sniffing


def sniff(data: bytes) -> str | None:
    """Tell the kind of a file from its bytes: ``"pdf"``, ``"docx"``, ``"txt"`` or ``None``.

    - pdf: starts with ``%PDF-``;
    - docx: a zip archive whose entries include ``[Content_Types].xml`` and
      ``word/document.xml`` (a renamed .xlsx, .odt or plain zip is ``None``);
    - txt: decodes as UTF-8 (with or without BOM) or as UTF-16 with a BOM, contains no NUL
      and is at least 95 % printable characters;
    - anything else, e.g. a Windows program (``MZ``) renamed to .docx: ``None``.
    """
    if not data:
        return None
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx" if _is_docx_zip(data) else None
    if data.startswith(b"MZ") or data.startswith(b"\x7fELF"):
        return None
    return "txt" if _decode_text(data) is not None else None


def _is_docx_zip(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return False
    return "[Content_Types].xml" in names and "word/document.xml" in names


def _decode_text(data: bytes) -> str | None:
    if data.startswith(b"\xff\xfe\x00\x00") or data.startswith(b"\x00\x00\xfe\xff"):
        return None  # UTF-32: not accepted
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        encoding = "utf-16"  # the BOM tells the byte order and is consumed
    else:
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    if "\x00" in text:
        return None
    if text:
        printable = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t\f")
        if printable / len(text) < _TXT_MIN_PRINTABLE:
            return None
    return text


# --------------------------------------------------------------------------- extraction


def extract_text(
    data: bytes, *, max_bytes: int, allowed: Iterable[str] = ALL_KINDS
) -> tuple[str, str]:
    """Return ``(kind, text)`` for an uploaded file, ``text`` being normalized body text.

    Checks, in order: size (``file_too_large``), emptiness (``bad_file``/``empty``), kind by
    content and against ``allowed`` (``unsupported_file``), then the kind's own safety rules
    (``bad_file``): for .docx at most 1,000 zip entries and no member compressed more than
    100:1, then (``file_too_large``) at most 8 MB of word/document.xml, 12 MB of XML and
    20 MB (or twice ``max_bytes``) uncompressed in total, all checked from the zip directory
    before anything is decompressed, and at most ``DOCX_TIME_BUDGET`` seconds of reading;
    for .pdf no encryption and at most 200 pages.

    The text of a file with no extractable text (a scanned PDF) is ``""``; the caller's
    length rule then reports it as too short.
    """
    allowed = frozenset(allowed)
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    if not data:
        raise _bad("empty")
    kind = sniff(data)
    if kind is None:
        raise _unsupported(allowed)
    if kind not in allowed:
        raise _unsupported(allowed, reason="not_allowed")
    if kind == "txt":
        text = _decode_text(data) or ""
    elif kind == "docx":
        text = _docx_text(data, max_bytes=max_bytes)
    else:
        text = _pdf_text(data)
    return kind, normalize_text(text)


# --------------------------------------------------------------------------- docx


def check_zip_members(infos: list[zipfile.ZipInfo], *, max_bytes: int = 0) -> None:
    """Refuse a zip whose directory announces a bomb or more content than an entry can hold.

    ``bad_file``/``zip_bomb``: more than ``MAX_DOCX_ENTRIES`` entries, or a member compressed
    more than ``MAX_DOCX_RATIO``:1.  ``file_too_large``/``too_much_content``: word/document.xml
    over ``MAX_DOCX_DOCUMENT_XML``, the XML parts together over ``MAX_DOCX_XML``, or every
    member together over ``MAX_DOCX_UNCOMPRESSED`` (or twice ``max_bytes`` when the round
    allows larger files: pictures are stored compressed, so they unpack to about their size).

    Declared sizes can be trusted for this purpose because ``zipfile`` never inflates a
    member past its declared size (it stops and reports a bad CRC).
    """
    if len(infos) > MAX_DOCX_ENTRIES:
        raise _bad("zip_bomb", entries=len(infos))
    total = xml = 0
    for info in infos:
        if info.file_size >= _RATIO_MIN_SIZE:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > MAX_DOCX_RATIO:
                raise _bad("zip_bomb", member=info.filename, ratio=round(ratio))
        total += info.file_size
        if info.filename.lower().endswith((".xml", ".rels")):
            xml += info.file_size
        if info.filename == "word/document.xml" and info.file_size > MAX_DOCX_DOCUMENT_XML:
            raise _too_much_content(info.file_size, MAX_DOCX_DOCUMENT_XML)
    if xml > MAX_DOCX_XML:
        raise _too_much_content(xml, MAX_DOCX_XML)
    limit = max(MAX_DOCX_UNCOMPRESSED, 2 * max_bytes)
    if total > limit:
        raise _too_much_content(total, limit)


def _docx_text(data: bytes, *, max_bytes: int = 0) -> str:
    started = time.monotonic()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise _bad("damaged") from exc
    check_zip_members(infos, max_bytes=max_bytes)  # before python-docx inflates anything

    import docx  # python-docx; imported here to keep module import light

    deadline = started + DOCX_TIME_BUDGET
    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs = []
        for n, p in enumerate(_block_texts(document.element.body)):
            if n % 256 == 0 and time.monotonic() > deadline:
                raise _bad("too_complex")
            if p.strip():
                paragraphs.append(p)
        if time.monotonic() > deadline:
            raise _bad("too_complex")
    except UploadError:
        raise
    except Exception as exc:  # untrusted input: any parser failure means a bad file
        raise _bad("damaged") from exc
    return "\n\n".join(paragraphs)


def _block_texts(container) -> Iterator[str]:
    """Yield the text of each paragraph in a body-like element, in document order: plain
    paragraphs, then table cells row by row (each cell's paragraphs, nested tables
    included), and paragraphs wrapped in content controls (``w:sdt``) or custom XML."""
    from docx.oxml.ns import qn

    p_tag, tbl_tag, sdt_tag, custom_tag = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:customXml")
    tr_tag, tc_tag, content_tag = qn("w:tr"), qn("w:tc"), qn("w:sdtContent")
    for child in container.iterchildren():
        tag = child.tag
        if tag == p_tag:
            yield _paragraph_text(child)
        elif tag == tbl_tag:
            for row in child.iterchildren(tr_tag):
                for cell in row.iterchildren(tc_tag):
                    yield from _block_texts(cell)
        elif tag == sdt_tag:
            content = child.find(content_tag)
            if content is not None:
                yield from _block_texts(content)
        elif tag == custom_tag:
            yield from _block_texts(child)


_PARAGRAPH_RUNS = (
    "./w:r | ./w:hyperlink | ./w:ins/w:r | ./w:ins/w:hyperlink | ./w:smartTag/w:r"
    " | ./w:sdt/w:sdtContent/w:r | ./w:fldSimple/w:r"
)


def _paragraph_text(p) -> str:
    # Like python-docx's Paragraph.text, but also keeps tracked insertions, smart tags and
    # inline content controls; deleted text (w:del) is left out.
    return "".join(e.text or "" for e in p.xpath(_PARAGRAPH_RUNS))


# --------------------------------------------------------------------------- pdf


def _pdf_text(data: bytes) -> str:
    import pypdf

    # pypdf reports recoverable problems of damaged files through logging; they are the
    # uploader's problem, not the server's.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise _bad("encrypted")
        pages = reader.pages
        if len(pages) > MAX_PDF_PAGES:
            raise _bad("too_many_pages", max_pages=MAX_PDF_PAGES)
        texts = [(page.extract_text() or "").strip() for page in pages]
    except UploadError:
        raise
    except Exception as exc:  # untrusted input: any parser failure means a bad file
        raise _bad("damaged") from exc
    return "\n\n".join(t for t in texts if t)
