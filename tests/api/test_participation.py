"""Participation by unit: a unit counts its own members and those of its sub-units."""
from datetime import timedelta

from contest.extensions import db
from contest.rounds import service


def test_participation_rates_roll_up_the_unit_tree(client, make):
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
    make.clock.set(round_.closes_at + timedelta(minutes=1))  # results are published once closed
    round_.results_published = True
    db.session.commit()
    rows = {r["unit"]: r for r in client.get(f"/api/v1/rounds/{round_.id}/units").json["items"]}
    assert (rows["Đảng ủy Khối"]["members"], rows["Đảng ủy Khối"]["participants"]) == (4, 2)
    assert rows["Đảng ủy Khối"]["participation_rate"] == 0.5
    assert rows["Chi bộ A"]["participation_rate"] == round(2 / 3, 4)
    assert rows["Chi bộ B"]["participation_rate"] == 0 and rows["Chi bộ B"]["average_score"] is None
    assert rows["Chi bộ A"]["average_score"] == 0  # nobody answered
    page = client.get(f"/rounds/{round_.id}/units").get_data(as_text=True)
    assert "Chi bộ A" in page and "66.7%" in page
