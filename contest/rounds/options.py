"""How a drawn question's options are shown: their order and the ids members see.

Options get their database ids in the order the author wrote them, and authors write the right
answer first, so a member who saw those ids could pick the lowest one and score full marks.
Members therefore never see them: every attempt question carries its own map of public keys,
random numbers drawn afresh for each attempt, unrelated to correctness, to the order the author
wrote the options in and to the order they are shown in. `selected` keeps the real option ids,
so scoring, item analysis and exports never see a public key.
"""
import random
import secrets

from question_bank.formats.common import FALSE_LABEL, TRUE_LABEL

KEY_MIN = 100_000
KEY_MAX = 999_999  # six digits: easy on a phone's inspector, room for any attempt without clashes


class _SecretsRandom:
    """`secrets` behind the two methods used here (the default: unpredictable)."""

    @staticmethod
    def randint(a: int, b: int) -> int:
        return a + secrets.randbelow(b - a + 1)

    @staticmethod
    def shuffle(items: list) -> None:
        secrets.SystemRandom().shuffle(items)


def display_order(options: list[tuple[int, str]], kind: str, shuffle: bool, rng=None) -> list[int]:
    """The option ids in the order the member sees them.

    `options` are (id, text) in the author's order. Shuffled when the round shuffles; a
    true/false question is always shown "Đúng" then "Sai", whichever the author wrote first
    (its order then says nothing about the answer or the author), and shuffled like any other
    when its labels are something else.

    >>> display_order([(7, "Sai"), (8, "Đúng")], "true_false", shuffle=True)
    [8, 7]
    >>> display_order([(1, "A"), (2, "B")], "single", shuffle=False)
    [1, 2]
    """
    ids = [option_id for option_id, _ in options]
    if kind == "true_false":
        by_text = {text: option_id for option_id, text in options}
        if len(options) == 2 and set(by_text) == {TRUE_LABEL, FALSE_LABEL}:
            return [by_text[TRUE_LABEL], by_text[FALSE_LABEL]]
    if shuffle:
        (rng or _SecretsRandom()).shuffle(ids)
    return ids


def public_keys(option_ids: list[int], taken: set[int], rng=None) -> dict[str, int]:
    """{public key: option id}, random keys not in `taken` (which grows with them).

    The keys are JSON object keys, so strings; members get them as integers. Keys are unique
    within the attempt (`taken` spans it), so a page's element ids never clash.
    """
    rng = rng or _SecretsRandom()
    keys: dict[str, int] = {}
    for option_id in option_ids:
        key = rng.randint(KEY_MIN, KEY_MAX)
        while key in taken:
            key = rng.randint(KEY_MIN, KEY_MAX)
        taken.add(key)
        keys[str(key)] = option_id
    return keys


def freeze(options: list[tuple[int, str]], kind: str, shuffle: bool, taken: set[int],
           rng: random.Random | None = None) -> tuple[list[int], dict[str, int]]:
    """(option order, public keys) for one drawn question."""
    return display_order(options, kind, shuffle, rng), public_keys([o for o, _ in options], taken, rng)
