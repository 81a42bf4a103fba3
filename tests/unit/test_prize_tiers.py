"""The one check of a round's prize tiers (API and forms), and the textarea's lines."""
import doctest

from contest.rounds import prizes
from contest.rounds.prizes import DEFAULT_PRIZES, check_prizes, parse_prizes_text, prizes_text, with_prizes


def test_doctests():
    assert doctest.testmod(prizes).failed == 0


def test_the_vcnet_default_is_1_2_5_8():
    assert [(t["name"], t["count"]) for t in DEFAULT_PRIZES] == [
        ("Giải Nhất", 1), ("Giải Nhì", 2), ("Giải Ba", 5), ("Giải Khuyến khích", 8)]
    assert check_prizes(DEFAULT_PRIZES) == (DEFAULT_PRIZES, [])


def test_names_are_stored_nfc():
    decomposed = "Gia\u0309i Nhi\u0300"  # "Giải Nhì" typed with combining marks
    tiers, problems = check_prizes([{"name": decomposed, "count": 2}])
    assert problems == [] and tiers == [{"name": "Giải Nhì", "count": 2}]


def test_every_problem_is_named():
    assert check_prizes([{"name": "A", "count": 10001}])[1] == [
        "Tier 1: the number of prizes must be a whole number from 1 to 10000."]
    assert check_prizes([{"name": "A", "count": "3"}])[1] == [
        "Tier 1: the number of prizes must be a whole number from 1 to 10000."]
    assert check_prizes([{"name": "A", "count": 1}, {"name": "A ", "count": 1}])[1] == [
        'Tier 2: two tiers have the same name "A".']
    assert check_prizes([{"name": "A", "count": 1, "extra": 1}])[1] == [
        "Tier 1: give a name and a count, nothing else."]
    assert check_prizes("Giải Nhất")[1] == ["Prizes must be a list of {name, count}."]
    assert check_prizes([{"name": f"G{i}", "count": 1} for i in range(21)])[1] == ["At most 20 prize tiers."]
    assert check_prizes([{"name": f"G{i}", "count": 1} for i in range(20)])[1] == []
    assert check_prizes([{"name": "x" * 100, "count": 10000}])[1] == []


def test_the_textarea_round_trips_the_default():
    assert parse_prizes_text(prizes_text(DEFAULT_PRIZES)) == (DEFAULT_PRIZES, [])


def test_two_members_tied_at_the_eighth_consolation_place_both_get_it():
    rows = [{"rank": r} for r in [*range(1, 16), 16, 16, 18]]
    with_prizes(rows, DEFAULT_PRIZES)
    assert [r["prize"] for r in rows][-4:] == ["Giải Khuyến khích"] * 3 + [None]
    assert [r["prize"] for r in rows][:4] == ["Giải Nhất", "Giải Nhì", "Giải Nhì", "Giải Ba"]
