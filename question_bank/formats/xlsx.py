"""Excel (.xlsx) through openpyxl: the shared column layout of :mod:`.table`.

Reading uses ``read_only=True`` and cached formula values. Questions are read from the
first sheet that is not the guide sheet "Huong_dan"; line numbers are Excel row numbers.
Cell values become text: whole numbers lose their ".0" (1945 -> "1945", 3.0 -> "3"),
dates become dd/mm/yyyy, empty cells "".
"""
from __future__ import annotations

import datetime as _dt
import io
import zipfile

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from flask_babel import lazy_gettext as _l

from .common import FALSE_LABEL, TRUE_LABEL, ParseResult, QuestionDraft, error, finish, match_key
from .table import GUIDE, GUIDE_NOTES, MAX_ROWS, example_questions, parse_rows, to_rows

QUESTIONS_SHEET = "Cau_hoi"
GUIDE_SHEET = "Huong_dan"


def cell_text(value) -> str:
    """An Excel cell value as the text an organizer sees."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return TRUE_LABEL if value else FALSE_LABEL
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0, 0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, _dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, _dt.time):
        return value.strftime("%H:%M" if not value.second else "%H:%M:%S")
    return str(value)


#: Refuse workbooks whose parts unpack to more than this (zip bombs).
MAX_UNPACKED_BYTES = 256 * 1024 * 1024


def _unpacked_size(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def parse(data: bytes, max_rows: int = MAX_ROWS) -> ParseResult:
    """Read an .xlsx file. Returns validated drafts and every error with its row."""
    try:
        too_big = _unpacked_size(data) > MAX_UNPACKED_BYTES
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return ParseResult([], [error(0, "bad_xlsx",
                                      _l("The file is not a valid Excel workbook (.xlsx). Open it in Excel and save it again as an Excel Workbook (.xlsx)."),
                                      detail=str(exc) or exc.__class__.__name__)])
    if too_big:
        return ParseResult([], [error(0, "file_too_large",
                                      _l("The workbook unpacks to more than %(limit)s MB; split it into smaller files."),
                                      limit=MAX_UNPACKED_BYTES // (1024 * 1024))])
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        return ParseResult([], [error(0, "bad_xlsx",
                                      _l("The file is not a valid Excel workbook (.xlsx). Open it in Excel and save it again as an Excel Workbook (.xlsx)."),
                                      detail=str(exc) or exc.__class__.__name__)])
    try:
        sheets = [ws for ws in workbook.worksheets if match_key(ws.title) != match_key(GUIDE_SHEET)]
        if not sheets:
            return ParseResult([], [error(0, "no_questions", _l("The file contains no questions."))])
        sheet = sheets[0]
        # Some writers store a wrong sheet size; read every row that is really there.
        sheet.reset_dimensions()
        rows = ((number, [cell_text(v) for v in values])
                for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1))
        drafts, errors = parse_rows(rows, max_rows)
    finally:
        workbook.close()
    return finish(drafts, errors)


def _fill_questions_sheet(ws, head: list[str], rows: list[list[str]]) -> None:
    ws.append(head)
    for row in rows:
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", c) for c in row])
    # Text stays text: a value starting with "=" must not become a formula.
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for cell in ws[1]:
        cell.font = bold
        cell.fill = fill
    ws.freeze_panes = "A2"
    widths = {"chu_de": 28, "loai": 14, "cau_hoi": 60, "dap_an": 10, "do_kho": 8,
              "giai_thich": 40, "nguon": 30, "the": 20, "tieu_de": 24}
    for index, name in enumerate(head, start=1):
        ws.column_dimensions[get_column_letter(index)].width = widths.get(name, 22)
        if name in ("cau_hoi", "giai_thich"):
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    kinds = DataValidation(type="list", formula1='"mot_dap_an,nhieu_dap_an,dung_sai"', allow_blank=True,
                           showErrorMessage=False)
    levels = DataValidation(type="list", formula1='"1,2,3"', allow_blank=True, showErrorMessage=False)
    ws.add_data_validation(kinds)
    ws.add_data_validation(levels)
    kinds.add(f"{get_column_letter(head.index('loai') + 1)}2:{get_column_letter(head.index('loai') + 1)}10000")
    levels.add(f"{get_column_letter(head.index('do_kho') + 1)}2:{get_column_letter(head.index('do_kho') + 1)}10000")


def _fill_guide_sheet(ws) -> None:
    ws.append(["Cột", "Bắt buộc?", "Ý nghĩa", "Ví dụ"])
    for row in GUIDE:
        ws.append(list(row))
    ws.append([])
    ws.append(["Lưu ý"])
    for note in GUIDE_NOTES:
        ws.append(["", "", note])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCD", (26, 22, 80, 40)):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _workbook_bytes(questions: list[QuestionDraft], with_guide: bool) -> bytes:
    head, rows = to_rows(questions)
    wb = Workbook()
    ws = wb.active
    ws.title = QUESTIONS_SHEET
    _fill_questions_sheet(ws, head, rows)
    if with_guide:
        _fill_guide_sheet(wb.create_sheet(GUIDE_SHEET))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def dump(questions: list[QuestionDraft]) -> bytes:
    """An .xlsx workbook (sheet "Cau_hoi") that :func:`parse` reads back to equal drafts."""
    return _workbook_bytes(questions, with_guide=False)


def template_xlsx() -> bytes:
    """The Excel template: sheet "Cau_hoi" with the Vietnamese header and two example
    rows, and sheet "Huong_dan" explaining each column in Vietnamese."""
    return _workbook_bytes(example_questions(), with_guide=True)
