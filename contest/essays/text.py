"""Plain-text rules for essay entries: normalization, word counts, length limits and HTML.

Entries are stored as the member typed them, only normalized (``normalize_text``): nothing
that looks like markup is removed, so "Tác phẩm <Nhật ký trong tù>" or "<svg>" stays in the
text as written.  Pages render stored text with ``text_to_html``, which escapes everything.

Pure functions: no Flask request, no database.
"""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = [
    "check_length",
    "normalize_text",
    "text_to_html",
    "word_count",
]

# --------------------------------------------------------------------------- normalization

# Every C0/C1 control character and DEL, except TAB and LF (CR is turned into LF first).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Unicode line/paragraph separators and other vertical breaks become plain newlines.
_OTHER_BREAKS_RE = re.compile(r"[\u2028\u2029\x85\x0b\x0c]")
_TRAILING_WS_RE = re.compile(r"[ \t\u00a0\u3000]+$", re.MULTILINE)
# Four or more newlines = three or more blank lines; keep at most two blank lines.
_MANY_BLANK_LINES_RE = re.compile(r"\n{4,}")


def normalize_text(s: str) -> str:
    """Return ``s`` in the form entries are stored and compared in.

    - Unicode NFC (Vietnamese typed with combining marks becomes precomposed letters);
    - CRLF and lone CR become LF; U+2028/U+2029, form feed and vertical tab become LF;
    - control characters (NUL included) are removed, except LF and TAB;
    - trailing spaces and tabs are stripped from every line;
    - three or more consecutive blank lines collapse to two blank lines;
    - blank lines at the start and whitespace at the end of the text are removed.
    """
    if not s:
        return ""
    s = unicodedata.normalize("NFC", s)
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = _OTHER_BREAKS_RE.sub("\n", s)
    s = _CONTROL_RE.sub("", s)
    s = _TRAILING_WS_RE.sub("", s)
    s = _MANY_BLANK_LINES_RE.sub("\n\n\n", s)
    return s.lstrip("\n").rstrip()


# --------------------------------------------------------------------------- word count


def word_count(s: str) -> int:
    """Count words the way Vietnamese contest rules do.

    Vietnamese is written one syllable per space-separated token, and contest rules count
    each syllable as a word: "Hồ Chí Minh" is 3 words.  A token counts when it contains at
    least one letter or digit, so numbers ("1890", "19/5") count and punctuation-only tokens
    ("-", "...", "–") do not.  Tokens are split on any whitespace.
    """
    if not s:
        return 0
    return sum(1 for token in s.split() if any(ch.isalnum() for ch in token))


def check_length(count: int, min_words: int | None, max_words: int | None) -> str | None:
    """Return ``"too_short"``, ``"too_long"`` or ``None`` for a word count.

    Limits are inclusive; ``None`` (or 0 for the minimum) means no limit on that side.
    """
    if min_words and count < min_words:
        return "too_short"
    if max_words is not None and max_words > 0 and count > max_words:
        return "too_long"
    return None


# --------------------------------------------------------------------------- HTML


def text_to_html(text: str) -> str:
    """Render stored plain text as safe HTML: every character is escaped, blank lines separate
    ``<p>`` paragraphs and single line breaks become ``<br>``."""
    text = normalize_text(text)
    if not text:
        return ""
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line, quote=True) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )
