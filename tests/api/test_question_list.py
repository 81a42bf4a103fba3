"""GET /api/v1/questions filters as the bank page does: a topic includes its sub-topics."""
from contest.extensions import db
from question_bank.models import Question


def test_topic_filter_includes_sub_topics_as_the_bank_page_does(client, make):
    history = make.topic("Lịch sử Đảng")
    congress = make.topic("Các kỳ Đại hội", parent=history)
    twelfth = make.topic("Đại hội XII", parent=congress)
    other = make.topic("Pháp luật")
    top, middle, deep = make.questions(1, topic=history), make.questions(2, topic=congress), make.questions(1, topic=twelfth)
    make.questions(2, topic=other)
    organizer = make.user(role="organizer")
    headers = make.auth(organizer)

    listed = client.get(f"/api/v1/questions?topic_id={history.id}&limit=500", headers=headers).json
    expected = sorted(q.id for q in top + middle + deep)
    assert [q["id"] for q in listed["items"]] == expected and listed["total"] == 4
    assert [q["id"] for q in client.get(f"/api/v1/questions?topic_id={congress.id}", headers=headers).json[
        "items"]] == sorted(q.id for q in middle + deep)
    from tests.web.test_essay_pages import login

    login(client, organizer)
    page = client.get(f"/manage/bank/?topic_id={history.id}").get_data(as_text=True)
    for question in top + middle + deep:
        assert f'value="{question.id}"' in page
    assert client.get(f"/api/v1/questions?topic_id={other.id}", headers=headers).json["total"] == 2
    assert client.get("/api/v1/questions?topic_id=999999", headers=headers).json == {"items": [], "total": 0}


def test_the_same_filter_pages_with_limit_and_offset(client, make):
    topic = make.topic()
    sub = make.topic(parent=topic)
    questions = make.questions(3, topic=topic) + make.questions(2, topic=sub)
    db.session.get(Question, questions[0].id).status = "retired"
    db.session.commit()
    headers = make.auth(make.user(role="organizer"))
    url = f"/api/v1/questions?topic_id={topic.id}&status=approved&limit=2"
    first = client.get(url, headers=headers).json
    second = client.get(url + "&offset=2", headers=headers).json
    assert first["total"] == second["total"] == 4
    assert [q["id"] for q in first["items"] + second["items"]] == sorted(q.id for q in questions[1:])
