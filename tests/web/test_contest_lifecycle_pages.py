"""The organizer's contest lifecycle on the pages (issue 11 point 6): a new contest starts as a
draft, members see it once published, archive and back to draft, each audited."""
from sqlalchemy import select

from contest.audit.models import AuditEvent
from contest.extensions import db
from contest.rounds.models import Contest
from tests.web.test_essay_pages import login
from tests.web.test_get_writes_nothing import _forget_the_last_request


class _Fresh:
    """A test client seen as itself on each request (the tests share one app context, and with
    it ``g``, where Flask-Login keeps the last signed-in user)."""

    def __init__(self, client):
        self.client = client

    def get(self, *args, **kwargs):
        _forget_the_last_request()
        return self.client.get(*args, **kwargs)

    def post(self, *args, **kwargs):
        _forget_the_last_request()
        return self.client.post(*args, **kwargs)


def test_a_contest_made_on_the_pages_is_a_draft_until_published(app, client, make):
    make.questions(10)
    organizer = make.user(role="organizer")
    login(client, organizer)
    form = client.get("/manage/contests/new").get_data(as_text=True)
    assert ("Cuộc thi bắt đầu ở dạng bản nháp: thí sinh chưa nhìn thấy cho đến khi bạn công bố "
            "ở trang của cuộc thi.") in form
    created = client.post("/manage/contests/new", data={"title": "Cuộc thi nháp 2026", "description": ""},
                          follow_redirects=True).get_data(as_text=True)
    assert "Đã tạo cuộc thi ở dạng bản nháp" in created
    contest = db.session.execute(select(Contest)).scalar_one()
    assert contest.status == "draft"
    assert "Bản nháp" in created and 'value="published"' in created
    round_ = make.round(contest=contest, title="Tuần nháp")
    assert "Bản nháp" in client.get("/manage/").get_data(as_text=True)
    assert "Bản nháp" in client.get("/").get_data(as_text=True)  # the organizer's home marks it

    client = _Fresh(client)
    member_client = _Fresh(app.test_client())
    member = make.user()
    _forget_the_last_request()
    login(member_client.client, member)
    assert "Cuộc thi nháp 2026" not in member_client.get("/").get_data(as_text=True)
    assert member_client.get(f"/rounds/{round_.id}").status_code == 404

    published = client.post(f"/manage/contests/{contest.id}/status", data={"status": "published"},
                            follow_redirects=True).get_data(as_text=True)
    assert "Đã công bố cuộc thi: thí sinh đã nhìn thấy cuộc thi và có thể tham gia các vòng đang mở." in published
    db.session.expire_all()
    assert db.session.get(Contest, contest.id).status == "published"
    home = member_client.get("/").get_data(as_text=True)
    assert "Cuộc thi nháp 2026" in home and "Bản nháp" not in home
    open_page = member_client.get(f"/rounds/{round_.id}")
    assert open_page.status_code == 200
    assert f'action="/rounds/{round_.id}/start"' in open_page.get_data(as_text=True)

    client.post(f"/manage/contests/{contest.id}/status", data={"status": "archived"})
    assert "Cuộc thi nháp 2026" not in member_client.get("/").get_data(as_text=True)
    archived = member_client.get(f"/rounds/{round_.id}")  # reachable by link, closed
    assert archived.status_code == 200
    assert f'action="/rounds/{round_.id}/start"' not in archived.get_data(as_text=True)
    started = member_client.post(f"/rounds/{round_.id}/start", follow_redirects=True).get_data(as_text=True)
    assert "Vòng thi này hiện chưa mở hoặc đã đóng." in started

    client.post(f"/manage/contests/{contest.id}/status", data={"status": "draft"})
    assert member_client.get(f"/rounds/{round_.id}").status_code == 404
    changes = db.session.execute(select(AuditEvent).where(AuditEvent.object_type == "contest",
                                                          AuditEvent.action == "contest.update")
                                 .order_by(AuditEvent.id)).scalars().all()
    assert [(e.before, e.after, e.actor_id) for e in changes] == [
        ({"status": "draft"}, {"status": "published"}, organizer.id),
        ({"status": "published"}, {"status": "archived"}, organizer.id),
        ({"status": "archived"}, {"status": "draft"}, organizer.id)]


def test_only_organizers_change_a_contest_s_status(client, make):
    contest = make.contest()
    login(client, make.user())
    assert client.post(f"/manage/contests/{contest.id}/status", data={"status": "draft"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Contest, contest.id).status == "published"


def test_an_unknown_status_is_refused(client, make):
    contest = make.contest()
    login(client, make.user(role="organizer"))
    assert client.post(f"/manage/contests/{contest.id}/status", data={"status": "deleted"}).status_code == 400


def test_the_api_still_creates_published_contests(client, make):
    organizer = make.user(role="organizer")
    created = client.post("/api/v1/contests", json={"title": "Qua API"}, headers=make.auth(organizer))
    assert created.status_code == 201 and created.json["status"] == "published"


def test_a_draft_is_seen_only_by_the_organizers_who_manage_it(app, make):
    make.questions(10)
    province = make.unit(name="Đảng bộ Tỉnh")
    cell_a, cell_b = make.unit(name="Chi bộ A", parent=province), make.unit(name="Chi bộ B", parent=province)
    contest = make.contest("Cuộc thi nháp của chi bộ B")
    contest.status, contest.owner_unit_id = "draft", cell_b.id
    db.session.commit()
    round_ = make.round(contest=contest, title="Tuần nháp B")
    seen = {}
    for name, user in {"a": make.user(role="organizer", unit=cell_a), "b": make.user(role="organizer", unit=cell_b),
                       "admin": make.user(role="admin")}.items():
        viewer = _Fresh(app.test_client())
        _forget_the_last_request()
        login(viewer.client, user)
        seen[name] = ("Tuần nháp B" in viewer.get("/").get_data(as_text=True),
                      viewer.get(f"/rounds/{round_.id}").status_code)
    assert seen == {"a": (False, 404), "b": (True, 200), "admin": (True, 200)}
