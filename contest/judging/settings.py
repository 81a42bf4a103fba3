"""Judging's state of a writing round (contest.judging.models.JudgingSettings), one row per round."""
from sqlalchemy.exc import IntegrityError

from contest.extensions import db
from contest.judging.models import JudgingSettings


def settings_for(round_) -> JudgingSettings:
    """The round's judging settings, created with the defaults on first use (flushed in a
    savepoint, so that a simultaneous first use by another request is no error)."""
    found = db.session.get(JudgingSettings, round_.id)
    if found is None:
        try:
            with db.session.begin_nested():
                found = JudgingSettings(round_id=round_.id, current_stage=1, normalize_scores=False)
                db.session.add(found)
        except IntegrityError:  # created by a simultaneous request
            found = db.session.get(JudgingSettings, round_.id)
    return found


def normalizes(round_) -> bool:
    """Whether the round's final score is normalized per judge; a read, creating nothing."""
    found = db.session.get(JudgingSettings, round_.id)
    return bool(found and found.normalize_scores)
