"""The anthology (kỷ yếu) of a writing round: its winning (or shortlisted) entries in rank order,
with title, author, unit, prize and text, as a PDF (WeasyPrint), a .docx (python-docx), and the
entries shown on the round's public page.

One function says which entries are in it: ``anthology_entries`` (rank order from the results'
own ranking, ``service.ranked``: never a second ranking). ``build_anthology_pdf(round)`` and
``build_anthology_docx(round)`` are plain functions returning bytes, so a background job can run
them as they are; given ``progress`` (a fraction 0..1), they say how far they got. The organizer's
pages prepare them as a background job (``start_preparing``, ``anthology_job``: kind
"anthology", its file kept by contest/jobs/files.py); the API's GET builds them in the request.
Whether the anthology may be given out (results published) is the caller's question (the API and
the public page ask ``standings.publishing``; ``start_preparing`` and the job ask
``is_published`` too).

The PDF embeds the Noto Serif shipped under static/fonts (file URLs, never a system font) and
fetches nothing else: every other URL is refused (``_FontsOnly``). Entry texts are escaped
(``essays.text.text_to_html``).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import force_locale, get_locale, to_user_timezone

from contest.errors import Refusal
from contest.essays import text as essay_text
from contest.judging import service

MEDIA_TYPES = {"pdf": "application/pdf",
               "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def not_published() -> Refusal:
    """The one refusal of the anthology's files before the round's results are published."""
    return Refusal("not_published", 409, _l("The results of this round are not published yet."))


def build(round_, fmt: str, include_shortlisted: bool = False, progress=None) -> bytes:
    """The anthology's file: ``fmt`` is "pdf" or "docx"."""
    maker = build_anthology_pdf if fmt == "pdf" else build_anthology_docx
    return maker(round_, include_shortlisted=include_shortlisted, progress=progress)


def is_published(round_) -> bool:
    """Whether the job may build the anthology: the results are published (the pages and the API
    ask the full rule, ``standings.publishing``, first; published results stay final:
    ``publishing.check_window_keeps_results_final``)."""
    return bool(round_.results_published)


def start_preparing(round_, fmt: str, include_shortlisted: bool, actor) -> str:
    """Queue the job that builds the anthology's file (started once the caller commits); its id.
    Refused before publication, starting nothing (the caller asked ``standings.publishing``)."""
    from contest.jobs.service import enqueue

    if fmt not in MEDIA_TYPES:
        raise Refusal("not_found", 404)
    if not is_published(round_):
        raise not_published()
    return enqueue("anthology", "contest.judging.anthology:anthology_job", started_by=actor,
                   round_id=round_.id, fmt=fmt, shortlisted=bool(include_shortlisted),
                   locale=str(get_locale() or "vi")).id


def anthology_job(job, round_id: int, fmt: str, shortlisted: bool = False, locale: str = "vi") -> dict:
    """The background job: build the anthology's file in the language of the page that asked for
    it, reporting its progress, and keep it for its download (GET /jobs/<id>/file)."""
    from contest.extensions import db
    from contest.jobs.files import keep_file
    from contest.jobs.service import report_progress
    from contest.rounds.models import Round

    round_ = db.session.get(Round, round_id)
    if round_ is None or round_.kind != "essay" or not is_published(round_):
        raise not_published()
    with force_locale(locale):
        data = build(round_, fmt, include_shortlisted=shortlisted,
                     progress=lambda fraction: report_progress(job, fraction))
    return keep_file(job, filename(round_, fmt), MEDIA_TYPES[fmt], data)


def filename(round_, fmt: str) -> str:
    return f"ky-yeu-vong-{round_.id}.{fmt}"


@dataclass(frozen=True)
class AnthologyEntry:
    rank: int | None
    entry_id: int
    code: str
    title: str
    author: str
    unit: str | None
    prize: str | None  # the prize the results give it (service.ranked: by hand, else its tier)
    prize_label: str  # what a reader reads: "Giải Nhất"…, or "" for a shortlisted entry
    text: str
    publish_consent: bool


def in_anthology(prize: str | None, stage: int, include_shortlisted: bool = False) -> bool:
    """Whether an entry belongs in the anthology: it has a prize; or, when asked, it was
    shortlisted into a later stage of judging (stage 2 or beyond).

    >>> in_anthology("first", 1), in_anthology(None, 1), in_anthology(None, 2)
    (True, False, False)
    >>> in_anthology(None, 2, include_shortlisted=True), in_anthology(None, 1, include_shortlisted=True)
    (True, False)
    """
    return bool(prize) or (include_shortlisted and stage > 1)


def anthology_entries(round_, include_shortlisted: bool = False) -> list[AnthologyEntry]:
    """The entries of the anthology in the round's final rank order (``service.ranked``, the
    ranking of GET /api/v1/rounds/{id}/results). The one place that says who is a "winner":
    switch it here (e.g. to prize tiers) and the PDF, the .docx and the public page follow."""
    chosen = []
    for item in service.ranked(round_):
        entry = item["entry"]
        if not in_anthology(item["prize"], entry.stage, include_shortlisted):
            continue
        chosen.append(AnthologyEntry(
            rank=item["rank"], entry_id=entry.id, code=entry.code, title=entry.title,
            author=entry.author.full_name if entry.author else "",
            unit=service.unit_name(entry.author), prize=item["prize"], prize_label=item["prize"] or "",
            text=entry.body or "", publish_consent=bool(entry.publish_consent)))
    return chosen


def public_entries(round_) -> tuple[list[AnthologyEntry], int]:
    """What the public page shows: the winning entries whose authors agreed to publication, and
    how many winning entries are left out because their authors did not."""
    entries = anthology_entries(round_)
    shown = [e for e in entries if e.publish_consent]
    return shown, len(entries) - len(shown)


def cover(round_) -> dict:
    """The cover's lines: contest, round, organizing body (config ORGANIZATION_NAME) and year
    (of the round's close, in the display time zone)."""
    return {"contest": round_.contest.title if round_.contest else "", "round": round_.title,
            "organization": current_app.config.get("ORGANIZATION_NAME") or "",
            "year": to_user_timezone(round_.closes_at).year}


def paragraphs(body: str) -> list[str]:
    """A stored text's paragraphs (blank lines separate them; single line breaks stay inside).

    >>> paragraphs("Một.\\n\\nHai,\\nba.\\n\\n\\n")
    ['Một.', 'Hai,\\nba.']
    """
    body = essay_text.normalize_text(body or "")
    return [p.strip("\n") for p in body.split("\n\n") if p.strip()]


# --- PDF ---------------------------------------------------------------------------------------

def fonts_dir() -> Path:
    return Path(current_app.static_folder) / "fonts"


def _fonts_only_fetcher(root: Path):
    from weasyprint.urls import URLFetcher

    allowed = root.resolve().as_uri() + "/"

    class FontsOnly(URLFetcher):
        """Fetches the shipped fonts and nothing else (no network, no other file)."""

        def fetch(self, url, headers=None):
            if not url.startswith(allowed) or ".." in url:
                raise ValueError(f"not fetched: {url[:100]}")
            return super().fetch(url, headers)

    return FontsOnly(allowed_protocols={"file"})


def anthology_html(round_, entries: list[AnthologyEntry], *, shortlisted: bool = False) -> str:
    root = fonts_dir().resolve()
    fonts = {style: (root / f"NotoSerif-{style}.ttf").as_uri()
             for style in ("Regular", "Bold", "Italic", "BoldItalic")}
    return render_template("anthology/book.html", round=round_, cover=cover(round_), entries=entries,
                           fonts=fonts, shortlisted=shortlisted,
                           text_html=lambda body: essay_text.text_to_html(body))


PDF_STEPS = {"entries": 0.1, "html": 0.2, "laid_out": 0.8, "written": 0.95}  # of the progress bar


def build_anthology_pdf(round_, include_shortlisted: bool = False, progress=None) -> bytes:
    """The anthology as a PDF: cover, table of contents with page numbers, one entry a page on.
    ``progress(fraction)`` after the entries are loaded, the HTML written, the pages laid out
    (WeasyPrint's long step) and the PDF written."""
    from weasyprint import HTML

    say = progress or (lambda fraction: None)
    entries = anthology_entries(round_, include_shortlisted)
    say(PDF_STEPS["entries"])
    html = anthology_html(round_, entries, shortlisted=include_shortlisted)
    say(PDF_STEPS["html"])
    root = fonts_dir()
    document = HTML(string=html, base_url=root.resolve().as_uri() + "/",
                    url_fetcher=_fonts_only_fetcher(root)).render()
    say(PDF_STEPS["laid_out"])
    data = document.write_pdf()
    say(PDF_STEPS["written"])
    return data


# --- .docx -------------------------------------------------------------------------------------

DOCX_ENTRIES = (0.1, 0.9)  # of the progress bar: the entries are written between these


def build_anthology_docx(round_, include_shortlisted: bool = False, progress=None) -> bytes:
    """The anthology as a Word document: cover, a table of contents (the entries' titles in order,
    and a Word TOC field that Word fills with page numbers on "Update field"), a Heading 1 per
    entry with its author, unit and prize, then its text. ``progress(fraction)`` once the entries
    are loaded, after each entry written, and once the file is saved."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    say = progress or (lambda fraction: None)
    entries = anthology_entries(round_, include_shortlisted)
    first, last = DOCX_ENTRIES
    say(first)
    info = cover(round_)
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)
    doc.core_properties.title = f"{_('Anthology')} · {info['round']}"
    doc.core_properties.author = info["organization"] or info["contest"]

    def centered(text_, size=None, bold=False):
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text_)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
        return paragraph

    # Cover
    if info["organization"]:
        centered(info["organization"].upper(), 14, bold=True)
    for _i in range(4):
        doc.add_paragraph()
    centered(_("ANTHOLOGY"), 28, bold=True)
    centered(_("The winning entries") if not include_shortlisted else _("The prize-winning and shortlisted entries"), 15)
    doc.add_paragraph()
    centered(info["contest"], 18, bold=True)
    centered(info["round"], 16)
    for _i in range(6):
        doc.add_paragraph()
    centered(str(info["year"]), 14)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # Table of contents: a Word TOC field (page numbers once Word updates it) and the titles.
    doc.add_heading(_("Contents"), level=1)
    field_paragraph = doc.add_paragraph()
    for kind, content in (("begin", None), ("instr", 'TOC \\o "1-1" \\h \\z \\u'), ("separate", None),
                          ("text", _("Right-click and choose Update Field to add page numbers.")),
                          ("end", None)):
        run = field_paragraph.add_run()
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = content
            run._r.append(instr)
        elif kind == "text":
            run.text = content
            run.italic = True
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            if kind == "begin":
                char.set(qn("w:dirty"), "true")
            run._r.append(char)
    for number, entry in enumerate(entries, 1):
        line = doc.add_paragraph(style="List Number")
        line.add_run(entry.title).bold = True
        line.add_run(f" — {entry.author}" + (f" ({entry.prize_label})" if entry.prize_label else ""))
    if not entries:
        doc.add_paragraph(_("No entry has a prize yet."))

    # The entries
    for number, entry in enumerate(entries, 1):
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        doc.add_heading(entry.title, level=1)
        byline = doc.add_paragraph()
        byline.add_run(entry.author).bold = True
        if entry.unit:
            byline.add_run(f" · {entry.unit}")
        if entry.prize_label:
            prize = doc.add_paragraph()
            prize.add_run(entry.prize_label).italic = True
        for paragraph_text in paragraphs(entry.text):
            paragraph = doc.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            lines = paragraph_text.split("\n")
            for i, line_text in enumerate(lines):
                run = paragraph.add_run(line_text)
                if i < len(lines) - 1:
                    run.add_break()
        say(first + (last - first) * number / len(entries))
    out = io.BytesIO()
    doc.save(out)
    say(0.95)
    return out.getvalue()
