"""CSV: the shared column layout of :mod:`.table`, one question per row.

Reading: UTF-8 with or without BOM (the caller decodes bytes), delimiter sniffed among
comma, semicolon and tab by which one splits the header row into the most known column
names. Line numbers are the physical line on which a row starts (a quoted cell may span
several lines).

Writing: comma separated, CRLF line ends; :func:`question_bank.formats.export` adds a
UTF-8 BOM so Excel opens Vietnamese text correctly. A cell that starts with = + - @ is
written with a leading apostrophe so spreadsheets do not run it as a formula; reading
drops that apostrophe again.
"""
from __future__ import annotations

import codecs
import csv as _csv
import io
import unicodedata

from flask_babel import lazy_gettext as _l

from .common import LineError, ParseResult, QuestionDraft, error, finish
from .table import MAX_ROWS, example_questions, header_score, parse_rows, to_rows

DELIMITERS = (",", ";", "\t")
_FORMULA_START = ("=", "+", "-", "@")


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first non-empty line into the most column names."""
    first = next((line for line in text.split("\n") if line.strip()), "")
    best, best_key = ",", (-1, -1)
    for delimiter in DELIMITERS:
        try:
            cells = next(_csv.reader([first], delimiter=delimiter), [])
        except _csv.Error:
            continue
        key = (header_score(cells), len(cells))
        if key > best_key:
            best, best_key = delimiter, key
    return best


def looks_like_csv(text: str) -> bool:
    first = next((line for line in text.split("\n") if line.strip()), "")
    cells = next(_csv.reader([first], delimiter=sniff_delimiter(text)), [])
    return header_score(cells) >= 2


def _unguard(cell: str) -> str:
    if len(cell) > 1 and cell[0] == "'" and cell[1] in _FORMULA_START:
        return cell[1:]
    return cell


def _guard(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def parse(text: str, max_rows: int = MAX_ROWS) -> ParseResult:
    """Read CSV text. Returns validated drafts and every error with its line."""
    text = unicodedata.normalize("NFC", text or "").lstrip("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    delimiter = sniff_delimiter(text)
    reader = _csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    errors: list[LineError] = []

    def rows():
        previous_end = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except _csv.Error as exc:
                line = previous_end + 1
                errors.append(error(line, "bad_csv",
                                    _l("Line %(line)s could not be read as CSV (%(detail)s); check the quotes on this line."),
                                    line=line, detail=str(exc)))
                return
            start = previous_end + 1
            previous_end = reader.line_num
            yield start, [_unguard(c) for c in cells]

    drafts, row_errors = parse_rows(rows(), max_rows)
    return finish(drafts, errors + row_errors)


def dump(questions: list[QuestionDraft]) -> str:
    """CSV text (no BOM) that :func:`parse` reads back to equal drafts."""
    head, rows = to_rows(questions)
    out = io.StringIO()
    writer = _csv.writer(out, delimiter=",", lineterminator="\r\n", quoting=_csv.QUOTE_MINIMAL)
    writer.writerow(head)
    for row in rows:
        writer.writerow([_guard(c) for c in row])
    return out.getvalue()


def template_csv() -> bytes:
    """A CSV template (UTF-8 with BOM) with the Vietnamese header and two example rows."""
    return codecs.BOM_UTF8 + dump(example_questions()).encode("utf-8")
