"""Topic names: one topic per name under a parent, whatever the case, Unicode form or spacing;
the import, the pages and the API find the existing topic or refuse a second one."""
import unicodedata

import pytest
from sqlalchemy import select

from contest.extensions import db
from question_bank import service
from question_bank.importer import import_file
from question_bank.models import Question, Topic, topic_key
from tests.factories import sign_in


def test_a_second_insert_of_the_same_name_finds_the_first_and_the_transaction_goes_on(app, make):
    first = make.topic("Đạo đức Hồ Chí Minh")
    found = service._add_topic("đạo đức  hồ chí minh", None)
    assert found.id == first.id
    other = service._add_topic("Tư tưởng", None)
    db.session.commit()
    assert sorted(t.name for t in db.session.execute(select(Topic)).scalars()) == ["Tư tưởng", "Đạo đức Hồ Chí Minh"]
    assert other.id != first.id


def test_a_refused_insert_keeps_the_work_done_before_it(app, make):
    make.topic("Đạo đức Hồ Chí Minh")
    service.topic_by_path(["Lịch sử", "Cách mạng"])  # flushed, not committed
    assert service._add_topic("ĐẠO ĐỨC HỒ CHÍ MINH", None).name == "Đạo đức Hồ Chí Minh"
    db.session.commit()
    assert sorted(t.name for t in db.session.execute(select(Topic)).scalars()) == [
        "Cách mạng", "Lịch sử", "Đạo đức Hồ Chí Minh"]


def login(client, make):
    return sign_in(client, make.user(role="organizer"))


def _order(row):
    return row[0], row[1] or 0


def topic_rows():
    return sorted(((t.name, t.parent_id) for t in db.session.execute(select(Topic)).scalars()), key=_order)


def rows(*expected):
    return sorted(expected, key=_order)


@pytest.mark.parametrize("written", ["đạo đức  hồ chí minh", "ĐẠO ĐỨC HỒ CHÍ MINH ",
                                     unicodedata.normalize("NFD", "Đạo đức Hồ Chí Minh")])
def test_an_import_puts_questions_into_the_existing_topic(app, make, written):
    existing = make.topic("Đạo đức Hồ Chí Minh")
    child = make.topic("Cần, kiệm, liêm, chính", parent=existing)
    csv = ("chu_de,cau_hoi,phuong_an_a,phuong_an_b,dap_an\n"
           f"{written},Bác Hồ sinh năm nào?,1890,1911,A\n"
           f'"{written}/cần, kiệm,  liêm, chính",Tác phẩm viết năm nào?,1949,1969,A\n')
    report = import_file(csv.encode(), filename="bank.csv")
    assert report.ok, report.errors
    assert report.imported == 2 and report.topics_created == 0
    assert topic_rows() == rows(("Cần, kiệm, liêm, chính", existing.id), ("Đạo đức Hồ Chí Minh", None))
    assert sorted(q.topic_id for q in db.session.execute(select(Question)).scalars()) == sorted([existing.id, child.id])


def test_creating_a_topic_with_the_name_of_a_sibling_is_refused_on_the_page(client, make):
    login(client, make)
    existing = make.topic("Đạo đức Hồ Chí Minh")
    r = client.post("/manage/bank/topics", data={"name": "đạo đức  hồ chí minh", "parent_id": "0"})
    assert r.status_code == 200
    assert ('<div class="invalid-feedback d-block">Đã có chủ đề “Đạo đức Hồ Chí Minh” ở cấp cao nhất.</div>'
            in r.get_data(as_text=True))
    assert topic_rows() == rows(("Đạo đức Hồ Chí Minh", None))
    # The same name under another parent is another topic.
    r = client.post("/manage/bank/topics", data={"name": "Đạo đức Hồ Chí Minh", "parent_id": str(existing.id)})
    assert r.status_code == 302
    assert topic_rows() == rows(("Đạo đức Hồ Chí Minh", None), ("Đạo đức Hồ Chí Minh", existing.id))


def test_renaming_or_moving_onto_a_siblings_name_is_refused(client, make):
    login(client, make)
    root = make.topic("Tư tưởng Hồ Chí Minh")
    unity = make.topic("Đại đoàn kết", parent=root)
    other = make.topic("Độc lập dân tộc", parent=root)
    loose = make.topic("ĐẠI ĐOÀN KẾT")
    r = client.post(f"/manage/bank/topics/{other.id}", data={"name": "đại đoàn kết", "parent_id": str(root.id)})
    assert r.status_code == 200
    assert ('<div class="invalid-feedback d-block">Chủ đề “Tư tưởng Hồ Chí Minh” đã có chủ đề con “Đại đoàn kết”.</div>'
            in r.get_data(as_text=True))
    r = client.post(f"/manage/bank/topics/{loose.id}", data={"name": "ĐẠI ĐOÀN KẾT", "parent_id": str(root.id)})
    assert r.status_code == 200 and "đã có chủ đề con “Đại đoàn kết”" in r.get_data(as_text=True)
    db.session.expire_all()
    assert topic_rows() == rows(("Tư tưởng Hồ Chí Minh", None), ("Đại đoàn kết", root.id),
                            ("Độc lập dân tộc", root.id), ("ĐẠI ĐOÀN KẾT", None))
    # A topic may change the case or spacing of its own name.
    r = client.post(f"/manage/bank/topics/{unity.id}", data={"name": "Đại  Đoàn Kết", "parent_id": str(root.id)})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Topic, unity.id).name == "Đại Đoàn Kết"


def test_the_api_refuses_a_second_topic_of_the_same_name(client, make):
    headers = make.auth(make.user(role="organizer"))
    first = client.post("/api/v1/topics", json={"name": "Đạo đức Hồ Chí Minh"}, headers=headers)
    assert first.status_code == 201
    again = client.post("/api/v1/topics", json={"name": " đạo đức hồ  chí minh"}, headers=headers)
    assert again.status_code == 422
    assert again.json["error"] == {
        "code": "validation_error", "message": "Đã có chủ đề “Đạo đức Hồ Chí Minh” ở cấp cao nhất.",
        "details": [{"field": "name", "message": "Đã có chủ đề “Đạo đức Hồ Chí Minh” ở cấp cao nhất.",
                     "topic_id": first.json["id"]}]}
    blank = client.post("/api/v1/topics", json={"name": " \u200b "}, headers=headers)
    assert blank.status_code == 422 and blank.json["error"]["details"] == [
        {"field": "name", "message": "Nhập tên chủ đề."}]
    child = client.post("/api/v1/topics", json={"name": "Đạo đức Hồ Chí Minh", "parent_id": first.json["id"]},
                        headers=headers)
    assert child.status_code == 201
    assert topic_rows() == rows(("Đạo đức Hồ Chí Minh", None), ("Đạo đức Hồ Chí Minh", first.json["id"]))


def test_the_database_refuses_a_second_topic_of_the_same_name(app, make):
    from sqlalchemy.exc import IntegrityError

    parent = make.topic("Tư tưởng")
    make.topic("Đại đoàn kết", parent=parent)
    make.topic("Độc lập")
    for name, parent_id in (("đại  đoàn kết", parent.id), ("ĐỘC LẬP", None)):
        db.session.add(Topic(name=name, parent_id=parent_id))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
    assert topic_key("ĐỘC LẬP") == "độc lập"
