"""The dashboard's pure rules: bucket labels in Vietnam time, filled buckets, truncated texts."""
import doctest
from datetime import datetime, timezone

from contest.standings import dashboard


def test_the_worked_examples_hold():
    result = doctest.testmod(dashboard)
    assert result.attempted >= 5 and result.failed == 0


def test_labels_cross_midnight_in_vietnam_time():
    assert dashboard.bucket_label(datetime(2026, 12, 6, 16, 50, tzinfo=timezone.utc)) == "23:50"
    assert dashboard.bucket_label(datetime(2026, 12, 6, 17, 0, tzinfo=timezone.utc)) == "00:00"


def test_a_long_question_is_cut_to_80_characters():
    text = "Chủ tịch Hồ Chí Minh " * 10
    cut = dashboard.truncate(text)
    assert len(cut) == 80 and cut.endswith("…") and cut.startswith("Chủ tịch Hồ Chí Minh Chủ tịch")
