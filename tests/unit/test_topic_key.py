"""Topic names are the same when they differ only by case, Unicode form or spacing."""
import unicodedata

import pytest

from question_bank.models import clean_topic_name, topic_key


@pytest.mark.parametrize("typed", [
    "Đạo đức Hồ Chí Minh",
    "đạo đức  hồ chí minh",
    "  ĐẠO ĐỨC HỒ CHÍ MINH ",
    unicodedata.normalize("NFD", "Đạo đức Hồ Chí Minh"),  # typed with combining marks
    "Đạo\u00a0đức\tHồ Chí\u200b Minh",  # no-break space, tab, zero-width space
])
def test_the_same_name_however_it_is_typed(typed):
    assert topic_key(typed) == "đạo đức hồ chí minh"


def test_diacritics_and_letters_still_count():
    assert topic_key("Bác") != topic_key("Bạc")
    assert topic_key("Đạo đức") != topic_key("Dao duc")
    assert topic_key("Tuần 1/2026") == "tuần 1/2026"
    assert topic_key("STRASSE") == topic_key("straße") == "strasse"  # full case folding


def test_clean_name_keeps_case_and_letters():
    assert clean_topic_name("  Đạo đức \n Hồ Chí Minh\ufeff ") == "Đạo đức Hồ Chí Minh"
    assert clean_topic_name(unicodedata.normalize("NFD", "Bác Hồ")) == "Bác Hồ"
    assert clean_topic_name(None) == "" and topic_key("   ") == ""
