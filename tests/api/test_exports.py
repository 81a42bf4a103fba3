"""Exports of a round's tables through the API: organizers only, files opened back."""
import csv
import io
from datetime import timedelta

from openpyxl import load_workbook

from contest.extensions import db
from contest.rounds import service

EVIL = '=HYPERLINK("http://evil.example","bấm")'


def _closed_round(make):
    unit = make.unit("Chi bộ Lê Lợi")
    make.questions(4)
    round_ = make.round(question_count=3)
    for name in ("Nguyễn Thị Ánh Tuyết", EVIL):
        attempt, _ = service.start_attempt(round_, make.user(unit=unit, full_name=name))
        service.submit_attempt(attempt)
    make.clock.set(round_.closes_at + timedelta(minutes=1))
    db.session.commit()
    return round_


def test_the_leaderboard_xlsx_opens_back_typed_in_vietnamese(client, make):
    round_ = _closed_round(make)
    organizer = make.auth(make.user(role="organizer"))
    response = client.get(f"/api/v1/rounds/{round_.id}/export/leaderboard.xlsx", headers=organizer)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="round-{round_.id}-leaderboard.xlsx"'
    sheet = load_workbook(io.BytesIO(response.data))["Bảng xếp hạng"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Hạng", "Họ và tên", "Đơn vị", "Điểm")
    names = {r[1] for r in rows[1:]}
    assert names == {"Nguyễn Thị Ánh Tuyết", "'" + EVIL}
    assert all(isinstance(r[0], int) for r in rows[1:])
    # a score is a number cell with two decimals (openpyxl reads 0.0 back as the number 0)
    assert all(sheet.cell(row=i, column=4).data_type == "n" for i in range(2, len(rows) + 1))
    assert sheet["D2"].number_format == "0.00"
    assert sheet.freeze_panes == "A2"


def test_the_units_csv_starts_with_the_bom(client, make):
    round_ = _closed_round(make)
    organizer = make.auth(make.user(role="organizer"))
    data = client.get(f"/api/v1/rounds/{round_.id}/export/units.csv", headers=organizer).data
    assert data[:3] == b"\xef\xbb\xbf"
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))
    assert rows[0] == ["Đơn vị", "Số thành viên đăng ký", "Số người tham gia", "Tỷ lệ tham gia", "Điểm trung bình"]
    assert rows[1][:3] == ["Chi bộ Lê Lợi", "2", "2"]


def test_members_strangers_and_unknown_tables_are_refused(client, make):
    round_ = _closed_round(make)
    member = make.auth(make.user())
    organizer = make.auth(make.user(role="organizer"))
    url = f"/api/v1/rounds/{round_.id}/export"
    assert client.get(f"{url}/leaderboard.csv").status_code == 401
    assert client.get(f"{url}/leaderboard.csv", headers=member).status_code == 403
    assert client.get(f"{url}/results.csv", headers=organizer).status_code == 404
    assert client.get(f"{url}/leaderboard.pdf", headers=organizer).status_code == 404
    assert client.get(f"/api/v1/rounds/99999/export/leaderboard.csv", headers=organizer).status_code == 404


def test_the_attempts_and_audit_tables_open_back(client, make):
    from datetime import datetime

    from contest.audit.service import record

    round_ = _closed_round(make)
    organizer_user = make.user(role="organizer", full_name="Trần Văn Bảo")
    organizer = make.auth(organizer_user)
    record("round.publish", "round", round_.id, actor=organizer_user, before={"published": False},
           after={"published": True}, reason="Đã chấm xong", round_id=round_.id)
    db.session.commit()
    url = f"/api/v1/rounds/{round_.id}/export"
    sheet = load_workbook(io.BytesIO(client.get(f"{url}/attempts.xlsx", headers=organizer).data))["Lượt thi"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Họ và tên", "Lượt thi", "Trạng thái", "Bắt đầu lúc", "Nộp lúc", "Điểm", "Cần xem lại")
    assert {r[0] for r in rows[1:]} == {"Nguyễn Thị Ánh Tuyết", "'" + EVIL}
    assert [r[6] for r in rows[1:]] == [None, None]  # nothing implausible (tests/web/test_abuse_flags.py)
    assert all(isinstance(r[3], datetime) and isinstance(r[1], int) for r in rows[1:])
    sheet = load_workbook(io.BytesIO(client.get(f"{url}/audit.xlsx", headers=organizer).data))["Nhật ký thao tác"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Thời gian", "Người thực hiện", "Thao tác", "Đối tượng", "Trước", "Sau", "Lý do")
    assert rows[1][1:] == ("Trần Văn Bảo", "round.publish", f"round #{round_.id}", '{"published": false}',
                           '{"published": true}', "Đã chấm xong")
    assert isinstance(rows[1][0], datetime)


def test_the_report_workbook_has_its_sheets_and_says_the_ranks_are_final(client, make):
    round_ = _closed_round(make)
    organizer = make.auth(make.user(role="organizer"))
    assert client.get(f"/api/v1/rounds/{round_.id}/report.xlsx", headers=make.auth(make.user())).status_code == 403
    response = client.get(f"/api/v1/rounds/{round_.id}/report.xlsx", headers=organizer)
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Tổng quan", "Bảng xếp hạng", "Đơn vị", "Phân tích câu hỏi", "Nhật ký thao tác"]
    items = list(book["Phân tích câu hỏi"].iter_rows(values_only=True))
    assert items[0] == ("Câu hỏi", "Nội dung câu hỏi", "Số lần được rút", "Số lần trả lời đúng",
                        "Số lần bỏ trống", "Độ dễ", "Độ phân biệt", "Cần xem lại")
    # Two attempts of 3 questions each, submitted blank: 6 draws, none right, all unanswered.
    assert sum(r[2] for r in items[1:]) == 6 and {r[3] for r in items[1:]} == {0}
    assert [r[4] for r in items[1:]] == [r[2] for r in items[1:]]
    assert {r[5] for r in items[1:]} == {0} and book["Phân tích câu hỏi"]["F2"].number_format.endswith("%")
    summary = {r[0]: r[1:] for r in book["Tổng quan"].iter_rows(min_row=2, values_only=True)}
    assert summary["Xếp hạng chính thức"][0] == "Có"
    assert summary["Lượt thi"][2] == 2
    assert summary["Vòng thi"][0] == round_.title
    assert book["Tổng quan"].freeze_panes == "A2"


def test_the_organizers_leaderboard_page_links_the_downloads_that_a_session_can_fetch(client, make):
    from tests.web.test_taking_a_round import login

    round_ = _closed_round(make)
    login(client, make.user(role="organizer"))
    html = client.get(f"/rounds/{round_.id}/leaderboard").get_data(as_text=True)
    assert f'href="/rounds/{round_.id}/export/leaderboard.xlsx">Tải Excel</a>' in html
    assert f'href="/rounds/{round_.id}/report.xlsx">Tải báo cáo của vòng thi</a>' in html
    data = client.get(f"/rounds/{round_.id}/export/leaderboard.csv").data
    assert data[:3] == b"\xef\xbb\xbf"


def test_a_member_signed_in_on_the_site_cannot_download(client, make):
    from tests.web.test_taking_a_round import login

    round_ = _closed_round(make)
    login(client, make.user())
    assert client.get(f"/rounds/{round_.id}/export/leaderboard.csv").status_code == 403
    assert client.get(f"/rounds/{round_.id}/report.xlsx").status_code == 403
