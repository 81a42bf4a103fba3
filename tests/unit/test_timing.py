from datetime import datetime, timedelta, timezone

import pytest

from contest.rounds.timing import (
    accepts_writes,
    attempt_deadline,
    is_overdue,
    round_state,
    seconds_left,
    time_taken,
)

UTC = timezone.utc
# A weekly round: Monday 10:00 to the next Monday 09:00.
OPENS = datetime(2025, 5, 12, 10, 0, tzinfo=UTC)
CLOSES = datetime(2025, 5, 19, 9, 0, tzinfo=UTC)


def test_deadline_is_start_plus_duration_when_round_closes_later():
    start = datetime(2025, 5, 14, 20, 0, tzinfo=UTC)
    assert attempt_deadline(start, 900, CLOSES) == start + timedelta(minutes=15)


def test_deadline_is_capped_by_round_close():
    # Started 5 minutes before the round closes with a 15-minute timer: only 5 minutes.
    start = CLOSES - timedelta(minutes=5)
    assert attempt_deadline(start, 900, CLOSES) == CLOSES


def test_no_duration_means_the_round_close_is_the_deadline():
    start = datetime(2025, 5, 14, 20, 0, tzinfo=UTC)
    assert attempt_deadline(start, None, CLOSES) == CLOSES


def test_save_exactly_at_deadline_plus_grace_is_accepted_one_microsecond_later_refused():
    deadline = datetime(2025, 5, 14, 20, 15, tzinfo=UTC)
    grace = 10
    edge = deadline + timedelta(seconds=grace)
    assert accepts_writes(deadline, deadline, grace)
    assert accepts_writes(edge, deadline, grace)
    assert not is_overdue(edge, deadline, grace)
    late = edge + timedelta(microseconds=1)
    assert not accepts_writes(late, deadline, grace)
    assert is_overdue(late, deadline, grace)


def test_zero_grace_refuses_right_after_deadline():
    deadline = datetime(2025, 5, 14, 20, 15, tzinfo=UTC)
    assert accepts_writes(deadline, deadline, 0)
    assert is_overdue(deadline + timedelta(microseconds=1), deadline, 0)


def test_round_state_boundaries():
    assert round_state(OPENS - timedelta(microseconds=1), OPENS, CLOSES) == "upcoming"
    assert round_state(OPENS, OPENS, CLOSES) == "open"
    assert round_state(CLOSES - timedelta(microseconds=1), OPENS, CLOSES) == "open"
    assert round_state(CLOSES, OPENS, CLOSES) == "closed"
    assert round_state(CLOSES + timedelta(days=3), OPENS, CLOSES) == "closed"


def test_seconds_left_is_whole_and_never_negative():
    deadline = datetime(2025, 5, 14, 20, 15, tzinfo=UTC)
    assert seconds_left(deadline - timedelta(minutes=2), deadline) == 120
    assert seconds_left(deadline - timedelta(seconds=59, milliseconds=900), deadline) == 59
    assert seconds_left(deadline, deadline) == 0
    assert seconds_left(deadline + timedelta(seconds=30), deadline) == 0


def test_time_taken_is_start_to_finish():
    start = datetime(2025, 5, 14, 20, 0, tzinfo=UTC)
    deadline = start + timedelta(minutes=15)
    assert time_taken(start, start + timedelta(minutes=7, seconds=30), deadline) == 450.0


def test_time_taken_of_attempt_scored_after_deadline_is_until_deadline():
    start = datetime(2025, 5, 14, 20, 0, tzinfo=UTC)
    deadline = start + timedelta(minutes=15)
    # Submitted within the grace, or closed by the server hours later: both took 15 minutes.
    assert time_taken(start, deadline + timedelta(seconds=8), deadline) == 900.0
    assert time_taken(start, deadline + timedelta(hours=3), deadline) == 900.0


def test_time_taken_keeps_sub_second_precision():
    start = datetime(2025, 5, 14, 20, 0, tzinfo=UTC)
    deadline = start + timedelta(minutes=15)
    assert time_taken(start, start + timedelta(seconds=61, milliseconds=250), deadline) == 61.25


def test_other_utc_offsets_compare_by_instant():
    hanoi = timezone(timedelta(hours=7))
    deadline = datetime(2025, 5, 14, 20, 15, tzinfo=UTC)
    same_instant_in_hanoi = datetime(2025, 5, 15, 3, 15, tzinfo=hanoi)
    assert accepts_writes(same_instant_in_hanoi, deadline, 0)


def test_naive_datetimes_are_rejected():
    naive = datetime(2025, 5, 14, 20, 0)
    with pytest.raises(ValueError):
        attempt_deadline(naive, 900, CLOSES)
    with pytest.raises(ValueError):
        accepts_writes(naive, CLOSES, 5)
    with pytest.raises(ValueError):
        round_state(naive, OPENS, CLOSES)


# --- extra time (WCAG 2.2.1) -------------------------------------------------------------

def test_extra_time_is_added_to_start_plus_duration():
    start = datetime(2025, 5, 12, 11, 0, tzinfo=UTC)
    # 15 minutes + 10 extra: 11:25.
    assert attempt_deadline(start, 900, CLOSES, extra_seconds=600) == datetime(2025, 5, 12, 11, 25, tzinfo=UTC)


def test_extra_time_moves_the_close_for_that_member():
    start = CLOSES - timedelta(minutes=5)  # starts 5 minutes before the close
    # 15 minutes would end at 09:10, the close cuts at 09:00; 10 extra minutes: 09:10.
    assert attempt_deadline(start, 900, CLOSES) == CLOSES
    assert attempt_deadline(start, 900, CLOSES, extra_seconds=600) == datetime(2025, 5, 19, 9, 10, tzinfo=UTC)
    # 3 extra minutes: the member's close is 09:03, earlier than start + duration + extra (09:13).
    assert attempt_deadline(start, 900, CLOSES, extra_seconds=180) == datetime(2025, 5, 19, 9, 3, tzinfo=UTC)


def test_extra_time_without_duration_is_the_close_plus_extra():
    start = OPENS
    assert attempt_deadline(start, None, CLOSES, extra_seconds=1200) == CLOSES + timedelta(minutes=20)


def test_no_extra_time_is_the_old_deadline_and_negative_is_refused():
    start = OPENS
    assert attempt_deadline(start, 900, CLOSES, extra_seconds=0) == attempt_deadline(start, 900, CLOSES)
    with pytest.raises(ValueError):
        attempt_deadline(start, 900, CLOSES, extra_seconds=-1)


def test_timing_worked_examples():
    import doctest

    from contest.rounds import timing

    assert doctest.testmod(timing).failed == 0
