"""Question bank import/export formats: CSV, Excel (.xlsx), GIFT (Moodle) and Aiken.

Public API::

    FORMATS                                   # ("csv", "xlsx", "gift", "aiken")
    detect_format(filename, data) -> str | None
    parse(data, format=None, filename=None) -> ParseResult
    export(questions, format) -> bytes        # raises ExportError
    template_csv() -> bytes, template_xlsx() -> bytes
    decode(data) -> (text | None, LineError | None)

Each format module has ``parse(text_or_bytes) -> ParseResult`` and ``dump(questions)``.
``parse`` never raises on bad input: every problem is a :class:`LineError` with the line
(or spreadsheet row) it is on. Importing is all-or-nothing, and that is the caller's job:
if ``result.errors`` is non-empty, import nothing.
"""
from __future__ import annotations

import codecs
import os

from . import aiken, csv, gift, xlsx
from .csv import template_csv
from .xlsx import template_xlsx
from flask_babel import lazy_gettext as _l

from .common import (
    FALSE_LABEL,
    KINDS,
    MULTIPLE,
    SINGLE,
    TRUE_FALSE,
    TRUE_LABEL,
    ExportError,
    PROBLEM_FIELDS,
    LineError,
    OptionDraft,
    ParseResult,
    QuestionDraft,
    clean_text,
    error,
    validate,
)

__all__ = [
    "FORMATS", "detect_format", "parse", "export", "decode",
    "QuestionDraft", "OptionDraft", "LineError", "ParseResult", "ExportError",
    "clean_text", "validate", "PROBLEM_FIELDS", "KINDS", "SINGLE", "MULTIPLE", "TRUE_FALSE",
    "TRUE_LABEL", "FALSE_LABEL", "EXTENSIONS", "MEDIA_TYPES", "template_csv", "template_xlsx",
]

FORMATS = ("csv", "xlsx", "gift", "aiken")

#: Suggested file extension and media type per format (for downloads).
EXTENSIONS = {"csv": ".csv", "xlsx": ".xlsx", "gift": ".gift.txt", "aiken": ".aiken.txt"}
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "gift": "text/plain; charset=utf-8",
    "aiken": "text/plain; charset=utf-8",
}

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls / .doc

_BY_EXTENSION = {
    ".csv": "csv", ".tsv": "csv",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".gift": "gift",
    ".aiken": "aiken",
}


def detect_format(filename: str | None, data: bytes) -> str | None:
    """Guess the format from the file name, falling back on the content.

    A zip file is Excel whatever its name. ``.txt`` (or no/unknown extension) is GIFT if
    it looks like GIFT (answer braces, ``::title::``, ``$CATEGORY:``), else Aiken if it has
    ``ANSWER:`` lines, else CSV if its first line names known columns. None if unknown.
    """
    if data[:4] == _ZIP_MAGIC:
        return "xlsx"
    if data[:8] == _OLE_MAGIC:
        return None
    name = (filename or "").strip().lower()
    ext = os.path.splitext(name)[1]
    if ext in _BY_EXTENSION:
        return _BY_EXTENSION[ext]
    text, _problem = decode(data)
    if text is None:
        return "gift" if ext == ".txt" else None
    if gift.looks_like_gift(text):
        return "gift"
    if ext == ".txt" or aiken.looks_like_aiken(text):
        return "aiken"
    if csv.looks_like_csv(text):
        return "csv"
    return None


def decode(data: bytes) -> tuple[str | None, LineError | None]:
    """Decode uploaded bytes: UTF-8 (with or without BOM) or UTF-16 with BOM.

    No legacy code page guessing: bytes that are not valid UTF-8 give one error naming
    the first bad line, so the organizer re-saves the file as UTF-8.
    """
    if data.startswith(codecs.BOM_UTF8):
        encoding, body = "utf-8", data[len(codecs.BOM_UTF8):]
    elif data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        encoding, body = "utf-16", data
    else:
        encoding, body = "utf-8", data
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding == "utf-16":
            return None, error(0, "bad_encoding",
                               _l("The file starts like UTF-16 text but is not valid UTF-16. Save it as UTF-8 and try again."))
        bad_line = body[: exc.start].count(b"\n") + 1
        return None, error(bad_line, "bad_encoding",
                           _l("Line %(line)s is not valid UTF-8 text. Save the file as UTF-8 (Unicode) and try again."),
                           line=bad_line)
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        bad_line = text[: text.index("\x00")].count("\n") + 1
        return None, error(bad_line, "binary_content",
                           _l("Line %(line)s contains binary data; this does not look like a text file. Save it as UTF-8 text and try again."),
                           line=bad_line)
    return text, None


def parse(data: bytes, format: str | None = None, filename: str | None = None) -> ParseResult:
    """Read questions from an uploaded file.

    ``format`` is one of :data:`FORMATS`; when None it is detected from ``filename`` and
    the content. Every draft is validated; ``result.questions`` holds the valid ones and
    ``result.errors`` every problem, sorted by line.
    """
    if format is not None:
        format = format.strip().lower()
    if data[:8] == _OLE_MAGIC:
        return ParseResult([], [error(0, "xls_not_supported",
                                      _l("Old Excel files (.xls) are not supported. Save the file as Excel Workbook (.xlsx) and try again."))])
    if not format:
        format = detect_format(filename, data)
        if format is None:
            return ParseResult([], [error(0, "unknown_format",
                                          _l("The file format could not be recognised. Use CSV, Excel (.xlsx), GIFT or Aiken."))])
    if format not in FORMATS:
        return ParseResult([], [error(0, "unknown_format",
                                      _l("The format \u201c%(format)s\u201d is not supported. Use CSV, Excel (.xlsx), GIFT or Aiken."),
                                      format=format)])
    if not data or not data.strip():
        return ParseResult([], [error(0, "empty_file", _l("The file is empty."))])
    if format != "xlsx" and data[:4] == _ZIP_MAGIC:
        return ParseResult([], [error(0, "format_mismatch",
                                      _l("This file is an Excel workbook, not %(format)s. Choose the Excel format or let the format be detected."),
                                      format=format)])
    if format == "xlsx":
        result = xlsx.parse(data)
    else:
        text, problem = decode(data)
        if problem is not None:
            return ParseResult([], [problem])
        module = {"csv": csv, "gift": gift, "aiken": aiken}[format]
        result = module.parse(text)
    if not result.questions and not result.errors:
        result.errors.append(error(0, "no_questions", _l("The file contains no questions.")))
    return result


def export(questions: list[QuestionDraft], format: str) -> bytes:
    """Write questions in ``format``. Raises :class:`ExportError` naming every question the
    format cannot hold (e.g. a true/false or multiple-answer question in Aiken)."""
    if format == "xlsx":
        return xlsx.dump(questions)
    if format == "csv":
        # Excel on Windows only reads UTF-8 CSV correctly when it starts with a BOM.
        return codecs.BOM_UTF8 + csv.dump(questions).encode("utf-8")
    if format == "gift":
        return gift.dump(questions).encode("utf-8")
    if format == "aiken":
        return aiken.dump(questions).encode("utf-8")
    raise ValueError(f"unknown format {format!r}; expected one of {FORMATS}")

