"""The guard's rules (contest/guards.py) and the bounded fields, as plain functions."""
import json
import random
import re

import marshmallow as ma
import pytest

from contest.api import fields
from contest.bounds import ID_MAX, IdConverter, db_id, db_int, digits_up_to
from contest.guards import JsonTooDeep, has_control_chars, json_problem, load_json


@pytest.mark.parametrize("text", ["Hồ Chí Minh", "dòng một\ndòng hai\r\n\tthụt lề", "", "😀 ✓ — “ngoặc”"])
def test_ordinary_text_has_no_control_characters(text):
    assert has_control_chars(text) is False


@pytest.mark.parametrize("text", ["demo\u0000", "\u0001", "a\u001bb", "\u007f", "\u0085", "\u009f", "x\ud800"])
def test_nul_other_controls_and_lone_surrogates_are_control_characters(text):
    assert has_control_chars(text) is True


def test_json_problem_names_the_field_and_checks_keys():
    assert json_problem({"options": [{"text": "A"}, {"text": "B\u0000"}]}) == ("invalid_text", "options.1.text")
    assert json_problem({"scores": {"1\u0000": 5}}) == ("invalid_text", "scores.1\u0000")
    assert json_problem({"a": 1, "b": [True, None, 2.5]}) is None


def test_json_depth_limit_is_32_levels():
    assert json_problem(load_json("[" * 32 + "]" * 32)) is None
    assert json_problem(json.loads("[" * 33 + "]" * 33)) == ("too_deep", ".".join(["0"] * 32))
    with pytest.raises(JsonTooDeep):
        load_json("[" * 33 + "]" * 33)
    # Deeper than json.loads itself can go: refused, never a RecursionError.
    with pytest.raises(JsonTooDeep):
        load_json("[" * 100_000 + "]" * 100_000)
    # A walk without recursion: 100,000 levels built in Python do not crash it.
    deep = []
    for _ in range(100_000):
        deep = [deep]
    assert json_problem(deep)[0] == "too_deep"


def test_digits_up_to_matches_exactly_1_to_the_maximum():
    small = re.compile(f"(?:{digits_up_to(215)})")
    assert [n for n in range(0, 1000) if small.fullmatch(str(n))] == list(range(1, 216))
    ids = re.compile(IdConverter.regex)
    rng = random.Random(7)
    for n in [1, 9, 10, 99, 2_000_000_000, ID_MAX - 1, ID_MAX] + [rng.randint(1, ID_MAX) for _ in range(2000)]:
        assert ids.fullmatch(str(n)), n
    for text in ["0", "01", str(ID_MAX + 1), "2147483650", "2200000000", "9999999999", str(2 ** 63), str(10 ** 30)]:
        assert ids.fullmatch(text) is None, text


def test_db_int_and_db_id():
    assert db_int("12") == 12 and db_int("-2147483648") == -2 ** 31
    for text in ("2147483648", "x", str(10 ** 30)):
        with pytest.raises(ValueError):
            db_int(text)
    assert [db_id(v) for v in ("12", " 7 ", "0", "2147483648", "1e3", "-1", "", None, "٣")] == \
        [12, 7, None, None, None, None, None, None, None]


def test_bounded_fields_refuse_what_a_column_cannot_hold():
    class S(ma.Schema):
        n = fields.Integer()
        id = fields.Id()
        count = fields.Count(maximum=500)
        points = fields.Float()

    assert S().load({"n": -2 ** 31, "id": ID_MAX, "count": 500, "points": 99.5}) == \
        {"n": -2 ** 31, "id": ID_MAX, "count": 500, "points": 99.5}
    for data in ({"n": 2 ** 31}, {"n": -2 ** 31 - 1}, {"id": 0}, {"id": 10 ** 30}, {"count": 501},
                 {"count": -1}, {"points": 1e30}, {"points": float("nan")}, {"points": float("inf")}):
        with pytest.raises(ma.ValidationError):
            S().load(data)


def test_worked_examples_in_the_docstrings_hold():
    import doctest

    from contest import bounds, guards

    assert doctest.testmod(bounds).failed == 0 and doctest.testmod(guards).failed == 0
