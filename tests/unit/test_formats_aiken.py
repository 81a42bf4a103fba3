"""Aiken import/export."""
import unicodedata
from pathlib import Path

import pytest

from question_bank import formats
from question_bank.formats import aiken
from question_bank.formats.common import ExportError, OptionDraft, QuestionDraft

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats"


def parse(text: str):
    return formats.parse(text.encode("utf-8"), "aiken")


def test_fixture_with_labels_inside_the_question_text():
    result = formats.parse((FIXTURES / "aiken_sample.txt").read_bytes(), filename="aiken_sample.txt")
    assert result.errors == []
    first, second, third = result.questions
    assert first.kind == "single"
    assert [o.text for o in first.options] == ["1911", "1920", "1930", "1945"]
    assert first.options[0].is_correct
    # "A)" and "B)" inside the sentence are text, not options
    assert second.text == "Câu nào đúng: A) Bác sinh ở Nghệ An, B) Bác sinh ở Hà Tĩnh?"
    assert [(o.text, o.is_correct) for o in second.options] == [("Chỉ A) đúng", True), ("Chỉ B) đúng", False)]
    # no blank line before the third question
    assert third.line == 12
    assert [o.text for o in third.options if o.is_correct] == ["1927"]


def test_multi_line_question_text_and_both_label_styles():
    result = parse("Dòng một\nDòng hai?\nA) x\nB. y\nANSWER: B\n")
    assert result.errors == []
    q = result.questions[0]
    assert q.text == "Dòng một\nDòng hai?"
    assert [(o.text, o.is_correct) for o in q.options] == [("x", False), ("y", True)]


def test_lowercase_answer_letter_is_a_named_error():
    result = parse("Q?\nA. x\nB. y\nANSWER: b\n")
    assert result.questions == []
    (err,) = result.errors
    assert (err.line, err.code) == (4, "lowercase_answer")
    assert "capital letter" in err.message
    assert "ANSWER: B" in err.message


def test_missing_answer_is_reported_and_next_question_still_parses():
    result = parse("Q1?\nA. x\nB. y\n\nQ2?\nA. p\nB. q\nANSWER: A\n")
    assert [(e.line, e.code) for e in result.errors] == [(1, "missing_answer")]
    assert [q.text for q in result.questions] == ["Q2?"]
    result = parse("Q1?\nA. x\nB. y\n")
    assert [(e.line, e.code) for e in result.errors] == [(1, "missing_answer")]


def test_answer_letter_not_among_options():
    result = parse("Q?\nA. x\nB. y\nANSWER: D\n")
    assert [(e.line, e.code) for e in result.errors] == [(4, "answer_not_an_option")]
    assert "D" in result.errors[0].message


@pytest.mark.parametrize("answer, code", [
    ("A,B", "aiken_single_only"), ("", "missing_answer_letter"),
])
def test_other_answer_line_problems(answer, code):
    result = parse(f"Q?\nA. x\nB. y\nANSWER: {answer}\n")
    assert [e.code for e in result.errors] == [code]


def test_options_out_of_order_and_no_options():
    result = parse("Q?\nA. x\nC. y\nANSWER: A\n\nQ2?\nANSWER: A\n")
    assert [(e.line, e.code) for e in result.errors] == [(3, "option_out_of_order"), (6, "no_options")]


def test_crlf_bom_and_nfd():
    text = unicodedata.normalize("NFD", "Câu hỏi tiếng Việt?\r\nA. Đúng rồi\r\nB. Sai rồi\r\nANSWER: A\r\n")
    result = formats.parse(b"\xef\xbb\xbf" + text.encode("utf-8"), "aiken")
    assert result.errors == []
    q = result.questions[0]
    assert q.text == "Câu hỏi tiếng Việt?"
    assert unicodedata.is_normalized("NFC", q.options[0].text)


def test_generated_file_with_three_bad_questions_reports_exactly_their_lines():
    lines, bad = [], []
    for i in range(1000):
        start = len(lines) + 1
        lines += [f"Câu hỏi số {i}?", "A. một", "B. hai", "C. ba"]
        if i == 3:
            lines.append("ANSWER: c")
            bad.append(start + 4)  # the ANSWER line is where the mistake is
        elif i == 400:
            lines.append("ANSWER: E")
            bad.append(start + 4)
        elif i == 999:
            bad.append(start)  # missing ANSWER at the end of the file
        else:
            lines.append("ANSWER: B")
        if i % 2:
            lines.append("")
    result = parse("\n".join(lines))
    assert [e.line for e in result.errors] == bad
    assert len(result.questions) == 997


def test_dump_refuses_true_false_and_multiple_clearly():
    questions = [
        QuestionDraft("Q1?", "single", [OptionDraft("a", True), OptionDraft("b", False)]),
        QuestionDraft("Q2?", "true_false", [OptionDraft("Đúng", True), OptionDraft("Sai", False)]),
        QuestionDraft("Q3?", "multiple", [OptionDraft("a", True), OptionDraft("b", True)]),
    ]
    with pytest.raises(ExportError) as caught:
        formats.export(questions, "aiken")
    problems = caught.value.problems
    assert [(p.line, p.code) for p in problems] == [(2, "aiken_unsupported_kind"), (3, "aiken_unsupported_kind")]
    assert "single-answer" in problems[0].message
    assert "Question 2" in str(caught.value)


def test_dump_refuses_text_that_would_read_back_as_an_option():
    q = QuestionDraft("Chọn:\nA. như thế này", "single", [OptionDraft("a", True), OptionDraft("b", False)])
    with pytest.raises(ExportError):
        aiken.dump([q])


def test_answer_line_tolerates_trailing_punctuation_and_case_of_keyword():
    result = parse("Q?\nA. x\nB. y\nAnswer: B.\n")
    assert result.errors == []
    assert result.questions[0].options[1].is_correct
