import unicodedata

import pytest

from contest.essays.text import (
    check_length,
    normalize_text,
    text_to_html,
    word_count,
)


# ------------------------------------------------------------------ normalize_text


def test_normalize_composes_vietnamese_to_nfc():
    decomposed = unicodedata.normalize("NFD", "Hồ Chí Minh")
    assert decomposed != "Hồ Chí Minh"
    assert normalize_text(decomposed) == "Hồ Chí Minh"


def test_normalize_line_endings_and_trailing_spaces():
    assert normalize_text("Dòng một  \r\nDòng hai\t\rDòng ba ") == "Dòng một\nDòng hai\nDòng ba"


def test_normalize_collapses_three_or_more_blank_lines_to_two():
    assert normalize_text("a\n\n\n\n\n\nb") == "a\n\n\nb"
    assert normalize_text("a\n\n\n\nb") == "a\n\n\nb"
    # up to two blank lines are kept as written
    assert normalize_text("a\n\n\nb") == "a\n\n\nb"
    assert normalize_text("a\n\nb") == "a\n\nb"


def test_normalize_blank_lines_with_spaces_count_as_blank():
    assert normalize_text("a\n  \n \t\n   \n\nb") == "a\n\n\nb"


def test_normalize_strips_nul_and_control_chars_but_keeps_tab_and_newline():
    assert normalize_text("a\x00b\x07c\x1b[31m\td\ne\x7f") == "abc[31m\td\ne"


def test_normalize_unicode_line_separators():
    assert normalize_text("một\u2028hai\u2029ba") == "một\nhai\nba"


def test_normalize_trims_ends_and_handles_empty():
    assert normalize_text("\n\n  Mở đầu\n\n") == "  Mở đầu"
    assert normalize_text("") == ""
    assert normalize_text("   \n\t\n") == ""


def test_normalize_is_idempotent():
    s = "Bác  \r\n\r\n\r\n\r\n\r\nHồ\x00 "
    once = normalize_text(s)
    assert normalize_text(once) == once


# ------------------------------------------------------------------ word_count


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Hồ Chí Minh", 3),
        ("Chủ tịch Hồ Chí Minh sinh năm 1890.", 8),
        ("Học tập - và - làm theo ... Bác !", 6),
        ("Ngày 19/5/1890, tại Nghệ An", 5),
        ("  \n\t ", 0),
        ("", 0),
        ("— … « » “ ”", 0),
        ("COVID-19 năm 2020", 3),
        ("tư tưởng,đạo đức", 3),  # "tưởng,đạo" has no space: one token, as Word counts it
    ],
)
def test_word_count_counts_syllables_and_numbers_not_punctuation(text, expected):
    assert word_count(text) == expected


def test_word_count_counts_across_lines():
    assert word_count("Tấm gương\nsáng\n\nngời") == 4


# ------------------------------------------------------------------ check_length


def test_check_length():
    assert check_length(499, 500, 3000) == "too_short"
    assert check_length(500, 500, 3000) is None
    assert check_length(3000, 500, 3000) is None
    assert check_length(3001, 500, 3000) == "too_long"
    assert check_length(0, None, None) is None
    assert check_length(10**6, 0, None) is None
    assert check_length(1, None, 3000) is None


# ------------------------------------------------------------------ HTML


def test_text_to_html_escapes_and_makes_paragraphs():
    text = "Đoạn <b>một</b> & \"hai\"\ndòng tiếp\n\n\nĐoạn hai"
    assert text_to_html(text) == (
        "<p>Đoạn &lt;b&gt;một&lt;/b&gt; &amp; &quot;hai&quot;<br>dòng tiếp</p><p>Đoạn hai</p>"
    )
    assert text_to_html("") == ""


def test_text_that_looks_like_markup_is_kept_as_typed_and_escaped_when_shown():
    typed = "Tác phẩm <Nhật ký trong tù> của Bác\n<svg onload=alert(1)> và <style>p{}</style>"
    assert normalize_text(typed) == typed
    assert word_count(typed) == 12  # 8 in the first line, 4 in the second
    assert text_to_html(typed) == (
        "<p>Tác phẩm &lt;Nhật ký trong tù&gt; của Bác<br>"
        "&lt;svg onload=alert(1)&gt; và &lt;style&gt;p{}&lt;/style&gt;</p>"
    )
