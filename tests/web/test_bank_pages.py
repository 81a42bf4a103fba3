"""Bank management pages: search without diacritics, filters, create/edit, status workflow,
bulk actions, topic tree."""
from sqlalchemy import select

from contest.extensions import db
from question_bank.models import Question, Topic
from question_bank.service import create_question
from tests.factories import sign_in


def login(client, make, role="organizer"):
    return sign_in(client, make.user(role=role), locale="en")  # assertions read the English texts


def q(text, kind="single", status="approved", topic=None, difficulty=None):
    options = {"single": [("Một", True), ("Hai", False)],
               "multiple": [("Một", True), ("Hai", True), ("Ba", False)],
               "true_false": [("Đúng", True), ("Sai", False)]}[kind]
    question = create_question(text=text, kind=kind, options=options, status=status,
                               topic_id=topic.id if topic else None, difficulty=difficulty)
    db.session.commit()
    return question


def test_search_matches_with_or_without_diacritics(client, make):
    login(client, make)
    q("Chủ tịch Hồ Chí Minh sinh năm nào?")
    q("Bản Tuyên ngôn Độc lập được đọc ở đâu?")
    for term in ("ho chi minh", "Hồ Chí Minh", "HO CHI", "chủ tich"):
        page = client.get("/manage/bank/", query_string={"q": term}).get_data(as_text=True)
        assert "sinh năm nào" in page, term
        assert "Tuyên ngôn" not in page, term
    page = client.get("/manage/bank/", query_string={"q": "doc lap"}).get_data(as_text=True)
    assert "Tuyên ngôn" in page and "sinh năm nào" not in page


def test_filters_by_topic_with_subtopics_kind_difficulty_status(client, make):
    login(client, make)
    root = make.topic("Tư tưởng")
    child = make.topic("Đại đoàn kết", parent=root)
    other = make.topic("Lịch sử")
    q("Câu trong chủ đề con", topic=child, difficulty=3)
    q("Câu đúng sai lịch sử", kind="true_false", topic=other, status="draft")
    q("Câu nhiều đáp án", kind="multiple", topic=other, status="retired", difficulty=1)

    def shown(**args):
        page = client.get("/manage/bank/", query_string=args).get_data(as_text=True)
        return {t for t in ("chủ đề con", "đúng sai", "nhiều đáp án") if t in page}

    assert shown(topic_id=root.id) == {"chủ đề con"}
    assert shown(kind="true_false") == {"đúng sai"}
    assert shown(kind="multiple") == {"nhiều đáp án"}
    assert shown(difficulty=3) == {"chủ đề con"}
    assert shown(difficulty=0) == {"đúng sai"}
    assert shown(status="draft") == {"đúng sai"}
    assert shown(status="retired", topic_id=other.id) == {"nhiều đáp án"}
    assert shown(kind="bogus") == {"chủ đề con", "đúng sai", "nhiều đáp án"}


def test_keyset_pages_walk_the_whole_bank_without_overlap(client, make):
    login(client, make)
    made = make.questions(120)
    seen, url = [], "/manage/bank/"
    import re

    while url:
        page = client.get(url).get_data(as_text=True)
        seen += [int(i) for i in re.findall(r'name="ids" value="(\d+)"', page)]
        match = re.search(r'rel="next" href="([^"]+)"', page)
        url = match.group(1).replace("&amp;", "&") if match else None
    assert seen == sorted((m.id for m in made), reverse=True)
    assert "120 questions match." in client.get("/manage/bank/").get_data(as_text=True)
    # and back again from the last page
    last = client.get(f"/manage/bank/?before={seen[-30]}").get_data(as_text=True)
    newer = re.search(r'rel="prev" href="([^"]+)"', last).group(1).replace("&amp;", "&")
    ids = [int(i) for i in re.findall(r'name="ids" value="(\d+)"', client.get(newer).get_data(as_text=True))]
    assert ids == seen[-79:-29]  # the 50 just newer than the page starting after id 30


def test_create_question_with_options_explanation_source_tags(client, make):
    login(client, make)
    topic = make.topic("Đạo đức")
    r = client.post("/manage/bank/questions/new", data={
        "text": "Những đức tính nào thuộc Cần, Kiệm, Liêm, Chính?", "kind": "multiple",
        "options-0-text": "Cần", "options-0-is_correct": "y",
        "options-1-text": "Dũng",
        "options-2-text": "Liêm", "options-2-is_correct": "y",
        "options-3-text": "", "options-4-text": "Trí",
        "topic_id": str(topic.id), "difficulty": "2", "status": "draft",
        "explanation": "Tác phẩm năm 1949.", "source_note": "Hồ Chí Minh Toàn tập, tập 5",
        "tags": "đạo đức, 1949", "title": "Bốn đức", "truth": "1",
    }, follow_redirects=True)
    assert r.status_code == 200
    question = db.session.execute(select(Question)).scalar_one()
    assert question.status == "draft" and question.difficulty == 2 and question.topic_id == topic.id
    assert question.tags == ["đạo đức", "1949"] and question.source_note == "Hồ Chí Minh Toàn tập, tập 5"
    assert [(o.text, o.is_correct) for o in question.current.options] == [
        ("Cần", True), ("Dũng", False), ("Liêm", True), ("Trí", False)]
    assert question.current.explanation == "Tác phẩm năm 1949."
    page = r.get_data(as_text=True)
    assert "Bốn đức" in page and "Version 1" in page


def test_true_false_and_invalid_questions(client, make):
    login(client, make)
    r = client.post("/manage/bank/questions/new", data={
        "text": "Bác Hồ sinh năm 1890.", "kind": "true_false", "truth": "1",
        "topic_id": "0", "difficulty": "0", "status": "approved"}, follow_redirects=True)
    assert r.status_code == 200
    question = db.session.execute(select(Question)).scalar_one()
    assert [(o.text, o.is_correct) for o in question.current.options] == [("Đúng", True), ("Sai", False)]
    r = client.post("/manage/bank/questions/new", data={
        "text": "Một đáp án mà không đánh dấu?", "kind": "single",
        "options-0-text": "A", "options-1-text": "B", "topic_id": "0", "difficulty": "0",
        "status": "draft", "truth": "1"})
    assert r.status_code == 200
    assert "no correct option" in r.get_data(as_text=True)
    assert len(db.session.execute(select(Question)).scalars().all()) == 1


def test_edit_form_is_prefilled_and_saves(client, make):
    login(client, make)
    question = q("Câu cũ?")
    page = client.get(f"/manage/bank/questions/{question.id}/edit").get_data(as_text=True)
    assert "Câu cũ?" in page and "Một" in page
    client.post(f"/manage/bank/questions/{question.id}/edit", data={
        "text": "Câu mới?", "kind": "single", "options-0-text": "Một", "options-1-text": "Hai",
        "options-1-is_correct": "y", "topic_id": "0", "difficulty": "1", "status": "approved", "truth": "1"})
    db.session.expire_all()
    question = db.session.get(Question, question.id)
    assert question.current.text == "Câu mới?" and question.current.number == 1
    assert [o.is_correct for o in question.current.options] == [False, True]
    assert "cau moi" in question.search_text


def test_status_workflow_from_the_question_page(client, make):
    login(client, make)
    question = q("Câu nháp?", status="draft")
    client.post(f"/manage/bank/questions/{question.id}/status", data={"status": "approved"})
    assert db.session.get(Question, question.id).status == "approved"
    client.post(f"/manage/bank/questions/{question.id}/status", data={"status": "retired"})
    db.session.expire_all()
    assert db.session.get(Question, question.id).status == "retired"
    r = client.post(f"/manage/bank/questions/{question.id}/status", data={"status": "bogus"})
    db.session.expire_all()
    assert db.session.get(Question, question.id).status == "retired"


def test_bulk_approve_move_retire(client, make):
    login(client, make)
    target = make.topic("Đích")
    a, b, c = q("A?", status="draft"), q("B?", status="draft"), q("C?", status="draft")
    r = client.post("/manage/bank/bulk", data={"ids": [a.id, b.id], "action": "approve",
                                               "target_topic_id": "0", "next": "/manage/bank/?status=draft"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/manage/bank/?status=draft")
    client.post("/manage/bank/bulk", data={"ids": [b.id, c.id], "action": "move", "target_topic_id": str(target.id)})
    client.post("/manage/bank/bulk", data={"ids": [c.id], "action": "retire", "target_topic_id": "0"})
    db.session.expire_all()
    got = {x.current.text: (x.status, x.topic_id) for x in db.session.execute(select(Question)).scalars()}
    assert got == {"A?": ("approved", None), "B?": ("approved", target.id), "C?": ("retired", target.id)}
    r = client.post("/manage/bank/bulk", data={"action": "approve", "next": "https://evil.example/"})
    assert r.headers["Location"] == "/manage/bank/"


def test_topic_tree_create_rename_move_and_no_cycles(client, make):
    login(client, make)
    client.post("/manage/bank/topics", data={"name": "Tư tưởng", "parent_id": "0"})
    root = db.session.execute(select(Topic).where(Topic.name == "Tư tưởng")).scalar_one()
    client.post("/manage/bank/topics", data={"name": "Đoàn kết", "parent_id": str(root.id)})
    child = db.session.execute(select(Topic).where(Topic.name == "Đoàn kết")).scalar_one()
    page = client.get("/manage/bank/topics").get_data(as_text=True)
    assert page.index("Tư tưởng") < page.index("Đoàn kết")
    client.post(f"/manage/bank/topics/{child.id}", data={"name": "Đại đoàn kết", "parent_id": "0"})
    db.session.expire_all()
    child = db.session.get(Topic, child.id)
    assert child.name == "Đại đoàn kết" and child.parent_id is None
    client.post(f"/manage/bank/topics/{root.id}", data={"name": "Tư tưởng", "parent_id": str(child.id)})
    r = client.post(f"/manage/bank/topics/{child.id}", data={"name": "Đại đoàn kết", "parent_id": str(root.id)})
    assert r.status_code == 200  # refused: root is under child
    db.session.expire_all()
    assert db.session.get(Topic, child.id).parent_id is None


def test_pages_are_for_organizers_only(client, make):
    login(client, make, role="member")
    for url in ("/manage/bank/", "/manage/bank/topics", "/manage/bank/questions/new"):
        assert client.get(url).status_code == 403
