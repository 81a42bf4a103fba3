"""What a member reads when taking a round is refused, the same on the pages and the API (the
page's script shows the API's message as it is)."""
from flask_babel import gettext as _


def refusal_message(code: str) -> str:
    return {
        "round_not_open": _("This round is not open right now."),
        "attempts_exhausted": _("You have used all your attempts for this round."),
        "attempt_closed": _("Time is up: this attempt no longer accepts answers."),
        "invalid_option": _("That option does not belong to this question."),
        "round_not_ready": _("This round cannot draw its questions right now. Please tell the organizers."),
        "not_found": _("Not found."),
    }.get(code, _("The request failed."))
