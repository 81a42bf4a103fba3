"""Participation by unit: a unit counts its own members and those of its sub-units; a closed
round's unit table is frozen with its final ranks."""
import re
from datetime import timedelta

from contest.extensions import db
from contest.rounds import service
from contest.rounds.models import Round
from contest.standings.models import UnitParticipation


def _closed_round_with_units(make, published=True):
    committee = make.unit("Đảng ủy Khối")
    cell_a = make.unit("Chi bộ A", parent=committee)
    cell_b = make.unit("Chi bộ B", parent=committee)
    make.questions(4)
    round_ = make.round(question_count=3)
    a1, a2, a3 = (make.user(unit=cell_a) for _ in range(3))
    make.user(unit=cell_b)
    for member in (a1, a2):
        attempt, _ = service.start_attempt(round_, member)
        service.submit_attempt(attempt)
    make.clock.set(round_.closes_at + timedelta(minutes=1))
    round_.results_published = published
    db.session.commit()
    return round_, (committee, cell_a, cell_b), (a1, a2, a3)


def _units(client, round_):
    return {r["unit"]: (r["members"], r["participants"], r["participation_rate"], r["average_score"])
            for r in client.get(f"/api/v1/rounds/{round_.id}/units").json["items"]}


def _page_cells(client, round_):
    html = client.get(f"/rounds/{round_.id}/units").get_data(as_text=True)
    return re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td><td>(\d+)</td>\s*<td>([\d,]+\u00a0%)</td>", html)


def test_participation_rates_roll_up_the_unit_tree(client, make):
    round_, _units_, _ = _closed_round_with_units(make)
    rows = {r["unit"]: r for r in client.get(f"/api/v1/rounds/{round_.id}/units").json["items"]}
    assert (rows["Đảng ủy Khối"]["members"], rows["Đảng ủy Khối"]["participants"]) == (4, 2)
    assert rows["Đảng ủy Khối"]["participation_rate"] == 0.5
    assert rows["Chi bộ A"]["participation_rate"] == round(2 / 3, 4)
    assert rows["Chi bộ B"]["participation_rate"] == 0 and rows["Chi bộ B"]["average_score"] is None
    assert rows["Chi bộ A"]["average_score"] == 0  # nobody answered
    page = client.get(f"/rounds/{round_.id}/units").get_data(as_text=True)
    assert "Chi bộ A" in page and "66,7\u00a0%" in page


def test_a_closed_rounds_unit_table_does_not_change_when_members_register_or_move(client, make):
    round_, (committee, cell_a, cell_b), (a1, a2, a3) = _closed_round_with_units(make)
    before = {"Đảng ủy Khối": (4, 2, 0.5, 0.0), "Chi bộ A": (3, 2, 0.6667, 0.0), "Chi bộ B": (1, 0, 0.0, None)}
    page_before = [("Chi bộ A", "3", "2", "66,7\u00a0%"), ("Đảng ủy Khối", "4", "2", "50,0\u00a0%"), ("Chi bộ B", "1", "0", "0,0\u00a0%")]
    assert _units(client, round_) == before  # the first reader after the close freezes it
    assert _page_cells(client, round_) == page_before
    assert db.session.query(UnitParticipation).filter_by(round_id=round_.id).count() == 3
    # Later: two members register in Chi bộ B, a3 moves there, a1 becomes a judge.
    make.user(unit=cell_b)
    make.user(unit=cell_b)
    a3.unit_id = cell_b.id
    a1.role = "judge"
    db.session.commit()
    assert _units(client, round_) == before
    assert _page_cells(client, round_) == page_before


def test_a_member_registered_after_the_close_is_not_counted_even_before_the_freeze(client, make):
    """Nobody read the round (and no cron ran) between the close and the registration."""
    round_, (committee, cell_a, cell_b), (a1, a2, a3) = _closed_round_with_units(make)
    assert db.session.get(Round, round_.id).standings_frozen_at is None
    make.clock.advance(hours=2)
    make.user(unit=cell_b)  # registered two hours after the close
    a1.created_at = make.clock()  # took part, so counts, whatever its registration time says
    db.session.commit()
    rows = _units(client, round_)
    assert rows["Chi bộ B"] == (1, 0, 0.0, None) and rows["Đảng ủy Khối"] == (4, 2, 0.5, 0.0)


def test_the_cron_freezes_participation_with_the_final_ranks(app, client, make):
    round_, (committee, cell_a, cell_b), _ = _closed_round_with_units(make)
    result = app.test_cli_runner().invoke(args=["freeze-standings"])
    assert "froze 1 round(s)" in result.output
    frozen = {row.unit_id: (row.members, row.participants) for row in
              db.session.query(UnitParticipation).filter_by(round_id=round_.id)}
    assert frozen == {committee.id: (4, 2), cell_a.id: (3, 2), cell_b.id: (1, 0)}
    make.user(unit=cell_b)
    assert _units(client, round_)["Chi bộ B"] == (1, 0, 0.0, None)


def test_an_open_rounds_unit_table_is_live_for_organizers_and_hidden_from_members(client, make):
    committee = make.unit("Đảng ủy Khối")
    make.questions(4)
    round_ = make.round(question_count=3)
    make.user(unit=committee)
    organizer = make.auth(make.user(role="organizer"))
    member = make.auth(make.user(unit=committee))
    round_.results_published = True  # as an old database may hold: published while open
    db.session.commit()
    assert client.get(f"/api/v1/rounds/{round_.id}/units", headers=member).status_code == 403
    assert client.get(f"/rounds/{round_.id}/units").status_code == 403
    live = client.get(f"/api/v1/rounds/{round_.id}/units", headers=organizer).json["items"]
    assert [(r["unit"], r["members"]) for r in live] == [("Đảng ủy Khối", 2)]
    make.user(unit=committee)
    live = client.get(f"/api/v1/rounds/{round_.id}/units", headers=organizer).json["items"]
    assert [(r["unit"], r["members"]) for r in live] == [("Đảng ủy Khối", 3)]
    assert db.session.query(UnitParticipation).count() == 0
