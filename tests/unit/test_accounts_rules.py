"""Account rules as plain functions: the growing wait after wrong passwords, password strength,
the SECRET_KEY check."""
import pytest

from contest.accounts.rules import password_weakness
from contest.accounts.throttle import FORGET_AFTER, MAX_WAIT, effective_failures, retry_after, wait_seconds
from contest.config import DEVELOPMENT_SECRET_KEY, secret_key_problem


def test_five_wrong_passwords_are_free_then_each_one_doubles_the_wait():
    assert [wait_seconds(n) for n in range(5)] == [0, 0, 0, 0, 0]
    assert [wait_seconds(n) for n in range(5, 13)] == [2, 4, 8, 16, 32, 64, 128, 256]


def test_the_wait_is_capped_at_five_minutes_however_many_guesses():
    assert MAX_WAIT == 300
    assert [wait_seconds(n) for n in (13, 14, 70, 10**9)] == [300, 300, 300, 300]


def test_retry_after_counts_from_the_last_wrong_password_rounded_up():
    # six wrong passwords, the last at t=100: wait 4 s
    assert [retry_after(6, 100.0, t) for t in (100.0, 101.5, 103.9, 104.0, 500.0)] == [4, 3, 1, 0, 0]
    assert retry_after(4, 100.0, 100.0) == 0  # still free
    assert retry_after(0, None, 100.0) == 0


def test_a_day_after_the_last_wrong_password_the_count_is_forgotten():
    assert effective_failures(30, 0.0, FORGET_AFTER - 1) == 30
    assert effective_failures(30, 0.0, FORGET_AFTER) == 0
    assert retry_after(30, 0.0, FORGET_AFTER) == 0


@pytest.mark.parametrize("password", ["12345678", "password", "iloveyou", "qwertyuiop", "matkhau", "vietnam123"])
def test_the_commonest_passwords_are_refused(password):
    assert password_weakness(password, "an.nguyen") == "guessable"


@pytest.mark.parametrize("password", ["an.nguyen", "AN.NGUYEN2026!", "xx-an.nguyen-xx"])
def test_a_password_containing_the_username_is_refused(password):
    assert password_weakness(password, "an.nguyen") == "username"


def test_the_full_name_counts_as_guessable_and_accents_do_not_hide_the_username():
    assert password_weakness("Bình2026", "binh") == "username"
    assert password_weakness("nguyenvanan", "an.nguyen", ["Nguyễn Văn An"]) == "guessable"


@pytest.mark.parametrize("password", ["mat-khau-dai", "sen hồng tháng năm", "Tr0ub4dor&3x"])
def test_passwords_hard_to_guess_pass(password):
    assert password_weakness(password, "an.nguyen") is None


def test_secret_key_is_required_outside_development():
    assert secret_key_problem(None, development=True) is None
    assert secret_key_problem("9c1f0e7b3a5d4c2e8f6a1b0c9d8e7f6a", development=False) is None
    assert secret_key_problem(None, development=False).startswith(
        "SECRET_KEY is not set, so anyone could forge a session. Set the SECRET_KEY environment variable")
    assert secret_key_problem("", development=False).startswith("SECRET_KEY is not set")
    assert secret_key_problem(DEVELOPMENT_SECRET_KEY, development=False).startswith(
        "SECRET_KEY is the development key")
    assert secret_key_problem("changeme", development=False).startswith("SECRET_KEY is too short")
    assert "instance/secret_key" in secret_key_problem(None, development=False)


def test_a_password_longer_than_zxcvbn_takes_is_judged_by_its_first_72_characters():
    # zxcvbn raises ValueError past 72 characters: a 200-character password was a 500.
    assert password_weakness("Hoc-tap-va-lam-theo-tu-tuong-dao-duc-phong-cach-Ho-Chi-Minh " * 3, "thisinh") is None
    assert password_weakness("a" * 200, "thisinh") == "guessable"
