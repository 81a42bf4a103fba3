"""Export a topic or a filter to CSV, Excel and GIFT; importing the export gives the same bank."""
import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from contest.extensions import db
from question_bank import formats
from question_bank.importer import import_file
from question_bank.models import Question
from question_bank.service import create_question, question_drafts
from tests.conftest import clean_tables
from tests.factories import sign_in


def login(client, make):
    sign_in(client, make.user(role="organizer"), locale="en")


def every_kind_bank(make):
    root = make.topic("Tư tưởng Hồ Chí Minh")
    child = make.topic("Đại đoàn kết", parent=root)
    other = make.topic("Đạo đức")
    create_question(text="Bác Hồ đọc Tuyên ngôn Độc lập ngày nào?", kind="single",
                    options=[("19/8/1945", False), ("2/9/1945", True), ("6/1/1946", False)],
                    topic_id=root.id, difficulty=1, explanation="Tại Quảng trường Ba Đình.",
                    source_note="Tuyên ngôn Độc lập", tags=["lịch sử", "1945"], title="Tuyên ngôn")
    create_question(text="Những đức tính nào thuộc\n“Cần, Kiệm, Liêm, Chính”?", kind="multiple",
                    options=[("Cần", True), ("Dũng", False), ("Liêm", True), ("Trí", False)],
                    topic_id=other.id, difficulty=2, explanation="Tác phẩm năm 1949.")
    create_question(text="“Đoàn kết, đoàn kết, đại đoàn kết” là lời của Bác Hồ.", kind="true_false",
                    options=[("Đúng", True), ("Sai", False)], topic_id=child.id, difficulty=3,
                    tags=["đoàn kết"])
    create_question(text="Sai hay đúng: Bác sinh năm 1900?", kind="true_false",
                    options=[("Đúng", False), ("Sai", True)], topic_id=child.id)
    create_question(text="Câu không có chủ đề, 50% ký tự {đặc biệt} = ~ # :: ?", kind="single",
                    options=[("A = B", True), ("C ~ D", False)], status="retired")
    db.session.commit()
    return root, child, other


def snapshot():
    questions = db.session.execute(select(Question).options(
        selectinload(Question.current), selectinload(Question.topic))).scalars().all()
    return sorted((d for d in question_drafts(questions)), key=lambda d: d.text)


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "gift"])
def test_export_then_import_gives_the_same_bank(client, make, fmt):
    login(client, make)
    every_kind_bank(make)
    before = snapshot()
    assert {d.kind for d in before} == {"single", "multiple", "true_false"}
    report = export_then_import_into_an_empty_bank(client, fmt)
    assert report.imported == 5 and report.topics_created == 3
    assert snapshot() == before


def export_then_import_into_an_empty_bank(client, fmt):
    """Download the whole bank in `fmt`, empty the database, import the file back."""
    r = client.get("/manage/bank/export", query_string={"format": fmt})
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    data = r.data
    db.session.close()  # PostgreSQL: TRUNCATE waits for every open transaction
    clean_tables()
    db.session.expire_all()
    report = import_file(data, filename="export" + formats.EXTENSIONS[fmt])
    assert report.ok, report.errors
    return report


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "gift"])
def test_whole_bank_export_with_a_slash_in_a_topic_name_round_trips(client, make, fmt):
    login(client, make)
    root, _child, _other = every_kind_bank(make)
    week = make.topic("Tuần 1/2026", parent=root)
    odd = make.topic("/Văn kiện 19/5/", parent=week)
    create_question(text="Bác Hồ sinh ngày nào?", kind="single", options=[("19/5/1890", True), ("2/9/1890", False)],
                    topic_id=week.id)
    create_question(text="Di chúc được công bố năm nào?", kind="single", options=[("1969", True), ("1975", False)],
                    topic_id=odd.id)
    db.session.commit()
    before = snapshot()
    assert ["Tư tưởng Hồ Chí Minh", "Tuần 1/2026", "/Văn kiện 19/5/"] in [d.topic_path for d in before]
    report = export_then_import_into_an_empty_bank(client, fmt)
    assert report.imported == 7 and report.topics_created == 5
    assert snapshot() == before


def test_export_of_a_topic_holds_its_subtopics_only(client, make):
    login(client, make)
    root, child, other = every_kind_bank(make)
    r = client.get("/manage/bank/export", query_string={"format": "gift", "topic_id": root.id})
    parsed = formats.parse(r.data, filename="x.gift")
    assert parsed.ok
    assert sorted(d.kind for d in parsed.questions) == ["single", "true_false", "true_false"]
    assert {tuple(d.topic_path) for d in parsed.questions} == {
        ("Tư tưởng Hồ Chí Minh",), ("Tư tưởng Hồ Chí Minh", "Đại đoàn kết")}


def test_export_follows_the_search_filter(client, make):
    login(client, make)
    every_kind_bank(make)
    r = client.get("/manage/bank/export", query_string={"format": "csv", "q": "can kiem"})
    parsed = formats.parse(r.data, filename="x.csv")
    assert [d.kind for d in parsed.questions] == ["multiple"]
    r = client.get("/manage/bank/export", query_string={"format": "csv", "status": "retired"})
    assert len(formats.parse(r.data, filename="x.csv").questions) == 1


def test_unknown_export_format_is_404(client, make):
    login(client, make)
    assert client.get("/manage/bank/export?format=docx").status_code == 404


def test_a_refused_export_names_the_question_it_refuses(client, make):
    topic = make.topic("Đạo đức")
    empty = Question(status="approved", tags=[], search_text="", topic_id=topic.id)  # no version yet
    db.session.add(empty)
    db.session.commit()
    refused = create_question(text="Câu có nhãn lạ?", kind="single", options=[("Có", True), ("Không", False)],
                              topic_id=topic.id, tags=["a, b"])
    db.session.commit()
    login(client, make)
    response = client.get("/manage/bank/export", query_string={"format": "csv"}, follow_redirects=True)
    assert (f"Question #{refused.id} cannot be exported: A tag contains a comma or semicolon, which separate "
            "tags in this format.") in response.get_data(as_text=True)
