"""Members and units (organizer), api-v1.md: the import all or nothing, initial passwords that
must be changed, deactivation at once, who grants which role, and the contract's fields."""
import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from contest.accounts.models import LoginSession, User
from contest.audit.models import AuditEvent
from contest.extensions import db
from contest.rounds import service
from contest.rounds.models import Attempt

HEAD = ["Họ và tên", "Tên đăng nhập", "Đơn vị", "Vai trò", "Email", "Điện thoại", "Ngày sinh"]


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEAD)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _members(n):
    # NFD on purpose in the names: they are stored NFC.
    return [[f"Nguye\u0302\u0303n Va\u0306n {i}", f"tv{i:04d}", "Huyện ủy/Chi bộ A", "thành viên",
             f"tv{i}@example.vn", "0912 345 678", "05/09/1990"] for i in range(1, n + 1)]


@pytest.fixture
def inline(app, monkeypatch):
    """The credentials job runs before the import's request answers (its thread is waited for)."""
    monkeypatch.setitem(app.config, "JOBS_INLINE", True)


def _import(client, headers, data, name="thanh-vien.xlsx", **form):
    return client.post("/api/v1/users/import", headers=headers,
                       data={"file": (io.BytesIO(data), name), **form})


def test_a_1000_row_import_with_3_bad_rows_names_exactly_them_and_creates_nothing(client, make):
    make.unit("Chi bộ A", parent=make.unit("Huyện ủy"))
    organizer = make.user("btc", role="organizer")
    rows = _members(1000)
    rows[99][1] = "tv0050"            # line 101: the username of line 51 again
    rows[499][6] = "31/02/1990"       # line 501: no such date
    rows[899][2] = "Huyện ủy/Chi bộ Z"  # line 901: no such unit
    response = _import(client, make.auth(organizer), _xlsx(rows))
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "invalid_file"
    assert error["message"] == "Chưa tạo gì cả: phát hiện 3 lỗi trong tệp."
    assert error["details"] == [
        {"line": 101, "message": "Tên đăng nhập “tv0050” đã có ở dòng 51."},
        {"line": 501, "message": "Ngày sinh “31/02/1990” không hợp lệ: hãy ghi ngày/tháng/năm (dd/mm/yyyy)."},
        {"line": 901, "message": "Không có đơn vị “Huyện ủy/Chi bộ Z”."},
    ]
    assert db.session.scalar(select(func.count()).select_from(User)) == 1  # the organizer only
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_the_fixed_file_creates_1000_members_whose_passwords_work_once_then_must_change(client, make, inline):
    make.unit("Chi bộ A", parent=make.unit("Huyện ủy"))
    organizer = make.user("btc", role="organizer")
    headers = make.auth(organizer)
    response = _import(client, headers, _xlsx(_members(1000)))
    assert response.status_code == 201, response.json
    body = response.json
    assert set(body) == {"created", "skipped", "units_created", "credentials_job_id"}
    assert (body["created"], body["skipped"], body["units_created"]) == (1000, 0, 0)
    assert db.session.scalar(select(func.count()).select_from(User).where(User.must_change_password)) == 1000
    an = db.session.execute(select(User).where(User.username == "tv0001")).scalar_one()
    assert an.full_name == "Nguyễn Văn 1" and an.full_name.encode() == "Nguyễn Văn 1".encode()
    assert an.unit.path_name() == "Huyện ủy › Chi bộ A" and str(an.date_of_birth) == "1990-09-05"
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "user.import")).scalar_one()
    assert event.after["created"] == 1000 and event.actor_id == organizer.id

    sheet = client.get(f"/api/v1/users/import/credentials/{body['credentials_job_id']}", headers=headers)
    assert sheet.status_code == 200
    rows = list(load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))
    assert rows[0] == ("Họ và tên", "Tên đăng nhập", "Mật khẩu ban đầu", "Đơn vị")
    assert len(rows) == 1001 and rows[1][:2] == ("Nguyễn Văn 1", "tv0001")
    again = client.get(f"/api/v1/users/import/credentials/{body['credentials_job_id']}", headers=headers)
    assert again.status_code == 404  # handed out once

    for _name, username, password, _unit in rows[1:4]:
        token = client.post("/api/v1/auth/token", json={"username": username, "password": password})
        assert token.status_code == 200
        member = {"Authorization": f"Bearer {token.json['token']}"}
        refused = client.get("/api/v1/me", headers=member)
        assert refused.status_code == 403
        assert refused.json["error"] == {"code": "password_change_required", "message":
                                         "Mật khẩu của bạn do ban tổ chức cấp: hãy đặt mật khẩu của riêng bạn "
                                         "trước khi tiếp tục."}
        changed = client.post("/api/v1/me/password", headers=member,
                              json={"current_password": password, "new_password": "lua-chin-vang-2026"})
        assert changed.status_code == 204
        assert client.get("/api/v1/me", headers=member).json["username"] == username
        assert client.post("/api/v1/auth/token",
                           json={"username": username, "password": password}).status_code == 401


def test_units_are_created_on_request_and_a_bad_csv_lists_every_row(client, make, inline):
    organizer = make.user("btc", role="organizer")
    headers = make.auth(organizer)
    csv = ("Họ và tên;Tên đăng nhập;Đơn vị;Vai trò;Email;Ngày sinh\n"
           "Lê Thị Hoa;hoa.lt;Đảng ủy xã/Chi bộ 1;giám khảo;hoa@example.vn;1991-02-03\n"
           "Trần Văn Bình;binh.tv;Đảng ủy xã/Chi bộ 2;;;\n").encode()
    unknown = _import(client, headers, csv, "a.csv")
    assert [d["message"] for d in unknown.json["error"]["details"]] == [
        "Không có đơn vị “Đảng ủy xã/Chi bộ 1”.", "Không có đơn vị “Đảng ủy xã/Chi bộ 2”."]
    created = _import(client, headers, csv, "a.csv", create_units="true")
    assert created.status_code == 201
    assert created.json["created"] == 2 and created.json["units_created"] == 3
    hoa = db.session.execute(select(User).where(User.username == "hoa.lt")).scalar_one()
    assert hoa.role == "judge" and hoa.email == "hoa@example.vn"
    bad = ("Họ và tên,Tên đăng nhập,Đơn vị,Vai trò,Email\n"
           "Lê Thị Hoa,hoa.lt,Đảng ủy xã/Chi bộ 1,,\n"
           "Ngô Minh,minh,Đảng ủy xã/Chi bộ 1,ban tổ chức,khong-phai-email\n"
           "Đỗ An,an.do,Đảng ủy xã/Chi bộ 1,chủ tịch,\n").encode()
    refused = _import(client, headers, bad, "b.csv")
    assert refused.json["error"]["details"] == [
        {"line": 2, "message": "Tên đăng nhập “hoa.lt” đã có người dùng."},
        {"line": 3, "message": "Chỉ quản trị viên mới được cấp vai trò ban tổ chức hoặc quản trị viên."},
        {"line": 3, "message": "Email “khong-phai-email” không hợp lệ."},
        {"line": 4, "message": "Vai trò “chủ tịch” không có: hãy ghi thành viên, giám khảo, ban tổ chức hoặc quản trị."},
    ]


def test_a_deactivated_member_loses_token_and_session_at_once_and_keeps_results(client, make):
    make.questions(4)
    round_ = make.round(question_count=3)
    member = make.user("hung")
    attempt, _ = service.start_attempt(round_, member)
    service.submit_attempt(attempt)
    db.session.commit()
    member_headers = make.auth(member)
    browser = client.application.test_client()
    assert browser.post("/login", data={"username": "hung", "password": "secret-pass"}).status_code == 302
    assert browser.get("/account/password").status_code == 200
    organizer = make.user("btc", role="organizer")
    response = client.patch(f"/api/v1/users/{member.id}", headers=make.auth(organizer), json={"active": False})
    assert response.status_code == 200 and response.json["active"] is False
    assert client.get("/api/v1/me", headers=member_headers).status_code == 401
    assert browser.get("/account/password").status_code == 302  # back to the sign-in page
    assert client.post("/api/v1/auth/token", json={"username": "hung", "password": "secret-pass"}).status_code == 401
    assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 0
    assert db.session.get(Attempt, attempt.id).status == "submitted"
    assert [e.action for e in db.session.execute(select(AuditEvent).where(AuditEvent.object_type == "user")).scalars()] == ["user.deactivate"]
    back = client.patch(f"/api/v1/users/{member.id}", headers=make.auth(organizer), json={"active": True})
    assert back.json["active"] is True
    assert client.post("/api/v1/auth/token", json={"username": "hung", "password": "secret-pass"}).status_code == 200


def test_only_an_admin_grants_organizer_or_admin(client, make):
    member = make.user("tam")
    organizer = make.user("btc", role="organizer")
    admin = make.user("qtv", role="admin")
    for role in ("organizer", "admin"):
        refused = client.patch(f"/api/v1/users/{member.id}", headers=make.auth(organizer), json={"role": role})
        assert refused.status_code == 403
        assert refused.json["error"]["message"] == ("Chỉ quản trị viên mới được cấp vai trò ban tổ chức "
                                                    "hoặc quản trị viên.")
    db.session.expire_all()
    assert db.session.get(User, member.id).role == "member"
    judge = client.patch(f"/api/v1/users/{member.id}", headers=make.auth(organizer), json={"role": "judge"})
    assert judge.json["role"] == "judge"
    granted = client.patch(f"/api/v1/users/{member.id}", headers=make.auth(admin), json={"role": "organizer"})
    assert granted.status_code == 200 and granted.json["role"] == "organizer"
    events = db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
    assert [(e.action, e.before, e.after) for e in events] == [
        ("user.role", {"role": "member"}, {"role": "judge"}),
        ("user.role", {"role": "judge"}, {"role": "organizer"})]


def test_contract_fields_of_the_member_list_patch_and_reset(client, make):
    unit = make.unit("Chi bộ A", parent=make.unit("Huyện ủy"))
    other = make.unit("Chi bộ B")
    organizer = make.user("btc", role="organizer")
    headers = make.auth(organizer)
    duc = make.user("duc.nv", unit=unit, full_name="Nguyễn Văn Đức")
    make.user("lan", unit=other, full_name="Trần Thị Lan")
    listed = client.get("/api/v1/users?q=nguyen van duc", headers=headers)
    assert listed.status_code == 200
    assert listed.json == {"total": 1, "items": [{"id": duc.id, "username": "duc.nv", "full_name": "Nguyễn Văn Đức",
                                                 "role": "member", "unit_id": unit.id, "active": True}]}
    assert [u["username"] for u in client.get(f"/api/v1/users?unit_id={unit.parent_id}",
                                              headers=headers).json["items"]] == ["duc.nv"]
    assert client.get("/api/v1/users?role=organizer", headers=headers).json["total"] == 1
    assert client.get("/api/v1/users", headers=make.auth(duc)).status_code == 403
    patched = client.patch(f"/api/v1/users/{duc.id}", headers=headers, json={"full_name": "Nguyễn Văn Đức Anh",
                                                                            "unit_id": other.id})
    assert set(patched.json) == {"id", "username", "full_name", "role", "unit_id", "active"}
    assert (patched.json["full_name"], patched.json["unit_id"]) == ("Nguyễn Văn Đức Anh", other.id)
    reset = client.post(f"/api/v1/users/{duc.id}/password-reset", headers=headers)
    assert reset.status_code == 200
    assert set(reset.json) == {"temporary_password", "expires_at"}
    assert reset.json["expires_at"] == "2026-12-10T03:00:00+00:00"  # 72 h after the clock's now
    password = reset.json["temporary_password"]
    assert client.post("/api/v1/auth/token", json={"username": "duc.nv", "password": "secret-pass"}).status_code == 401
    token = client.post("/api/v1/auth/token", json={"username": "duc.nv", "password": password})
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token.json['token']}"}).status_code == 403
    make.clock.advance(hours=73)
    assert client.post("/api/v1/auth/token", json={"username": "duc.nv", "password": password}).status_code == 401
    actions = [e.action for e in db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()]
    assert actions == ["user.update", "user.password_reset"]


# --- the credentials job (issue #11, point 2) ---------------------------------------------------

def _held(monkeypatch):
    """Jobs stay queued: nothing runs them (a job "still running" for the organizer)."""
    from contest.jobs import service as jobs

    monkeypatch.setattr(jobs, "dispatch", lambda app, job_id: None)


def test_the_import_answers_before_the_passwords_exist_and_nobody_signs_in_until_its_job_ran(
        client, make, monkeypatch):
    from contest.accounts.rules import NO_PASSWORD_YET
    from contest.jobs import service as jobs
    from contest.jobs.models import Job

    _held(monkeypatch)
    make.unit("Chi bộ A", parent=make.unit("Huyện ủy"))
    organizer = make.user("btc", role="organizer")
    headers = make.auth(organizer)
    response = _import(client, headers, _xlsx(_members(3)))
    assert response.status_code == 201
    body = response.json
    assert (body["created"], body["skipped"], body["units_created"]) == (3, 0, 0)
    job = db.session.get(Job, body["credentials_job_id"])
    assert (job.kind, job.status, job.func_path, job.started_by_id) == (
        "credentials", "queued", "contest.accounts.members:credentials_job", organizer.id)
    members = db.session.execute(select(User).where(User.username.like("tv%")).order_by(User.username)).scalars().all()
    assert job.kwargs == {"user_ids": [m.id for m in members]}
    assert [(m.password_hash, m.must_change_password) for m in members] == [(NO_PASSWORD_YET, True)] * 3

    for password in ("", NO_PASSWORD_YET, "k7mp-x3qa-9tzr"):
        token = client.post("/api/v1/auth/token", json={"username": "tv0001", "password": password})
        assert token.status_code == 401
        assert token.json["error"]["code"] == "invalid_credentials"
    page = client.post("/login", data={"username": "tv0002", "password": NO_PASSWORD_YET})
    assert page.status_code == 200 and "Sai tên đăng nhập hoặc mật khẩu." in page.get_data(as_text=True)

    url = f"/api/v1/users/import/credentials/{job.id}"
    running = client.get(url, headers=headers)
    assert running.status_code == 409
    assert running.json["error"] == {"code": "job_not_done", "message":
                                     "Mật khẩu ban đầu vẫn đang được tạo: hãy chờ thanh tiến độ chạy hết rồi "
                                     "tải bảng mật khẩu."}
    job.status = "running"
    db.session.commit()
    from contest.accounts.members import keep_credentials

    keep_credentials(b"PK", job.id, organizer.id)  # kept, but the job may still fail: not handed out yet
    assert client.get(url, headers=headers).status_code == 409
    other = make.user("btc2", role="organizer")
    assert client.get(url, headers=make.auth(other)).status_code == 404  # another organizer's: unknown
    admin = make.user("qt", role="admin")
    assert client.get(url, headers=make.auth(admin)).status_code == 404  # bound to who imported

    job.status = "queued"
    db.session.commit()
    job_id = job.id
    jobs.run(job_id)
    db.session.expire_all()
    done = db.session.get(Job, job_id)
    assert (done.status, done.progress, done.result, done.error) == ("done", 1.0, {"members": 3}, None)
    sheet = client.get(url, headers=headers)
    assert sheet.status_code == 200
    rows = list(load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))
    assert rows[0] == ("Họ và tên", "Tên đăng nhập", "Mật khẩu ban đầu", "Đơn vị")
    assert [r[:2] + (r[3],) for r in rows[1:]] == [(f"Nguyễn Văn {i}", f"tv{i:04d}", "Huyện ủy / Chi bộ A")
                                                   for i in (1, 2, 3)]
    stored = repr((done.kwargs, done.result, done.error))
    assert [r[2] for r in rows[1:] if r[2] in stored] == []  # no plain password in the Job row
    token = client.post("/api/v1/auth/token", json={"username": "tv0001", "password": rows[1][2]})
    assert token.status_code == 200
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token.json['token']}"}).json["error"][
        "code"] == "password_change_required"
    assert client.get(url, headers=headers).status_code == 404  # handed out once


def test_a_bad_file_creates_nothing_and_starts_no_job(client, make, inline):
    from contest.jobs.models import Job

    make.unit("Chi bộ A", parent=make.unit("Huyện ủy"))
    organizer = make.user("btc", role="organizer")
    rows = _members(3)
    rows[2][2] = "Huyện ủy/Chi bộ Z"
    response = _import(client, make.auth(organizer), _xlsx(rows))
    assert response.status_code == 422
    assert response.json["error"]["details"] == [{"line": 4, "message": "Không có đơn vị “Huyện ủy/Chi bộ Z”."}]
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_a_failed_job_leaves_every_member_without_a_password_and_a_retry_makes_them(client, make, inline,
                                                                                   monkeypatch):
    from contest.accounts import members as members_module
    from contest.accounts.rules import NO_PASSWORD_YET
    from contest.jobs.models import Job
    from tests.factories import sign_in

    make.unit("Chi bộ A", parent=make.unit("Huyện ủy"))
    organizer = make.user("btc", role="organizer")
    headers = make.auth(organizer)
    monkeypatch.setattr(members_module, "PASSWORD_BATCH", 2)  # 2 batches of 3 members: the 1st committed
    real_sheet = members_module.credentials_sheet

    def broken(rows):
        raise RuntimeError("disk full")

    monkeypatch.setattr(members_module, "credentials_sheet", broken)
    response = _import(client, headers, _xlsx(_members(3)))
    assert response.status_code == 201
    job_id = response.json["credentials_job_id"]
    failed = db.session.get(Job, job_id)
    assert (failed.status, failed.error) == (
        "failed", "Tác vụ không thành công. Vui lòng thử lại; nếu vẫn lỗi, hãy báo quản trị viên.")
    hashes = db.session.execute(select(User.password_hash).where(User.username.like("tv%"))).scalars().all()
    assert hashes == [NO_PASSWORD_YET] * 3  # the batch written was put back
    refused = client.get(f"/api/v1/users/import/credentials/{job_id}", headers=headers)
    assert refused.status_code == 409
    assert refused.json["error"] == {"code": "job_failed", "message":
                                     "Không tạo được mật khẩu ban đầu: các thành viên của lần nhập này chưa đăng "
                                     "nhập được. Hãy thử lại từ trang nhập thành viên, hoặc cấp lại mật khẩu cho họ."}

    sign_in(client, organizer)
    page = client.get(f"/members/import?job={job_id}").get_data(as_text=True)
    assert f'action="/members/credentials/{job_id}/retry"' in page
    assert "Chưa thành viên nào của lần nhập này có mật khẩu: không ai đăng nhập được." in page
    monkeypatch.setattr(members_module, "credentials_sheet", real_sheet)
    again = client.post(f"/members/credentials/{job_id}/retry")
    assert again.status_code == 302
    retried = db.session.execute(select(Job).where(Job.id != job_id)).scalar_one()
    assert again.headers["Location"] == f"/members/import?job={retried.id}"
    assert (retried.kind, retried.status, retried.kwargs) == ("credentials", "done", failed.kwargs)
    sheet = client.get(f"/members/credentials/{retried.id}")
    rows = list(load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))[1:]
    assert [r[1] for r in rows] == ["tv0001", "tv0002", "tv0003"]
    token = client.post("/api/v1/auth/token", json={"username": "tv0003", "password": rows[2][2]})
    assert token.status_code == 200
    assert client.post(f"/members/credentials/{retried.id}/retry").headers["Location"] == \
        f"/members/import?job={retried.id}"  # a done job is not run again
    assert db.session.scalar(select(func.count()).select_from(Job)) == 2


def test_a_member_reset_while_the_job_waits_keeps_the_reset_password(client, make, monkeypatch):
    from contest.jobs import service as jobs

    _held(monkeypatch)
    make.unit("Chi bộ A", parent=make.unit("Huyện ủy"))
    organizer = make.user("btc", role="organizer")
    headers = make.auth(organizer)
    job_id = _import(client, headers, _xlsx(_members(2))).json["credentials_job_id"]
    tv2 = db.session.execute(select(User).where(User.username == "tv0002")).scalar_one()
    temporary = client.post(f"/api/v1/users/{tv2.id}/password-reset", headers=headers).json["temporary_password"]
    jobs.run(job_id)
    rows = list(load_workbook(io.BytesIO(client.get(f"/api/v1/users/import/credentials/{job_id}",
                                                    headers=headers).data)).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["tv0001"]
    assert client.post("/api/v1/auth/token", json={"username": "tv0002", "password": temporary}).status_code == 200


def test_with_redis_a_worker_makes_the_sheet_and_the_web_hands_it_out(app, client, make, clock):
    """REDIS_URL set: the job waits in RQ, a worker (another app, as `flask jobs-worker`) runs it,
    and the sheet it keeps in Redis is what the web server hands out, once."""
    import os

    import redis
    from rq import SimpleWorker

    from app import create_app
    from contest.jobs import service as jobs

    url = os.environ.get("TEST_CACHE_REDIS_URL", "redis://127.0.0.1:6379/7")
    store = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        store.ping()
    except redis.RedisError:
        pytest.skip(f"needs Redis at {url} (set TEST_CACHE_REDIS_URL)")
    store.flushdb()
    config = {**app.config, "REDIS_URL": url, "CLOCK": clock, "JOBS_INLINE": False}
    config.pop("SERVER_NAME", None)
    web, worker = create_app(config), create_app(config)
    make.unit("Chi bộ A", parent=make.unit("Huyện ủy"))
    organizer = make.user("btc", role="organizer")
    headers = make.auth(organizer)
    try:
        with web.app_context():
            web_client = web.test_client()
            job_id = _import(web_client, headers, _xlsx(_members(2))).json["credentials_job_id"]
            assert jobs.rq_queue(web).job_ids == [job_id]
            assert web_client.get(f"/api/v1/users/import/credentials/{job_id}", headers=headers).status_code == 409
        with worker.app_context():
            assert SimpleWorker([jobs.rq_queue(worker)], connection=jobs.rq_queue(worker).connection).work(burst=True)
        with web.app_context():
            sheet = web_client.get(f"/api/v1/users/import/credentials/{job_id}", headers=headers)
            assert sheet.status_code == 200
            rows = list(load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))
            assert [r[1] for r in rows[1:]] == ["tv0001", "tv0002"]
            assert web_client.get(f"/api/v1/users/import/credentials/{job_id}", headers=headers).status_code == 404
            token = web_client.post("/api/v1/auth/token", json={"username": "tv0002", "password": rows[2][2]})
            assert token.status_code == 200
    finally:
        store.flushdb()
        store.close()
