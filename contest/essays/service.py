"""Entries of writing rounds: drafts, submission and revision, uploads, anonymous codes.

Views and API handlers call these; they raise ``Refusal`` (contest/errors.py) with the API's error code, an
HTTP status and a member-facing message.
"""
import hashlib

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from contest.clock import utcnow
from contest.dbtypes import nfc
from contest.essays import codes, text, uploads
from contest.essays.models import (DEFAULT_KINDS, DEFAULT_MAX_FILE_BYTES, EssaySettings, Entry,
                                   EntryDraft, EntryFile)
from contest.errors import Refusal
from contest.extensions import db
from contest.rounds.timing import round_state
from contest.rounds.visibility import accepts_new_work

# Room for the multipart envelope and the other form fields around an uploaded file.
MULTIPART_ALLOWANCE = 64 * 1024


def refusal(code: str, status: int, message, **params) -> Refusal:
    """A refusal of the writing rounds. ``params`` are for the pages (the field, the limits); the
    API's details name the field (the body for a length, else the file) with the message and them."""
    field = params.get("field", "body" if code in ("too_short", "too_long") else "file")
    details = [{"field": field, "message": message,
                **{k: v for k, v in params.items() if k != "field" and isinstance(v, (int, str))}}]
    return Refusal(code, status, message, details=details, **params)


def _default_settings(round_) -> EssaySettings:
    return EssaySettings(round_id=round_.id, allowed_kinds=list(DEFAULT_KINDS),
                         max_file_bytes=DEFAULT_MAX_FILE_BYTES, require_declaration=True,
                         similarity_limit=0.2)


def settings_for(round_) -> EssaySettings:
    """The round's essay settings, to read: the stored row, or the defaults unsaved (a page that
    only shows them writes nothing). To change them, ``settings_to_change``."""
    return db.session.get(EssaySettings, round_.id) or _default_settings(round_)


def settings_to_change(round_) -> EssaySettings:
    """The round's essay settings in the session, created with the defaults on first change.
    Flushes; the request commits."""
    found = db.session.get(EssaySettings, round_.id)
    if found is None:
        found = _default_settings(round_)
        try:
            with db.session.begin_nested():  # a savepoint: a simultaneous creator wins, we update theirs
                db.session.add(found)
        except IntegrityError:
            found = db.session.get(EssaySettings, round_.id)
    return found


def is_open(round_) -> bool:
    return round_state(utcnow(), round_.opens_at, round_.closes_at) == "open"


def clean_body(raw: str | None) -> str:
    """Text as stored: exactly what the member typed, only normalized (NFC, line ends, control
    characters; text.normalize_text). Nothing that looks like markup is removed: "Tác phẩm
    <Nhật ký trong tù>" or "<svg>" is text, and every page escapes it when showing it."""
    return text.normalize_text(raw or "")


def length_problem(round_, count: int) -> Refusal | None:
    problem = text.check_length(count, round_.min_words, round_.max_words)
    if problem == "too_short":
        return refusal("too_short", 422, _l(
            "Your entry has %(count)s words; this round asks for at least %(min)s words.",
            count=count, min=round_.min_words), count=count, min_words=round_.min_words)
    if problem == "too_long":
        return refusal("too_long", 422, _l(
            "Your entry has %(count)s words; this round allows at most %(max)s words.",
            count=count, max=round_.max_words), count=count, max_words=round_.max_words)
    return None


def check_open(round_) -> None:
    if round_.kind != "essay":
        raise refusal("not_found", 404, _l("Not found."))
    if not is_open(round_) or not accepts_new_work(round_.contest):
        raise refusal("round_not_open", 403, _l("This round is not accepting entries now."))


def check_upload_size(round_, content_length) -> None:
    """Refuse a request whose declared size is already over the round's limit, before reading it."""
    limit = settings_for(round_).max_file_bytes
    try:
        uploads.check_declared_size(content_length, limit + MULTIPART_ALLOWANCE)
    except uploads.UploadError as error:
        raise refusal(error.code, 413, error.message, **error.params) from error


def read_upload(round_, data: bytes) -> tuple[str, str]:
    """``(kind, text)`` of an uploaded file, checked by content against the round's rules."""
    settings = settings_for(round_)
    try:
        return uploads.extract_text(data, max_bytes=settings.max_file_bytes,
                                    allowed=settings.allowed_kinds or DEFAULT_KINDS)
    except uploads.UploadError as error:
        status = {"file_too_large": 413, "unsupported_file": 415}.get(error.code, 415)
        code = "unsupported_file" if error.code == "bad_file" else error.code
        raise refusal(code, status, error.message, reason=error.reason or error.code,
                      **error.params) from error


def _title(title: str | None) -> str:
    title = " ".join(text.normalize_text(title or "").split())
    if not title:
        raise refusal("validation_error", 422, _l("Give your entry a title."), field="title")
    if len(title) > 300:
        raise refusal("validation_error", 422, _l("The title may have at most 300 characters."),
                      field="title")
    return title


def submit_entry(round_, user, *, title: str, body: str | None = None, upload=None,
                 declared: bool = True, publish_consent: bool | None = None) -> tuple[Entry, bool]:
    """Submit (or revise) the member's entry. ``upload`` is ``(filename, bytes)`` or
    ``(filename, bytes, kind, text)`` when already read. ``publish_consent``: the author agrees
    that the entry may be published if it wins (the anthology's public page); None keeps what a
    revised entry had (a new one: no). Returns ``(entry, created)``."""
    check_open(round_)
    settings = settings_for(round_)
    if settings.require_declaration and not declared:
        raise refusal("declaration_required", 422, _l(
            "Please confirm that the entry is your own original work."), field="declaration")
    title = _title(title)
    stored_file = None
    if upload is not None:
        filename, data = upload[0], upload[1]
        if len(upload) == 4:
            kind, body_text = upload[2], upload[3]
        else:
            kind, body_text = read_upload(round_, data)
        stored_file = EntryFile(kind=kind, filename=(nfc(filename or "") or f"entry.{kind}")[:255],
                                size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data)
        source = kind
    else:
        body_text = clean_body(body)
        source = "editor"
    count = text.word_count(body_text)
    problem = length_problem(round_, count)
    if problem:
        raise problem
    now = utcnow()
    entry = my_entry(round_.id, user.id)
    created = entry is None
    if created:
        entry = Entry(round_id=round_.id, author_id=user.id, code=_new_code(), submitted_at=now,
                      revision=1, stage=1)
    else:
        entry.revision += 1
    entry.title, entry.body, entry.word_count, entry.source = title, body_text, count, source
    entry.updated_at = now
    entry.declared_at = now if declared else entry.declared_at
    if publish_consent is not None:
        entry.publish_consent = bool(publish_consent)
    elif created:
        entry.publish_consent = False
    if stored_file is not None:
        entry.files.append(stored_file)
    if created:
        try:
            with db.session.begin_nested():  # a savepoint around the unique (round, author) and code
                db.session.add(entry)
        except IntegrityError:  # the same member submitting twice at once: revise instead
            return submit_entry(round_, user, title=title, body=body_text if upload is None else None,
                                upload=upload if upload is None else (upload[0], upload[1], source, body_text),
                                declared=declared, publish_consent=publish_consent)
    draft = my_draft(round_.id, user.id)
    if draft is not None:
        db.session.delete(draft)
    db.session.flush()
    return entry, created


def _new_code() -> str:
    return codes.new_unique_code(
        lambda code: db.session.execute(select(exists().where(Entry.code == code))).scalar())


def my_entry(round_id: int, user_id: int) -> Entry | None:
    return db.session.execute(
        select(Entry).where(Entry.round_id == round_id, Entry.author_id == user_id)).scalar_one_or_none()


def my_draft(round_id: int, user_id: int) -> EntryDraft | None:
    return db.session.execute(
        select(EntryDraft).where(EntryDraft.round_id == round_id, EntryDraft.user_id == user_id)
    ).scalar_one_or_none()


def save_draft(round_, user, title: str | None, body: str | None) -> EntryDraft:
    """Autosave from the editor (no length rule: a draft may be anything)."""
    check_open(round_)
    draft = my_draft(round_.id, user.id)
    created = draft is None
    if created:
        draft = EntryDraft(round_id=round_.id, user_id=user.id)
    draft.title = (nfc(title or "") or "")[:300]
    draft.body = text.normalize_text(body or "")
    draft.saved_at = utcnow()
    if created:
        try:
            with db.session.begin_nested():  # a savepoint: the member's other tab may create it first
                db.session.add(draft)
        except IntegrityError:
            return save_draft(round_, user, title, body)
    db.session.flush()
    return draft


def hold_upload(round_, user, filename: str, data: bytes, title: str | None) -> EntryDraft:
    """Read an uploaded file and keep it, with its text, until the member confirms."""
    check_open(round_)
    kind, body_text = read_upload(round_, data)
    draft = my_draft(round_.id, user.id)
    if draft is None:
        draft = EntryDraft(round_id=round_.id, user_id=user.id)
        db.session.add(draft)
    if title:
        draft.title = nfc(title)[:300]
    draft.upload_kind, draft.upload_name = kind, (nfc(filename or "") or f"entry.{kind}")[:255]
    draft.upload_data, draft.upload_text = data, body_text
    draft.saved_at = utcnow()
    db.session.flush()
    return draft


def confirm_upload(round_, user, title: str, declared: bool,
                   publish_consent: bool | None = None) -> tuple[Entry, bool]:
    draft = my_draft(round_.id, user.id)
    if draft is None or draft.upload_data is None:
        raise refusal("not_found", 404, _l("There is no uploaded file waiting. Please upload it again."))
    return submit_entry(round_, user, title=title, declared=declared, publish_consent=publish_consent,
                        upload=(draft.upload_name, draft.upload_data, draft.upload_kind, draft.upload_text))


def judge_view(entry: Entry) -> dict:
    """All a judge may know about an entry. Nothing about its author, nor its file."""
    return {"id": entry.id, "code": entry.code, "title": entry.title, "body": entry.body,
            "word_count": entry.word_count}


def entry_dict(entry: Entry) -> dict:
    """The entry for its author and organizers."""
    return {"id": entry.id, "round_id": entry.round_id, "code": entry.code, "title": entry.title,
            "body": entry.body, "word_count": entry.word_count, "source": entry.source,
            "submitted_at": entry.submitted_at, "updated_at": entry.updated_at,
            "revision": entry.revision, "stage": entry.stage, "prize": entry.prize,
            "publish_consent": bool(entry.publish_consent),
            "files": [{"id": f.id, "kind": f.kind, "filename": f.filename, "size": f.size,
                       "uploaded_at": f.uploaded_at} for f in entry.files]}


def run_similarity(round_, progress=None) -> int:
    """Compare every entry of the round with the others and with the reference texts; the
    flags are replaced by the new findings. Flushes; the caller commits."""
    from sqlalchemy import delete

    from contest.essays import similarity
    from contest.essays.models import ReferenceText, SimilarityFlag

    settings = settings_for(round_)
    entries = dict(db.session.execute(select(Entry.id, Entry.body).where(Entry.round_id == round_.id)
                                      .order_by(Entry.id)).all())
    refs = dict(db.session.execute(select(ReferenceText.id, ReferenceText.body)
                                   .where(ReferenceText.round_id == round_.id)).all())
    if progress:
        progress(0.1)
    matches = similarity.find_similar(entries, settings.similarity_limit, refs)
    if progress:
        progress(0.9)
    db.session.execute(delete(SimilarityFlag).where(SimilarityFlag.round_id == round_.id))
    now = utcnow()
    for m in matches:
        db.session.add(SimilarityFlag(
            round_id=round_.id, entry_id=m.a, other_entry_id=None if m.b_is_reference else m.b,
            reference_id=m.b if m.b_is_reference else None, score=m.overlap,
            passages={"a": [list(p) for p in m.passages_a], "b": [list(p) for p in m.passages_b]},
            checked_at=now))
    db.session.flush()
    return len(matches)


def similarity_job(job, round_id: int) -> dict:
    """The background job of the similarity check (the page shows its progress)."""
    from contest.jobs.service import report_progress
    from contest.rounds.models import Round

    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise Refusal("not_found", 404)
    flagged = run_similarity(round_, progress=lambda f: report_progress(job, f))
    db.session.commit()
    return {"flagged": flagged}
