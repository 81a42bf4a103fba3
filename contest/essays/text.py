"""Plain-text rules for essay entries: normalization, word counts, length limits and HTML.

Entries are stored as normalized plain text (``normalize_text``).  Rich text pasted from an
editor goes through ``sanitize_html`` and then ``html_to_text`` before storage; pages render
stored text with ``text_to_html``, which escapes everything.

Pure functions: no Flask request, no database.
"""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

import nh3

__all__ = [
    "ALLOWED_TAGS",
    "check_length",
    "html_to_text",
    "normalize_text",
    "sanitize_html",
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

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "u", "ul", "ol", "li", "blockquote", "h2", "h3", "h4"}
)
# Elements whose content is dropped together with the tag (not only the tag).
_DROP_CONTENT_TAGS = frozenset(
    {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math",
     "textarea", "select", "title", "head"}
)

_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(_DROP_CONTENT_TAGS),
    attributes={},  # no attribute survives: no on* handlers, no href/src, no style
    url_schemes=set(),
    link_rel=None,
    strip_comments=True,
)


def sanitize_html(fragment: str) -> str:
    """Sanitize rich text pasted into the editor (nh3 / ammonia).

    Keeps only ``p br strong em u ul ol li blockquote h2 h3 h4`` and no attributes at all;
    other tags are unwrapped (their text is kept) except script-like elements, which are
    removed with their content.  Comments are dropped.
    """
    if not fragment:
        return ""
    return _CLEANER.clean(unicodedata.normalize("NFC", fragment))


_BLOCK_TAGS = frozenset(
    {"p", "div", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table",
     "tr", "section", "article", "header", "footer", "pre"}
)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def _break(self, n: int) -> None:
        """Make sure the output ends with at least ``n`` line breaks."""
        tail = "".join(self.parts[-3:]).rstrip(" ")
        have = len(tail) - len(tail.rstrip("\n"))
        if have < n:
            self.parts.append("\n" * (n - have))

    def handle_starttag(self, tag, attrs):
        if tag in _DROP_CONTENT_TAGS:
            self._skip += 1
        elif tag == "br":
            self._break(1)
        elif tag == "li":
            self._break(1)
            self.parts.append("- ")
        elif tag in _BLOCK_TAGS:
            self._break(2)

    def handle_startendtag(self, tag, attrs):
        if tag == "br":
            self._break(1)

    def handle_endtag(self, tag):
        if tag in _DROP_CONTENT_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag == "li":
            self._break(1)
        elif tag in _BLOCK_TAGS:
            self._break(2)

    def handle_data(self, data):
        if not self._skip:
            # Inside HTML, runs of whitespace (including source newlines) are one space.
            self.parts.append(re.sub(r"[ \t\r\n\f]+", " ", data))

    def text(self) -> str:
        raw = "".join(self.parts)
        raw = re.sub(r"[ \t]*\n[ \t]*", "\n", raw)  # no spaces around breaks
        raw = re.sub(r"\n{3,}", "\n\n", raw)  # blocks are separated by one blank line
        return raw


def html_to_text(fragment: str) -> str:
    """Turn an HTML fragment into normalized plain text.

    The fragment is sanitized first.  Paragraphs, headings and blockquotes become paragraphs
    separated by one blank line, ``<br>`` becomes a line break, list items become lines
    starting with ``- ``; entities are decoded.  The result passes ``normalize_text``.
    """
    parser = _TextExtractor()
    parser.feed(sanitize_html(fragment))
    parser.close()
    return normalize_text(parser.text())


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
