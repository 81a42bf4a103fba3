"""Final ranks: computed once when the round closes, with the prediction question's true number."""
from datetime import timedelta

from contest.extensions import db
from contest.rounds import service
from contest.rounds.models import Round
from contest.standings.models import Standing
from contest.standings.service import leaderboard


def _take(round_, user, right: int, seconds: int, prediction: int, clock):
    attempt, _ = service.start_attempt(round_, user)
    for aq in attempt.questions[:right]:
        service.save_answer(attempt.id, aq.question_id, aq.public_ids(o.id for o in aq.version.options if o.is_correct))
    clock.advance(seconds=seconds)
    service.submit_attempt(attempt, prediction)
    clock.advance(seconds=-seconds)


def test_prediction_breaks_ties_once_the_round_closes_and_ranks_freeze(app, make):
    make.questions(3)
    round_ = make.round(question_count=3, prediction_prompt="Bao nhiêu người đúng hết?")
    an, binh, chi = make.user(full_name="An"), make.user(full_name="Bình"), make.user(full_name="Chi")
    _take(round_, an, 3, 100, prediction=9, clock=make.clock)    # all right, far guess
    _take(round_, binh, 3, 200, prediction=2, clock=make.clock)  # all right, exact guess (2 did)
    _take(round_, chi, 2, 50, prediction=2, clock=make.clock)
    live = [r["display_name"] for r in leaderboard(round_)]
    assert live == ["An", "Bình", "Chi"]  # open: the truth is unknown, shorter time first
    make.clock.set(round_.closes_at + timedelta(minutes=1))
    app.test_cli_runner().invoke(args=["freeze-standings"])
    db.session.expire_all()
    frozen = db.session.get(Round, round_.id)
    assert frozen.prediction_truth == 2 and frozen.standings_frozen_at is not None
    final = leaderboard(frozen)
    assert [(r["rank"], r["display_name"], r["prediction_gap"]) for r in final] == [
        (1, "Bình", 0), (2, "An", 7), (3, "Chi", 0)]
    # Frozen: computing again changes nothing and adds no rows.
    app.test_cli_runner().invoke(args=["freeze-standings"])
    assert db.session.query(Standing).count() == 3


def test_an_attempt_submitted_in_the_grace_after_the_close_is_in_the_final_ranks(app, make):
    """Ranks freeze once the grace has passed, not at the close: answers still in flight count."""
    make.questions(3)
    round_ = make.round(question_count=3, grace_seconds=10, duration_seconds=600)
    early, late = make.user(full_name="Sớm"), make.user(full_name="Muộn")
    _take(round_, early, 3, 100, prediction=1, clock=make.clock)
    make.clock.set(round_.closes_at - timedelta(minutes=5))
    attempt, _ = service.start_attempt(round_, late)
    make.clock.set(round_.closes_at + timedelta(seconds=5))
    assert [r["display_name"] for r in leaderboard(round_)] == ["Sớm"]  # a reader in the grace
    assert db.session.get(Round, round_.id).standings_frozen_at is None
    assert service.submit_attempt(attempt).status == "submitted"  # still accepted
    make.clock.set(round_.closes_at + timedelta(seconds=11))
    final = leaderboard(db.session.get(Round, round_.id))
    assert [r["display_name"] for r in final] == ["Sớm", "Muộn"]
    assert db.session.get(Round, round_.id).standings_frozen_at is not None
