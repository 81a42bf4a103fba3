"""Pagination, one way for the API and the pages: a window (offset, limit) over a SELECT or a
computed list, giving {"items", "total"}; for a long list browsed newest first (the bank), a
keyset page by id. The API takes ?limit=&offset= (contest/api/core.py
Page); a page takes ?page=N and turns it into the same window with `page_window`.

Imports nothing of the app but the database handle and contest/bounds.py, so every feature may
use it.
"""
from dataclasses import dataclass

from sqlalchemy import func, select

from contest.bounds import INT_MAX


def count_rows(select_stmt) -> int:
    """How many rows a SELECT gives (its ORDER BY dropped)."""
    from contest.extensions import db

    return db.session.execute(
        select(func.count()).select_from(select_stmt.order_by(None).subquery())
    ).scalar_one()


def paginate(select_stmt, offset: int, limit: int, serialize=None) -> dict:
    """Run a SELECT for one window: {"items": rows (serialized if asked), "total": all rows}."""
    from contest.extensions import db

    total = count_rows(select_stmt)
    rows = db.session.execute(select_stmt.limit(limit).offset(offset)).scalars().all()
    return {"items": [serialize(r) for r in rows] if serialize else rows, "total": total}


def keyset_page(select_stmt, key, *, before: int | None = None, after: int | None = None, size: int = 50):
    """Newest first by the id column `key`, one page of `size` rows, as fast at page 1,000 as at
    page 1 (no OFFSET). Returns (items, older_cursor, newer_cursor): pass older_cursor as
    `before` for the next page, newer_cursor as `after` for the previous one; None where there
    is no such page. The ids are read as `row.<key's name>`."""
    from contest.extensions import db

    name = key.key
    if after is not None:
        rows = db.session.execute(
            select_stmt.where(key > after).order_by(key.asc()).limit(size + 1)).scalars().all()
        more_newer = len(rows) > size
        rows = list(reversed(rows[:size]))
        older = getattr(rows[-1], name) if rows else None
        return rows, older, (getattr(rows[0], name) if rows and more_newer else None)
    if before is not None:
        select_stmt = select_stmt.where(key < before)
    rows = db.session.execute(select_stmt.order_by(key.desc()).limit(size + 1)).scalars().all()
    more_older = len(rows) > size
    rows = rows[:size]
    return (rows, getattr(rows[-1], name) if rows and more_older else None,
            getattr(rows[0], name) if rows and before is not None else None)


def page_of(items: list, offset: int, limit: int) -> dict:
    """One window of an already computed list (leaderboards, a judge's assignments).

    Example: page_of([1, 2, 3, 4, 5], offset=2, limit=2) -> {"items": [3, 4], "total": 5}."""
    return {"items": items[offset: offset + limit], "total": len(items)}


@dataclass(frozen=True)
class PageWindow:
    """Page `number` (from 1) of `size` rows: the window for paginate/page_of, and the page count
    once the total is known."""

    number: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def pages(self, total: int) -> int:
        return max(1, -(-total // self.size))


def page_window(number: int | None, size: int) -> PageWindow:
    """?page=N as a window: a missing, zero or negative N is page 1, and N is capped so that the
    offset stays a number the database takes.

    Examples (size 100): None -> page 1, offset 0; 3 -> offset 200; -4 -> page 1."""
    number = max(1, number or 1)
    return PageWindow(min(number, INT_MAX // size + 1), size)
