"""Registration rules: the invitation code's shape, which settings apply to a unit, and how a
contest's own switch narrows them (for_contest)."""
import doctest

from contest.accounts import registration
from contest.accounts.registration import (CODE_ALPHABET, CODE_LENGTH, Settings, generate_code,
                                           normalize_code, printed, settings_for, valid_code)


def test_code_alphabet_has_nothing_misread_on_paper():
    for confusing in "0O1IL":
        assert confusing not in CODE_ALPHABET
    assert len(CODE_ALPHABET) == 31 and CODE_LENGTH == 8


def test_generated_codes_are_valid_and_differ():
    codes = {generate_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(valid_code(code) for code in codes)


def test_typed_code_is_read_as_printed():
    assert normalize_code(" k7mp-x3qa ") == "K7MPX3QA"
    assert normalize_code("K7MP X3QA") == "K7MPX3QA"
    assert printed("K7MPX3QA") == "K7MP-X3QA"
    assert valid_code(normalize_code(printed("K7MPX3QA")))
    assert not valid_code("K7MPX3Q") and not valid_code("K7MPX3QO") and not valid_code("")


def test_nearest_settings_up_the_tree_apply():
    # committee 1 > cell 2 > group 3; committee 4 elsewhere
    parents = {1: None, 2: 1, 3: 2, 4: None}
    closed = Settings(open=False)
    coded = Settings(code_required=True, approval_required=True)
    rows = {None: Settings(unit_required=False), 1: closed, 2: coded}
    assert settings_for(3, parents, rows) == coded  # the cell's own row holds for its group
    assert settings_for(2, parents, rows) == coded
    assert settings_for(1, parents, rows) == closed
    assert settings_for(4, parents, rows) == Settings(unit_required=False)  # the platform's
    assert settings_for(None, parents, rows) == Settings(unit_required=False)
    assert settings_for(3, parents, {}) == Settings()  # nothing set: open, a unit required
    assert Settings() == Settings(open=True, unit_required=True, code_required=False, approval_required=False)


def test_a_cycle_in_the_tree_does_not_hang():
    assert settings_for(1, {1: 2, 2: 1}, {None: Settings(open=False)}) == Settings(open=False)


def test_doctests():
    assert doctest.testmod(registration).failed == 0


def test_a_contest_switch_never_opens_what_the_settings_close():
    closed = registration.Options(True, Settings(), [], False)
    for mode in registration.CONTEST_REGISTRATION:
        assert registration.for_contest(closed, mode).closed
        assert not registration.for_contest(closed, mode).closed_by_contest
    offered = registration.Options(False, Settings(), [1], True)
    assert registration.for_contest(offered, "open") is offered
