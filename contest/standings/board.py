"""One page of a quiz round's leaderboard, the same for the page (?page=N, PAGE rows) and the API
(?limit=&offset=), with the signed-in member's own row (issue 10 point 3).

Final ranks are frozen integers in the `standing` table, so a page of them is read by a seek on
the rank column (index ``ix_standing_round_rank``: round_id, rank, attempt_id) instead of every
row of the board: the board's order is (rank, attempt_id) and ranks are competition ranks
("1224"), so exactly rank - 1 rows come before the first row of a rank. The row at position p
(from 0) is then in the group of the largest rank <= p + 1, and a row's position is its rank - 1
plus its place among the rows of its rank. A page costs the same few statements and index reads
at offset 199,950 as at offset 0 — and the same for 200,000 rows as for 10.

The live board of an open round (organizers only) is ranked by the database and a page of it
kept (service.live_page: the page, the total and the member's own row in one SELECT), the same
page shared by every organizer through the cache for LEADERBOARD_CACHE_SECONDS. A search by name (?q=, contest/standings/search.py) still windows the whole board
(service.leaderboard, cached for a few seconds).
"""
from sqlalchemy import func, select

from contest.accounts.models import Unit, User
from contest.bounds import INT_MAX
from contest.extensions import db
from contest.pagination import PageWindow, page_of, page_window
from contest.rounds.models import Attempt, Round
from contest.standings import search
from contest.standings.member_results import prize_for_rank
from contest.standings.models import Standing
from contest.rounds.service import expire_overdue
from contest.standings.service import (board_row, freeze_if_closed, frozen_columns, frozen_position,
                                       leaderboard, live_page)

__all__ = ["frozen_count", "frozen_page", "frozen_position", "api_page", "html_page"]


def frozen_count(round_id: int) -> int:
    """How many rows a frozen board has, from the index alone: the last rank's rows start at
    position max(rank) - 1, so the board has max(rank) - 1 + that group's size rows."""
    last = select(func.max(Standing.rank)).where(Standing.round_id == round_id).scalar_subquery()
    rank, tied = db.session.execute(select(func.max(Standing.rank), func.count()).where(
        Standing.round_id == round_id, Standing.rank == last)).one()
    return 0 if rank is None else rank - 1 + tied


def frozen_page(round_: Round, offset: int, limit: int) -> list[dict]:
    """Rows offset .. offset + limit - 1 of the frozen board, in one SELECT, each with its prize
    (a function of the rank: member_results.prize_for_rank, the tier rule of with_prizes)."""
    # Ranks are integers of the database (bounds.INT_MAX at most), and so are the bounds here.
    first, last = min(offset + 1, INT_MAX), min(offset + limit, INT_MAX)
    start = select(func.max(Standing.rank)).where(
        Standing.round_id == round_.id, Standing.rank <= first).scalar_subquery()
    place = func.row_number().over(partition_by=Standing.rank, order_by=Standing.attempt_id)
    # A row at a position before offset + limit has a rank <= offset + limit: whole rank groups
    # from the one holding `offset` to the one holding the page's last row.
    seek = select(Standing.id, (Standing.rank - 2 + place).label("position")).where(
        Standing.round_id == round_.id, Standing.rank >= start, Standing.rank <= last,
    ).subquery("seek")
    page = (select(seek.c.id, seek.c.position).where(seek.c.position >= offset)
            .order_by(seek.c.position).limit(limit).subquery("page"))
    result = db.session.execute(
        select(*frozen_columns()).select_from(page).join(Standing, Standing.id == page.c.id)
        .join(Attempt, Standing.attempt_id == Attempt.id).join(User, Standing.user_id == User.id)
        .outerjoin(Unit, Unit.id == User.unit_id).order_by(page.c.position))
    return _with_prizes(round_, [board_row(*row) for row in result])


def _with_prizes(round_: Round, rows: list[dict]) -> list[dict]:
    """Each row with its prize: a function of the rank (member_results.prize_for_rank, the tier
    rule of with_prizes), so a page needs no other row of the board."""
    for row in rows:
        row["prize"] = prize_for_rank(row["rank"], round_.prizes)
    return rows


def _board(round_: Round, q: str | None) -> str:
    """How the board is read: "frozen" (the first reader after the close freezes it) or "live"
    (an open round, organizers only), a page at a time from the database either way; "search"
    for a search by name, which filters the cached whole board (service.leaderboard)."""
    if search.query_words(q):
        return "search"
    if freeze_if_closed(round_):
        return "frozen"
    expire_overdue(round_id=round_.id)  # as service.leaderboard does before ranking live
    return "live"


def api_page(round_: Round, offset: int, limit: int, q: str | None = None) -> dict:
    """The API's window: {"items", "total"}; with `q`, the matching rows and their number."""
    how = _board(round_, q)
    if how == "frozen":
        return {"items": frozen_page(round_, offset, limit), "total": frozen_count(round_.id)}
    if how == "live":
        rows, total, _ = live_page(round_, offset, limit)
        for row in rows:
            del row["position"]
        return {"items": _with_prizes(round_, rows), "total": total}
    return page_of(search.search_rows(leaderboard(round_), q), offset, limit)


def html_page(round_: Round, number: int | None, size: int, q: str, user_id: int | None) -> dict:
    """Page `number` of the page's board (past the end: the last page), searched by `q`, with
    the signed-in member's own row: what templates/standings/leaderboard.html shows."""
    window = page_window(number, size)
    how = _board(round_, q)
    if how == "frozen":
        total = matches = frozen_count(round_.id)
        pages = window.pages(total)
        if window.number > pages:  # past the end (an old link): the last page
            window = PageWindow(pages, size)
        rows = frozen_page(round_, window.offset, size)
        mine = frozen_position(round_.id, user_id) if user_id is not None else None
    elif how == "live":  # the page, its total and the member's row in one SELECT
        rows, total, mine = live_page(round_, window.offset, size, user_id)
        matches, pages = total, window.pages(total)
        if window.number > pages:  # past the end (an old link): the last page
            window = PageWindow(pages, size)
            rows, total, mine = live_page(round_, window.offset, size, user_id)
        rows = _with_prizes(round_, rows)
        if mine is not None:
            _with_prizes(round_, [mine])
    else:
        board = leaderboard(round_)
        shown = search.search_rows(board, q)
        total, matches = len(board), len(shown)
        pages = window.pages(matches)
        if window.number > pages:  # past the end (an old link, a shorter search): the last page
            window = PageWindow(pages, size)
        rows = page_of(shown, window.offset, size)["items"]
        at = search.position_of(board, user_id) if user_id is not None else None
        mine = None if at is None else {**board[at], "position": at}
    return {"rows": rows, "total": total, "matches": matches, "page": window.number, "pages": pages,
            "mine": mine, "mine_id": mine["user_id"] if mine else None,
            "mine_page": mine["position"] // size + 1 if mine else None}
