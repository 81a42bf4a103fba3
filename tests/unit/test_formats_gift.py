"""GIFT (Moodle) import: what an organizer pasting a Moodle export would notice."""
import unicodedata
from pathlib import Path

import pytest

from question_bank import formats
from question_bank.formats import gift
from question_bank.formats.common import OptionDraft

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats"


def parse(text: str):
    return formats.parse(text.encode("utf-8"), "gift")


def only(result):
    assert result.errors == []
    assert len(result.questions) == 1
    return result.questions[0]


def opts(question):
    return [(o.text, o.is_correct) for o in question.options]


def test_simple_single_choice():
    q = only(parse("Thủ đô của Việt Nam là gì? {=Hà Nội ~Huế ~Sài Gòn}"))
    assert q.kind == "single"
    assert q.text == "Thủ đô của Việt Nam là gì?"
    assert opts(q) == [("Hà Nội", True), ("Huế", False), ("Sài Gòn", False)]
    assert q.line == 1


def test_moodle_export_fixture():
    result = formats.parse((FIXTURES / "moodle_export.gift").read_bytes(), filename="moodle_export.gift")
    assert result.errors == []
    first, second, third, fourth = result.questions

    assert first.title == "Tuyên ngôn Độc lập"
    assert first.text == "Bản Tuyên ngôn Độc lập được đọc tại đâu?"  # [html] made plain text
    assert first.topic_path == ["Tư tưởng Hồ Chí Minh", "Độc lập dân tộc"]
    assert first.kind == "single"
    assert opts(first)[0] == ("Quảng trường Ba Đình, Hà Nội", True)  # per-answer feedback dropped
    assert first.explanation == "Ngày 2/9/1945 tại Quảng trường Ba Đình."
    assert first.tags == ["lịch sử"]
    assert first.difficulty == 1
    assert first.source_note == "Tuyên ngôn Độc lập, 2/9/1945"
    assert first.line == 10

    assert second.kind == "true_false"
    assert opts(second) == [("Đúng", True), ("Sai", False)]
    assert second.tags == [] and second.source_note == ""

    assert third.topic_path == ["Đạo đức Hồ Chí Minh"]
    assert third.kind == "multiple"
    assert [o.text for o in third.options if o.is_correct] == ["Cần", "Liêm"]
    assert third.tags == ["đạo đức", "cần kiệm"]
    assert third.source_note == "Hồ Chí Minh, Cần Kiệm Liêm Chính (1949)"

    # multi-line text, answers on one line, no blank line before it
    assert fourth.title == "Chí công vô tư"
    assert fourth.text == 'Theo Chủ tịch Hồ Chí Minh,\n"chí công vô tư" nghĩa là gì?'
    assert fourth.kind == "single"
    assert [o.text for o in fourth.options if o.is_correct] == ["Đặt lợi ích chung lên trên lợi ích riêng"]
    # the conventions apply only to the question right after them
    assert fourth.tags == [] and fourth.source_note == ""


def test_questions_without_blank_lines_between_them():
    text = (
        "Câu 1? {=a ~b}\n"
        "::T2:: Câu 2? {T}\n"
        "Câu 3?\n{\n=x\n~y\n}\n"
        "// [tag:z]\n"
        "Câu 4? {~%100%p ~q}\n"
        "Câu 5? {FALSE}\n"
    )
    result = parse(text)
    assert result.errors == []
    assert [q.text for q in result.questions] == ["Câu 1?", "Câu 2?", "Câu 3?", "Câu 4?", "Câu 5?"]
    assert [q.line for q in result.questions] == [1, 2, 3, 9, 10]
    assert result.questions[3].tags == ["z"]
    assert opts(result.questions[4]) == [("Đúng", False), ("Sai", True)]


def test_bom_and_crlf_and_escapes():
    data = (FIXTURES / "crlf_escapes.gift").read_bytes()
    assert b"\r\n" in data
    result = formats.parse(b"\xef\xbb\xbf" + data, filename="crlf_escapes.gift")
    assert result.errors == []
    first, second = result.questions
    assert first.title == "Dấu"
    assert first.tags == ["ngôn ngữ"]
    assert first.line == 2
    assert "\r" not in first.text
    assert second.text == "Biểu thức a = b ~ c {x} # : có những ký hiệu nào?"
    assert opts(second)[0] == ("Dấu bằng, dấu ngã, ngoặc nhọn, thăng, hai chấm", True)


@pytest.mark.parametrize("escaped, literal", [
    (r"\=", "="), (r"\~", "~"), (r"\{", "{"), (r"\}", "}"), (r"\#", "#"), (r"\:", ":"),
])
def test_each_escape_in_text_and_answers(escaped, literal):
    q = only(parse(f"::T{escaped}1::Hỏi {escaped} đây? {{=đúng {escaped} thật ~sai}}"))
    assert q.title == f"T{literal}1"
    assert q.text == f"Hỏi {literal} đây?"
    assert q.options[0].text == f"đúng {literal} thật"


def test_only_hundred_percent_weight_is_single():
    q = only(parse("Chọn một? {~%100%Đúng nhất ~Sai một ~Sai hai}"))
    assert q.kind == "single"
    assert opts(q) == [("Đúng nhất", True), ("Sai một", False), ("Sai hai", False)]


def test_partial_weights_make_a_multiple_answer_question():
    q = only(parse("Chọn các ý đúng? {~%50%A ~%50%B ~%-100%C}"))
    assert q.kind == "multiple"
    assert opts(q) == [("A", True), ("B", True), ("C", False)]


def test_single_partial_weight_is_multiple_and_two_equals_is_multiple():
    assert only(parse("Q? {~%50%A ~B ~C}")).kind == "multiple"
    assert only(parse("Q? {=A =B ~C}")).kind == "multiple"
    q = only(parse("Q? {~%33.33333%A ~%33.33333%B ~%33,33333%C ~%-100%D}"))
    assert [o.is_correct for o in q.options] == [True, True, True, False]


@pytest.mark.parametrize("block, expected", [
    ("{T}", True), ("{TRUE}", True), ("{F}", False), ("{FALSE}", False),
    ("{true}", True), ("{T#Sai rồi#Đúng rồi}", True),
])
def test_true_false(block, expected):
    q = only(parse(f"Bác Hồ sinh năm 1890. {block}"))
    assert q.kind == "true_false"
    assert q.options == [OptionDraft("Đúng", expected), OptionDraft("Sai", not expected)]


def test_general_feedback_becomes_explanation_and_answer_feedback_is_ignored():
    q = only(parse("Q? {=A#hay lắm ~B#tiếc quá ####Vì A là [đúng].}"))
    assert opts(q) == [("A", True), ("B", False)]
    assert q.explanation == "Vì A là [đúng]."
    q = only(parse("Q? {F####[markdown]Giải thích}"))
    assert q.explanation == "Giải thích"


def test_missing_word_format_keeps_a_blank():
    q = only(parse("Bác Hồ sinh ở tỉnh {=Nghệ An ~Hà Tĩnh} năm 1890."))
    assert q.text == "Bác Hồ sinh ở tỉnh _____ năm 1890."


def test_category_prefixes_and_escaped_slash():
    result = parse(
        "$CATEGORY: top/A/B\nQ1 {T}\n\n$CATEGORY: $course$/top/C//D\nQ2 {T}\n\n$CATEGORY: E\nQ3 {T}\n"
    )
    assert [q.topic_path for q in result.questions] == [["A", "B"], ["C/D"], ["E"]]


def test_source_tags_and_difficulty_conventions():
    q = only(parse(
        "// Nguồn: Báo Nhân Dân\n// nguon: trang 3\n// [tag:a] [tag:b]\n// [difficulty:3]\nQ? {T}"
    ))
    assert q.source_note == "Báo Nhân Dân\ntrang 3"
    assert q.tags == ["a", "b"]
    assert q.difficulty == 3
    assert q.line == 5


def test_bad_difficulty_is_reported():
    result = parse("// [difficulty:5]\nQ? {T}\n\n// [difficulty:khó]\nQ2? {T}")
    assert [(e.line, e.code) for e in result.errors] == [(2, "bad_difficulty"), (4, "bad_difficulty")]
    assert not result.ok


@pytest.mark.parametrize("text, kind", [
    ("Thủ đô? {=Hà Nội =Ha Noi}", "short_answer"),
    ("Ghép? {=a -> 1 =b -> 2 =c -> 3}", "matching"),
    ("Năm? {#1890:0}", "numerical"),
    ("Viết cảm nghĩ. {}", "essay"),
])
def test_unsupported_kinds_are_reported_with_their_line(text, kind):
    result = parse(f"Q? {{T}}\n\n// comment\n{text}\n\nQ3? {{F}}")
    assert len(result.questions) == 2
    assert [(e.line, e.code, e.params.get("type")) for e in result.errors] == [
        (4, "unsupported_question_type", kind)
    ]
    assert "not supported" in result.errors[0].message


def test_description_without_braces_is_reported():
    result = parse("Q1? {T}\n\nĐây chỉ là một đoạn mô tả.\n\nQ2? {F}")
    assert [(e.line, e.code) for e in result.errors] == [(3, "unsupported_question_type")]
    assert result.errors[0].params["type"] == "description"
    assert len(result.questions) == 2


def test_unclosed_block_is_reported_and_the_next_question_still_parses():
    result = parse("Q1? {\n=a\n~b\nQ2? {=c ~d}\nQ3? {T}")
    assert [(e.line, e.code) for e in result.errors] == [(1, "unclosed_answers")]
    assert [q.text for q in result.questions] == ["Q2?", "Q3?"]
    result = parse("Q1? {=a ~b")
    assert [(e.line, e.code) for e in result.errors] == [(1, "unclosed_answers")]


def test_validation_errors_carry_the_question_line():
    result = parse("Q1? {T}\n\nQ2? {~a ~b}\n\nQ3? {=a ~a}\n\nQ4? {=only}")
    assert [(e.line, e.code) for e in result.errors] == [
        (3, "no_correct_option"), (5, "duplicate_option"), (7, "unsupported_question_type"),
    ]


def test_nfd_input_comes_out_nfc():
    text = unicodedata.normalize("NFD", "::Tiêu đề::Chủ tịch Hồ Chí Minh? {=Đúng vậy ~Không phải}")
    assert text != unicodedata.normalize("NFC", text)
    q = only(parse(text))
    for value in (q.title, q.text, *[o.text for o in q.options]):
        assert unicodedata.is_normalized("NFC", value)
    assert q.text == "Chủ tịch Hồ Chí Minh?"


def test_comment_lines_inside_answers_are_ignored():
    q = only(parse("Q? {\n// chú thích\n=a\n// [tag:x]\n~b\n}"))
    assert opts(q) == [("a", True), ("b", False)]
    assert q.tags == []


def test_escape_unescape_round_trip():
    raw = "a\\b ~ = # { } : xuống\ndòng"
    assert gift.unescape(gift.escape(raw)) == raw


def test_generated_file_with_three_bad_questions_reports_exactly_their_lines():
    lines = []
    bad_lines = []
    for i in range(1000):
        start = len(lines) + 1
        if i == 10:
            lines.append(f"Câu {i}: điền vào chỗ trống? {{=chỉ một đáp án}}")  # short answer
            bad_lines.append(start)
        elif i == 500:
            lines += [f"Câu {i}?", "{", "~sai một", "~sai hai", "}"]  # no correct option
            bad_lines.append(start)
        elif i == 998:
            lines += [f"Câu {i}? {{", "=đúng", "~sai"]  # never closed
            bad_lines.append(start)
        elif i % 3 == 0:
            lines += [f"// [tag:t{i % 7}]", f"::C{i}::Câu hỏi số {i}?", "{", "=đúng", "~sai", "####Giải thích", "}"]
        elif i % 3 == 1:
            lines.append(f"Câu hỏi số {i} là đúng. {{T}}")
        else:
            lines.append(f"Câu hỏi số {i}? {{~%50%x ~%50%y ~%-100%z}}")
        if i % 2:
            lines.append("")  # blank lines only sometimes
    result = parse("\n".join(lines))
    assert [e.line for e in result.errors] == bad_lines
    assert len(result.questions) == 997


def test_html_questions_become_plain_text():
    q = only(parse(
        "[html]<p dir=\"ltr\">Bác Hồ &amp; <b>Tuyên ngôn</b> &lt;1945&gt;<br>dòng hai</p>"
        "<script>alert(1)</script>{=<i>Đúng</i> &amp; đủ ~Sai ####[html]<p>Giải &quot;thích&quot;</p>}"
    ))
    assert q.text == "Bác Hồ & Tuyên ngôn <1945>\ndòng hai"
    assert [o.text for o in q.options] == ["Đúng & đủ", "Sai"]
    assert q.explanation == 'Giải "thích"'
    q = only(parse("[moodle]<b>không phải HTML</b> {T}"))
    assert q.text == "<b>không phải HTML</b>"
