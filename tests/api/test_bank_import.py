"""POST /api/v1/questions/import: all or nothing, every bad line named, duplicates skipped."""
import io

from sqlalchemy import func, select

from contest.extensions import db
from question_bank.models import Question, Topic

GIFT = """$CATEGORY: $course$/top/Tư tưởng Hồ Chí Minh/Độc lập dân tộc

::Tuyên ngôn::Bản Tuyên ngôn Độc lập được đọc tại đâu? {
=Quảng trường Ba Đình
~Nhà hát Lớn
~Tân Trào
}

Câu "Không có gì quý hơn độc lập, tự do" được nêu năm 1966. {T}

$CATEGORY: $course$/top/Đạo đức

Những đức tính nào thuộc "Cần, Kiệm, Liêm, Chính"? {
~%50%Cần
~%50%Liêm
~%-100%Dũng
}
"""


def question_count():
    return db.session.execute(select(func.count(Question.id))).scalar_one()


def upload(client, headers, data: bytes, filename: str, **form):
    return client.post("/api/v1/questions/import", headers=headers,
                       data={"file": (io.BytesIO(data), filename), **form},
                       content_type="multipart/form-data")


def csv_bank(n: int, bad: dict[int, str] | None = None) -> bytes:
    """n questions, one line each after the header (so question i is on line i + 2)."""
    bad = bad or {}
    lines = ["chu_de,loai,cau_hoi,phuong_an_a,phuong_an_b,phuong_an_c,dap_an,do_kho"]
    for i in range(n):
        answer = bad.get(i, "B")
        lines.append(f"Lịch sử/Phần {i % 5},mot_dap_an,Câu hỏi số {i} về Hồ Chí Minh?,"
                     f"Sai {i},Đúng {i},Sai nữa {i},{answer},2")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def test_gift_import_creates_questions_and_topics_then_skips_duplicates(client, make):
    organizer = make.user(role="organizer")
    headers = make.auth(organizer)
    r = upload(client, headers, GIFT.encode(), "bank.gift")
    assert r.status_code == 201, r.get_json()
    assert r.get_json() == {"imported": 3, "duplicates_skipped": 0, "topics_created": 3}
    r = upload(client, headers, GIFT.encode(), "bank.gift")
    assert r.status_code == 201
    assert r.get_json() == {"imported": 0, "duplicates_skipped": 3, "topics_created": 0}
    assert question_count() == 3


def test_thousand_questions_with_three_bad_imports_nothing_and_names_exactly_those_lines(client, make):
    organizer = make.user(role="organizer")
    make.questions(2)
    before = question_count()
    topics_before = db.session.execute(select(func.count(Topic.id))).scalar_one()
    data = csv_bank(1000, bad={10: "", 500: "Z", 998: "A,B"})
    r = upload(client, make.auth(organizer), data, "bank.csv")
    assert r.status_code == 422
    body = r.get_json()["error"]
    assert body["code"] == "invalid_file"
    assert sorted(d["line"] for d in body["details"]) == [12, 502, 1000]
    assert all(d["message"] for d in body["details"])
    assert question_count() == before
    assert db.session.execute(select(func.count(Topic.id))).scalar_one() == topics_before


def test_the_same_thousand_once_fixed_imports_all(client, make):
    organizer = make.user(role="organizer")
    r = upload(client, make.auth(organizer), csv_bank(1000), "bank.csv", status="draft")
    assert r.status_code == 201
    assert r.get_json() == {"imported": 1000, "duplicates_skipped": 0, "topics_created": 6}
    statuses = set(db.session.execute(select(Question.status)).scalars())
    assert statuses == {"draft"}


def test_topic_id_puts_the_file_under_that_topic(client, make):
    organizer = make.user(role="organizer")
    base = make.topic("Ngân hàng 2026")
    r = upload(client, make.auth(organizer), GIFT.encode(), "bank.txt", topic_id=str(base.id))
    assert r.status_code == 201
    children = db.session.execute(select(Topic.name).where(Topic.parent_id == base.id)).scalars().all()
    assert sorted(children) == ["Tư tưởng Hồ Chí Minh", "Đạo đức"]


def test_explicit_format_beats_the_file_name(client, make):
    organizer = make.user(role="organizer")
    aiken = "Bác Hồ sinh năm nào?\nA. 1890\nB. 1900\nANSWER: A\n"
    r = upload(client, make.auth(organizer), aiken.encode(), "questions.dat", format="aiken")
    assert r.status_code == 201
    assert r.get_json()["imported"] == 1


def test_unsupported_or_unrecognisable_format_is_invalid_file(client, make):
    organizer = make.user(role="organizer")
    headers = make.auth(organizer)
    r = upload(client, headers, GIFT.encode(), "bank.gift", format="docx")
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "invalid_file"
    r = upload(client, headers, b"\x89PNG\r\n\x1a\n\x00\x00binary", "photo.png")
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "invalid_file"
    assert r.get_json()["error"]["details"][0]["line"] == 0
    assert question_count() == 0


def test_missing_file_or_unknown_topic_is_a_validation_error(client, make):
    organizer = make.user(role="organizer")
    headers = make.auth(organizer)
    r = client.post("/api/v1/questions/import", headers=headers, data={}, content_type="multipart/form-data")
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "validation_error"
    r = upload(client, headers, GIFT.encode(), "bank.gift", topic_id="999")
    assert r.status_code == 422
    assert r.get_json()["error"]["details"][0]["field"] == "topic_id"
    assert question_count() == 0


def test_uploads_are_size_limited(app, client, make):
    organizer = make.user(role="organizer")
    headers = make.auth(organizer)
    app.config["MAX_CONTENT_LENGTH"] = 2000
    try:
        r = upload(client, headers, csv_bank(100), "bank.csv")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 20 * 1024 * 1024
    assert r.status_code == 413
    assert r.get_json()["error"]["code"] == "file_too_large"
    assert question_count() == 0


def test_only_organizers_import(client, make):
    member = make.user()
    r = upload(client, make.auth(member), GIFT.encode(), "bank.gift")
    assert r.status_code == 403
    r = upload(client, {}, GIFT.encode(), "bank.gift")
    assert r.status_code == 401
