"""The organizer's members and units pages: the tree never gets a cycle, merges carry members
and sub-units, the tree imports all or nothing, counts, search without diacritics, deactivate,
reset shown once; members cannot open them."""
import io

from openpyxl import Workbook
from sqlalchemy import select

from contest.accounts.models import Unit, User
from contest.audit.models import AuditEvent
from contest.extensions import db
from tests.factories import sign_in


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _tree():
    return {u.name: u.parent_id for u in db.session.execute(select(Unit)).scalars()}


def test_moves_and_merges_never_make_a_cycle(client, make):
    top = make.unit("Huyện ủy")
    cell = make.unit("Chi bộ A", parent=top)
    team = make.unit("Tổ 1", parent=cell)
    sign_in(client, make.user("btc", role="organizer"))
    moved = "Không thể chuyển một đơn vị vào chính nó hoặc vào đơn vị trực thuộc của nó."
    merged = "Không thể gộp một đơn vị vào chính nó hoặc vào đơn vị trực thuộc của nó."
    for url, data, message in [(f"/units/{top.id}/move", {"parent_id": team.id}, moved),
                               (f"/units/{cell.id}/move", {"parent_id": cell.id}, moved),
                               (f"/units/{top.id}/merge", {"target_id": team.id}, merged),
                               (f"/units/{cell.id}/merge", {"target_id": cell.id}, merged)]:
        page = client.post(url, data=data, follow_redirects=True)
        assert message in page.get_data(as_text=True), url
    db.session.expire_all()
    assert _tree() == {"Huyện ủy": None, "Chi bộ A": top.id, "Tổ 1": cell.id}
    client.post(f"/units/{team.id}/move", data={"parent_id": 0})
    db.session.expire_all()
    assert _tree() == {"Huyện ủy": None, "Chi bộ A": top.id, "Tổ 1": None}


def test_a_merge_carries_members_and_sub_units_and_counts_follow(client, make):
    top = make.unit("Huyện ủy")
    a = make.unit("Chi bộ A", parent=top)
    b = make.unit("Chi bộ B", parent=top)
    team = make.unit("Tổ 1", parent=b)
    make.user("an", unit=a)
    make.user("binh", unit=b)
    make.user("cuc", unit=team)
    sign_in(client, make.user("btc", role="organizer"))
    client.post(f"/units/{b.id}/merge", data={"target_id": a.id})
    db.session.expire_all()
    assert _tree() == {"Huyện ủy": None, "Chi bộ A": top.id, "Tổ 1": a.id}
    assert sorted(u.username for u in db.session.execute(select(User).where(User.unit_id == a.id)).scalars()) == ["an", "binh"]
    page = client.get("/units").get_data(as_text=True)
    row = page.split(f'id="unit-{a.id}"')[1].split("</tr>")[0]
    assert '<td class="text-end unit-total">3</td><td class="text-end unit-direct">2</td>' in row
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "unit.merge")).scalar_one()
    assert event.after == {"members_moved": 1, "units_moved": 1}


def test_the_tree_imports_all_or_nothing(client, make):
    make.unit("Chi bộ A", parent=make.unit("Huyện ủy"))
    sign_in(client, make.user("btc", role="organizer"))
    bad = _xlsx([["Đơn vị"], ["Huyện ủy/Chi bộ B"], ["Huyện ủy//Tổ 2"], ["Đảng ủy xã/Chi bộ 1"]])
    page = client.post("/units/import", data={"file": (io.BytesIO(bad), "don-vi.xlsx")})
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert '<td class="text-nowrap import-line">3</td><td>Đường dẫn đơn vị trống hoặc có tên trống.</td>' in text
    assert len(_tree()) == 2
    good = _xlsx([["Đơn vị"], ["Huyện ủy/Chi bộ B"], ["huyện ủy/Chi bộ A/Tổ 1"], ["Đảng ủy xã/Chi bộ 1"]])
    done = client.post("/units/import", data={"file": (io.BytesIO(good), "don-vi.xlsx")}, follow_redirects=True)
    assert "Đã tạo 4 đơn vị." in done.get_data(as_text=True)
    tree = _tree()
    assert set(tree) == {"Huyện ủy", "Chi bộ A", "Chi bộ B", "Tổ 1", "Đảng ủy xã", "Chi bộ 1"}


def test_search_without_diacritics_deactivate_and_reset_on_the_pages(client, make):
    unit = make.unit("Chi bộ A")
    duc = make.user("duc.nv", unit=unit, full_name="Nguyễn Văn Đức")
    make.user("lan", full_name="Trần Thị Lan")
    sign_in(client, make.user("btc", role="organizer"))
    page = client.get("/members?q=NGUYEN duc").get_data(as_text=True)
    assert "Nguyễn Văn Đức" in page and "Trần Thị Lan" not in page and "1 thành viên" in page
    client.post(f"/members/{duc.id}/active", data={"action": "deactivate"})
    db.session.expire_all()
    assert db.session.get(User, duc.id).active is False
    assert "Tài khoản này đã bị khóa" in client.get(f"/members/{duc.id}").get_data(as_text=True)
    reset = client.post(f"/members/{duc.id}/reset").get_data(as_text=True)
    shown = reset.split('<span id="temporary-value">')[1].split("</span>")[0]
    assert len(shown) == 14 and shown.count("-") == 2
    assert shown not in client.get(f"/members/{duc.id}").get_data(as_text=True)  # shown once
    assert [e.action for e in db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()] == [
        "user.deactivate", "user.password_reset"]


def test_members_cannot_open_the_organizer_pages(client, make):
    member = make.user("tam")
    sign_in(client, member)
    for url in ("/members", "/units", "/members/import", f"/members/{member.id}"):
        assert client.get(url).status_code == 403


def test_an_import_on_the_page_shows_the_summary_the_progress_bar_then_the_sheet(app, client, make, monkeypatch):
    from openpyxl import load_workbook

    monkeypatch.setitem(app.config, "JOBS_INLINE", True)
    make.unit("Chi bộ A", parent=make.unit("Huyện ủy"))
    organizer = sign_in(client, make.user("btc", role="organizer"))
    data = _xlsx([["Họ và tên", "Tên đăng nhập", "Đơn vị"], ["Lê Thị Hoa", "hoa.lt", "Huyện ủy/Chi bộ A"],
                  ["Trần Văn Bình", "binh.tv", "Huyện ủy/Chi bộ A"]])
    page = client.post("/members/import", data={"file": (io.BytesIO(data), "tv.xlsx")},
                       content_type="multipart/form-data").get_data(as_text=True)
    from contest.jobs.models import Job

    job = db.session.execute(select(Job)).scalar_one()
    assert (job.kind, job.status, job.started_by_id) == ("credentials", "done", organizer.id)
    assert "Đã tạo 2 thành viên (0 đơn vị mới)." in page
    assert ("Mật khẩu ban đầu của 2 thành viên đang được tạo ở chế độ nền: cho đến khi xong, các thành viên này "
            "chưa đăng nhập được.") in page
    assert f'data-job-url="/api/v1/jobs/{job.id}"' in page and "js/job-progress.js" in page
    assert f'id="credentials-link" href="/members/credentials/{job.id}"' in page
    assert page.index('data-testid="job-progress"') < page.index('id="credentials-link"') < page.index("data-job-failed")
    sheet = client.get(f"/members/credentials/{job.id}")
    assert sheet.status_code == 200 and sheet.headers["Cache-Control"] == "no-store"
    rows = list(load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))
    assert rows == [("Họ và tên", "Tên đăng nhập", "Mật khẩu ban đầu", "Đơn vị"),
                    ("Lê Thị Hoa", "hoa.lt", rows[1][2], "Huyện ủy / Chi bộ A"),
                    ("Trần Văn Bình", "binh.tv", rows[2][2], "Huyện ủy / Chi bộ A")]
    assert client.get(f"/members/credentials/{job.id}").status_code == 404  # once

    from tests.web.test_get_writes_nothing import _forget_the_last_request

    member = app.test_client()
    _forget_the_last_request()  # the clients share the test's app context, and its signed-in user
    signed = member.post("/login", data={"username": "hoa.lt", "password": rows[1][2]})
    assert signed.status_code == 302
    _forget_the_last_request()
    assert member.get("/contests").headers["Location"] == "/account/password"


def test_the_sheet_link_of_a_job_still_running_says_to_wait(app, client, make, monkeypatch):
    from contest.jobs import service as jobs

    monkeypatch.setattr(jobs, "dispatch", lambda app, job_id: None)  # the job stays queued
    make.unit("Chi bộ A")
    sign_in(client, make.user("btc", role="organizer"))
    data = _xlsx([["Họ và tên", "Tên đăng nhập", "Đơn vị"], ["Lê Thị Hoa", "hoa.lt", "Chi bộ A"]])
    client.post("/members/import", data={"file": (io.BytesIO(data), "tv.xlsx")}, content_type="multipart/form-data")
    from contest.jobs.models import Job

    job_id = db.session.execute(select(Job.id)).scalar_one()
    early = client.get(f"/members/credentials/{job_id}")
    assert early.status_code == 302 and early.headers["Location"] == f"/members/import?job={job_id}"
    page = client.get(early.headers["Location"]).get_data(as_text=True)
    assert ("Mật khẩu ban đầu vẫn đang được tạo: hãy chờ thanh tiến độ chạy hết rồi tải bảng mật khẩu.") in page
    assert f'data-job-url="/api/v1/jobs/{job_id}"' in page
    from contest.accounts.rules import NO_PASSWORD_YET
    from tests.web.test_get_writes_nothing import _forget_the_last_request

    member = app.test_client()
    _forget_the_last_request()
    refused = member.post("/login", data={"username": "hoa.lt", "password": NO_PASSWORD_YET})
    assert refused.status_code == 200 and "Sai tên đăng nhập hoặc mật khẩu." in refused.get_data(as_text=True)
