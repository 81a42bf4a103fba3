"""The one formatting helper, in both locales (issue 12 point 3)."""
from datetime import datetime, timezone

import pytest
from flask import Flask
from flask_babel import Babel, force_locale

from contest.formatting import datetimeformat, duration, number, percent, plain, score, when

MONDAY_9 = datetime(2026, 12, 7, 2, 0, tzinfo=timezone.utc)  # 09:00 in Hà Nội


@pytest.fixture
def ctx():
    app = Flask(__name__)
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Asia/Ho_Chi_Minh"
    Babel(app)
    with app.test_request_context():
        yield


def test_duration_reads_like_a_clock_and_keeps_tenths(ctx):
    with force_locale("en"):
        assert duration(185.24) == "3 min 05.2 s"
        assert duration(42) == "42.0 s"
        assert duration(None) == "—"
        assert duration(-3) == "0.0 s"


def test_numbers_in_vietnamese_and_english(ctx):
    with force_locale("vi"):
        assert [number(3, 1), number(3000), number(82.5, 2), number(None)] == ["3,0", "3.000", "82,50", "—"]
    with force_locale("en"):
        assert [number(3, 1), number(3000), number(82.5, 2)] == ["3.0", "3,000", "82.50"]


def test_plain_drops_trailing_zeros_for_settings(ctx):
    with force_locale("vi"):
        assert [plain(10), plain(1.5), plain(2.25), plain(None)] == ["10", "1,5", "2,25", "—"]
    with force_locale("en"):
        assert [plain(10), plain(1.5), plain(1000)] == ["10", "1.5", "1,000"]


def test_percentages_take_a_fraction(ctx):
    with force_locale("vi"):
        assert [percent(1), percent(0.975), percent(0.5, 0)] == ["100,0\u00a0%", "97,5\u00a0%", "50\u00a0%"]
    with force_locale("en"):
        assert [percent(1), percent(0.975), percent(None)] == ["100.0%", "97.5%", "—"]


def test_a_moment_in_a_sentence_says_the_weekday_and_the_zone(ctx):
    with force_locale("vi"):
        assert when(MONDAY_9) == "09:00 thứ Hai, 7/12/2026 (giờ Việt Nam)"
        assert when(datetime(2026, 12, 6, 2, 0, tzinfo=timezone.utc)) == "09:00 Chủ nhật, 6/12/2026 (giờ Việt Nam)"
    with force_locale("en"):
        assert when(MONDAY_9) == "9:00 AM, Monday, December 7, 2026 (Vietnam Time)"


def test_a_moment_in_a_table_is_short_with_a_four_digit_year_and_the_offset(ctx):
    with force_locale("vi"):
        assert when(MONDAY_9, "short") == "09:00 7/12/2026 (GMT+7)"
        assert datetimeformat(MONDAY_9, "short") == "09:00 7/12/2026 (GMT+7)"
    with force_locale("en"):
        assert when(MONDAY_9, "short") == "Dec 7, 2026, 9:00 AM (GMT+7)"


def test_a_naive_moment_is_utc_and_none_is_a_dash(ctx):
    with force_locale("vi"):
        assert when(MONDAY_9.replace(tzinfo=None), "short") == "09:00 7/12/2026 (GMT+7)"
        assert when(None) == "—"


def test_scores_keep_their_hundredths_and_show_at_least_tenths(ctx):
    with force_locale("vi"):
        assert [score(3), score(7.25), score(82.5), score(None)] == ["3,0", "7,25", "82,5", "—"]
    with force_locale("en"):
        assert [score(3), score(7.25)] == ["3.0", "7.25"]
