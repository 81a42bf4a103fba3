"""The export writer's rules, opened back: openpyxl for .xlsx, bytes for the CSV."""
import csv
import io
import unicodedata
from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook

from contest.exports.writer import Column, Table, neutralise, write_csv, write_xlsx

NAME = unicodedata.normalize("NFD", "Nguyễn Thị Ánh Tuyết")  # decomposed on purpose


def _table():
    return Table("Bảng xếp hạng", [
        Column("Hạng", "int"), Column("Họ và tên", "text"), Column("Điểm", "float"),
        Column("Tỉ lệ", "percent"), Column("Nộp lúc", "datetime"), Column("Thời gian", "duration"),
    ], [
        [1, NAME, 9.5, 0.25, datetime(2026, 12, 7, 2, 0, tzinfo=timezone.utc), 754],
        [2, '=HYPERLINK("http://evil","x")', 8, 1, datetime(2026, 12, 7, 2, 5, tzinfo=timezone.utc), 60],
    ])


def test_xlsx_opened_back_has_typed_cells_frozen_bold_header_and_filter():
    book = load_workbook(io.BytesIO(write_xlsx(_table())))
    sheet = book["Bảng xếp hạng"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Hạng", "Họ và tên", "Điểm", "Tỉ lệ", "Nộp lúc", "Thời gian")
    assert rows[1][1] == "Nguyễn Thị Ánh Tuyết" and unicodedata.is_normalized("NFC", rows[1][1])
    assert isinstance(rows[1][0], int) and rows[1][0] == 1
    assert isinstance(rows[1][2], float) and rows[1][2] == 9.5
    assert rows[1][3] == 0.25 and sheet["D2"].number_format == "0.0%"
    assert rows[1][4] == datetime(2026, 12, 7, 9, 0)  # Vietnam time
    assert sheet["E2"].is_date
    assert rows[2][1] == '\'=HYPERLINK("http://evil","x")'
    assert sheet["B3"].data_type == "s"
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    assert sheet.auto_filter.ref == "A1:F3"
    assert sheet.column_dimensions["B"].width == len('\'=HYPERLINK("http://evil","x")') + 2


def test_csv_starts_with_the_bom_and_reads_back_in_vietnamese():
    data = write_csv(_table())
    assert data[:3] == b"\xef\xbb\xbf"
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))
    assert rows[0] == ["Hạng", "Họ và tên", "Điểm", "Tỉ lệ", "Nộp lúc", "Thời gian"]
    assert rows[1] == ["1", "Nguyễn Thị Ánh Tuyết", "9.5", "25.0%", "07/12/2026 09:00:00", "0:12:34"]
    assert rows[2][1] == '\'=HYPERLINK("http://evil","x")'


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_neutralised(text):
    assert neutralise(text) == "'" + text


def test_plain_text_is_kept():
    assert neutralise("Trường THCS Lê Lợi") == "Trường THCS Lê Lợi"
    assert neutralise("") == ""


def test_unknown_column_type_is_refused():
    with pytest.raises(ValueError):
        Column("x", "money")
