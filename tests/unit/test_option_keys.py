"""The ids and order members see for a question's options carry no information (worked examples,
and rates over many seeded draws that cannot flake)."""
import random

import pytest

from contest.rounds.options import KEY_MAX, KEY_MIN, display_order, freeze, public_keys

# 24 questions written the way authors (and the demo bank) write them: the right answer first,
# option ids in writing order.
BANK = [[(q * 10 + i, f"Đáp án {i}") for i in range(4)] for q in range(24)]
KEY = {options[0][0] for options in BANK}


def draws(n, seed, shuffle=True):
    rng = random.Random(seed)
    for _ in range(n):
        taken = set()
        yield [(options, *freeze(options, "single", shuffle, taken, rng)) for options in BANK]


def test_lowest_public_key_is_the_answer_at_chance():
    hits = total = 0
    for attempt in draws(400, seed=20261207):
        for options, order, keys in attempt:
            lowest = min(keys, key=int)
            hits += keys[lowest] in KEY
            total += 1
    # 9,600 questions, chance 1/4 (standard deviation 0.0044): the seed fixes the outcome.
    assert total == 9600 and abs(hits / total - 0.25) < 0.02
    # What an author's order would have given away: the lowest option id is always the key.
    assert all(min(o for o, _ in options) in KEY for options in BANK)


def test_first_option_shown_is_the_answer_at_chance():
    hits = total = 0
    for attempt in draws(400, seed=7):
        for options, order, keys in attempt:
            hits += order[0] in KEY
            total += 1
    assert abs(hits / total - 0.25) < 0.02


def test_key_order_says_nothing_about_the_authors_order():
    same = total = 0
    for attempt in draws(400, seed=11):
        for options, order, keys in attempt:
            by_key = [keys[k] for k in sorted(keys, key=int)]
            same += by_key == [o for o, _ in options]
            total += 1
    assert abs(same / total - 1 / 24) < 0.01  # 4 options: 24 orders, each as likely


def test_keys_are_random_six_digit_numbers_unique_in_the_attempt():
    taken = set()
    keys = [public_keys([o for o, _ in options], taken) for options in BANK]
    every = [int(k) for ks in keys for k in ks]
    assert len(every) == len(set(every)) == 96 and taken == set(every)
    assert all(KEY_MIN <= k <= KEY_MAX for k in every)
    assert all(sorted(ks.values()) == [o for o, _ in options] for ks, options in zip(keys, BANK))


def test_a_key_already_taken_is_drawn_again():
    class Scripted:
        def __init__(self, values):
            self.values = iter(values)

        def randint(self, a, b):
            return next(self.values)

    taken = {111111}
    assert public_keys([5, 6], taken, Scripted([111111, 222222, 222222, 333333])) == {"222222": 5, "333333": 6}
    assert taken == {111111, 222222, 333333}


def test_unshuffled_rounds_keep_the_authors_order_but_not_their_ids():
    for options, order, keys in next(draws(1, seed=3, shuffle=False)):
        assert order == [o for o, _ in options]
        assert not set(map(int, keys)) & {o for o, _ in options}


@pytest.mark.parametrize("written", [[(7, "Đúng"), (8, "Sai")], [(8, "Sai"), (7, "Đúng")]])
def test_true_false_is_always_shown_dung_then_sai(written):
    assert display_order(written, "true_false", shuffle=True, rng=random.Random(1)) == [7, 8]
    assert display_order(written, "true_false", shuffle=False) == [7, 8]


def test_true_false_with_other_labels_is_shuffled_like_any_question():
    written = [(1, "Có"), (2, "Không")]
    orders = {tuple(display_order(written, "true_false", True, random.Random(seed))) for seed in range(20)}
    assert orders == {(1, 2), (2, 1)}
