"""Prizes in the pages: the round form offers the VCNET default and refuses bad lines; the round
page states the tie rule and lists the winners by prize once (and only once) published; the
organizer moves a writing entry's prize with a reason."""
import re
from datetime import timedelta

from sqlalchemy import select

from contest.audit.models import AuditEvent
from contest.extensions import db
from contest.rounds.models import Round
from contest.rounds.prizes import DEFAULT_PRIZES
from tests.anthology_data import judged_round
from tests.api.test_prizes_api import ranked_round
from tests.web.test_taking_a_round import login

TIE_RULE = "Những người bằng nhau ở mọi tiêu chí xếp hạng tại ranh giới giải cùng nhận giải đó."


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_quiz_round_form_offers_the_default_and_refuses_a_bad_line(client, make):
    contest = make.contest()
    make.questions(5)
    login(client, make.user(role="organizer"))
    form = client.get(f"/manage/contests/{contest.id}/rounds/new").get_data(as_text=True)
    assert "Giải Nhất × 1\nGiải Nhì × 2\nGiải Ba × 5\nGiải Khuyến khích × 8</textarea>" in form
    assert '<label class="form-label" for="prizes">' in form
    now = make.clock()
    data = {"title": "Tuần 1", "opens_at": (now + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 10,
            "question_count": 3, "counting": "best", "tie_break": "duration", "grace_seconds": 10}
    bad = client.post(f"/manage/contests/{contest.id}/rounds/new", data={**data, "prizes": "Giải Nhất\nGiải Nhì × 0"})
    assert bad.status_code == 200
    html = bad.get_data(as_text=True)
    assert 'Dòng 1: ghi tên giải, dấu "×" và số lượng, ví dụ "Giải Nhất × 1".' in html.replace("&#34;", '"')
    assert db.session.scalar(select(Round.id)) is None
    good = client.post(f"/manage/contests/{contest.id}/rounds/new", data={**data, "prizes": "Giải Nhất × 1\nGiải Nhì × 3"})
    assert good.status_code == 302
    assert db.session.execute(select(Round)).scalar_one().prizes == [
        {"name": "Giải Nhất", "count": 1}, {"name": "Giải Nhì", "count": 3}]


def test_quiz_winners_are_listed_by_prize_only_once_published(client, make):
    unit = make.unit("Chi đoàn Thanh niên")
    round_ = ranked_round(make, [90, 80, 80, 10], published=False,
                          prizes=[{"name": "Giải Nhất", "count": 1}, {"name": "Giải Nhì", "count": 1}])
    for user_row in db.session.execute(select(type(make.user()))).scalars():
        user_row.unit_id = unit.id
    db.session.commit()
    page = _text(client.get(f"/rounds/{round_.id}").get_data(as_text=True))
    assert "Cơ cấu giải: Giải Nhất × 1, Giải Nhì × 1. " + TIE_RULE in page
    assert "Danh sách đoạt giải" not in page and "Thí sinh số 1" not in page
    round_.results_published = True
    db.session.commit()
    page = _text(client.get(f"/rounds/{round_.id}").get_data(as_text=True))
    assert ("Danh sách đoạt giải Giải Nhất Thí sinh số 1 — Chi đoàn Thanh niên "
            "Giải Nhì Thí sinh số 2 — Chi đoàn Thanh niên Thí sinh số 3 — Chi đoàn Thanh niên") in page
    assert "Thí sinh số 4" not in page


def test_writing_winners_and_the_organizer_moving_a_prize(client, make):
    round_, entries = judged_round(make, [
        {"title": "Bài A", "author": "Nguyễn Văn An", "unit": "Chi bộ 1", "score": 90},
        {"title": "Bài B", "author": "Trần Thị Bình", "unit": "Chi bộ 2", "score": 60}], published=False)
    round_.prizes = [{"name": "Giải Nhất", "count": 1}]
    db.session.commit()
    page = _text(client.get(f"/essays/rounds/{round_.id}").get_data(as_text=True))
    assert TIE_RULE in page and "Danh sách đoạt giải" not in page
    login(client, make.user(role="organizer"))
    results = client.get(f"/judging/manage/rounds/{round_.id}/results").get_data(as_text=True)
    assert "Theo thứ hạng: Giải Nhất" in results and "Theo thứ hạng: không có giải" in results
    no_reason = client.post(f"/judging/manage/rounds/{round_.id}/results/prize", data={
        "prize-entry_id": entries[1].id, "prize-prize": "Giải Nhất", "prize-reason": ""}, follow_redirects=True)
    assert "Hãy ghi lý do điều chỉnh giải." in no_reason.get_data(as_text=True)
    moved = client.post(f"/judging/manage/rounds/{round_.id}/results/prize", data={
        "prize-entry_id": entries[1].id, "prize-prize": "Giải Nhất", "prize-reason": "Đồng giải theo hội đồng"},
        follow_redirects=True)
    html = _text(moved.get_data(as_text=True))
    assert "Lý do: Đồng giải theo hội đồng" in html
    event = db.session.execute(select(AuditEvent).where(AuditEvent.object_type == "entry")).scalar_one()
    assert (event.action, event.before, event.after) == (
        "entry.prize", {"prize": None, "by_hand": False}, {"prize": "Giải Nhất", "by_hand": True})
    client.post("/logout")
    round_.results_published = True
    db.session.commit()
    page = _text(client.get(f"/essays/rounds/{round_.id}").get_data(as_text=True))
    assert ("Danh sách đoạt giải Giải Nhất Nguyễn Văn An — Chi bộ 1 (“Bài A”) "
            "Trần Thị Bình — Chi bộ 2 (“Bài B”)") in page


def test_demo_rounds_have_the_default_prizes(client, ctx):
    from contest.demo import load_demo

    load_demo()
    db.session.commit()
    rounds = db.session.execute(select(Round).order_by(Round.id)).scalars().all()
    assert rounds and all(r.prizes == DEFAULT_PRIZES for r in rounds)
    closed = next(r for r in rounds if r.results_published)
    page = _text(client.get(f"/rounds/{closed.id}").get_data(as_text=True))
    assert "Danh sách đoạt giải Giải Nhất" in page


def test_the_writing_results_page_offers_the_export(client, make):
    round_, _entries = judged_round(make, [{"title": "Bài A", "author": "Nguyễn Văn An", "score": 90}])
    login(client, make.user(role="organizer"))
    html = client.get(f"/judging/manage/rounds/{round_.id}/results").get_data(as_text=True)
    assert f'href="/rounds/{round_.id}/export/results.xlsx"' in html
    download = client.get(f"/rounds/{round_.id}/export/results.xlsx")
    assert download.status_code == 200 and download.data[:2] == b"PK"


def test_the_writing_round_form_offers_the_default_and_shows_saved_prizes(client, make):
    contest = make.contest()
    login(client, make.user(role="organizer"))
    form = client.get(f"/essays/manage/contests/{contest.id}/rounds/new").get_data(as_text=True)
    assert "Giải Nhất × 1\nGiải Nhì × 2\nGiải Ba × 5\nGiải Khuyến khích × 8</textarea>" in form
    round_, _entries = judged_round(make, [{"title": "Bài A", "author": "Nguyễn Văn An", "score": 90}])
    round_.prizes = [{"name": "Giải Đặc biệt", "count": 2}]
    db.session.commit()
    edit = client.get(f"/essays/manage/rounds/{round_.id}/edit").get_data(as_text=True)
    assert "Giải Đặc biệt × 2</textarea>" in edit
