"""Pure rules: when a round may be published, where `next=` may go, how units are counted."""
import doctest
from datetime import datetime, timedelta, timezone

import pytest

from contest.accounts import redirects
from contest.accounts.redirects import safe_next
from contest.standings import participation, publishing
from contest.standings.publishing import Refusal, is_final, publish_refusal

CLOSES = datetime(2026, 12, 14, 2, 0, tzinfo=timezone.utc)  # Monday 09:00 in Hà Nội


@pytest.mark.parametrize("module", [publishing, participation, redirects])
def test_worked_examples_in_the_docstrings_hold(module):
    assert doctest.testmod(module).failed == 0


def test_a_quiz_round_is_open_until_its_grace_has_passed():
    assert publish_refusal(kind="quiz", now=CLOSES - timedelta(days=3), closes_at=CLOSES,
                           grace_seconds=10) == Refusal("round_open")
    assert publish_refusal(kind="quiz", now=CLOSES, closes_at=CLOSES, grace_seconds=10) == Refusal("round_open")
    edge = CLOSES + timedelta(seconds=10)  # a save is still accepted at exactly close + grace
    assert publish_refusal(kind="quiz", now=edge, closes_at=CLOSES, grace_seconds=10) == Refusal("round_open")
    assert publish_refusal(kind="quiz", now=edge + timedelta(microseconds=1), closes_at=CLOSES,
                           grace_seconds=10) is None
    assert is_final("quiz", CLOSES + timedelta(microseconds=1), CLOSES, 0)


def test_a_quiz_round_ignores_missing_sheets():
    assert publish_refusal(kind="quiz", now=CLOSES + timedelta(hours=1), closes_at=CLOSES,
                           missing_codes=["VB-AAAAAA"]) is None


def test_a_writing_round_needs_its_close_and_every_sheet():
    assert publish_refusal(kind="essay", now=CLOSES - timedelta(seconds=1), closes_at=CLOSES) == Refusal("round_open")
    assert publish_refusal(kind="essay", now=CLOSES, closes_at=CLOSES, grace_seconds=600) is None
    assert publish_refusal(kind="essay", now=CLOSES, closes_at=CLOSES,
                           missing_codes=["VB-ZZ0001", "VB-AA0002", "VB-ZZ0001"]) == \
        Refusal("judging_incomplete", ("VB-AA0002", "VB-ZZ0001"))


@pytest.mark.parametrize("target", [
    "https://evil.example/", "http://evil.example", "//evil.example", "///evil.example", "/\\evil.example",
    "\\\\evil.example", "/\t/evil.example", "/\n/evil.example", " /manage/", "manage/", "javascript:alert(1)",
    "", None])
def test_next_off_the_site_is_refused(target):
    assert safe_next(target) is None


@pytest.mark.parametrize("target", ["/", "/manage/", "/rounds/3/leaderboard?page=2", "/judging/manage/rounds/5/results#x"])
def test_next_on_the_site_is_followed(target):
    assert safe_next(target) == target


def test_a_member_counts_in_every_ancestor_once_and_a_loop_stops():
    parents = {1: None, 2: 1, 3: 2, 4: 5, 5: 4}  # 4 and 5: a loop, by mistake
    counted = participation.count_units(parents, [(10, 3), (11, 4)], {10: 7.5})
    assert counted[1] == counted[2] == counted[3] == (1, 1, 7.5)
    assert counted[4] == counted[5] == (1, 0, 0.0)
