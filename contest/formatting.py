"""Display helpers for templates (Jinja filters): the one way numbers, percentages, durations,
dates and times are written, in the user's locale (issue 12 point 3).

Vietnamese writes 3,0 · 100,0 % · 3.000 chữ · 09:00 thứ Hai, 7/12/2026 (giờ Việt Nam);
English 3.0 · 100.0% · 3,000 words · 9:00 AM, Monday, December 7, 2026 (Vietnam Time).
Times are shown in the display time zone (DISPLAY_TIMEZONE, default Asia/Ho_Chi_Minh) and say so.
"""
from datetime import datetime, timezone

from babel.dates import format_datetime as babel_datetime
from babel.dates import get_timezone_location
from babel.numbers import format_decimal as babel_decimal
from flask_babel import format_decimal, get_locale, get_timezone
from flask_babel import gettext as _


def duration(seconds) -> str:
    """Time taken as a person reads it: "3 phút 05,2 giây" / "3 min 05.2 s" (tenths kept,
    since time taken breaks ties)."""
    if seconds is None:
        return "—"
    seconds = max(0.0, float(seconds))
    minutes, rest = divmod(round(seconds, 1), 60)
    shown = format_decimal(rest, format="00.0")
    if minutes:
        return _("%(m)s min %(s)s s", m=int(minutes), s=shown)
    return _("%(s)s s", s=format_decimal(rest, format="0.0"))


def number(value, digits: int = 0) -> str:
    """A number with `digits` decimals and the locale's separators; "—" for none.

    vi: number(3, 1) → "3,0"; number(3000) → "3.000". en: "3.0", "3,000"."""
    if value is None:
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return babel_decimal(value, format=pattern, locale=get_locale())


def score(value) -> str:
    """A score: one decimal at least, two when it has them (vi "3,0", "7,25"; en "3.0")."""
    if value is None:
        return "—"
    return babel_decimal(value, format="#,##0.0#", locale=get_locale())


def plain(value) -> str:
    """A setting's number as written by hand: no trailing zeros, at most two decimals
    (vi plain(10) → "10", plain(1.5) → "1,5"; en "1.5"); "—" for none."""
    if value is None:
        return "—"
    return babel_decimal(value, format="#,##0.##", locale=get_locale())


def percent(fraction, digits: int = 1) -> str:
    """A fraction (0..1) as a percentage: vi "97,5 %" (with a no-break space, as Vietnamese
    writes it), en "97.5%"; "—" for none."""
    if fraction is None:
        return "—"
    shown = number(float(fraction) * 100, digits)
    return f"{shown}\u00a0%" if get_locale().language == "vi" else f"{shown}%"


def when(value: datetime | None, style: str = "full") -> str:
    """A moment in the display time zone, saying the zone.

    full (in a sentence): vi "09:00 thứ Hai, 7/12/2026 (giờ Việt Nam)",
                          en "9:00 AM, Monday, December 7, 2026 (Vietnam Time)";
    short (in a table):   vi "09:00 7/12/2026 (GMT+7)", en "Dec 7, 2026, 9:00 AM (GMT+7)".
    A naive datetime is taken as UTC (the database's convention)."""
    if value is None:
        return "—"
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    locale, zone = get_locale(), get_timezone()
    vi = locale.language == "vi"
    if style == "short":
        pattern = "HH:mm d/M/y" if vi else "MMM d, y, h:mm a"
        offset = value.astimezone(zone).utcoffset()
        return f"{babel_datetime(value, pattern, tzinfo=zone, locale=locale)} ({_gmt(offset)})"
    pattern = "HH:mm EEEE, d/M/y" if vi else "h:mm a, EEEE, MMMM d, y"
    shown = babel_datetime(value, pattern, tzinfo=zone, locale=locale)
    if vi:
        shown = shown.replace("Thứ", "thứ").replace("Chủ Nhật", "Chủ nhật")
    place = get_timezone_location(zone, locale=locale)
    return f"{shown} ({place[0].lower() + place[1:] if vi else place})"


def _gmt(offset) -> str:
    """GMT+7, GMT+5:30, GMT (a zone's offset as people write it)."""
    if not offset:
        return "GMT"
    minutes = int(offset.total_seconds() // 60)
    sign, minutes = ("+" if minutes >= 0 else "-"), abs(minutes)
    return f"GMT{sign}{minutes // 60}" + (f":{minutes % 60:02d}" if minutes % 60 else "")


def datetimeformat(value, style: str = "full") -> str:
    """Flask-Babel's `datetimeformat` filter name, kept for the templates, written by when()."""
    return when(value, "short" if style in ("short", "medium") else "full")


def init_app(app) -> None:
    """The filters; after Flask-Babel's init_app, whose `datetimeformat` this one replaces."""
    for name, func in (("duration", duration), ("number", number), ("score", score), ("plain", plain), ("percent", percent),
                       ("when", when), ("datetimeformat", datetimeformat)):
        app.add_template_filter(func, name)
