"""The one writer of exported tables.

A table is a title, a list of columns (a header, already translated, and a type) and rows of
values. It is written to .xlsx with openpyxl (write_only: rows stream, so a big sheet does not sit
in memory twice) or to CSV in UTF-8 with a BOM, so Excel opens Vietnamese right.

Types: text, int, float, percent (a fraction: 0.25 is shown 25%), datetime (an aware UTC datetime,
written as Vietnam local time without tzinfo, since Excel has none), duration (seconds, written
as an Excel time span [h]:mm:ss).

Text that a spreadsheet would read as a formula is neutralised (OWASP CSV injection):

>>> neutralise("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> neutralise("-3"), neutralise("Nguyễn Văn A"), neutralise("\\tx")
("'-3", 'Nguyễn Văn A', "'\\tx")
"""
from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

TYPES = ("text", "int", "float", "percent", "datetime", "duration")
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
VN = ZoneInfo("Asia/Ho_Chi_Minh")
FORMATS = {"int": "0", "float": "0.00", "percent": "0.0%", "datetime": "dd/mm/yyyy hh:mm:ss",
           "duration": "[h]:mm:ss"}
MAX_WIDTH = 60


@dataclass
class Column:
    header: str
    type: str = "text"

    def __post_init__(self):
        if self.type not in TYPES:
            raise ValueError(f"unknown column type {self.type!r}")


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list = field(default_factory=list)  # any iterable of sequences


def neutralise(text: str) -> str:
    """Prefix an apostrophe to text that starts like a formula."""
    return "'" + text if text and text.startswith(DANGEROUS) else text


def local(at: datetime) -> datetime:
    """An aware (or naive UTC) datetime as naive Vietnam time, what Excel can hold.

    >>> local(datetime(2026, 12, 7, 2, 0, tzinfo=timezone.utc))
    datetime.datetime(2026, 12, 7, 9, 0)
    """
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone(VN).replace(tzinfo=None)


def cell_value(value, kind: str):
    """The value a cell holds for a column's type (None stays empty).

    >>> cell_value(" Nguye\\u0302\\u0303n ", "text"), cell_value(3.0, "int"), cell_value(90, "duration")
    ('Nguyễn', 3, datetime.timedelta(seconds=90))
    """
    if value is None:
        return None
    if kind == "text":
        return neutralise(unicodedata.normalize("NFC", str(value)).strip())
    if kind == "int":
        return int(value)
    if kind in ("float", "percent"):
        return float(value)
    if kind == "datetime":
        return local(value)
    if kind == "duration":
        return value if isinstance(value, timedelta) else timedelta(seconds=float(value))
    raise ValueError(kind)


def _csv_text(value, kind: str) -> str:
    value = cell_value(value, kind)
    if value is None:
        return ""
    if kind == "datetime":
        return value.strftime("%d/%m/%Y %H:%M:%S")
    if kind == "duration":
        total = int(value.total_seconds())
        return f"{total // 3600}:{total % 3600 // 60:02d}:{total % 60:02d}"
    if kind == "percent":
        return f"{value * 100:.1f}%"
    return str(value)


def write_csv(table: Table) -> bytes:
    """CSV in UTF-8 with a BOM (the first bytes are EF BB BF)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(c.header) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_text(v, c.type) for v, c in zip(row, table.columns)])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def _width(value, kind: str) -> int:
    if value is None:
        return 0
    if kind == "datetime":
        return 19
    if kind == "duration":
        return 10
    return len(str(value))


def add_sheet(book, table: Table) -> None:
    """Append the table as a sheet of a write_only workbook: bold frozen header, autofilter,
    numbers as numbers with a number format, widths that fit (the rows are buffered only as
    cells, once)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title=table.title[:31])
    bold = Font(bold=True)
    widths = [len(c.header) for c in table.columns]
    rows = []
    for row in table.rows:
        cells = []
        for i, (value, col) in enumerate(zip(row, table.columns)):
            value = cell_value(value, col.type)
            widths[i] = max(widths[i], _width(value, col.type))
            cell = WriteOnlyCell(sheet, value=value)
            if col.type in FORMATS and value is not None:
                cell.number_format = FORMATS[col.type]
            cells.append(cell)
        rows.append(cells)
    for i, w in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(MAX_WIDTH, w + 2)
    sheet.freeze_panes = "A2"
    last = get_column_letter(max(1, len(table.columns)))
    sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    header = []
    for c in table.columns:
        cell = WriteOnlyCell(sheet, value=neutralise(unicodedata.normalize("NFC", c.header)))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for cells in rows:
        sheet.append(cells)


def write_xlsx(*tables: Table) -> bytes:
    """One workbook with a sheet per table."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for table in tables:
        add_sheet(book, table)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write(table: Table, fmt: str) -> bytes:
    if fmt == "csv":
        return write_csv(table)
    if fmt == "xlsx":
        return write_xlsx(table)
    raise ValueError(fmt)
