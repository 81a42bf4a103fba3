"""CSV and Excel import: the shared Vietnamese column layout."""
import datetime as dt
import io
import unicodedata
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from question_bank import formats
from question_bank.formats import csv as csv_format
from question_bank.formats import table, xlsx
from question_bank.formats.xlsx import cell_text, template_xlsx

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats"

HEADER = "chu_de,loai,cau_hoi,phuong_an_a,phuong_an_b,phuong_an_c,dap_an,do_kho,giai_thich,nguon,the"


def parse_csv(text: str, bom: bool = False):
    data = text.encode("utf-8")
    return formats.parse((b"\xef\xbb\xbf" if bom else b"") + data, "csv")


def xlsx_bytes(rows, sheet_title="Cau_hoi", first_sheet=None):
    wb = Workbook()
    ws = wb.active
    if first_sheet:
        ws.title = first_sheet
        ws.append(["Hướng dẫn: xem trang sau"])
        ws = wb.create_sheet(sheet_title)
    else:
        ws.title = sheet_title
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- CSV

def test_semicolon_csv_with_bom_crlf_and_vietnamese_headers():
    result = formats.parse((FIXTURES / "semicolon_bom_crlf.csv").read_bytes(), filename="ngan_hang.csv")
    assert result.errors == []
    first, second, third = result.questions
    assert first.topic_path == ["Tư tưởng", "Độc lập"]
    assert first.kind == "single"
    assert [(o.text, o.is_correct) for o in first.options] == [
        ("19/8/1945", False), ("2/9/1945", True), ("6/1/1946", False)]
    assert first.difficulty == 1
    assert first.explanation == "Tại Ba Đình; Hà Nội"
    assert first.source_note == "Tuyên ngôn Độc lập"
    assert first.tags == ["lịch sử", "1945"]
    assert first.line == 2
    assert second.kind == "multiple"
    assert second.text == 'Đức tính nào thuộc "Cần, Kiệm, Liêm, Chính"?'
    assert [o.text for o in second.options if o.is_correct] == ["Cần", "Liêm"]
    assert third.kind == "true_false"
    assert [(o.text, o.is_correct) for o in third.options] == [("Đúng", True), ("Sai", False)]


def test_tab_delimited_and_english_headers():
    text = "question\toption_a\toption_b\tanswer\tkind\nQ?\tx\ty\tB\tsingle\n"
    result = parse_csv(text)
    assert result.errors == []
    assert [o.is_correct for o in result.questions[0].options] == [False, True]


def test_headers_match_ignoring_case_and_diacritics():
    text = "CÂU HỎI,Phương án A,Phương Án B,ĐÁP ÁN,Độ khó\nQ?,x,y,a,Khó\n"
    result = parse_csv(text)
    assert result.errors == []
    q = result.questions[0]
    assert q.options[0].is_correct
    assert q.difficulty == 3


def test_kind_is_guessed_when_the_column_is_blank():
    text = ("cau_hoi,phuong_an_a,phuong_an_b,phuong_an_c,dap_an\n"
            "Q1?,x,y,z,\"A, C\"\nQ2?,,,,Sai\nQ3?,x,y,z,B\n")
    result = parse_csv(text)
    assert result.errors == []
    assert [q.kind for q in result.questions] == ["multiple", "true_false", "single"]


def test_quoted_cell_with_line_break_and_line_numbers():
    text = HEADER + '\n\n"",,,,,,,,,,\nA,mot_dap_an,"Dòng một\nDòng hai",x,y,,Z,,,,\nB,mot_dap_an,Q?,x,y,,A,9,,,\n'
    result = parse_csv(text)
    # the blank line and the empty row are skipped; the multi-line row starts on line 4
    assert [(e.line, e.code) for e in result.errors] == [(4, "answer_option_empty"), (6, "bad_difficulty")]


@pytest.mark.parametrize("row, code", [
    ("A,mot_dap_an,Q?,x,y,,,,,,", "missing_answer"),
    ("A,loai_la,Q?,x,y,,A,,,,", "unknown_kind"),
    ("A,mot_dap_an,Q?,x,,z,A,,,,", "option_gap"),
    ("A,mot_dap_an,Q?,x,y,,A-B,,,,", "bad_answer_letters"),
    ("A,dung_sai,Q?,,,,Có,,,,", "bad_true_false_answer"),
    ("A,mot_dap_an,Q?,x,y,,\"A,B\",,,,", "single_many_correct"),
    ("A,nhieu_dap_an,Q?,x,x,,A,,,,", "duplicate_option"),
    ("A,mot_dap_an,,x,y,,A,,,,", "empty_text"),
    ("A,mot_dap_an,Q?,x,,,A,,,,", "too_few_options"),
])
def test_row_errors_name_the_line(row, code):
    result = parse_csv(f"{HEADER}\nA,mot_dap_an,Q?,x,y,,A,,,,\n{row}\n")
    assert [(e.line, e.code) for e in result.errors] == [(3, code)]
    assert len(result.questions) == 1


def test_missing_required_column_is_reported_on_the_header_line():
    result = parse_csv("cau_hoi,phuong_an_a,phuong_an_b\nQ?,x,y\n")
    assert [(e.line, e.code) for e in result.errors] == [(1, "missing_column")]
    assert "dap_an" in result.errors[0].message


def test_csv_formula_guard_round_trips():
    q = formats.QuestionDraft("=1+1 bằng mấy?", "single",
                              [formats.OptionDraft("-2", False), formats.OptionDraft("+2", True)])
    data = formats.export([q], "csv")
    assert b"'=1+1" in data and b"'-2" in data
    assert formats.parse(data, "csv").questions == [q]


def test_nfd_cells_come_out_nfc():
    text = unicodedata.normalize("NFD", "câu hỏi,phương án a,phương án b,đáp án\nBác Hồ quê ở đâu?,Nghệ An,Hà Tĩnh,A\n")
    result = parse_csv(text, bom=True)
    assert result.errors == []
    assert result.questions[0].text == "Bác Hồ quê ở đâu?"
    assert unicodedata.is_normalized("NFC", result.questions[0].options[0].text)


def test_generated_csv_with_three_bad_rows_reports_exactly_their_lines():
    rows = [HEADER]
    bad = []
    for i in range(1000):
        line = len(rows) + 1
        if i in (7, 512, 999):
            rows.append(f"Chủ đề {i % 5},mot_dap_an,Câu {i}?,x,y,z,D,,,,")
            bad.append(line)
        else:
            rows.append(f"Chủ đề {i % 5},mot_dap_an,Câu {i}?,x,y,z,B,2,,,")
    result = parse_csv("\n".join(rows))
    assert [e.line for e in result.errors] == bad
    assert len(result.questions) == 997


# --------------------------------------------------------------------------- Excel

def test_excel_numeric_and_date_cells_become_text():
    rows = [
        ["Chủ đề", "Loại", "Câu hỏi", "Phương án A", "Phương án B", "Phương án C", "Đáp án", "Độ khó", "Thẻ"],
        ["Lịch sử", "mot_dap_an", "Bác Hồ ra đi tìm đường cứu nước năm nào?", 1911, 1920, 1945.0, "A", 2, None],
        ["Lịch sử", "single", "Ngày Quốc khánh?", dt.datetime(1945, 9, 2), dt.date(1945, 8, 19), "3/2/1930", "A", 1.0, 1945],
        [None, None, None, None],
        ["Số", "single", 3.0, 0.5, 2.25, None, "B", None, None],
    ]
    result = formats.parse(xlsx_bytes(rows), filename="ngan_hang.xlsx")
    assert result.errors == []
    first, second, third = result.questions
    assert [o.text for o in first.options] == ["1911", "1920", "1945"]
    assert first.difficulty == 2
    assert [o.text for o in second.options] == ["02/09/1945", "19/08/1945", "3/2/1930"]
    assert second.difficulty == 1
    assert second.tags == ["1945"]
    assert third.text == "3"
    assert [o.text for o in third.options] == ["0.5", "2.25"]
    assert [q.line for q in result.questions] == [2, 3, 5]  # Excel row numbers


def test_excel_row_numbers_count_leading_empty_rows_and_skip_a_guide_sheet():
    rows = [[None], [None], ["cau_hoi", "phuong_an_a", "phuong_an_b", "dap_an"],
            ["Q1?", "x", "y", "A"], ["Q2?", "x", "y", "C"]]
    result = formats.parse(xlsx_bytes(rows, first_sheet="Huong_dan"), "xlsx")
    assert [(e.line, e.code) for e in result.errors] == [(5, "answer_option_empty")]
    assert result.questions[0].line == 4


@pytest.mark.parametrize("value, text", [
    (None, ""), (1945, "1945"), (3.0, "3"), (2.5, "2.5"), (True, "Đúng"), (False, "Sai"),
    (dt.datetime(2024, 5, 19), "19/05/2024"), (dt.datetime(2024, 5, 19, 7, 30), "19/05/2024 07:30"),
    (dt.date(1890, 5, 19), "19/05/1890"), (dt.time(10, 0), "10:00"), ("  Hà  Nội ", "  Hà  Nội "),
])
def test_cell_text(value, text):
    assert cell_text(value) == text


def test_not_an_xlsx_file():
    result = formats.parse(b"PK\x03\x04 not really a zip", "xlsx")
    assert [(e.line, e.code) for e in result.errors] == [(0, "bad_xlsx")]


def test_template_xlsx_parses_back_to_its_two_examples():
    data = template_xlsx()
    result = formats.parse(data, filename="mau.xlsx")
    assert result.errors == []
    assert result.questions == table.example_questions()
    assert [q.kind for q in result.questions] == ["single", "multiple"]
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Cau_hoi", "Huong_dan"]
    header = [c.value for c in wb["Cau_hoi"][1]]
    assert header[:3] == ["chu_de", "loai", "cau_hoi"]
    for name in ("phuong_an_a", "phuong_an_f", "dap_an", "do_kho", "giai_thich", "nguon", "the"):
        assert name in header
    guide = "\n".join(str(c.value) for row in wb["Huong_dan"].iter_rows() for c in row if c.value)
    for name in ("chu_de", "loai", "cau_hoi", "dap_an", "do_kho", "giai_thich", "nguon", "the"):
        assert name in guide
    assert "Bắt buộc" in guide


def test_template_csv_parses_back_to_its_two_examples():
    data = csv_format.template_csv()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.split(b"\r\n")[0].decode("utf-8-sig").startswith("chu_de,loai,cau_hoi,phuong_an_a")
    result = formats.parse(data, filename="mau.csv")
    assert result.errors == []
    assert result.questions == table.example_questions()


def test_xlsx_export_keeps_text_that_looks_like_a_formula():
    q = formats.QuestionDraft("=SUM(A1) là gì?", "single",
                              [formats.OptionDraft("=1", True), formats.OptionDraft("Hàm", False)])
    assert xlsx.parse(xlsx.dump([q])).questions == [q]


def test_row_limit_and_zip_bomb_guard(monkeypatch):
    text = "cau_hoi,phuong_an_a,phuong_an_b,dap_an\n" + "".join(f"Q{i}?,x,y,A\n" for i in range(6))
    result = csv_format.parse(text, max_rows=5)
    assert [(e.line, e.code) for e in result.errors] == [(7, "too_many_rows")]
    rows = [["cau_hoi", "phuong_an_a", "phuong_an_b", "dap_an"]] + [[f"Q{i}?", "x", "y", "A"] for i in range(6)]
    assert [e.code for e in xlsx.parse(xlsx_bytes(rows), max_rows=5).errors] == ["too_many_rows"]
    monkeypatch.setattr(xlsx, "MAX_UNPACKED_BYTES", 1000)
    assert [e.code for e in xlsx.parse(xlsx_bytes(rows)).errors] == ["file_too_large"]


def test_answer_letters_accept_common_spellings():
    text = "cau_hoi,phuong_an_a,phuong_an_b,phuong_an_c,dap_an,loai\n" \
           "Q1?,x,y,z,AC,nhieu\nQ2?,x,y,z,a; c,multiple\nQ3?,x,y,z,b.,single\n"
    result = parse_csv(text)
    assert result.errors == []
    assert [[o.is_correct for o in q.options] for q in result.questions] == [
        [True, False, True], [True, False, True], [False, True, False]]
