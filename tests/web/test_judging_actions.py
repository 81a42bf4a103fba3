"""The organizer's judging pages: one route per action, each form posting to its own URL."""
import re

from sqlalchemy import select

from contest.accounts.models import User
from contest.essays.models import Entry
from contest.judging.settings import settings_for
from contest.extensions import db
from contest.judging import service
from contest.judging.models import Assignment
from tests.web.test_essay_pages import login
from tests.web.test_judging_pages import _entries_with_judges


def form_actions(html):
    return [url for url in re.findall(r'<form method="post" action="([^"]+)"', html) if url.startswith("/judging/")]


def test_every_form_posts_to_its_own_url_and_the_pages_take_no_post(client, make):
    round_, _authors, _judges, organizer, _ = _entries_with_judges(client, make)
    login(client, organizer)
    base = f"/judging/manage/rounds/{round_.id}"
    manage = client.get(base).get_data(as_text=True)
    assert form_actions(manage) == [f"{base}/panel/remove?stage=1"] * 2 + [
        f"{base}/assign?stage=1", f"{base}/panel?stage=1", f"{base}/judges?stage=1", f"{base}/assign/hand?stage=1"]
    results = client.get(f"{base}/results").get_data(as_text=True)
    assert form_actions(results) == [f"{base}/results/normalize?stage=1", f"{base}/results/publish?stage=1"] + [
        f"{base}/results/prize?stage=1"] * 2 + [f"{base}/results/shortlist?stage=1"]
    assert 'name="action"' not in manage and 'name="action"' not in results
    for url in (base, f"{base}/results"):
        assert client.post(url, data={"action": "auto"}).status_code == 405
    assert db.session.query(Assignment).count() == 4  # the two judges' assignments, no more


def test_new_judge_remove_unassign_and_normalization_by_their_own_routes(client, make):
    round_, _authors, judges, organizer, _ = _entries_with_judges(client, make)
    unit = make.unit()
    login(client, organizer)
    base = f"/judging/manage/rounds/{round_.id}"
    created = client.post(f"{base}/judges?stage=1", data={
        "new-username": "gk.moi", "new-full_name": "Giám khảo Mới", "new-password": "mat-khau-dai-du",
        "new-unit_id": unit.id}, follow_redirects=True)
    assert "Đã tạo tài khoản giám khảo và thêm vào ban giám khảo." in created.get_data(as_text=True)
    new = db.session.execute(select(User).where(User.username == "gk.moi")).scalar_one()
    assert new.role == "judge" and new in service.panel(round_.id, 1)
    taken = client.post(f"{base}/judges", data={
        "new-username": "gk.moi", "new-full_name": "Người khác", "new-password": "mat-khau-dai-du", "new-unit_id": 0})
    assert taken.status_code == 200 and "Tên đăng nhập này đã có người dùng." in taken.get_data(as_text=True)
    assert client.post(f"{base}/panel/remove", data={"judge_id": new.id}).status_code == 302
    assert new not in service.panel(round_.id, 1)
    row = db.session.execute(select(Assignment).where(Assignment.judge_id == judges[0].id)).scalars().first()
    assert client.post(f"{base}/unassign", data={"assignment_id": row.id}).status_code == 302
    assert db.session.get(Assignment, row.id) is None
    assert client.post(f"{base}/unassign", data={"assignment_id": 2_000_000}).status_code == 404
    assert settings_for(round_).normalize_scores is False
    switched = client.post(f"{base}/results/normalize")
    assert switched.status_code == 302 and switched.headers["Location"].endswith(f"{base}/results?stage=1")
    db.session.expire_all()
    assert settings_for(round_).normalize_scores is True


def test_entry_by_code_reads_the_code_as_typed(client, make):
    round_, _authors, _judges, _organizer, _ = _entries_with_judges(client, make, n=1)
    entry = db.session.execute(select(Entry)).scalar_one()
    assert service.entry_by_code(round_.id, f"  {entry.code.lower()} ") == entry
    assert service.entry_by_code(round_.id, entry.code) == entry
    assert service.entry_by_code(round_.id, "KHONG-CO") is None
    assert service.entry_by_code(round_.id + 1, entry.code) is None
