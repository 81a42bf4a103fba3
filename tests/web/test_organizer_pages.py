"""Organizer pages: contests, quiz rounds through the form, links to every round tool."""
from datetime import timedelta

from contest.extensions import db
from contest.rounds.models import Contest, Round
from tests.factories import sign_in


def login(client, user):
    sign_in(client, user)


def test_contest_and_quiz_round_through_the_forms(client, make):
    login(client, make.user(role="organizer"))
    topic = make.topic("Đạo đức Hồ Chí Minh", parent=make.topic("Tư tưởng Hồ Chí Minh"))
    make.questions(12, topic=topic)
    response = client.post("/manage/contests/new", data={"title": "Cuộc thi tìm hiểu 2026", "description": ""})
    contest = db.session.query(Contest).one()
    assert response.headers["Location"].endswith(f"/manage/contests/{contest.id}")
    start = make.clock() + timedelta(days=1)
    form = {
        "title": "Tuần thi thứ nhất", "opens_at": start.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (start + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "15",
        "question_count": "", "draw-0-topic_id": str(topic.id), "draw-0-count": "10",
        "max_attempts": "", "counting": "best", "tie_break": "submitted_at", "shuffle_options": "y",
        "grace_seconds": "5", "prediction_prompt": "Bao nhiêu người đúng hết?"}
    assert client.post(f"/manage/contests/{contest.id}/rounds/new", data=form).status_code == 302
    round_ = db.session.query(Round).one()
    assert round_.question_count == 10 and round_.draw == [{"topic_id": topic.id, "count": 10}]
    assert round_.max_attempts is None and round_.tie_break == "submitted_at" and round_.grace_seconds == 5
    # Times typed in Vietnam time are stored in UTC.
    assert round_.opens_at == (start - timedelta(hours=7)).replace(second=0, microsecond=0)

    too_many = dict(form, **{"draw-0-count": "50", "title": "Quá nhiều"})
    page = client.post(f"/manage/contests/{contest.id}/rounds/new", data=too_many).get_data(as_text=True)
    # The topic is named by its path, never by its internal number.
    assert ("Chủ đề “Tư tưởng Hồ Chí Minh / Đạo đức Hồ Chí Minh”: vòng thi cần 50 câu hỏi nhưng chủ đề "
            "chỉ có 12 câu hỏi đã duyệt.") in page
    assert "Chủ đề #" not in page
    assert db.session.query(Round).count() == 1

    page = client.get(f"/manage/contests/{contest.id}").get_data(as_text=True)
    assert "Tuần thi thứ nhất" in page and f"/manage/bank/rounds/{round_.id}/analysis" in page
    edit = client.get(f"/manage/rounds/{round_.id}/edit").get_data(as_text=True)
    assert 'value="Tuần thi thứ nhất"' in edit


def test_essay_rounds_link_to_their_tools_and_judges_find_their_workspace(client, make):
    contest = make.contest()
    essay = make.round(contest=contest, kind="essay", title="Viết về tấm gương", judges_per_entry=2)
    login(client, make.user(role="organizer"))
    page = client.get(f"/manage/contests/{contest.id}").get_data(as_text=True)
    for url in (f"/essays/manage/rounds/{essay.id}/entries", f"/judging/manage/rounds/{essay.id}",
                f"/judging/manage/rounds/{essay.id}/results", f"/essays/manage/rounds/{essay.id}/similarity"):
        assert url in page, url
    client.post("/logout")
    login(client, make.user(role="judge"))
    assert "/judging/" in client.get("/").get_data(as_text=True)


def test_editing_a_round_with_a_mistake_says_so_and_changes_nothing(client, make):
    login(client, make.user(role="organizer"))
    make.questions(6)
    round_ = make.round(title="Tuần thi", question_count=5)
    opens = round_.opens_at
    form = {"title": "Tuần thi đã sửa", "opens_at": "2026-12-10T10:00", "closes_at": "2026-12-09T10:00",
            "duration_minutes": "15", "question_count": "5", "counting": "best", "tie_break": "duration",
            "grace_seconds": "10"}
    page = client.post(f"/manage/rounds/{round_.id}/edit", data=form).get_data(as_text=True)
    assert "Thời gian đóng vòng thi phải sau thời gian mở." in page
    db.session.expire_all()
    assert db.session.get(Round, round_.id).title == "Tuần thi" and db.session.get(Round, round_.id).opens_at == opens
    form.update(closes_at="2026-12-17T10:00")
    assert client.post(f"/manage/rounds/{round_.id}/edit", data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Round, round_.id).title == "Tuần thi đã sửa"


def test_the_round_form_says_why_options_should_be_shuffled(client, make):
    login(client, make.user(role="organizer"))
    contest = make.contest()
    page = client.get(f"/manage/contests/{contest.id}/rounds/new").get_data(as_text=True)
    assert ("Nên bật. Nếu tắt, mọi thí sinh thấy các phương án theo đúng thứ tự người soạn đã viết, "
            "mà người soạn thường viết đáp án đúng trước tiên.") in page
