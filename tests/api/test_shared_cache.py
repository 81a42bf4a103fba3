"""Caches live in Flask-Caching: Redis when REDIS_URL is set, so what one server forgets (a bank
change, a round's frozen ranks) every other server stops using; SimpleCache in the process else."""
import os
from datetime import timedelta

import pytest

from app import create_app
from contest.extensions import cache, db
from contest.rounds import service
from contest.rounds.models import Round
from contest.standings.service import freeze_closed_rounds, leaderboard
from question_bank import service as bank
from question_bank.candidates import load_candidates
from tests.servers import sharing_redis

TEST_CACHE_REDIS_URL = os.environ.get("TEST_CACHE_REDIS_URL", "redis://127.0.0.1:6379/4")


@pytest.fixture
def two_servers(app, clock):
    """Two app instances (as two gunicorn workers or two servers) sharing REDIS_URL db 4."""
    with sharing_redis(app, TEST_CACHE_REDIS_URL, CLOCK=clock, LEADERBOARD_CACHE_SECONDS=60) as servers:
        yield servers


def test_the_cache_is_redis_with_redis_url_and_in_the_process_without(app, two_servers):
    assert type(app.extensions["cache"][cache]).__name__ == "SimpleCache"
    assert [type(s.extensions["cache"][cache]).__name__ for s in two_servers] == ["RedisCache"] * 2


def test_a_bank_change_on_one_server_is_seen_by_the_others_draws(app, make, two_servers):
    first, second = two_servers
    questions = make.questions(4)
    with first.app_context():
        assert len(load_candidates()) == 4  # cached on the first server
    with second.app_context():
        bank.set_status([questions[0].id], "retired")
        db.session.commit()
        bank.bank_changed()
    with first.app_context():
        assert sorted(c.id for c in load_candidates()) == sorted(q.id for q in questions[1:])


def _finish(round_, user):
    attempt, _ = service.start_attempt(round_, user)
    service.submit_attempt(attempt)
    db.session.commit()  # services flush; the caller commits


def test_ranks_frozen_on_one_server_replace_the_live_ranks_cached_on_another(app, make, two_servers):
    first, second = two_servers
    make.questions(3)
    round_ = make.round(question_count=3, grace_seconds=10)
    _finish(round_, make.user(full_name="An"))
    with first.app_context():
        assert [r["display_name"] for r in leaderboard(db.session.get(Round, round_.id))] == ["An"]
    _finish(round_, make.user(full_name="Bình"))
    with first.app_context():  # live ranks are cached for a minute: the first server still has one
        assert [r["display_name"] for r in leaderboard(db.session.get(Round, round_.id))] == ["An"]
    make.clock.set(round_.closes_at + timedelta(seconds=11))
    # The cache is shared: the second server's readers get the same live ranks until the freeze...
    with second.app_context():
        assert [r["display_name"] for r in leaderboard(db.session.get(Round, round_.id))] == ["An"]
    # ...which cron runs there at the close (freeze-standings): it freezes the final ranks and forgets the live ones.
    with second.app_context():
        assert freeze_closed_rounds() == 1
    with first.app_context():
        assert db.session.get(Round, round_.id).standings_frozen_at is not None
        assert sorted(r["display_name"] for r in leaderboard(db.session.get(Round, round_.id))) == ["An", "Bình"]


def test_when_redis_does_not_answer_draws_and_ranks_are_computed_afresh(app, make, clock):
    config = {**app.config, "REDIS_URL": "redis://127.0.0.1:1/0", "CLOCK": clock,
              "LEADERBOARD_CACHE_SECONDS": 60}
    config.pop("SERVER_NAME", None)
    server = create_app(config)
    questions = make.questions(3)
    round_ = make.round(question_count=3)
    _finish(round_, make.user(full_name="An"))
    with server.app_context():
        assert sorted(c.id for c in load_candidates()) == sorted(q.id for q in questions)
        bank.bank_changed()
        assert [r["display_name"] for r in leaderboard(db.session.get(Round, round_.id))] == ["An"]
