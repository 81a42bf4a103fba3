"""One refusal type (contest/errors.py): the API answers it in its envelope, in the user's
language; a page shows the status's page; a refused request keeps nothing; and a request that
does two things commits them together or not at all."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from contest.accounts.models import User
from contest.errors import Refusal
from contest.extensions import db
from contest.judging.models import Assignment, PanelJudge
from contest.rounds.models import Attempt
from tests.web.test_essay_pages import login
from tests.web.test_judging_pages import _entries_with_judges


def test_a_refusal_without_a_message_says_its_status_default():
    from flask import Flask

    from contest.extensions import babel

    app = Flask(__name__)
    babel.init_app(app)
    with app.test_request_context():
        assert Refusal("not_found", 404).text == "Not found."
        assert Refusal("conflict", 409, "Đã có.").text == "Đã có."
        assert str(Refusal("conflict", 409, "Đã có.")) == "conflict: Đã có."


def test_the_api_answers_a_quiz_refusal_in_vietnamese(client, make):
    make.questions(10)
    closed = make.round(opens_in=timedelta(days=1))
    member = make.user()
    response = client.post(f"/api/v1/rounds/{closed.id}/attempts", headers=make.auth(member))
    assert response.status_code == 403
    assert response.json == {"error": {"code": "round_not_open", "message": "Vòng thi này hiện chưa mở hoặc đã đóng."}}
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 0


def test_the_api_answers_a_missing_object_from_a_loader_with_the_envelope(client, make):
    member = make.user()
    response = client.get("/api/v1/attempts/999", headers=make.auth(member))
    assert response.status_code == 404
    assert response.json == {"error": {"code": "not_found", "message": "Không tìm thấy."}}


def test_someone_elses_attempt_is_not_found_on_the_page_and_in_the_api(client, make):
    make.questions(10)
    round_ = make.round()
    owner, stranger = make.user(), make.user()
    attempt_id = client.post(f"/api/v1/rounds/{round_.id}/attempts", headers=make.auth(owner)).json["id"]
    assert client.get(f"/api/v1/attempts/{attempt_id}", headers=make.auth(stranger)).status_code == 404
    login(client, stranger)
    page = client.get(f"/attempts/{attempt_id}")
    assert page.status_code == 404 and "Không tìm thấy trang" in page.get_data(as_text=True)


def test_a_new_judge_and_their_panel_seat_are_one_transaction(client, make, monkeypatch):
    round_ = make.round(kind="essay", duration_seconds=None, question_count=None, min_words=5, max_words=400)
    organizer = make.user(role="organizer")
    from contest.judging import service

    def refuse(*args, **kwargs):
        db.session.flush()  # the new account is in the transaction when the seat is refused
        raise Refusal("validation_error", 422, "Không thêm được vào hội đồng.")

    monkeypatch.setattr(service, "add_to_panel", refuse)
    login(client, organizer)
    page = client.post(f"/judging/manage/rounds/{round_.id}/judges", data={
        "new-username": "giam.khao.moi", "new-full_name": "Giám khảo Mới",
        "new-password": "mat-khau-rat-dai", "new-unit_id": 0})
    assert page.status_code == 200 and "Không thêm được vào hội đồng." in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User).where(User.username == "giam.khao.moi")) == 0
    assert db.session.scalar(select(func.count()).select_from(PanelJudge)) == 0


@pytest.mark.parametrize("failing", ["discrepancy"])
def test_a_score_sheet_and_its_discrepancy_check_are_one_transaction(client, make, monkeypatch, failing):
    round_, _authors, judges, _organizer, _secrets = _entries_with_judges(client, make)
    row = db.session.execute(select(Assignment).where(Assignment.judge_id == judges[0].id)).scalars().first()
    criteria = client.get(f"/api/v1/judging/assignments/{row.id}", headers=make.auth(judges[0])).json["criteria"]
    from contest.judging import service

    def broken(*args, **kwargs):
        raise Refusal("conflict", 409, "Kiểm tra chênh lệch thất bại.")

    monkeypatch.setattr(service, "check_discrepancy", broken)
    response = client.put(f"/api/v1/judging/assignments/{row.id}", headers=make.auth(judges[0]),
                          json={"scores": {str(c["id"]): c["max_points"] for c in criteria}})
    assert response.status_code == 409
    assert response.json["error"] == {"code": "conflict", "message": "Kiểm tra chênh lệch thất bại."}
    db.session.expire_all()
    assert db.session.get(Assignment, row.id).status == "assigned"
