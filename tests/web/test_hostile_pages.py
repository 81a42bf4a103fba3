"""Hostile input on the HTML pages: ids past the column in every route with an int converter,
control characters in the query and in forms, numbers too large for a column typed into forms.
A 4xx page (or the form again with the reason), in Vietnamese, and nothing changed."""
import pytest
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import FloatField as WtFloatField
from wtforms import IntegerField as WtIntegerField
from wtforms.fields.core import UnboundField

from contest import formfields
from contest.extensions import db
from contest.rounds.models import Round
from tests.api.test_hostile_input import BIG_INTS, snapshot

INVALID_TEXT = "Nội dung có ký tự điều khiển vô hình (như NUL). Vui lòng xoá chúng rồi thử lại."


def login(client, user):
    username = user if isinstance(user, str) else user.username
    assert client.post("/login", data={"username": username, "password": "secret-pass"}).status_code == 302


def page_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") or rule.endpoint == "static":
            continue
        ints = [name for name, conv in rule._converters.items() if conv.__class__.__name__ == "IdConverter"]
        if ints:
            yield rule, ints


def test_every_page_route_with_an_id_answers_404_past_the_column(app, client, make):
    login(client, make.user(role="admin"))
    make.quiz()
    before = snapshot()
    failures, sent = [], 0
    for rule, ints in page_rules(app):
        for name in ints:
            for big in BIG_INTS:
                url = rule.rule
                for arg in rule.arguments:
                    value = big if arg == name else 1
                    url = url.replace(f"<int:{arg}>", str(value)).replace(f"<{arg}>", "leaderboard")
                for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                    response = getattr(client, method.lower())(url)
                    sent += 1
                    if response.status_code != 404 or "Không tìm thấy trang" not in response.get_data(as_text=True):
                        failures.append(f"{method} {url}: {response.status_code}")
    assert failures == []
    assert sent > 100
    assert snapshot() == before


def test_control_characters_in_the_query_or_a_form_give_the_400_page(client, make):
    make.user("demo")
    before = snapshot()
    response = client.get("/", query_string={"q": "Bác\u0000"})
    assert response.status_code == 400 and INVALID_TEXT in response.get_data(as_text=True)
    response = client.post("/login", data={"username": "demo\u0000", "password": "secret-pass"})
    assert response.status_code == 400 and INVALID_TEXT in response.get_data(as_text=True)
    assert snapshot() == before
    login(client, "demo")
    response = client.get("/rounds/1%00")
    assert response.status_code == 400 and INVALID_TEXT in response.get_data(as_text=True)


def test_numbers_too_large_for_a_column_are_refused_in_forms(client, make):
    login(client, make.user(role="organizer"))
    round_ = make.quiz()
    form = {"title": "Tuần thi mới", "opens_at": "2026-12-08T08:00", "closes_at": "2026-12-15T08:00",
            "duration_minutes": "15", "question_count": "5", "max_attempts": "", "counting": "best",
            "tie_break": "duration", "shuffle_options": "y", "grace_seconds": "5"}
    for field in ("duration_minutes", "question_count", "max_attempts", "grace_seconds"):
        for big in BIG_INTS:
            response = client.post(f"/manage/contests/{round_.contest_id}/rounds/new", data={**form, field: str(big)})
            assert response.status_code == 200, (field, big)
            assert "Số này quá lớn." in response.get_data(as_text=True), (field, big)
    assert db.session.scalar(select(func.count()).select_from(Round)) == 1
    # Query numbers the pages read themselves are ignored when past the column.
    assert client.get("/manage/bank/", query_string={"topic_id": 2 ** 63, "difficulty": 10 ** 30}).status_code == 200
    assert client.get(f"/rounds/{round_.id}/leaderboard", query_string={"page": 10 ** 30}).status_code == 200


def test_prediction_past_the_column_is_refused_on_the_page(client, make):
    member = make.user()
    round_ = make.quiz(prediction_prompt="Bao nhiêu người trả lời đúng hết?")
    login(client, member)
    client.post(f"/rounds/{round_.id}/start")
    attempt_id = db.session.execute(select(func.max(db.metadata.tables["attempt"].c.id))).scalar_one()
    response = client.post(f"/attempts/{attempt_id}/submit", data={"prediction": str(2 ** 63)})
    assert response.status_code == 422
    assert "Dự đoán không được lớn hơn 2.147.483.647." in response.get_data(as_text=True)
    assert db.session.execute(select(db.metadata.tables["attempt"].c.status)).scalar_one() == "in_progress"


def all_forms():
    seen, todo = [], list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        seen.append(cls)
        todo.extend(cls.__subclasses__())
    return seen


@pytest.mark.usefixtures("app")
def test_every_form_number_field_is_bounded():
    """Every IntegerField and FloatField of every form is contest/formfields.py's bounded one."""
    forms = all_forms()
    assert len(forms) > 10
    unbounded = []
    for cls in forms:
        for name in dir(cls):
            field = getattr(cls, name, None)
            if isinstance(field, UnboundField) and issubclass(field.field_class, (WtIntegerField, WtFloatField)):
                if not issubclass(field.field_class, (formfields.IntegerField, formfields.FloatField)):
                    unbounded.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert unbounded == []
