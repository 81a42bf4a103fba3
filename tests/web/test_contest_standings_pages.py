"""The contest standings and units pages, and the organizer's controls on the contest page."""
import io
import re

from openpyxl import load_workbook

from contest.audit.models import AuditEvent
from contest.extensions import db
from contest.rounds.models import Contest
from tests.api.test_contest_standings import _tree_contest, after_the_close, quiz_round
from tests.factories import sign_in


def _cells(html, table_id):
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return [re.sub(r"<[^>]+>", "|", row) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_members_see_the_contest_standings_page_once_published(client, make):
    contest = make.contest(title="Tìm hiểu 95 năm Đoàn")
    an, binh = make.user(full_name="Nguyễn Văn An"), make.user(full_name="Trần Thị Bình")
    quiz_round(make, contest, {an: (8, 10), binh: (9, 20)})
    after_the_close(make)
    sign_in(client, an)
    assert f"/contests/{contest.id}/standings" not in client.get("/").get_data(as_text=True)
    assert client.get(f"/contests/{contest.id}/standings").status_code == 403
    assert client.get(f"/contests/{contest.id}/units").status_code == 403
    contest.standings_published = True
    db.session.commit()
    assert f'href="/contests/{contest.id}/standings">Bảng tổng sắp</a>' in client.get("/").get_data(as_text=True)
    page = client.get(f"/contests/{contest.id}/standings").get_data(as_text=True)
    assert "Bảng tổng sắp" in page and "Tìm hiểu 95 năm Đoàn" in page
    rows = re.findall(r"<tr[^>]*>\s*<td>(\d+)</td><td>([^<]+)<", page.split('id="contest-standings"')[1])
    assert rows == [("1", "Trần Thị Bình"), ("2", "Nguyễn Văn An")]
    assert "Thứ hạng của bạn: 2/2" in page
    assert page.count('<tr class="table-info">') == 1  # the member's own row is highlighted
    assert "Cách tính: cộng điểm" in page
    assert "Tải Excel" not in page  # downloads are the organizers'
    assert client.get(f"/contests/{contest.id}/export/standings.xlsx").status_code in (302, 403)


def test_the_contest_units_page_switches_between_rate_and_participants(client, make):
    contest, round1 = _tree_contest(make)
    sign_in(client, make.user(role="organizer"))
    by_rate = client.get(f"/contests/{contest.id}/units").get_data(as_text=True)
    assert [row.split("|")[3] for row in _cells(by_rate, "contest-units")[1:]] == \
        ["Huyện ủy A", "Chi bộ A2", "Tỉnh ủy", "Huyện ủy B", "Chi bộ A1"]
    assert "66,7\u00a0%" in by_rate and 'aria-current="true" href="/contests/%d/units?by=rate"' % contest.id in by_rate
    by_people = client.get(f"/contests/{contest.id}/units?by=participants").get_data(as_text=True)
    assert [row.split("|")[3] for row in _cells(by_people, "contest-units")[1:]] == \
        ["Tỉnh ủy", "Huyện ủy A", "Chi bộ A2", "Huyện ủy B", "Chi bộ A1"]
    round_page = client.get(f"/rounds/{round1.id}/units?by=participants").get_data(as_text=True)
    assert round_page.index("Tỉnh ủy") < round_page.index("Huyện ủy B") < round_page.index("Chi bộ A1")
    assert "Theo số người tham gia" in round_page


def test_the_organizer_sets_the_rule_and_publishes_from_the_contest_page(client, make):
    contest = make.contest()
    an, binh = make.user(full_name="An"), make.user(full_name="Bình")
    quiz_round(make, contest, {an: (8, 10), binh: (10, 20)})
    quiz_round(make, contest, {an: (6, 10)})
    after_the_close(make)
    sign_in(client, make.user(role="organizer"))
    page = client.get(f"/manage/contests/{contest.id}").get_data(as_text=True)
    assert "Cách tính bảng tổng sắp" in page and "Công bố bảng tổng sắp" in page and "Chưa công bố bảng tổng sắp" in page
    saved = client.post(f"/manage/contests/{contest.id}/standings", data={"standings_rule": "best"},
                        follow_redirects=True)
    assert "Đã lưu cuộc thi." in saved.get_data(as_text=True)
    assert db.session.get(Contest, contest.id).standings_rule == "best"
    assert client.post(f"/manage/contests/{contest.id}/standings",
                       data={"standings_rule": "average"}).status_code == 400
    standings = client.get(f"/contests/{contest.id}/standings").get_data(as_text=True)
    assert [row.split("|")[3] for row in _cells(standings, "contest-standings")[1:]] == ["Bình", "An"]
    published = client.post(f"/manage/contests/{contest.id}/standings", data={"publish": "1"}, follow_redirects=True)
    assert "Đã công bố bảng tổng sắp: mọi người đều có thể xem." in published.get_data(as_text=True)
    assert "Ẩn bảng tổng sắp" in published.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Contest, contest.id).standings_published is True
    actions = [e.action for e in db.session.query(AuditEvent).filter_by(object_type="contest")]
    assert sorted(actions) == ["contest.publish_standings", "contest.update"]
    book = load_workbook(io.BytesIO(client.get(f"/contests/{contest.id}/export/standings.xlsx").data))
    assert [r[1] for r in book["Bảng tổng sắp"].iter_rows(min_row=2, values_only=True)] == ["Bình", "An"]


def test_a_member_cannot_use_the_organizer_controls(client, make):
    contest = make.contest()
    sign_in(client, make.user())
    assert client.post(f"/manage/contests/{contest.id}/standings", data={"publish": "1"}).status_code in (302, 403)
    assert db.session.get(Contest, contest.id).standings_published is False
