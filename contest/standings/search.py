"""Finding members on a leaderboard by name, without diacritics: one rule for the page and the API.

Both the name and what was typed are folded (contest/dbtypes.py `fold`: lower case, no
diacritics, Đ → d), then every typed word must begin a word of the name, in any order. So
"nguyen van a" finds "Nguyễn Văn A", and "đặng" and "dang" both find "Đặng Thị Lan"; "an" finds
"An" and "Trần Anh" but not "Lan" (a word's beginning, not any part of it: short searches stay
short lists). The rows keep their rank on the whole board; `total` is the number of matches.
"""
from functools import lru_cache

from contest.dbtypes import fold

MAX_QUERY = 200  # characters of a search kept (the API refuses longer, the page cuts it)


# fold() of every Latin letter with marks (and the marks alone, for text in decomposed form),
# as one str.translate table: a national board holds 200,000 names to fold per search.
_LATIN = str.maketrans({chr(c): fold(chr(c)) for c in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00))
                        if fold(chr(c)) != chr(c).casefold()} | {chr(c): None for c in range(0x300, 0x370)})


def fast_fold(text: str) -> str:
    """fold(text), the same answer faster: through the table when that leaves plain ASCII (any
    Vietnamese name), else by fold itself.

    >>> fast_fold("Đặng Thị Lan"), fast_fold("Nguye\u0302\u0303n"), fast_fold("Ærø Ωmega")
    ('dang thi lan', 'nguyen', 'ærø ωmega')
    """
    folded = text.translate(_LATIN).casefold()
    return folded if folded.isascii() else fold(text)


@lru_cache(maxsize=65536)
def _name_key(name: str) -> str:
    """A name's folded words, each after a space (" nguyen van a"): a typed word begins a word of
    the name exactly when " " + word is in it. Remembered: the same board is searched again."""
    return " " + " ".join(fast_fold(name).split())


def query_words(q: str | None) -> list[str]:
    """What was typed, as folded words.

    >>> query_words("  Nguyễn   VĂN a ")
    ['nguyen', 'van', 'a']
    >>> query_words(None)
    []
    """
    return fold((q or "")[:MAX_QUERY]).split()


def name_matches(name: str | None, words: list[str]) -> bool:
    """True if every word begins some word of the name.

    >>> name_matches("Nguyễn Văn A", ["nguyen", "van", "a"])
    True
    >>> name_matches("Đặng Thị Lan", ["dang"]), name_matches("Đặng Thị Lan", query_words("đặng"))
    (True, True)
    >>> name_matches("Lan", ["an"])
    False
    """
    key = _name_key(name or "")
    return all(" " + word in key for word in words)


def search_rows(rows: list[dict], q: str | None) -> list[dict]:
    """The leaderboard rows whose display name matches `q`, in board order; all rows if `q` is
    blank.

    >>> board = [{"rank": 1, "display_name": "Nguyễn Văn A"}, {"rank": 2, "display_name": "Đặng Thị Lan"},
    ...          {"rank": 2, "display_name": "Nguyễn Thị Ánh"}]
    >>> [r["rank"] for r in search_rows(board, "nguyen")]
    [1, 2]
    >>> [r["display_name"] for r in search_rows(board, "thi a")]
    ['Nguyễn Thị Ánh']
    >>> len(search_rows(board, "")), len(search_rows(board, "trần"))
    (3, 0)
    """
    words = [" " + word for word in query_words(q)]
    if not words:
        return rows
    key = _name_key
    return [row for row in rows if all(word in key(row["display_name"] or "") for word in words)]


def position_of(rows: list[dict], user_id: int) -> int | None:
    """Where a member's row is on the board (0 is the first row), or None if not ranked.
    Compares with a plain int, so give it current_user.id read once, not the proxy.

    >>> position_of([{"user_id": 7}, {"user_id": 3}], 3), position_of([{"user_id": 7}], 3)
    (1, None)
    """
    return next((i for i, row in enumerate(rows) if row["user_id"] == user_id), None)
