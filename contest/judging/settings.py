"""Judging's state of a writing round (contest.judging.models.JudgingSettings), one row per round.

Reading never writes (a GET page only shows the settings): ``settings_for`` gives the stored row
or the defaults unsaved. Whatever changes them asks ``settings_to_change``, which creates the row
on first change.
"""
from sqlalchemy.exc import IntegrityError

from contest.extensions import db
from contest.judging.models import JudgingSettings


def _defaults(round_) -> JudgingSettings:
    return JudgingSettings(round_id=round_.id, current_stage=1, normalize_scores=False)


def settings_for(round_) -> JudgingSettings:
    """The round's judging settings, to read: the stored row, or the defaults unsaved."""
    return db.session.get(JudgingSettings, round_.id) or _defaults(round_)


def settings_to_change(round_) -> JudgingSettings:
    """The round's judging settings in the session, created with the defaults on first change
    (flushed in a savepoint, so that a simultaneous first change by another request is no error).
    The request commits."""
    found = db.session.get(JudgingSettings, round_.id)
    if found is None:
        try:
            with db.session.begin_nested():
                found = _defaults(round_)
                db.session.add(found)
        except IntegrityError:  # created by a simultaneous request
            found = db.session.get(JudgingSettings, round_.id)
    return found


def normalizes(round_) -> bool:
    """Whether the round's final score is normalized per judge; a read, creating nothing."""
    return bool(settings_for(round_).normalize_scores)
