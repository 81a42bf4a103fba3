"""Anonymous entry codes (số phách).

Judges see an entry only by its code, title and text.  A code is random (``secrets`` by
default), never derived from an id, a time or the author, so it reveals nothing and cannot be
guessed from a neighbour's code.  Codes use an alphabet without look-alike characters
(no 0/O, 1/I/L) so they can be read aloud and typed from paper.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Container

__all__ = ["ALPHABET", "CODE_LENGTH", "PREFIX", "is_code", "new_code", "new_unique_code"]

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # 31 symbols: no 0, 1, I, L, O
CODE_LENGTH = 6  # 31**6 ≈ 8.9e8 possible codes per prefix
PREFIX = "VB"  # "văn bản" / "bài viết"

_CODE_RE = re.compile(r"^([A-Z]{1,8})-([%s]{%d})$" % (ALPHABET, CODE_LENGTH))


def new_code(rng=secrets, prefix: str = PREFIX) -> str:
    """Return a fresh code such as ``"VB-7K3Q9M"``.

    ``rng`` is anything with a ``choice(seq)`` method: the ``secrets`` module in production,
    a seeded ``random.Random`` in tests.  Uniqueness is the caller's job (a unique index plus
    a retry, or ``new_unique_code``).
    """
    return prefix + "-" + "".join(rng.choice(ALPHABET) for _ in range(CODE_LENGTH))


def new_unique_code(
    taken: Container[str] | Callable[[str], bool],
    rng=secrets,
    prefix: str = PREFIX,
    attempts: int = 20,
) -> str:
    """Return a code not in ``taken`` (a container, or a predicate "is this code taken?").

    Raises ``RuntimeError`` after ``attempts`` collisions, which only happens when the code
    space is nearly exhausted or ``rng`` is broken.
    """
    is_taken = taken if callable(taken) else taken.__contains__
    for _ in range(attempts):
        code = new_code(rng, prefix)
        if not is_taken(code):
            return code
    raise RuntimeError("could not find a free entry code")


def is_code(s: str) -> bool:
    """True when ``s`` has the shape of an entry code (prefix, dash, 6 alphabet symbols)."""
    return bool(_CODE_RE.match(s or ""))
