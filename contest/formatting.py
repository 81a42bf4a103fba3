"""Display helpers for templates (Jinja filters)."""
from flask_babel import format_decimal
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
