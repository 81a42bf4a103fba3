"""Members managed by organizers: import in bulk (Excel or CSV with Vietnamese headers), the
credentials sheet handed back once, changes (name, unit, role, active), password resets.

Rules first (plain functions: `column_of`, `parse_role`, `parse_date`, `check_rows`), then the
services; every change is recorded in the audit trail in the caller's transaction; services
flush, the request commits.
"""
import csv
import hashlib
import io
import re
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import insert, select

from contest.accounts.models import ROLES, User
from contest.accounts.rules import (NO_PASSWORD_YET, generate_password, hash_generated_password, normalize_username,
                                    valid_username)
from contest.accounts.service import end_all_sessions, search_text
from contest.accounts.units import ensure_paths, name_key, path_index, split_path
from contest.audit.service import record, record_change
from contest.clock import utcnow
from contest.dbtypes import fold, nfc
from contest.errors import Refusal
from contest.extensions import cache_forget, cache_get, cache_set, db

TEMPORARY_PASSWORD_HOURS = 72
CREDENTIALS_TTL = 3600  # the credentials sheet waits one hour for its single download
MAX_ROWS = 20000

# The sheet's headers, folded (no diacritics, lower case): what each column is.
HEADERS = {
    "ho va ten": "full_name", "ho ten": "full_name",
    "ten dang nhap": "username",
    "don vi": "unit",
    "vai tro": "role",
    "email": "email", "thu dien tu": "email",
    "dien thoai": "phone", "so dien thoai": "phone",
    "ngay sinh": "date_of_birth",
}
REQUIRED = ("full_name", "username", "unit")
TEMPLATE_HEADERS = ["Họ và tên", "Tên đăng nhập", "Đơn vị", "Vai trò", "Email", "Điện thoại", "Ngày sinh"]

ROLE_NAMES = {
    "member": "member", "thanh vien": "member", "thi sinh": "member", "hoi vien": "member",
    "judge": "judge", "giam khao": "judge",
    "organizer": "organizer", "ban to chuc": "organizer", "to chuc": "organizer",
    "admin": "admin", "quan tri": "admin", "quan tri vien": "admin",
}


def column_of(header: str) -> str | None:
    """The field a header names, whatever its case, spacing or diacritics.

    >>> column_of(" Họ và tên "), column_of("TÊN ĐĂNG NHẬP"), column_of("Đơn vị"), column_of("Ghi chú")
    ('full_name', 'username', 'unit', None)
    """
    return HEADERS.get(" ".join(fold(header or "").split()))


def parse_role(text: str) -> str | None:
    """A role as typed: "Thành viên", "giám khảo", "Ban tổ chức", "admin"; empty is member;
    None when unknown.

    >>> parse_role(""), parse_role("Giám khảo"), parse_role("BAN TỔ CHỨC"), parse_role("chủ tịch")
    ('member', 'judge', 'organizer', None)
    """
    key = " ".join(fold(text or "").split())
    return "member" if not key else ROLE_NAMES.get(key)


_DATE_RE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_date(value, today: date) -> date | None | bool:
    """A birth date as typed: "dd/mm/yyyy" (Vietnamese order), "yyyy-mm-dd", or a date cell.
    Empty is None; a date that does not exist, is in the future or before 1900 is False.

    >>> today = date(2026, 12, 2)
    >>> parse_date("05/09/1990", today), parse_date("1990-09-05", today), parse_date("", today)
    (datetime.date(1990, 9, 5), datetime.date(1990, 9, 5), None)
    >>> parse_date("31/02/1990", today), parse_date("01/01/2030", today), parse_date("hôm qua", today)
    (False, False, False)
    """
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        found = value
    else:
        text = (value or "").strip()
        if not text:
            return None
        match = _DATE_RE.match(text)
        iso = _ISO_RE.match(text)
        try:
            if match:
                found = date(int(match[3]), int(match[2]), int(match[1]))
            elif iso:
                found = date(int(iso[1]), int(iso[2]), int(iso[3]))
            else:
                return False
        except ValueError:
            return False
    if found > today or found.year < 1900:
        return False
    return found


# --- reading a file ---------------------------------------------------------------------------

def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (datetime, date)):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def read_table(data: bytes, filename: str) -> list[tuple[int, list]]:
    """The rows of an .xlsx (first sheet) or .csv (UTF-8, comma or semicolon) as (line, cells);
    Refusal invalid_file when it is neither."""
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
            rows = [(number, [_cell(v) for v in row])
                    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
        except Exception:  # openpyxl raises many kinds for a broken file
            raise _unreadable()
        return rows
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _unreadable()
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return [(number, row) for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1)]


def _unreadable() -> Refusal:
    message = _("The file could not be read: send an Excel sheet (.xlsx) or a CSV file in UTF-8.")
    return Refusal("invalid_file", 422, message, details=[{"line": 1, "message": message}])


# --- checking the rows ------------------------------------------------------------------------

@dataclass
class MemberRow:
    line: int
    full_name: str
    username: str
    unit: list
    role: str = "member"
    email: str | None = None
    phone: str | None = None
    date_of_birth: date | None = None


@dataclass
class Checked:
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    new_paths: list = field(default_factory=list)  # unit paths to create (create_units)


def clean_contact(email: str | None, phone: str | None) -> tuple[str | None, str | None, list[tuple[str, str]]]:
    """An email and a phone number as stored (blank = none; the email normalised, lower case),
    with what is wrong with them as (field, message): the one check of an import row and of a
    member's profile.

    >>> clean_contact(" An.Nguyen@Example.VN ", "0912 345 678")[:2]
    ('an.nguyen@example.vn', '0912 345 678')
    >>> len(clean_contact("an@", "12")[2])  # both refused, each with its message
    2
    """
    email, phone, problems = (email or "").strip() or None, (phone or "").strip() or None, []
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            problems.append(("email", _("The email “%(email)s” is not valid.", email=email)))
    if phone and (len(phone) > 30 or not re.fullmatch(r"[0-9 +().-]{6,30}", phone)):
        problems.append(("phone", _("The phone number “%(phone)s” is not valid.", phone=phone)))
    return email, phone, problems


def _text(value) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value or "")).strip()


def read_header(table) -> tuple[int | None, dict]:
    """The header's line (the first row with any text) and {field: column index}."""
    header_line = next(((line, cells) for line, cells in table if any(_text(c) for c in cells)), None)
    if header_line is None:
        return None, {}
    columns = {}
    for index, cell in enumerate(header_line[1]):
        key = column_of(_text(cell))
        if key and key not in columns:
            columns[key] = index
    return header_line[0], columns


def check_rows(table, *, taken: set, paths: dict, create_units: bool, may_grant: bool, today: date,
               in_scope=None) -> Checked:
    """Every row checked against the others and the database, every problem kept: (line,
    Vietnamese message) for duplicate usernames (in the file, or `taken` in the database),
    unknown or ambiguous unit paths (`paths`: path key -> unit ids), bad roles (and organizer or
    admin when not `may_grant`), bad emails, bad dates, missing fields; with `in_scope` (path key ->
    bool, scope.path_in_scope), units outside the organizer's scope."""
    out = Checked()
    head_number, columns = read_header(table)
    if head_number is None:
        out.problems.append({"line": 1, "message": _("The file is empty.")})
        return out
    missing = [TEMPLATE_HEADERS[["full_name", "username", "unit"].index(k)] for k in REQUIRED if k not in columns]
    if missing:
        out.problems.append({"line": head_number, "message": _("Missing columns: %(names)s.",
                                                               names=", ".join(missing))})
        return out
    seen = {}
    new_paths = {}
    for line, cells in table:
        if line <= head_number or not any(_text(c) for c in cells):
            continue

        def get(key):
            index = columns.get(key)
            return cells[index] if index is not None and index < len(cells) else ""

        problems = []
        full_name = _text(get("full_name"))
        if not full_name or len(full_name) > 200:
            problems.append(_("The full name is missing or longer than 200 characters."))
        username = normalize_username(_text(get("username")))
        if not valid_username(username):
            problems.append(_("The username “%(name)s” is not valid: 3-80 characters, letters a-z, digits, "
                              "dot, dash or underscore.", name=username))
        elif username in seen:
            problems.append(_("The username “%(name)s” is already on line %(line)s.", name=username,
                              line=seen[username]))
        elif username in taken:
            problems.append(_("The username “%(name)s” is already taken.", name=username))
        else:
            seen[username] = line
        unit_text = _text(get("unit"))
        names = split_path(unit_text)
        unit_path = None
        if names is None or any(len(n) > 200 for n in names):
            problems.append(_("The unit is missing: write its path, e.g. “Huyện ủy/Chi bộ A”."))
        else:
            key = tuple(name_key(n) for n in names)
            ids = paths.get(key, [])
            ambiguous = any(len(paths.get(key[:d], ())) > 1 for d in range(1, len(key) + 1))
            if ambiguous:
                problems.append(_("The unit “%(path)s” names more than one unit.", path=unit_text))
            elif in_scope is not None and (ids or create_units) and not in_scope(key):
                problems.append(_("The unit “%(path)s” is outside the units you manage.", path=unit_text))
            elif not ids and not create_units:
                problems.append(_("Unknown unit “%(path)s”.", path=unit_text))
            else:
                unit_path = names
                if not ids:
                    new_paths.setdefault(key, names)
        role = parse_role(_text(get("role")))
        if role is None:
            problems.append(_("Unknown role “%(role)s”: write thành viên, giám khảo, ban tổ chức or quản trị.",
                              role=_text(get("role"))))
        elif role in ("organizer", "admin") and not may_grant:
            problems.append(_("Only an administrator can grant the organizer or administrator role."))
        email, phone, contact = clean_contact(_text(get("email")), _text(get("phone")))
        problems += [message for _field, message in contact]
        birth = parse_date(get("date_of_birth"), today)
        if birth is False:
            problems.append(_("The date of birth “%(date)s” is not valid: write dd/mm/yyyy.",
                              date=_text(get("date_of_birth"))))
        if problems:
            out.problems += [{"line": line, "message": message} for message in problems]
            continue
        out.rows.append(MemberRow(line, nfc(full_name), username, unit_path, role, email, phone, birth or None))
    if not out.rows and not out.problems:
        out.problems.append({"line": head_number, "message": _("The file has no members.")})
    out.new_paths = list(new_paths.values())
    return out


# --- importing --------------------------------------------------------------------------------

HASH_THREADS = 2  # argon2-cffi releases the GIL: the machine's cores hash in parallel
CREDENTIALS_JOB = "credentials"  # the kind of the job that sets an import's initial passwords
PASSWORD_BATCH = 500  # members whose passwords one UPDATE batch of the job sets (then it commits)


def import_members(data: bytes, filename: str, actor: User, *, create_units: bool = False) -> dict:
    """All or nothing: any bad row refuses the file (422 invalid_file, every bad row in details,
    nothing created, no job started). Else the members are created in batches, without a usable
    password yet (rules.NO_PASSWORD_YET: nobody can sign in as them), and the credentials job is
    queued: it generates and hashes their passwords, then keeps the sheet for one download
    (`credentials_job_id`, the job's id). Checking is fast (no hashing): the slow part is the job's.
    Flushes; the caller commits (and the job starts once it has)."""
    table = read_table(data, filename)
    if len(table) > MAX_ROWS + 1:
        raise Refusal("invalid_file", 422, _("The file has more than %(n)s rows.", n=MAX_ROWS),
                      details=[{"line": MAX_ROWS + 2, "message": _("The file has more than %(n)s rows.", n=MAX_ROWS)}])
    head_number, columns = read_header(table)
    column = columns.get("username")
    usernames = {normalize_username(_text(c[column])) for line, c in table
                 if column is not None and line > head_number and column < len(c)}
    taken = set()
    names = [u for u in usernames if u]
    for start in range(0, len(names), 500):
        taken |= set(db.session.execute(select(User.username).where(
            User.username.in_(names[start:start + 500]))).scalars())
    from contest.accounts.scope import managed_unit_ids, path_in_scope

    index = path_index()
    in_scope = None if managed_unit_ids(actor) is None else (lambda key: path_in_scope(key, index, actor))
    checked = check_rows(table, taken=taken, paths=index, create_units=create_units,
                         may_grant=actor.has_role("admin"), today=utcnow().date(), in_scope=in_scope)
    if checked.problems:
        raise Refusal("invalid_file", 422, _("Nothing was created: %(count)s problems were found in the file.",
                                             count=len(checked.problems)), details=checked.problems)
    found, units_created = ensure_paths(checked.new_paths, index)
    now = utcnow()
    values = [{"username": r.username, "password_hash": NO_PASSWORD_YET, "full_name": r.full_name,
               "email": r.email, "phone": r.phone, "date_of_birth": r.date_of_birth, "role": r.role,
               "active": True, "unit_id": found[tuple(name_key(n) for n in r.unit)],
               "must_change_password": True, "search_text": search_text(r.full_name, r.username),
               "created_at": now}
              for r in checked.rows]
    for start in range(0, len(values), 1000):
        db.session.execute(insert(User), values[start:start + 1000])
    ids = {}
    for start in range(0, len(values), 500):
        chunk = [v["username"] for v in values[start:start + 500]]
        ids.update((row.username, row.id) for row in db.session.execute(
            select(User.username, User.id).where(User.username.in_(chunk))))
    record("user.import", "user", None, actor=actor,
           after={"created": len(values), "skipped": 0, "units_created": units_created, "file": filename})
    job = start_credentials([ids[v["username"]] for v in values], actor)
    return {"created": len(values), "skipped": 0, "units_created": units_created, "credentials_job_id": job.id}


def start_credentials(user_ids: list[int], actor: User):
    """Queue the job that gives these members (in this order, the sheet's) their initial
    passwords; it starts once the caller commits. Its kwargs hold the members' ids only."""
    from contest.jobs.service import enqueue

    return enqueue(CREDENTIALS_JOB, "contest.accounts.members:credentials_job", started_by=actor,
                   user_ids=list(user_ids))


def credentials_job(job, user_ids: list[int]) -> dict:
    """The background half of an import: for every member of `user_ids` still without a usable
    password (NO_PASSWORD_YET: a member an organizer has reset meanwhile keeps theirs), generate
    one, hash it (HASH_THREADS in parallel) and write the hashes with UPDATEs, PASSWORD_BATCH at a
    time, committing each batch and reporting the progress; then keep the credentials sheet for
    one download by the organizer who imported, under the job's id. The plain passwords live in
    this function only: never in the job's row, kwargs or result. If anything fails, the batches
    already written are put back to NO_PASSWORD_YET, so nobody holds a password no sheet gives and
    a retry (`retry_credentials`) starts again from the same members."""
    from sqlalchemy import and_, bindparam, update

    from contest.jobs.service import report_progress

    table = User.__table__
    set_hash = update(table).where(and_(table.c.id == bindparam("b_id"), table.c.password_hash == bindparam("b_old"))) \
        .values(password_hash=bindparam("b_new"))
    job_id, organizer_id = job.id, job.started_by_id
    paths = unit_paths()
    sheet_rows, written = [], []
    try:
        with ThreadPoolExecutor(HASH_THREADS) as pool:
            for start in range(0, len(user_ids), PASSWORD_BATCH):
                batch = user_ids[start:start + PASSWORD_BATCH]
                members = {row.id: row for row in db.session.execute(
                    select(User.id, User.full_name, User.username, User.unit_id)
                    .where(User.id.in_(batch), User.password_hash == NO_PASSWORD_YET)
                    .with_for_update()).all()}
                todo = [members[i] for i in batch if i in members]
                passwords = [generate_password() for _ in todo]
                hashes = list(pool.map(hash_generated_password, passwords, chunksize=16))
                if todo:
                    db.session.execute(set_hash, [{"b_id": m.id, "b_old": NO_PASSWORD_YET, "b_new": h}
                                                  for m, h in zip(todo, hashes)])
                db.session.commit()
                written += [(m.id, h) for m, h in zip(todo, hashes)]
                sheet_rows += [(m.full_name, m.username, pw, paths.get(m.unit_id, ""))
                               for m, pw in zip(todo, passwords)]
                report_progress(job, 0.95 * min(start + PASSWORD_BATCH, len(user_ids)) / len(user_ids))
        keep_credentials(credentials_sheet(sheet_rows), job_id, organizer_id)
    except Exception:
        db.session.rollback()
        cache_forget(_credentials_key(job_id))  # had the sheet been kept, it gives no password now
        for start in range(0, len(written), 1000):  # nobody was given these: back to none
            db.session.execute(set_hash, [{"b_id": i, "b_old": h, "b_new": NO_PASSWORD_YET}
                                          for i, h in written[start:start + 1000]])
        db.session.commit()
        raise
    return {"members": len(sheet_rows)}


def retry_credentials(job, actor: User):
    """A new credentials job for the members of a failed one (those still without a password),
    or None when the job has not failed. 404 unless it is a credentials job of this organizer."""
    if job.kind != CREDENTIALS_JOB or job.started_by_id != actor.id:
        raise Refusal("not_found", 404)
    if job.status != "failed":
        return None
    return start_credentials((job.kwargs or {}).get("user_ids", []), actor)


def unit_paths() -> dict:
    """{unit id: "Huyện ủy / Chi bộ A"}, the whole tree in one query."""
    from contest.accounts.models import Unit

    rows = {row.id: row for row in db.session.execute(select(Unit.id, Unit.name, Unit.parent_id)).all()}
    out = {}
    for unit_id in rows:
        names, node, seen = [], rows.get(unit_id), set()
        while node is not None and node.id not in seen:
            seen.add(node.id)
            names.append(node.name)
            node = rows.get(node.parent_id)
        out[unit_id] = " / ".join(reversed(names))
    return out


def credentials_sheet(rows) -> bytes:
    """The Excel sheet an organizer hands out: full name, username, initial password, unit."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Credentials"))
    sheet.append([_("Full name"), _("Username"), _("Initial password"), _("Unit")])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_sheet() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Thành viên"
    sheet.append(TEMPLATE_HEADERS)
    sheet.append(["Nguyễn Văn An", "an.nv", "Huyện ủy/Chi bộ A", "thành viên", "an@example.vn",
                  "0912345678", "05/09/1990"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# The sheet waits in the cache (Redis when configured, so a worker's sheet reaches the web) under
# the SHA-256 of its job's id, for one hour and one download, bound to the organizer who imported.
def _credentials_key(job_id: str) -> str:
    return "credentials:" + hashlib.sha256(job_id.encode()).hexdigest()


def keep_credentials(sheet: bytes, job_id: str, user_id: int) -> None:
    """Keep the sheet for its one download; refuses (the job fails) when the cache did not take it."""
    key = _credentials_key(job_id)
    cache_set(key, {"user_id": user_id, "sheet": sheet}, CREDENTIALS_TTL)
    kept = cache_get(key)
    if not isinstance(kept, dict) or kept.get("sheet") != sheet:
        raise Refusal("credentials_not_kept", 503, _("The passwords' sheet could not be kept (the cache did not "
                                                     "answer). Try again."))


def take_credentials(job_id: str, actor: User) -> bytes | None:
    """The sheet, once: it is forgotten as it is handed over. None when unknown, expired,
    downloaded already, or imported by someone else; Refusal 409 job_not_done until the
    organizer's job is done (a sheet kept a moment before the job fails is never handed out),
    job_failed when it failed (no member of the import has a password)."""
    from contest.jobs.models import Job

    job = db.session.get(Job, job_id) if job_id and len(job_id) <= 32 else None
    if job is not None and job.kind == CREDENTIALS_JOB and job.started_by_id == actor.id:
        if job.status in ("queued", "running"):
            raise Refusal("job_not_done", 409, _("The initial passwords are still being generated: wait until "
                                                 "the progress bar is full, then download the sheet."))
        if job.status == "failed":
            raise Refusal("job_failed", 409, _("The initial passwords could not be generated: the members of "
                                               "this import cannot sign in yet. Try again from the import page, "
                                               "or reset their passwords."))
    key = _credentials_key(job_id or "")
    kept = cache_get(key)
    if not isinstance(kept, dict) or kept.get("user_id") != actor.id:
        return None
    cache_forget(key)
    return kept["sheet"]


# --- one member -------------------------------------------------------------------------------

def _snapshot(user: User) -> dict:
    return {"full_name": user.full_name, "unit_id": user.unit_id, "role": user.role, "active": user.active}


def update_contact(user: User, email: str | None, phone: str | None) -> User:
    """A member's own contact details (their profile), checked as an import row's are; 422 with
    each problem, nothing changed. Flushes; the caller commits."""
    email, phone, problems = clean_contact(email, phone)
    if problems:
        raise Refusal("validation_error", 422, problems[0][1],
                      details=[{"field": field, "message": message} for field, message in problems])
    user.email, user.phone = email, phone
    db.session.flush()
    return user


def update_member(user: User, actor: User, changes: dict, reason: str | None = None) -> User:
    """Apply {full_name?, unit_id?, role?, active?}. Only an admin grants organizer or admin
    (or changes an organizer's or admin's role); no one changes their own role or deactivates
    themselves. Records user.update, user.role, user.deactivate / user.reactivate."""
    from contest.accounts.models import Unit

    if "role" in changes and changes["role"] != user.role:
        if changes["role"] not in ROLES:
            raise Refusal("validation_error", 422, details=[{"field": "role", "message": _("Unknown role.")}])
        if (changes["role"] in ("organizer", "admin") or user.role in ("organizer", "admin")) \
                and not actor.has_role("admin"):
            raise Refusal("forbidden", 403, _("Only an administrator can grant the organizer or administrator role."))
        if user.id == actor.id:
            raise Refusal("forbidden", 403, _("You cannot change your own role."))
    if user.role in ("organizer", "admin") and not actor.has_role("admin") and user.id != actor.id:
        raise Refusal("forbidden", 403, _("Only an administrator can change an organizer or administrator."))
    from contest.accounts.scope import can_manage_unit

    if (changes.get("unit_id") is not None and db.session.get(Unit, changes["unit_id"]) is None) or \
            ("unit_id" in changes and changes["unit_id"] != user.unit_id and not can_manage_unit(actor, changes["unit_id"])):
        raise Refusal("validation_error", 422, _("Unknown unit."),
                      details=[{"field": "unit_id", "message": _("Unknown unit.")}])
    if "active" in changes and changes["active"] is False and user.id == actor.id:
        raise Refusal("forbidden", 403, _("You cannot deactivate your own account."))
    before = _snapshot(user)
    if "full_name" in changes:
        name = nfc(changes["full_name"] or "")
        if not 2 <= len(name) <= 200:
            raise Refusal("validation_error", 422, details=[{"field": "full_name",
                                                             "message": _("The full name is 2 to 200 characters.")}])
        user.full_name = name
        user.search_text = search_text(name, user.username)
    if "unit_id" in changes:
        user.unit_id = changes["unit_id"]
    # The changed fields only: a new name alone does not list the unit that stayed.
    record_change("user.update", "user", user.id,
                  {"full_name": before["full_name"], "unit_id": before["unit_id"]},
                  {"full_name": user.full_name, "unit_id": user.unit_id}, actor=actor, reason=reason)
    if "role" in changes and changes["role"] != user.role:
        user.role = changes["role"]
        record("user.role", "user", user.id, actor=actor, before={"role": before["role"]},
               after={"role": user.role}, reason=reason)
    if "active" in changes and changes["active"] is not None and changes["active"] != user.active:
        user.active = bool(changes["active"])
        if not user.active:
            end_all_sessions(user, api_tokens=True)  # at once: every browser and token of theirs
        record("user.reactivate" if user.active else "user.deactivate", "user", user.id, actor=actor,
               before={"active": before["active"]}, after={"active": user.active}, reason=reason)
    db.session.flush()
    return user


def reset_password(user: User, actor: User) -> tuple[str, datetime]:
    """A temporary password, shown once, good for TEMPORARY_PASSWORD_HOURS, to be changed at the
    next sign-in; every session and token of the member ends. Records user.password_reset."""
    if user.role in ("organizer", "admin") and not actor.has_role("admin"):
        raise Refusal("forbidden", 403, _("Only an administrator can change an organizer or administrator."))
    password = generate_password()
    expires_at = utcnow() + timedelta(hours=TEMPORARY_PASSWORD_HOURS)
    user.password_hash = hash_generated_password(password)
    user.must_change_password = True
    user.password_expires_at = expires_at
    end_all_sessions(user, api_tokens=True)
    record("user.password_reset", "user", user.id, actor=actor, after={"expires_at": expires_at.isoformat()})
    db.session.flush()
    return password, expires_at


def members_query(q: str | None = None, unit_id: int | None = None, role: str | None = None):
    """Members by name or username without diacritics, in a unit's subtree, by role; by name. On
    an organizer's route, only the members of their scope (scope.py)."""
    from contest.accounts.scope import managing_actor, members_in_scope
    from contest.accounts.scope import subtree_ids
    from contest.accounts.units import parent_map

    actor = managing_actor()
    statement = select(User) if actor is None else members_in_scope(select(User), actor)
    for word in fold(q or "").split():
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(User.search_text.like(f"%{escaped}%", escape="\\"))
    if unit_id is not None:
        statement = statement.where(User.unit_id.in_(subtree_ids(unit_id, parent_map())))
    if role:
        statement = statement.where(User.role == role)
    return statement.order_by(User.search_text, User.id)
