"""Shared rules: text cleaning, fingerprints, validation, decoding and format detection."""
import codecs
import unicodedata

import pytest

from question_bank import formats
from question_bank.formats import OptionDraft, QuestionDraft, clean_text, detect_format, validate


def q(kind="single", options=None, text="Câu hỏi?", **kw):
    if options is None:
        options = [OptionDraft("a", True), OptionDraft("b", False)]
    return QuestionDraft(text=text, kind=kind, options=options, **kw)


# --------------------------------------------------------------------------- clean_text

def test_clean_text():
    nfd = unicodedata.normalize("NFD", "Hồ Chí Minh")
    assert clean_text("\ufeff  " + nfd + " \t  vĩ đại\r\n  dòng\t\thai  \rba ") == "Hồ Chí Minh vĩ đại\ndòng hai\nba"
    assert clean_text(None) == ""
    assert clean_text("a\x00b\x07c") == "abc"
    assert clean_text("a\u00a0\u00a0b") == "a b"


# --------------------------------------------------------------------------- fingerprint

def test_fingerprint_ignores_case_form_spacing_and_option_order():
    a = q(text="Bác Hồ  sinh năm nào?", options=[OptionDraft("1890", True), OptionDraft("1891", False)])
    b = q(text=unicodedata.normalize("NFD", "BÁC HỒ sinh\nnăm nào?"),
          options=[OptionDraft("1891 ", False), OptionDraft("1890", True)], topic_path=["x"], difficulty=2)
    assert a.fingerprint() == b.fingerprint()
    assert len(a.fingerprint()) == 64


def test_fingerprint_changes_with_the_answer_key_or_text():
    a = q(options=[OptionDraft("1890", True), OptionDraft("1891", False)])
    assert a.fingerprint() != q(options=[OptionDraft("1890", False), OptionDraft("1891", True)]).fingerprint()
    assert a.fingerprint() != q(text="Khác?", options=a.options).fingerprint()


def test_line_is_not_part_of_equality():
    assert q(line=3) == q(line=40)


# --------------------------------------------------------------------------- validate

def codes(draft):
    return [e.code for e in validate(draft)]


def test_valid_questions_have_no_errors():
    assert codes(q()) == []
    assert codes(q("multiple", [OptionDraft("a", True), OptionDraft("b", True)])) == []
    assert codes(q("true_false", [OptionDraft("Đúng", False), OptionDraft("Sai", True)])) == []
    assert codes(q(difficulty=3)) == []


@pytest.mark.parametrize("draft, expected", [
    (q(text="  "), ["empty_text"]),
    (q(options=[OptionDraft("a", True)]), ["too_few_options"]),
    (q("multiple", [OptionDraft("a", True)]), ["too_few_options"]),
    (q(options=[OptionDraft("a", True), OptionDraft(" ", False)]), ["empty_option"]),
    (q(options=[OptionDraft("a", False), OptionDraft("b", False)]), ["no_correct_option"]),
    (q(options=[OptionDraft("a", True), OptionDraft("b", True)]), ["single_many_correct"]),
    (q("multiple", [OptionDraft("a", False), OptionDraft("b", False)]), ["no_correct_option"]),
    (q(options=[OptionDraft("Hà Nội", True), OptionDraft("hà  nội", False)]), ["duplicate_option"]),
    (q(difficulty=4), ["bad_difficulty"]),
    (q(difficulty=0), ["bad_difficulty"]),
    (q("true_false", [OptionDraft("Đúng", True)]), ["true_false_options"]),
    (q("true_false", [OptionDraft("Sai", True), OptionDraft("Đúng", False)]), ["true_false_options"]),
    (q("true_false", [OptionDraft("Đúng", True), OptionDraft("Sai", True)]), ["true_false_answer"]),
    (q("essay"), ["unknown_kind"]),
])
def test_validation_rules(draft, expected):
    assert codes(draft) == expected


def test_messages_are_whole_english_sentences_with_values_filled_in():
    draft = q(options=[OptionDraft("a", True), OptionDraft("b", True), OptionDraft("c", True)], line=12)
    (err,) = validate(draft)
    assert err.line == 12
    assert err.message == "A single-answer question must have exactly one correct option; this one has 3."
    assert err.params == {"count": 3}
    assert err.as_dict()["code"] == "single_many_correct"


# --------------------------------------------------------------------------- decoding

def test_utf16_with_bom_is_read():
    text = "Bác Hồ sinh năm 1890. {T}\n"
    for codec, bom in (("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE)):
        result = formats.parse(bom + text.encode(codec), "gift")
        assert result.errors == []
        assert result.questions[0].text == "Bác Hồ sinh năm 1890."


def test_undecodable_bytes_give_one_error_naming_the_line():
    data = "Q1? {T}\nQ2? {F}\n".encode("utf-8") + "Cà phê là gì? {T}\n".encode("cp1252")
    result = formats.parse(data, "gift")
    assert result.questions == []
    assert [(e.line, e.code) for e in result.errors] == [(3, "bad_encoding")]
    assert "UTF-8" in result.errors[0].message and "3" in result.errors[0].message


def test_utf16_without_bom_is_refused():
    result = formats.parse("Q? {T}\n".encode("utf-16-le"), "gift")
    assert [e.code for e in result.errors] == ["binary_content"]


def test_empty_unknown_and_legacy_files():
    assert [e.code for e in formats.parse(b"", "gift").errors] == ["empty_file"]
    assert [e.code for e in formats.parse(b"  \n", "csv").errors] == ["empty_file"]
    assert [e.code for e in formats.parse(b"// only a comment\n", "gift").errors] == ["no_questions"]
    assert [e.code for e in formats.parse(b"Q? {T}", "docx").errors] == ["unknown_format"]
    assert [e.code for e in formats.parse(b"hello", filename="x.bin").errors] == ["unknown_format"]
    legacy = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
    assert [e.code for e in formats.parse(legacy, filename="old.xls").errors] == ["xls_not_supported"]


# --------------------------------------------------------------------------- detection

@pytest.mark.parametrize("filename, data, expected", [
    ("a.gift", b"anything", "gift"),
    ("A.CSV", b"x", "csv"),
    ("a.tsv", b"x", "csv"),
    ("a.xlsx", b"x", "xlsx"),
    ("renamed.csv", b"PK\x03\x04rest", "xlsx"),
    (None, b"PK\x03\x04rest", "xlsx"),
    ("a.txt", "::T::Câu? {=a ~b}".encode(), "gift"),
    ("a.txt", "Câu? {T}".encode(), "gift"),
    ("a.txt", "$CATEGORY: a\n".encode(), "gift"),
    ("a.txt", "Câu hỏi?\nA. x\nB. y\nANSWER: A\n".encode(), "aiken"),
    ("a.txt", "Câu hỏi có {ngoặc} nhưng là Aiken?\nA. x\nB. y\nANSWER: A\n".encode(), "aiken"),
    (None, "Câu hỏi?\nA. x\nB. y\nANSWER: A\n".encode(), "aiken"),
    (None, "cau_hoi;dap_an;phuong_an_a\n".encode(), "csv"),
    (None, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", None),
    ("notes.md", b"just text", None),
])
def test_detect_format(filename, data, expected):
    assert detect_format(filename, data) == expected


def test_parse_detects_the_format_itself():
    result = formats.parse("Câu hỏi?\nA. x\nB. y\nANSWER: A\n".encode(), filename="bank.txt")
    assert result.ok and result.questions[0].kind == "single"
    result = formats.parse("Q? {T}".encode(), format=" GIFT ")
    assert result.ok


def test_excel_file_sent_as_a_text_format_says_so():
    from question_bank.formats import template_xlsx
    result = formats.parse(template_xlsx(), "csv")
    assert [(e.line, e.code) for e in result.errors] == [(0, "format_mismatch")]
    assert formats.parse(template_xlsx(), None, "mau.csv").ok  # detected by content


BAD_FILES = [
    ("gift", "Q? {=a =b}\n\nQ? {~a ~b}\n\n// [difficulty:x]\nQ {T}\nQ? {=a ~a}\nQ? {\n=a\nQ2 {T}\nX {#1}\n::t\n{T}"),
    ("aiken", "Q?\nA. x\nANSWER: b\nQ?\nA. x\nB. y\nANSWER: C\nQ?\nA. x\nC. y\nANSWER: A\nANSWER: A\nQ?\nA. x\n"),
    ("csv", "cau_hoi,phuong_an_a,phuong_an_b,phuong_an_c,dap_an,do_kho,loai\nQ,x,,z,A,7,\nQ,x,y,,,,\nQ,x,y,,?,,\nQ,x,y,,A,,gì\n,x,y,,A,,\n"),
    ("csv", "khong_co_cot\n1\n"),
]


@pytest.mark.parametrize("fmt, text", BAD_FILES)
def test_every_message_is_a_filled_in_sentence(fmt, text):
    result = formats.parse(text.encode(), fmt)
    assert result.errors
    for err in result.errors:
        assert "%(" not in err.message
        assert err.message[0].isupper() and err.message.endswith("."), err.message
        assert err.line >= 0 and err.code


@pytest.mark.parametrize("written, names", [
    ("Tư tưởng/Đại đoàn kết", ["Tư tưởng", "Đại đoàn kết"]),
    (" Tư tưởng /  Đại  đoàn kết / ", ["Tư tưởng", "Đại đoàn kết"]),
    ("Tuần 1//2026/Văn kiện", ["Tuần 1/2026", "Văn kiện"]),
    ("a///b", ["a/", "b"]),
    ("a / //b", ["a", "/b"]),
    ("http:////x", ["http://x"]),
    ("A/A", ["A", "A"]),  # a sub-topic may have its parent's name
    ("", []),
])
def test_topic_paths_read_slash_as_separator_and_double_slash_as_a_slash(written, names):
    from question_bank.formats.common import join_topic_path, split_topic_path

    assert split_topic_path(written) == names
    assert split_topic_path(join_topic_path(names)) == names


def test_topic_paths_are_written_with_doubled_slashes():
    from question_bank.formats.common import join_topic_path

    assert join_topic_path(["Tư tưởng", "Đại đoàn kết"]) == "Tư tưởng/Đại đoàn kết"
    assert join_topic_path(["Tuần 1/2026", "Văn kiện"]) == "Tuần 1//2026/Văn kiện"
    assert join_topic_path(["a/", "/b", "c"]) == "a// / //b/c"
