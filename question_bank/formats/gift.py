"""Moodle GIFT format: read and write single, multiple and true/false questions.

What is read (https://docs.moodle.org/en/GIFT_format):

* ``$CATEGORY: a/b`` sets the topic path of the questions after it (a leading
  ``$course$/`` and ``top/`` are dropped; ``//`` inside a name is a literal ``/``).
* ``::title::`` then the question text (several lines allowed), then ``{ answers }``.
  Text after the closing brace on the same line makes a missing-word question: the
  blank is written ``_____`` in the text.
* ``=right ~wrong``; weights ``~%50%A ~%50%B ~%-100%C``. A question with exactly one
  positive weight of 100 (``=`` counts as 100) is "single"; partial or several positive
  weights make it "multiple"; options with a weight above 0 are correct.
* ``{T}`` ``{F}`` ``{TRUE}`` ``{FALSE}`` for true/false (options "Đúng", "Sai").
* ``#feedback`` after an answer is ignored; ``####general feedback`` becomes the
  explanation. ``[html]``, ``[moodle]``, ``[plain]``, ``[markdown]`` prefixes are dropped;
  an ``[html]`` question (as Moodle exports them) is turned into plain text: tags
  removed, entities decoded, paragraphs and ``<br>`` become line breaks.
* ``\\~ \\= \\# \\{ \\} \\:`` escape special characters, ``\\n`` is a new line, ``\\\\``
  a backslash.
* Lines starting with ``//`` are comments. Comment lines right before a question carry
  this project's conventions: ``// Nguồn: text`` or ``// Source: text`` (source note),
  ``// [tag:xyz]`` (tags) and ``// [difficulty:1|2|3]``.
* Questions need not be separated by blank lines: a question ends with its closing
  brace and the rest of that line.

Short answer, matching, numerical, essay and description questions are reported as
"unsupported question type" errors on their first line, never silently dropped.
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

import nh3

from flask_babel import lazy_gettext as _l

from .common import (
    MULTIPLE,
    SINGLE,
    TRUE_FALSE,
    TRUE_LABEL,
    ExportError,
    LineError,
    OptionDraft,
    ParseResult,
    QuestionDraft,
    clean_text,
    error,
    finish,
    match_key,
    join_topic_path,
    split_topic_path,
    true_false_options,
)

BLANK = "_____"

_SPECIAL = "~=#{}:"
_FORMAT_PREFIX = re.compile(r"^\s*\[(?:html|moodle|plain|markdown)\]", re.IGNORECASE)
_TRUE_FALSE = re.compile(r"^(TRUE|FALSE|T|F)(?:#.*)?$", re.IGNORECASE | re.DOTALL)
_WEIGHT = re.compile(r"^\s*%\s*(-?\d+(?:[.,]\d*)?)\s*%")
_TAG = re.compile(r"\[tag:([^\]]*)\]", re.IGNORECASE)
_DIFFICULTY = re.compile(r"\[difficulty:([^\]]*)\]", re.IGNORECASE)
_CATEGORY = re.compile(r"^\$CATEGORY:", re.IGNORECASE)
_CATEGORY_ROOT = re.compile(r"^\$[a-z]+\$/?", re.IGNORECASE)
_SOURCE_KEYS = {"nguon", "source"}

_UNSUPPORTED = {
    "essay": _l("Essay questions (empty braces {}) are not supported; only single-answer, multiple-answer and true/false questions can be imported."),
    "numerical": _l("Numerical questions ({#...}) are not supported; only single-answer, multiple-answer and true/false questions can be imported."),
    "matching": _l("Matching questions (answers with ->) are not supported; only single-answer, multiple-answer and true/false questions can be imported."),
    "short_answer": _l("Short-answer questions (only = answers and no ~ answers) are not supported; only single-answer, multiple-answer and true/false questions can be imported."),
    "description": _l("This text has no answers in braces { }: descriptions are not supported, and a question needs its answers in braces."),
    "several_blocks": _l("This question has more than one answer block { }; embedded (cloze) questions are not supported."),
    "unreadable": _l("The answers between the braces { } could not be read: start each answer with = (correct) or ~ (wrong), or write T or F for a true/false question."),
}


# --------------------------------------------------------------------------- scanning

def _find_unescaped(s: str, targets: str, start: int = 0) -> int:
    """Index of the first character of ``targets`` in ``s`` that is not backslash-escaped."""
    i = start
    n = len(s)
    while i < n:
        ch = s[i]
        if ch == "\\":
            i += 2
            continue
        if ch in targets:
            return i
        i += 1
    return -1


def _find_unescaped_seq(s: str, seq: str, start: int = 0) -> int:
    i = start
    n = len(s)
    while i < n:
        if s[i] == "\\":
            i += 2
            continue
        if s.startswith(seq, i):
            return i
        i += 1
    return -1


def unescape(s: str) -> str:
    out = []
    i = 0
    n = len(s)
    while i < n:
        ch = s[i]
        if ch == "\\" and i + 1 < n:
            nxt = s[i + 1]
            if nxt == "n":
                out.append("\n")
            elif nxt in _SPECIAL or nxt == "\\":
                out.append(nxt)
            else:
                out.append(ch + nxt)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def escape(s: str) -> str:
    out = []
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch in _SPECIAL:
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        else:
            out.append(ch)
    return "".join(out)


def looks_like_gift(text: str) -> bool:
    """True when ``text`` has GIFT markers: ``::title::``, ``$CATEGORY:`` or an answer
    block such as ``{=``, ``{~``, ``{T}``, ``{#``."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("::") or _CATEGORY.match(stripped):
            return True
    return re.search(r"(?<!\\)\{\s*(?:[=~#}]|(?:TRUE|FALSE|T|F)\s*[}#])", text, re.IGNORECASE) is not None


# --------------------------------------------------------------------------- parsing

@dataclass
class _Pending:
    line: int
    comments: list[tuple[int, str]]
    topic_path: list[str]
    head: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    in_answers: bool = False
    open_line: int = 0


def parse(text: str) -> ParseResult:
    """Read GIFT text. Returns validated drafts and every error with its line."""
    text = clean_text_keep_lines(text)
    drafts: list[QuestionDraft] = []
    errors: list[LineError] = []
    comments: list[tuple[int, str]] = []
    topic_path: list[str] = []
    cur: _Pending | None = None

    def close_without_block(q: _Pending) -> None:
        errors.append(error(q.line, "unsupported_question_type", _UNSUPPORTED["description"], type="description"))

    def close_unclosed(q: _Pending) -> None:
        errors.append(error(q.line, "unclosed_answers",
                            _l("The answer block opened with { on line %(open_line)s is never closed with }."),
                            open_line=q.open_line))

    lines = text.split("\n")
    index = 0
    while index < len(lines):
        lineno = index + 1
        raw = lines[index]
        stripped = raw.strip()
        is_comment = stripped.startswith("//")
        is_category = bool(_CATEGORY.match(stripped))

        if cur is None:
            index += 1
            if not stripped:
                comments = []
            elif is_comment:
                comments.append((lineno, stripped[2:].strip()))
            elif is_category:
                topic_path = _parse_category(stripped)
                comments = []
            else:
                cur = _Pending(line=lineno, comments=comments, topic_path=list(topic_path))
                comments = []
                cur = _feed(cur, raw, lineno, drafts, errors)
            continue

        if not cur.in_answers:
            # Still reading the question text, before its "{".
            if not stripped:
                close_without_block(cur)
                cur = None
                comments = []
                index += 1
                continue
            if is_comment or is_category or stripped.startswith("::"):
                # A comment, a category or a new title in the middle of a question text:
                # the question so far had no answers; start over on this line.
                close_without_block(cur)
                cur = None
                continue
            index += 1
            cur = _feed(cur, raw, lineno, drafts, errors)
            continue

        # Inside the answer block.
        if is_comment or not stripped:
            index += 1
            continue
        if is_category or stripped.startswith("::"):
            close_unclosed(cur)
            cur = None
            continue
        first_brace = _find_unescaped(raw, "{}")
        if first_brace >= 0 and raw[first_brace] == "{":
            # A new "{" before any "}": the previous block was never closed and this line
            # starts the next question.
            close_unclosed(cur)
            cur = None
            continue
        index += 1
        cur = _feed(cur, raw, lineno, drafts, errors)

    if cur is not None:
        if cur.in_answers:
            close_unclosed(cur)
        else:
            close_without_block(cur)
    return finish(drafts, errors)


def clean_text_keep_lines(text: str) -> str:
    """Normalize a whole file without moving lines: NFC, no BOM, LF line ends."""
    text = unicodedata.normalize("NFC", text or "").replace("\ufeff", "")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _feed(cur: _Pending, raw: str, lineno: int, drafts: list[QuestionDraft],
          errors: list[LineError]) -> _Pending | None:
    """Add one line to the pending question; finish it when its "}" is reached."""
    if not cur.in_answers:
        pos = _find_unescaped(raw, "{")
        if pos < 0:
            cur.head.append(raw)
            return cur
        cur.head.append(raw[:pos])
        cur.in_answers = True
        cur.open_line = lineno
        raw = raw[pos + 1:]
    end = _find_unescaped(raw, "}")
    nested = _find_unescaped(raw, "{")
    if nested >= 0 and (end < 0 or nested < end):
        errors.append(error(cur.line, "unclosed_answers",
                            _l("The answer block opened with { on line %(open_line)s is never closed with }."),
                            open_line=cur.open_line))
        return None
    if end < 0:
        cur.answers.append(raw)
        return cur
    cur.answers.append(raw[:end])
    tail = raw[end + 1:]
    if _find_unescaped(tail, "{") >= 0:
        errors.append(error(cur.line, "unsupported_question_type", _UNSUPPORTED["several_blocks"],
                            type="several_blocks"))
        return None
    draft = _build(cur, tail, errors)
    if draft is not None:
        drafts.append(draft)
    return None


def _parse_category(stripped: str) -> list[str]:
    value = stripped.split(":", 1)[1].strip()
    value = _CATEGORY_ROOT.sub("", value)
    parts = split_topic_path(value)
    if parts and parts[0].casefold() == "top":
        parts = parts[1:]
    return parts


def _strip_prefix(s: str) -> str:
    return _FORMAT_PREFIX.sub("", s, count=1)


def _is_html(s: str) -> bool:
    match = _FORMAT_PREFIX.match(s)
    return bool(match) and "html" in match.group(0).lower()


_BLOCK_END = re.compile(r"<br\s*/?>|</(?:p|div|li|h[1-6]|tr|blockquote)\s*>", re.IGNORECASE)


def html_to_text(s: str) -> str:
    """Plain text of an HTML fragment (Moodle exports questions as ``[html]``): tags and
    scripts dropped by nh3, entities decoded, paragraphs and <br> kept as line breaks."""
    s = _BLOCK_END.sub("\n", s)
    return clean_text(html.unescape(nh3.clean(s, tags=set())))


def _text(s: str, is_html: bool = False) -> str:
    text = unescape(s)
    return html_to_text(text) if is_html else clean_text(text)


def _build(cur: _Pending, tail: str, errors: list[LineError]) -> QuestionDraft | None:
    line = cur.line
    head = "\n".join(cur.head).strip()
    title = ""
    if head.startswith("::"):
        end = _find_unescaped_seq(head, "::", 2)
        if end < 0:
            errors.append(error(line, "unclosed_title", _l("The title starts with :: but is not closed with ::.")))
            return None
        title = clean_text(unescape(head[2:end]).replace("\n", " "))
        head = head[end + 2:]
    is_html = _is_html(head)
    text = _text(_strip_prefix(head), is_html)
    tail_text = _text(tail, is_html)
    if tail_text:
        text = f"{text} {BLANK} {tail_text}".strip()

    answers = "\n".join(cur.answers)
    explanation = ""
    gf = _find_unescaped_seq(answers, "####")
    if gf >= 0:
        feedback = answers[gf + 4:]
        explanation = _text(_strip_prefix(feedback), is_html or _is_html(feedback))
        answers = answers[:gf]
    body = answers.strip()

    kind = _classify(body)
    if kind in _UNSUPPORTED:
        errors.append(error(line, "unsupported_question_type", _UNSUPPORTED[kind], type=kind))
        return None

    if kind == TRUE_FALSE:
        value = _TRUE_FALSE.match(body).group(1).upper()
        options = true_false_options(value in ("T", "TRUE"))
    else:
        parsed = _parse_choices(body, line, errors, is_html)
        if parsed is None:
            return None
        kind, options = parsed

    draft = QuestionDraft(text=text, kind=kind, options=options, topic_path=list(cur.topic_path),
                          title=title, explanation=explanation, line=line)
    _apply_comments(draft, cur.comments, errors)
    return draft


def _classify(body: str) -> str:
    if not body:
        return "essay"
    if body.startswith("#"):
        return "numerical"
    if _find_unescaped(body, "~") >= 0:
        return "choice"
    has_equals = _find_unescaped(body, "=") >= 0
    if has_equals and _find_unescaped_seq(body, "->") >= 0:
        return "matching"
    if _TRUE_FALSE.match(body):
        return TRUE_FALSE
    if has_equals:
        return "short_answer"
    return "unreadable"


def _parse_choices(body: str, line: int, errors: list[LineError],
                   is_html: bool = False) -> tuple[str, list[OptionDraft]] | None:
    first = _find_unescaped(body, "~=")
    if body[:first].strip():
        errors.append(error(line, "text_before_answers",
                            _l("There is text before the first answer inside { }; start each answer with = or ~.")))
        return None
    segments: list[tuple[str, str]] = []
    pos = first
    while pos >= 0:
        nxt = _find_unescaped(body, "~=", pos + 1)
        segments.append((body[pos], body[pos + 1: nxt if nxt >= 0 else len(body)]))
        pos = nxt

    weighted: list[tuple[float, str]] = []
    for marker, chunk in segments:
        weight = 100.0 if marker == "=" else 0.0
        match = _WEIGHT.match(chunk)
        if match:
            weight = float(match.group(1).replace(",", "."))
            chunk = chunk[match.end():]
        feedback = _find_unescaped(chunk, "#")
        if feedback >= 0:
            chunk = chunk[:feedback]
        # Real line breaks inside an answer are just wrapping; "\n" escapes are kept.
        option_text = _text(" ".join(chunk.split()), is_html)
        weighted.append((weight, option_text))

    positives = [w for w, _ in weighted if w > 0]
    kind = SINGLE if len(positives) == 0 or (len(positives) == 1 and positives[0] >= 100) else MULTIPLE
    return kind, [OptionDraft(text=t, is_correct=w > 0) for w, t in weighted]


def _apply_comments(draft: QuestionDraft, comments: list[tuple[int, str]], errors: list[LineError]) -> None:
    sources: list[str] = []
    for lineno, body in comments:
        key, sep, value = body.partition(":")
        if sep and match_key(key) in _SOURCE_KEYS:
            sources.append(clean_text(value))
            continue
        for tag in _TAG.findall(body):
            tag = clean_text(tag)
            if tag and tag not in draft.tags:
                draft.tags.append(tag)
        for value in _DIFFICULTY.findall(body):
            value = value.strip()
            if re.fullmatch(r"\d+", value):
                draft.difficulty = int(value)
            else:
                errors.append(error(lineno, "bad_difficulty",
                                    _l("The difficulty must be 1 (easy), 2 (medium) or 3 (hard), not %(value)s."),
                                    value=value))
    draft.source_note = "\n".join(s for s in sources if s)


# --------------------------------------------------------------------------- writing

def _weight(w: float) -> str:
    return f"{w:.5f}".rstrip("0").rstrip(".")


def _safe_start(s: str) -> str:
    """Keep a text from being read as a comment or a format prefix."""
    if s.startswith("//") or _FORMAT_PREFIX.match(s) or s[:1].isspace():
        return "[moodle]" + s
    return s


def _answer_line(marker: str, weight: str | None, text: str) -> str:
    body = escape(text)
    if weight is None and body.lstrip().startswith("%"):
        weight = "100" if marker == "=" else "0"
    return f"{marker}%{weight}%{body}" if weight is not None else f"{marker}{body}"


def dump(questions: list[QuestionDraft]) -> str:
    """Write questions as GIFT text that :func:`parse` reads back to equal drafts."""
    problems: list[LineError] = []
    out: list[str] = []
    category: list[str] | None = None
    for number, q in enumerate(questions, start=1):
        for tag in q.tags:
            if "]" in tag or "\n" in tag:
                problems.append(error(number, "unexportable_tag",
                                      _l("The tag \u201c%(tag)s\u201d contains ] or a line break, which GIFT cannot hold."),
                                      tag=tag))
        if q.kind not in (SINGLE, MULTIPLE, TRUE_FALSE):
            problems.append(error(number, "unknown_kind",
                                  _l("The question type \u201c%(kind)s\u201d is not one of single, multiple or true_false."),
                                  kind=q.kind))
            continue
        if list(q.topic_path) != (category or []) or (category is None and q.topic_path):
            path = join_topic_path(q.topic_path)
            out.append(f"$CATEGORY: $course$/top/{path}" if path else "$CATEGORY: $course$/top")
            out.append("")
            category = list(q.topic_path)
        for tag in q.tags:
            out.append(f"// [tag:{tag}]")
        if q.difficulty is not None:
            out.append(f"// [difficulty:{q.difficulty}]")
        for source_line in (q.source_note or "").split("\n"):
            if source_line.strip():
                out.append(f"// Nguồn: {source_line.strip()}")
        head = f"::{escape(q.title)}::" if q.title else ""
        head += _safe_start(escape(q.text))
        explanation = f"####{_safe_start(escape(q.explanation))}" if q.explanation else ""
        if q.kind == TRUE_FALSE:
            correct_true = bool(q.options) and q.options[0].is_correct and q.options[0].text == TRUE_LABEL
            out.append(f"{head} {{{'TRUE' if correct_true else 'FALSE'}{explanation}}}")
        else:
            out.append(head + " {")
            if q.kind == SINGLE:
                for o in q.options:
                    out.append(_answer_line("=" if o.is_correct else "~", None, o.text))
            else:
                correct = sum(1 for o in q.options if o.is_correct) or 1
                share = _weight(100.0 / correct)
                for o in q.options:
                    out.append(_answer_line("~", share if o.is_correct else "-100", o.text))
            if explanation:
                out.append(explanation)
            out.append("}")
        out.append("")
    if problems:
        raise ExportError(problems)
    return "\n".join(out)


__all__ = ["parse", "dump", "escape", "unescape", "looks_like_gift", "BLANK"]
