"""Prizes of a writing round: results rows carry the prize their rank falls in; an organizer
moves one by hand with a reason (PUT /entries/{id}/prize), in the audit log, and it wins."""
from sqlalchemy import func, select

from contest.audit.models import AuditEvent
from contest.extensions import db
from contest.judging.models import PrizeOverride
from tests.anthology_data import judged_round

TIERS = [{"name": "Giải Nhất", "count": 1}, {"name": "Giải Nhì", "count": 1}]


def _round(make):
    round_, entries = judged_round(make, [
        {"title": "Bài A", "author": "Nguyễn Văn An", "score": 90},
        {"title": "Bài B", "author": "Trần Thị Bình", "score": 80},
        {"title": "Bài C", "author": "Lê Văn Cường", "score": 80},
        {"title": "Bài D", "author": "Phạm Thị Dung", "score": 50}])
    round_.prizes = TIERS
    db.session.commit()
    return round_, entries


def _prizes(client, round_, headers=None):
    items = client.get(f"/api/v1/rounds/{round_.id}/results", headers=headers or {}).json["items"]
    return [(i["title"], i["rank"], i["prize"]) for i in items]


def test_results_carry_the_prize_and_ties_share_it(client, make):
    round_, _entries = _round(make)
    assert _prizes(client, round_) == [("Bài A", 1, "Giải Nhất"), ("Bài B", 2, "Giải Nhì"),
                                       ("Bài C", 2, "Giải Nhì"), ("Bài D", 4, None)]


def test_an_organizer_moves_a_prize_by_hand_with_a_reason(client, make):
    round_, entries = _round(make)
    org = make.auth(make.user(role="organizer"))
    url = f"/api/v1/entries/{entries[3].id}/prize"
    moved = client.put(url, headers=org, json={"prize": "Giải Nhì", "reason": "Phúc khảo: cộng điểm sáng tạo"})
    assert moved.status_code == 200, moved.json
    assert moved.json == {"entry_id": entries[3].id, "prize": "Giải Nhì", "computed_prize": None,
                          "by_hand": True, "reason": "Phúc khảo: cộng điểm sáng tạo"}
    taken = client.put(f"/api/v1/entries/{entries[2].id}/prize", headers=org,
                       json={"prize": None, "reason": "Vi phạm thể lệ"})
    assert taken.status_code == 200 and taken.json["prize"] is None and taken.json["computed_prize"] == "Giải Nhì"
    assert _prizes(client, round_) == [("Bài A", 1, "Giải Nhất"), ("Bài B", 2, "Giải Nhì"),
                                       ("Bài C", 2, None), ("Bài D", 4, "Giải Nhì")]
    events = db.session.execute(select(AuditEvent).where(
        AuditEvent.object_type == "entry", AuditEvent.action == "entry.prize").order_by(AuditEvent.id)).scalars().all()
    assert [(e.object_id, e.before, e.after, e.reason) for e in events] == [
        (entries[3].id, {"prize": None, "by_hand": False}, {"prize": "Giải Nhì", "by_hand": True},
         "Phúc khảo: cộng điểm sáng tạo"),
        (entries[2].id, {"prize": "Giải Nhì", "by_hand": False}, {"prize": None, "by_hand": True}, "Vi phạm thể lệ")]
    back = client.put(url, headers=org, json={"prize": None, "computed": True, "reason": "Hủy phúc khảo"})
    assert back.status_code == 200 and back.json["by_hand"] is False and back.json["prize"] is None
    assert db.session.get(PrizeOverride, entries[3].id) is None


def test_a_move_without_reason_or_to_an_unknown_prize_changes_nothing(client, make):
    round_, entries = _round(make)
    org = make.auth(make.user(role="organizer"))
    url = f"/api/v1/entries/{entries[3].id}/prize"
    blank = client.put(url, headers=org, json={"prize": "Giải Nhì", "reason": "   "})
    assert blank.status_code == 422
    assert blank.json["error"]["message"] == "Hãy ghi lý do điều chỉnh giải."
    unknown = client.put(url, headers=org, json={"prize": "Giải Vàng", "reason": "Thử"})
    assert unknown.status_code == 422
    assert unknown.json["error"]["message"] == "Vòng thi này không có giải nào tên “Giải Vàng”."
    member = make.auth(make.user())
    assert client.put(url, headers=member, json={"prize": "Giải Nhì", "reason": "Tôi muốn"}).status_code == 403
    assert client.put("/api/v1/entries/999999/prize", headers=org,
                      json={"prize": None, "reason": "x"}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(PrizeOverride)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.object_type == "entry")) == 0


def test_the_results_export_has_the_prize_column(client, make):
    import csv
    import io

    from openpyxl import load_workbook

    round_, entries = _round(make)
    org = make.auth(make.user(role="organizer"))
    client.put(f"/api/v1/entries/{entries[3].id}/prize", headers=org, json={"prize": "Giải Nhì", "reason": "Phúc khảo"})
    response = client.get(f"/api/v1/rounds/{round_.id}/export/results.xlsx", headers=org)
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data))["Kết quả"].iter_rows(values_only=True))
    assert rows[0] == ("Hạng", "Số phách", "Tiêu đề", "Tác giả", "Đơn vị", "Điểm", "Vòng chấm", "Giải thưởng")
    assert [(r[0], r[3], r[5], r[7]) for r in rows[1:]] == [
        (1, "Nguyễn Văn An", 90, "Giải Nhất"), (2, "Trần Thị Bình", 80, "Giải Nhì"),
        (2, "Lê Văn Cường", 80, "Giải Nhì"), (4, "Phạm Thị Dung", 50, "Giải Nhì")]
    data = client.get(f"/api/v1/rounds/{round_.id}/export/results.csv", headers=org).data
    assert data[:3] == b"\xef\xbb\xbf"
    assert list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))[1][-1] == "Giải Nhất"
    assert client.get(f"/api/v1/rounds/{round_.id}/export/leaderboard.xlsx", headers=org).status_code == 404
    quiz = make.round()
    assert client.get(f"/api/v1/rounds/{quiz.id}/export/results.xlsx", headers=org).status_code == 404


def test_an_author_reads_the_prize_of_their_entry_only_once_published(client, make):
    round_, entries = _round(make)
    round_.results_published = False
    db.session.commit()
    author = make.auth(entries[0].author)
    assert client.get(f"/api/v1/entries/{entries[0].id}", headers=author).json["prize"] is None
    org = make.auth(make.user(role="organizer"))
    assert client.get(f"/api/v1/entries/{entries[0].id}", headers=org).json["prize"] == "Giải Nhất"
    listed = client.get(f"/api/v1/rounds/{round_.id}/entries", headers=org).json["items"]
    assert [e["prize"] for e in listed] == ["Giải Nhất", "Giải Nhì", "Giải Nhì", None]
    round_.results_published = True
    db.session.commit()
    assert client.get(f"/api/v1/entries/{entries[0].id}", headers=author).json["prize"] == "Giải Nhất"
