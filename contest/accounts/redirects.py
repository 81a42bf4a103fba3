"""Where a `next=` may send the browser: the one check for every redirect that a client chooses
(after signing in, after choosing the language, after publishing results)."""
from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """`target` if it is a same-site relative path, else None.

    Browsers read "//host", "/\\host" and "/\\t/host" (they drop tabs and newlines) as another
    site, so a path must start with exactly one "/" and hold no backslash, whitespace or control
    character.

    >>> safe_next("/rounds/3/leaderboard?page=2")
    '/rounds/3/leaderboard?page=2'
    >>> [safe_next(t) for t in ("https://evil.example/", "//evil.example", "/\\\\evil.example",
    ...                         "/\\t/evil.example", "rounds/3", "javascript:alert(1)", "", None)]
    [None, None, None, None, None, None, None, None]
    """
    if not target or not isinstance(target, str) or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
