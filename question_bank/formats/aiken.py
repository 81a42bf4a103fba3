"""Aiken format (Moodle): single-answer questions only.

::

    Question text (one or more lines)
    A. first option
    B) second option
    ANSWER: B

Options are lines that *begin* with a capital letter label ``A.`` or ``A)`` followed by a
space, in order A, B, C...; a label inside a sentence is part of the text. The answer
line is ``ANSWER: <capital letter>``. Blank lines between questions are ignored.
"""
from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l

from .common import (
    SINGLE,
    ExportError,
    LineError,
    OptionDraft,
    ParseResult,
    QuestionDraft,
    clean_text,
    error,
    finish,
    one_line,
)

_OPTION = re.compile(r"^([A-Z])[.)][ \t]+(.*)$")
_OPTION_EMPTY = re.compile(r"^([A-Z])[.)]$")
_ANSWER = re.compile(r"^ANSWER\s*:\s*(.*)$", re.IGNORECASE)


def looks_like_aiken(text: str) -> bool:
    return any(_ANSWER.match(line.strip()) for line in text.splitlines())


class _Question:
    def __init__(self, line: int):
        self.line = line
        self.text_lines: list[str] = []
        self.options: list[tuple[str, str]] = []  # (label, text)
        self.broken = False  # an error already reported; skip further checks


def parse(text: str) -> ParseResult:
    """Read Aiken text. Returns validated drafts and every error with its line."""
    text = unicodedata.normalize("NFC", text or "").replace("\ufeff", "")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    drafts: list[QuestionDraft] = []
    errors: list[LineError] = []
    cur: _Question | None = None

    def missing_answer(q: _Question) -> None:
        if not q.broken:
            errors.append(error(q.line, "missing_answer",
                                _l("The question has no ANSWER line; end it with a line such as ANSWER: A.")))

    index = 0
    while index < len(lines):
        lineno = index + 1
        stripped = lines[index].strip()
        answer = _ANSWER.match(stripped)
        option = _OPTION.match(stripped) or _OPTION_EMPTY.match(stripped)

        if cur is None:
            index += 1
            if not stripped:
                continue
            cur = _Question(lineno)
            if answer:
                errors.append(error(lineno, "answer_without_question",
                                    _l("This ANSWER line has no question and options before it.")))
                cur = None
            elif option and option.group(1) == "A":
                errors.append(error(lineno, "missing_question_text",
                                    _l("Option A comes before any question text; write the question on the lines above it.")))
                cur.broken = True
                cur.options.append(("A", clean_text(option.group(2) if option.lastindex and option.lastindex >= 2 else "")))
            else:
                cur.text_lines.append(stripped)
            continue

        if answer:
            index += 1
            _finish_question(cur, answer.group(1).strip(), lineno, drafts, errors)
            cur = None
            continue

        if not cur.options:
            index += 1
            if option and option.group(1) == "A":
                cur.options.append(("A", _option_text(option)))
            else:
                # Question text, kept with its line breaks (blank lines inside it too).
                cur.text_lines.append(stripped)
            continue

        # Options have started.
        if not stripped:
            index += 1
            continue
        expected = chr(ord(cur.options[-1][0]) + 1) if cur.options[-1][0] < "Z" else None
        if option and option.group(1) == expected:
            cur.options.append((expected, _option_text(option)))
            index += 1
            continue
        if option and option.group(1) != "A":
            errors.append(error(lineno, "option_out_of_order",
                                _l("Option %(label)s is out of order; after option %(previous)s comes %(expected)s."),
                                label=option.group(1), previous=cur.options[-1][0],
                                expected=expected or "ANSWER"))
            cur.broken = True
            index += 1
            continue
        # Anything else after the options means the ANSWER line is missing and this
        # line starts the next question.
        missing_answer(cur)
        cur = None

    if cur is not None:
        missing_answer(cur)
    return finish(drafts, errors)


def _option_text(match: re.Match) -> str:
    return clean_text(match.group(2)) if match.re is _OPTION else ""


def _finish_question(cur: _Question, value: str, lineno: int, drafts: list[QuestionDraft],
                     errors: list[LineError]) -> None:
    if cur.broken:
        return
    if not cur.options:
        errors.append(error(cur.line, "no_options",
                            _l("The question has no options; write each option on its own line starting with A. or A) and so on.")))
        return
    labels = [label for label, _ in cur.options]
    letters = [p.rstrip(".)") for p in re.split(r"[\s,;]+", value) if p.rstrip(".)")]
    if not letters:
        errors.append(error(lineno, "missing_answer_letter",
                            _l("The ANSWER line has no letter; write for example ANSWER: A.")))
        return
    if len(letters) > 1 or len(letters[0]) > 1:
        errors.append(error(lineno, "aiken_single_only",
                            _l("Aiken questions have exactly one answer letter, not \u201c%(value)s\u201d; use GIFT, CSV or Excel for questions with several correct answers."),
                            value=value))
        return
    letter = letters[0]
    if letter.islower() and letter.upper() in labels:
        errors.append(error(lineno, "lowercase_answer",
                            _l("The answer letter must be a capital letter: write ANSWER: %(upper)s, not ANSWER: %(letter)s."),
                            upper=letter.upper(), letter=letter))
        return
    if letter not in labels:
        errors.append(error(lineno, "answer_not_an_option",
                            _l("The answer %(letter)s is not one of the options %(first)s to %(last)s."),
                            letter=letter, first=labels[0], last=labels[-1]))
        return
    text = clean_text("\n".join(cur.text_lines))
    options = [OptionDraft(text=t, is_correct=(label == letter)) for label, t in cur.options]
    drafts.append(QuestionDraft(text=text, kind=SINGLE, options=options, line=cur.line))


def dump(questions: list[QuestionDraft]) -> str:
    """Write single-answer questions as Aiken. Raises :class:`ExportError` for any question
    Aiken cannot hold (true/false, multiple-answer, more than 26 options)."""
    problems: list[LineError] = []
    out: list[str] = []
    for number, q in enumerate(questions, start=1):
        if q.kind != SINGLE:
            problems.append(error(number, "aiken_unsupported_kind",
                                  _l("Aiken can only hold single-answer questions; this one is %(kind)s. Export it as GIFT, CSV or Excel instead."),
                                  kind=q.kind))
            continue
        if len(q.options) > 26:
            problems.append(error(number, "too_many_options",
                                  _l("Aiken allows at most 26 options (A to Z); this question has %(count)s."),
                                  count=len(q.options)))
            continue
        text_lines = [line for line in clean_text(q.text).split("\n")]
        if any(_OPTION.match(line) or _OPTION_EMPTY.match(line) or _ANSWER.match(line) for line in text_lines):
            problems.append(error(number, "aiken_ambiguous_text",
                                  _l("A line of this question text starts like an Aiken option or ANSWER line, so Aiken cannot hold it.")))
            continue
        out.extend(text_lines)
        answer = "A"
        for index, option in enumerate(q.options):
            label = chr(ord("A") + index)
            out.append(f"{label}. {one_line(option.text)}")
            if option.is_correct:
                answer = label
        out.append(f"ANSWER: {answer}")
        out.append("")
    if problems:
        raise ExportError(problems)
    return "\n".join(out)
