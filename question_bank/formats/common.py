"""Shared shapes and rules for question import/export formats.

Everything here is pure: values in, values out. No Flask request, no database.
User-facing messages go through ``flask_babel.lazy_gettext`` with English msgids and
are rendered to ``str`` when the error is built (outside a request that gives English;
inside a request with a Vietnamese locale it gives the translation).
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from flask_babel import lazy_gettext as _l

from contest.dbtypes import fold

SINGLE = "single"
MULTIPLE = "multiple"
TRUE_FALSE = "true_false"
KINDS = (SINGLE, MULTIPLE, TRUE_FALSE)

TRUE_LABEL = "Đúng"
FALSE_LABEL = "Sai"

DIFFICULTIES = (1, 2, 3)


@dataclass
class OptionDraft:
    text: str
    is_correct: bool


@dataclass
class QuestionDraft:
    """One question read from (or to be written to) a file.

    ``line`` is the first line (text formats) or row (spreadsheets) of the question in
    its file. It is left out of equality, so a draft read back from an export equals
    the draft that was exported.
    """

    text: str
    kind: str  # "single" | "multiple" | "true_false"
    options: list[OptionDraft]
    topic_path: list[str] = field(default_factory=list)
    title: str = ""
    explanation: str = ""
    source_note: str = ""
    tags: list[str] = field(default_factory=list)
    difficulty: int | None = None  # 1 easy, 2 medium, 3 hard
    line: int = field(default=0, compare=False)

    def fingerprint(self) -> str:
        """A stable hash for duplicate detection.

        Built from the normalized question text and the sorted normalized option texts
        with their correctness, so option order, case, Unicode form and spacing do not
        matter, but a changed answer key does.
        """
        options = sorted((_fingerprint_norm(o.text), bool(o.is_correct)) for o in self.options)
        payload = json.dumps([_fingerprint_norm(self.text), options], ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    @property
    def correct_count(self) -> int:
        return sum(1 for o in self.options if o.is_correct)


@dataclass
class LineError:
    """A problem found in a file, tied to the line (or spreadsheet row) it is on.

    ``line`` is 0 when the problem concerns the whole file. ``code`` is a stable machine
    code; ``params`` holds the values used in ``message``.
    """

    line: int
    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "code": self.code, "message": self.message, "params": dict(self.params)}


@dataclass
class ParseResult:
    """Questions read from a file and every problem found in it.

    ``questions`` holds only the drafts that passed :func:`validate`; ``errors`` is
    sorted by line. The caller imports nothing unless ``ok``.
    """

    questions: list[QuestionDraft]
    errors: list[LineError]

    @property
    def ok(self) -> bool:
        return not self.errors


class ExportError(ValueError):
    """Raised by ``dump``/``export`` when some questions cannot be written in a format.

    ``problems`` lists one :class:`LineError` per offending question; its ``line`` is the
    question's 1-based position in the list given to ``dump``.
    """

    def __init__(self, problems: list[LineError]):
        self.problems = problems
        super().__init__(" ".join(f"Question {p.line}: {p.message}" for p in problems))


def error(line: int, code: str, message: Any, /, **params: Any) -> LineError:
    """Build a :class:`LineError`.

    ``message`` is a ``lazy_gettext`` string with an English msgid (written as a literal
    ``_l("...")`` at the call site so ``pybabel extract -k _l`` finds it) and
    ``%(name)s`` placeholders filled from ``params``. It is rendered to ``str`` now: in
    the active locale inside a request, in English outside one.
    """
    text = str(message)
    if params:
        text = text % params
    return LineError(line=line, code=code, message=text, params=params)


# --------------------------------------------------------------------------- text

_INLINE_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ALL_SPACE = re.compile(r"\s+")
# C0/C1 control characters other than tab and line breaks, and stray zero-width marks.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\u200b]")


# Anything clean_text would change besides Unicode normalization.
_NEEDS_CLEANING = re.compile(
    r"[\r\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\u200b\u00a0\u2000-\u200a\u202f\u205f\u3000]"
    r"|  | \n|\n |^\s|\s$"
)


def clean_text(s: str | None) -> str:
    """NFC-normalize, drop BOMs, zero-width spaces and control characters, unify line
    ends to LF, collapse runs of spaces/tabs inside lines, strip each line's ends and the
    whole text's ends."""
    if not s:
        return ""
    if not unicodedata.is_normalized("NFC", s):
        s = unicodedata.normalize("NFC", s)
    if _NEEDS_CLEANING.search(s) is None:
        return s
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = _CONTROL.sub("", s)
    s = _INLINE_SPACE.sub(" ", s)
    s = "\n".join(line.strip(" ") for line in s.split("\n"))
    return s.strip()


def one_line(s: str | None) -> str:
    """:func:`clean_text`, then every run of whitespace (newlines too) becomes one space."""
    return _ALL_SPACE.sub(" ", clean_text(s)).strip()


def _fingerprint_norm(s: str) -> str:
    s = unicodedata.normalize("NFC", s or "").casefold()
    s = unicodedata.normalize("NFC", s)
    return _ALL_SPACE.sub(" ", s.replace("\ufeff", "")).strip()


@lru_cache(maxsize=4096)
def match_key(s: str) -> str:
    """Key for lenient matching of headers and keywords: the one :func:`contest.dbtypes.fold`
    (lower case, no Vietnamese diacritics, đ as d), spaces and dashes as underscores."""
    return re.sub(r"[\s\-]+", "_", fold(clean_text(s))).strip("_")


def split_topic_path(value: str | None) -> list[str]:
    """A topic path as written in a file: levels separated by "/", and "//" for a "/" inside a
    name (the GIFT convention), read left to right; each level is :func:`clean_text`-ed and
    empty levels are dropped.

    "Tư tưởng/Đại đoàn kết" -> ["Tư tưởng", "Đại đoàn kết"];
    "Tuần 1//2026/Văn kiện" -> ["Tuần 1/2026", "Văn kiện"]; "a///b" -> ["a/", "b"];
    "a / //b" -> ["a", "/b"].
    """
    parts: list[str] = []
    current: list[str] = []
    value = value or ""
    i = 0
    while i < len(value):
        if value[i] != "/":
            current.append(value[i])
            i += 1
        elif value.startswith("//", i):
            current.append("/")
            i += 2
        else:
            parts.append("".join(current))
            current = []
            i += 1
    parts.append("".join(current))
    return [p for p in (clean_text(p) for p in parts) if p]


def join_topic_path(names: list[str]) -> str:
    """The inverse of :func:`split_topic_path`: every "/" in a name doubled, levels joined by
    "/" (by " / " where a name starts or ends with "/", so the separator stays apart)."""
    out = ""
    for index, name in enumerate(names):
        escaped = name.replace("/", "//")
        if index:
            out += " / " if out.endswith("/") or escaped.startswith("/") else "/"
        out += escaped
    return out


def true_false_options(answer_is_true: bool) -> list[OptionDraft]:
    return [OptionDraft(TRUE_LABEL, answer_is_true), OptionDraft(FALSE_LABEL, not answer_is_true)]


def option_label(index: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA' (only used in messages)."""
    label = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        label = chr(ord("A") + rem) + label
    return label


# --------------------------------------------------------------------------- rules

#: The field of a question each problem of :func:`validate` is about (for API error details).
PROBLEM_FIELDS = {
    "unknown_kind": "kind", "empty_text": "text", "bad_difficulty": "difficulty",
    "true_false_options": "options", "true_false_answer": "options", "too_few_options": "options",
    "empty_option": "options", "no_correct_option": "options", "single_many_correct": "options",
    "duplicate_option": "options",
}


def validate(draft: QuestionDraft) -> list[LineError]:
    """Every rule a question must satisfy before it may enter the bank."""
    line = draft.line
    errors: list[LineError] = []
    if draft.kind not in KINDS:
        errors.append(error(line, "unknown_kind",
                            _l("The question type \u201c%(kind)s\u201d is not one of single, multiple or true_false."),
                            kind=draft.kind))
        return errors
    if not (draft.text or "").strip():
        errors.append(error(line, "empty_text", _l("The question text is empty.")))

    options = draft.options
    if draft.kind == TRUE_FALSE:
        labels = [o.text for o in options]
        if labels != [TRUE_LABEL, FALSE_LABEL]:
            errors.append(error(line, "true_false_options",
                                _l("A true/false question must have exactly two options, \u201cĐúng\u201d then \u201cSai\u201d.")))
        elif draft.correct_count != 1:
            errors.append(error(line, "true_false_answer",
                                _l("A true/false question must have exactly one correct option, \u201cĐúng\u201d or \u201cSai\u201d.")))
    else:
        if len(options) < 2:
            errors.append(error(line, "too_few_options",
                                _l("A question needs at least 2 options; this one has %(count)s."),
                                count=len(options)))
        for index, option in enumerate(options):
            if not (option.text or "").strip():
                errors.append(error(line, "empty_option", _l("Option %(label)s is empty."),
                                    label=option_label(index)))
        correct = draft.correct_count
        if draft.kind == SINGLE and correct != 1:
            if correct == 0:
                errors.append(error(line, "no_correct_option",
                                    _l("The question has no correct option; a single-answer question needs exactly one.")))
            else:
                errors.append(error(line, "single_many_correct",
                                    _l("A single-answer question must have exactly one correct option; this one has %(count)s."),
                                    count=correct))
        if draft.kind == MULTIPLE and correct == 0:
            errors.append(error(line, "no_correct_option",
                                _l("The question has no correct option; a multiple-answer question needs at least one.")))

    seen: dict[str, int] = {}
    for index, option in enumerate(options):
        key = _fingerprint_norm(option.text)
        if not key:
            continue
        if key in seen:
            errors.append(error(line, "duplicate_option",
                                _l("Options %(first)s and %(second)s are the same."),
                                first=option_label(seen[key]), second=option_label(index)))
        else:
            seen[key] = index

    if draft.difficulty is not None and (
        isinstance(draft.difficulty, bool) or draft.difficulty not in DIFFICULTIES
    ):
        errors.append(error(line, "bad_difficulty",
                            _l("The difficulty must be 1 (easy), 2 (medium) or 3 (hard), not %(value)s."),
                            value=draft.difficulty))
    return errors


def finish(drafts: list[QuestionDraft], errors: list[LineError]) -> ParseResult:
    """Validate every draft, keep the valid ones, and sort all errors by line."""
    errors = list(errors)
    valid: list[QuestionDraft] = []
    for draft in drafts:
        problems = validate(draft)
        if problems:
            errors.extend(problems)
        else:
            valid.append(draft)
    errors.sort(key=lambda e: e.line)
    return ParseResult(questions=valid, errors=errors)
