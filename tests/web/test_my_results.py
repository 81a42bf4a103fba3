"""'Kết quả của tôi' (/me/results) and GET /api/v1/me/results: every round the member took,
newest first; rank and prize only once the round's results are published; only their own;
a fixed number of statements whatever the number of rounds."""
import re
from datetime import timedelta

from sqlalchemy import event, select

from contest.accounts.models import User
from contest.essays.models import Entry
from contest.extensions import db
from contest.rounds.models import Attempt
from contest.standings.member_results import member_results
from contest.standings.service import leaderboard
from tests.anthology_data import judged_round
from tests.web.test_taking_a_round import login

PRIZES = [{"name": "Giải Nhất", "count": 1}, {"name": "Giải Nhì", "count": 2}]


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _attempt(round_, user, score, *, number=1, after=timedelta(minutes=10), duration=300, correct=2):
    done = round_.opens_at + after
    db.session.add(Attempt(round_id=round_.id, user_id=user.id, number=number, status="submitted",
                           started_at=done - timedelta(seconds=duration), deadline=done, submitted_at=done,
                           score=score, max_score=100, correct_count=correct, question_count=3,
                           duration_seconds=duration))
    db.session.commit()


def _quiz(make, title, **fields):
    contest = make.contest(title=f"Cuộc thi {title}")
    return make.round(contest=contest, title=title, prizes=PRIZES, max_attempts=None, question_count=3, **fields)


def test_a_quiz_round_before_and_after_its_results_are_published(client, make):
    me = make.user(full_name="Lê Thị Mai")
    first, third, stranger = make.user(full_name="Người Nhất"), make.user(full_name="Người Ba"), make.user()
    round_ = _quiz(make, "Tuần thi thứ nhất")
    _attempt(round_, first, 90)
    _attempt(round_, me, 60, number=1, after=timedelta(minutes=5), duration=125.4, correct=1)
    _attempt(round_, me, 80, number=2, after=timedelta(minutes=20), duration=185.25, correct=2)
    _attempt(round_, third, 70)
    other = _quiz(make, "Vòng của người khác")
    _attempt(other, stranger, 100)
    login(client, me)

    page = _text(client.get("/me/results").get_data(as_text=True))
    assert "Kết quả của tôi" in page
    assert ("Tuần thi thứ nhất Cuộc thi Tuần thi thứ nhất · vòng thi trắc nghiệm Điểm: 80,0 / 100,0 "
            "Đúng 2/3 câu hỏi Thời gian làm bài: 3 phút 05,2 giây "
            "Nộp lúc 09:20 7/12/2026 (GMT+7) · lượt được tính trong 2 lượt thi của bạn "
            "Chờ công bố kết quả") in page
    assert "Hạng" not in page and "Giải Nhì" not in page
    assert "Vòng của người khác" not in page  # another member's round is never listed

    make.clock.set(round_.closes_at + timedelta(minutes=5))
    round_.results_published = True
    db.session.commit()
    page = _text(client.get("/me/results").get_data(as_text=True))
    assert "Điểm: 80,0 / 100,0 Đúng 2/3 câu hỏi" in page
    assert "Hạng: 2 · Giải Nhì" in page and "Chờ công bố kết quả" not in page
    assert "Vòng của người khác" not in page

    api = client.get("/api/v1/me/results", headers=make.auth(me)).json
    assert api["total"] == 1
    assert api["items"] == [{
        "kind": "quiz", "round_id": round_.id, "round": "Tuần thi thứ nhất", "contest_id": round_.contest_id,
        "contest": "Cuộc thi Tuần thi thứ nhất", "submitted_at": "2026-12-07T02:20:00+00:00", "published": True,
        "rank": 2, "prize": "Giải Nhì", "attempt_id": api["items"][0]["attempt_id"], "attempts": 2,
        "score": 80.0, "max_score": 100.0, "correct_count": 2, "question_count": 3, "duration_seconds": 185.25,
        "entry_id": None, "title": None, "final_score": None, "certificates": []}]
    counted = db.session.get(Attempt, api["items"][0]["attempt_id"])
    assert counted.user_id == me.id and counted.number == 2


def test_the_api_hides_rank_and_prize_until_published_and_needs_a_user(client, make):
    me = make.user()
    round_ = _quiz(make, "Tuần 2")
    _attempt(round_, me, 50)
    assert client.get("/api/v1/me/results").status_code == 401
    assert client.get("/me/results").status_code in (302, 401)
    item = client.get("/api/v1/me/results", headers=make.auth(me)).json["items"][0]
    assert (item["published"], item["rank"], item["prize"], item["score"]) == (False, None, None, 50.0)
    # published but still open (a round published before the rule): nothing shown yet
    round_.results_published = True
    db.session.commit()
    item = client.get("/api/v1/me/results", headers=make.auth(me)).json["items"][0]
    assert (item["published"], item["rank"], item["prize"]) == (False, None, None)


def test_a_writing_round_shows_the_final_score_only_once_published(client, make):
    round_, entries = judged_round(make, [
        {"title": "Tấm gương <Bác Hồ>", "author": "Nguyễn Văn An", "unit": "Chi bộ 1", "score": 88.5},
        {"title": "Bài B", "author": "Trần Thị Bình", "unit": "Chi bộ 2", "score": 60}], published=False)
    round_.prizes = [{"name": "Giải Nhất", "count": 1}]
    db.session.commit()
    author = db.session.get(User, entries[0].author_id)
    login(client, author)
    html = client.get("/me/results").get_data(as_text=True)
    assert "Bài dự thi: Tấm gương &lt;Bác Hồ&gt;" in html
    page = _text(html)
    assert "vòng thi viết" in page and "Chờ công bố kết quả" in page
    assert "Điểm chung cuộc" not in page and "Hạng" not in page and "Bài B" not in page

    round_.results_published = True
    db.session.commit()
    page = _text(client.get("/me/results").get_data(as_text=True))
    assert "Điểm chung cuộc: 88,5 Hạng: 1 · Giải Nhất" in page
    item = client.get("/api/v1/me/results", headers=make.auth(author)).json["items"][0]
    assert (item["kind"], item["title"], item["final_score"], item["rank"], item["prize"]) == (
        "essay", "Tấm gương <Bác Hồ>", 88.5, 1, "Giải Nhất")


def test_newest_first_and_an_empty_page(client, make):
    me = make.user()
    login(client, me)
    assert "Bạn chưa tham gia vòng thi nào." in _text(client.get("/me/results").get_data(as_text=True))
    older = _quiz(make, "Tuần cũ", opens_in=timedelta(days=-3))
    newer = _quiz(make, "Tuần mới")
    _attempt(older, me, 10)
    _attempt(newer, me, 20)
    items = client.get("/api/v1/me/results", headers=make.auth(me)).json["items"]
    assert [i["round"] for i in items] == ["Tuần mới", "Tuần cũ"]


def _statements(make, rounds: int) -> int:
    me = make.user()
    rival = make.user()
    made = []
    for i in range(rounds):
        round_ = _quiz(make, f"Tuần {i}", opens_in=timedelta(days=-10))
        _attempt(round_, me, 50 + i)
        _attempt(round_, rival, 60)
        round_.results_published = True
        made.append(round_)
        essay = make.round(contest=round_.contest, kind="essay", title=f"Viết {i}", opens_in=timedelta(days=-1))
        db.session.add(Entry(round_id=essay.id, author_id=me.id, code=f"VB-{me.id}-{i}", title=f"Bài {i}",
                             body="Bài viết.", word_count=2, submitted_at=make.clock(), updated_at=make.clock()))
    db.session.commit()
    for round_ in made:
        leaderboard(round_)  # the ranks are frozen (the cron does it at the close)
    db.session.expire_all()
    seen = []

    def count(*args):
        seen.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        rows = member_results(db.session.get(User, me.id))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    quiz = [r for r in rows if r["kind"] == "quiz"]
    assert len(rows) == 2 * rounds and len(quiz) == rounds
    assert all(r["published"] and r["rank"] == 2 for r in quiz)
    return len([s for s in seen if s.lstrip().upper().startswith("SELECT")])


def test_a_fixed_number_of_statements_for_one_or_ten_rounds(make):
    """Quiz rounds published or not, writing rounds before publication: the same statements."""
    make.clock.set(make.clock() + timedelta(days=1))
    one = _statements(make, 1)
    ten = _statements(make, 10)
    assert one == ten and one <= 5


def test_the_member_s_certificates_are_linked_revoked_and_others_left_out(client, make):
    from contest.certificates.models import Certificate

    me, other = make.user(full_name="Lê Thị Mai"), make.user()
    round_ = _quiz(make, "Tuần có giấy chứng nhận")
    _attempt(round_, me, 80)
    _attempt(round_, other, 90)
    make.clock.set(round_.closes_at + timedelta(minutes=5))
    round_.results_published = True
    mine = Certificate(code="k7mpx3qa9tzrmine", round_id=round_.id, user_id=me.id, full_name="Lê Thị Mai", prize="Giải Nhì")
    db.session.add_all([mine, Certificate(code="othersothersothers", round_id=round_.id, user_id=other.id,
                                          full_name="Khác", prize="Giải Nhất")])
    db.session.commit()
    login(client, me)
    html = client.get("/me/results").get_data(as_text=True)
    assert '<a class="btn btn-sm btn-outline-success me-2" href="/certificates/k7mpx3qa9tzrmine.pdf">Giấy chứng nhận</a>' in html
    assert "othersothersothers" not in html
    item = client.get("/api/v1/me/results", headers=make.auth(me)).json["items"][0]
    assert item["certificates"] == [{"code": "k7mpx3qa9tzrmine", "url": "/api/v1/certificates/k7mpx3qa9tzrmine.pdf"}]
    assert client.get("/certificates/k7mpx3qa9tzrmine.pdf").status_code == 200  # the link works
    mine.revoked_at = make.clock()
    db.session.commit()
    assert "k7mpx3qa9tzrmine" not in client.get("/me/results").get_data(as_text=True)
    assert client.get("/api/v1/me/results", headers=make.auth(me)).json["items"][0]["certificates"] == []
