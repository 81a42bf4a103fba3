import random

import pytest

from contest.essays.codes import ALPHABET, is_code, new_code, new_unique_code


def test_code_shape():
    code = new_code()
    assert code.startswith("VB-") and len(code) == 9
    assert all(ch in ALPHABET for ch in code[3:])
    assert is_code(code)


def test_alphabet_has_no_ambiguous_characters():
    for ch in "0O1IL":
        assert ch not in ALPHABET
    assert len(set(ALPHABET)) == len(ALPHABET) == 31


def test_codes_are_not_sequential_or_repeated():
    codes = [new_code() for _ in range(2000)]
    assert len(set(codes)) == len(codes)
    assert codes != sorted(codes)


def test_seeded_rng_is_reproducible_and_prefix_can_change():
    assert new_code(random.Random(7)) == new_code(random.Random(7))
    assert new_code(random.Random(7), prefix="CK").startswith("CK-")


def test_is_code_rejects_bad_shapes():
    for bad in ("", "VB-7K3Q9", "VB-7K3Q9MM", "VB-0K3Q9M", "vb-7K3Q9M", "VB7K3Q9M", "VB-7K3QIM"):
        assert not is_code(bad)


def test_new_unique_code_skips_taken_codes():
    rng = random.Random(3)
    first = new_code(random.Random(3))
    code = new_unique_code({first}, rng=rng)
    assert code != first and is_code(code)
    assert new_unique_code(lambda c: False) is not None


def test_new_unique_code_gives_up():
    with pytest.raises(RuntimeError):
        new_unique_code(lambda c: True, attempts=3)
