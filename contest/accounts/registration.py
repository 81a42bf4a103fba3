"""Self-registration as organizations run it (issue 11 point 7).

The platform switch SELF_REGISTRATION (config) is the master: off, nobody registers. Under it,
registration settings are rows of RegistrationSetting: the row without a unit is the platform's,
and a row on a unit holds for that unit's whole subtree unless a unit further down has its own.
Each says whether registration is open, whether an invitation code is required (the unit is then
not in the list: the code the member types names it) and whether an organizer must approve the
new account (it is pending until then). ``unit_required`` is read from the platform row only: it
says whether someone may register without any unit.

A contest adds its own switch on top (``Contest.registration``, one of CONTEST_REGISTRATION),
for the registration page reached from that contest (``/register?contest=<id>``): ``open``
changes nothing, ``off`` closes it, ``unit_required`` asks for a unit (chosen or by its code),
``code_required`` for a unit's invitation code. It only ever narrows what the settings above
allow; ``for_contest`` is the rule.

Invitation codes are 8 characters from an alphabet no one misreads on paper (no 0/O, 1/I/L),
about 40 bits: guessing one through the rate-limited form is hopeless, and a guessed code only
lets someone ask to join a unit. They are stored in the clear so the list can be printed again.
"""
import secrets
from dataclasses import dataclass, replace

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from contest.accounts.models import RegistrationCode, RegistrationSetting, Unit, User
from contest.audit.service import record
from contest.errors import Refusal
from contest.extensions import db

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
SETTING_FIELDS = ("open", "unit_required", "code_required", "approval_required")
# A contest's own self-registration switch (Contest.registration); "open" is every contest's until set.
CONTEST_REGISTRATION = ("open", "off", "unit_required", "code_required")


def generate_code() -> str:
    """A fresh code: 8 characters of CODE_ALPHABET (31 symbols: log2(31) * 8 = 39.6 bits)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str | None) -> str:
    """What a member typed, as stored: upper case, without the spaces and dash of the print.

    >>> normalize_code(" abcd-efgh "), normalize_code("ab cd ef gh"), normalize_code(None)
    ('ABCDEFGH', 'ABCDEFGH', '')
    """
    return "".join(ch for ch in (text or "").upper() if ch not in " -\t")[:32]


def valid_code(code: str) -> bool:
    """Whether a (normalized) code has the shape of one the platform makes.

    >>> valid_code("K7MPX3QA"), valid_code("K7MPX3Q"), valid_code("K7MPX3Q0"), valid_code("K7MPX3QAZ")
    (True, False, False, False)
    """
    return len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)


def printed(code: str) -> str:
    """A code as printed on the notice, in two groups.

    >>> printed("K7MPX3QA")
    'K7MP-X3QA'
    """
    return f"{code[:4]}-{code[4:]}"


@dataclass(frozen=True)
class Settings:
    open: bool = True
    unit_required: bool = True
    code_required: bool = False
    approval_required: bool = False

    @classmethod
    def of(cls, row) -> "Settings":
        return cls(**{name: bool(getattr(row, name)) for name in SETTING_FIELDS})


def settings_for(unit_id: int | None, parents: dict, rows: dict) -> Settings:
    """The settings that apply to registering into `unit_id`: its own row, else its nearest
    ancestor's, else the platform's (key None), else the defaults. `parents` maps unit id to
    parent id, `rows` unit id (or None) to Settings.

    >>> parents = {1: None, 2: 1, 3: 2, 4: None}
    >>> rows = {None: Settings(approval_required=True), 2: Settings(code_required=True)}
    >>> settings_for(3, parents, rows).code_required, settings_for(3, parents, rows).approval_required
    (True, False)
    >>> settings_for(1, parents, rows) == rows[None], settings_for(4, parents, {}) == Settings()
    (True, True)
    """
    seen = set()
    while unit_id is not None and unit_id not in seen:
        seen.add(unit_id)
        if unit_id in rows:
            return rows[unit_id]
        unit_id = parents.get(unit_id)
    return rows.get(None, Settings())


# --- reading the stored settings --------------------------------------------------------------

def _rows() -> dict:
    return {row.unit_id: Settings.of(row) for row in db.session.execute(select(RegistrationSetting)).scalars()}


def _parents() -> dict:
    return dict(db.session.execute(select(Unit.id, Unit.parent_id)).all())


def platform_settings() -> Settings:
    return _rows().get(None, Settings())


def unit_settings(unit_id: int | None) -> Settings:
    return settings_for(unit_id, _parents(), _rows())


@dataclass
class Options:
    """What the registration page offers: closed, the units to choose from, whether a code field."""
    closed: bool
    platform: Settings
    listed_ids: list
    codes: bool
    closed_by_contest: bool = False  # closed by the contest's own switch (its page says why)


def registration_options(enabled: bool) -> Options:
    platform = platform_settings()
    if not enabled or not platform.open:
        return Options(True, platform, [], False)
    parents, rows = _parents(), _rows()
    listed = [uid for uid in parents if (s := settings_for(uid, parents, rows)).open and not s.code_required]
    coded = db.session.execute(select(RegistrationCode.unit_id)).scalars().all()
    codes = any(settings_for(uid, parents, rows).open for uid in coded)
    closed = platform.unit_required and not listed and not codes
    return Options(closed, platform, listed, codes)


def for_contest(options: Options, mode: str | None) -> Options:
    """What the registration page offers when reached from a contest whose switch is ``mode``:
    the platform's and units' options (``registration_options``), narrowed, never widened.

    >>> base = Options(False, Settings(unit_required=False), [1, 2], True)
    >>> for_contest(base, "open") == base, for_contest(base, None) == base
    (True, True)
    >>> for_contest(base, "off").closed, for_contest(base, "off").closed_by_contest
    (True, True)
    >>> only_unit = for_contest(base, "unit_required")
    >>> only_unit.closed, only_unit.platform.unit_required, only_unit.listed_ids, only_unit.codes
    (False, True, [1, 2], True)
    >>> by_code = for_contest(base, "code_required")
    >>> by_code.closed, by_code.platform.unit_required, by_code.listed_ids, by_code.codes
    (False, True, [], True)

    Without any unit to choose or code to type, asking for one closes registration:

    >>> for_contest(Options(False, Settings(), [1], False), "code_required").closed
    True
    >>> for_contest(Options(False, Settings(unit_required=False), [], False), "unit_required").closed
    True
    >>> for_contest(Options(True, Settings(), [1], True), "open").closed   # closed stays closed
    True
    """
    if mode is None or mode == "open" or options.closed:
        return options
    if mode == "off":
        return replace(options, closed=True, closed_by_contest=True)
    listed = [] if mode == "code_required" else list(options.listed_ids)
    return Options(not listed and not options.codes, replace(options.platform, unit_required=True),
                   listed, options.codes)


class RegistrationRefused(Exception):
    """A registration that cannot go ahead: `field` ("code" or "unit_id") and the message."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


def resolve_unit(options: Options, unit_id: int | None, code: str | None) -> tuple[int | None, Settings]:
    """The unit a registration goes into and the settings that apply; raises RegistrationRefused."""
    if (code or "").strip():
        found = db.session.execute(select(RegistrationCode).where(
            RegistrationCode.code == normalize_code(code))).scalar_one_or_none()
        if found is None:
            raise RegistrationRefused("code", _l(
                "This invitation code is not right. Check the code on the notice from your organizers."))
        settings = unit_settings(found.unit_id)
        if not settings.open:
            raise RegistrationRefused("code", _l("Registration is closed for this unit."))
        return found.unit_id, settings
    if unit_id and options.listed_ids:  # no list offered (only codes): a unit id sent is not a choice
        if unit_id not in options.listed_ids:
            raise RegistrationRefused("unit_id", _l("Choose your unit."))
        return unit_id, unit_settings(unit_id)
    if options.platform.unit_required:
        if options.listed_ids:
            raise RegistrationRefused("unit_id", _l("Choose your unit."))
        raise RegistrationRefused("code", _l("Enter the invitation code of your unit."))
    return None, options.platform


def hold_for_approval(user: User) -> None:
    """A new account that waits for an organizer: it cannot sign in until approved."""
    user.pending = True
    user.active = False


# --- the organizer's side ---------------------------------------------------------------------

def save_settings(unit_id: int | None, values: dict) -> None:
    """Set a unit's own settings (None: the platform's). Audited; flushes."""
    row = db.session.execute(select(RegistrationSetting).where(
        RegistrationSetting.unit_id.is_(None) if unit_id is None else RegistrationSetting.unit_id == unit_id
    )).scalar_one_or_none()
    before = None if row is None else {name: getattr(row, name) for name in SETTING_FIELDS}
    if row is None:
        row = RegistrationSetting(unit_id=unit_id)
        db.session.add(row)
    for name in SETTING_FIELDS:
        if name in values:
            setattr(row, name, bool(values[name]))
    db.session.flush()
    record("registration.settings", "registration_setting", row.id, before=before,
           after={"unit_id": unit_id, **{name: getattr(row, name) for name in SETTING_FIELDS}})


def inherit_settings(unit_id: int) -> None:
    """Drop a unit's own settings: its parent's apply again. Audited; flushes."""
    row = db.session.execute(select(RegistrationSetting).where(
        RegistrationSetting.unit_id == unit_id)).scalar_one_or_none()
    if row is None:
        return
    record("registration.settings", "registration_setting", row.id,
           before={"unit_id": unit_id, **{name: getattr(row, name) for name in SETTING_FIELDS}}, after=None)
    db.session.delete(row)
    db.session.flush()


def own_settings() -> dict:
    """unit id (or None) -> Settings of the units that have their own row."""
    return _rows()


def new_code(unit_id: int) -> str:
    """Generate (or regenerate: the old code stops working) a unit's code. Audited; flushes."""
    codes = set(db.session.execute(select(RegistrationCode.code)).scalars())
    code = generate_code()
    while code in codes:
        code = generate_code()
    row = db.session.get(RegistrationCode, unit_id)
    action = "registration.code_regenerated" if row is not None else "registration.code_generated"
    if row is None:
        row = RegistrationCode(unit_id=unit_id, code=code)
        db.session.add(row)
    else:
        row.code = code
    db.session.flush()
    record(action, "unit", unit_id)
    return code


def codes_of(unit_ids) -> dict:
    """unit id -> code, for the given units."""
    ids = sorted(unit_ids)
    if not ids:
        return {}
    return dict(db.session.execute(select(RegistrationCode.unit_id, RegistrationCode.code)
                                   .where(RegistrationCode.unit_id.in_(ids))).all())


def pending_query(actor):
    """The pending registrations the actor manages, oldest first."""
    from contest.accounts import scope

    statement = (select(User).where(User.pending.is_(True), User.active.is_(False))
                 .order_by(User.created_at, User.id))
    return scope.members_in_scope(statement, actor)


def decide(user: User, approve: bool) -> None:
    """Approve (the account can sign in) or reject (the account is deleted: the username is free
    again) a pending registration. Audited; flushes. Refuses one that is not pending."""
    if not user.pending:
        raise Refusal("not_pending", 409, _l("This registration has already been decided."))
    snapshot = {"username": user.username, "full_name": user.full_name, "unit_id": user.unit_id}
    if approve:
        user.pending = False
        user.active = True
        record("user.registration_approved", "user", user.id, before={"pending": True},
               after={"pending": False, **snapshot})
    else:
        record("user.registration_rejected", "user", user.id, before={"pending": True, **snapshot}, after=None)
        db.session.delete(user)
    db.session.flush()


def api_settings(unit_id: int | None) -> Settings:
    """The settings that apply to a registration through the API (whose body has no code): a
    closed unit, or one that asks for its code, is refused (Refusal 403 ``forbidden``); without a
    unit, refused only where the platform's own row requires one (registration through the API
    has never required a unit). The caller holds the account when approval is required."""
    has_platform_row = db.session.execute(select(RegistrationSetting.id).where(
        RegistrationSetting.unit_id.is_(None))).first() is not None
    settings = unit_settings(unit_id) if unit_id is not None else platform_settings()
    if not settings.open:
        raise Refusal("forbidden", 403, _l("Registration is closed for this unit."))
    if unit_id is not None and settings.code_required:
        raise Refusal("forbidden", 403, _l("Your unit asks for its invitation code: register on the registration page."))
    if unit_id is None and has_platform_row and settings.unit_required:
        raise Refusal("validation_error", 422, details=[{"field": "unit_id", "message": _l("Choose your unit.")}])
    return settings
