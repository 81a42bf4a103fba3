"""The live dashboard of a quiz round for organizers: exact figures, who may see it, its cache."""
from datetime import timedelta
from unittest import mock

from contest.extensions import db
from contest.rounds import service
from contest.rounds.models import Attempt
from contest.standings import dashboard
from tests.factories import sign_in


def _right(attempt, question_index):
    aq = sorted(attempt.questions, key=lambda q: q.position)[question_index]
    return aq.question_id, aq.public_ids(o.id for o in aq.version.options if o.is_correct)


def _hand_made_round(make):
    """At 10:00 (Hà Nội) a1 starts, answers both right, submits at 10:05; c (no unit) starts at
    10:03 and leaves; a2 starts at 10:12, gets one right, submits at 10:14; b1 starts at 10:15.
    Seen at 10:20: b1 alone is active (c's 10 minutes have passed)."""
    t0 = make.clock()
    cell_a, cell_b = make.unit("Chi bộ A"), make.unit("Chi bộ B")
    make.questions(2)
    round_ = make.round(question_count=2, duration_seconds=600, opens_in=timedelta(hours=-1))
    a1, a2 = make.user(unit=cell_a), make.user(unit=cell_a)
    b1, c = make.user(unit=cell_b), make.user()
    attempt, _ = service.start_attempt(round_, a1)
    db.session.commit()
    for i in (0, 1):
        service.save_answer(attempt.id, *_right(attempt, i))
    make.clock.set(t0 + timedelta(minutes=3))
    service.start_attempt(round_, c)
    make.clock.set(t0 + timedelta(minutes=5))
    service.submit_attempt(attempt)
    db.session.commit()
    make.clock.set(t0 + timedelta(minutes=12))
    attempt2, _ = service.start_attempt(round_, a2)
    db.session.commit()
    service.save_answer(attempt2.id, *_right(attempt2, 0))
    missed_qid = sorted(attempt2.questions, key=lambda q: q.position)[1].question_id
    make.clock.set(t0 + timedelta(minutes=14))
    service.submit_attempt(attempt2)
    make.clock.set(t0 + timedelta(minutes=15))
    service.start_attempt(round_, b1)
    db.session.commit()
    make.clock.set(t0 + timedelta(minutes=20))
    return round_, missed_qid, (cell_a, cell_b)


def test_dashboard_figures_of_a_hand_made_round(client, make):
    round_, missed_qid, (cell_a, cell_b) = _hand_made_round(make)
    organizer = make.auth(make.user(role="organizer"))
    body = client.get(f"/api/v1/rounds/{round_.id}/dashboard", headers=organizer).json
    assert (body["active_now"], body["started"], body["finished"]) == (1, 4, 2)
    assert [(b["label"], b["started"], b["finished"]) for b in body["buckets"]] == [
        ("10:00", 2, 1), ("10:10", 2, 1)]
    assert body["buckets"][0]["start"] == "2026-12-07T03:00:00+00:00"
    assert body["scores"] == [{"score": 1.0, "count": 1}, {"score": 2.0, "count": 1}]
    assert body["units"] == [{"unit_id": cell_a.id, "unit": "Chi bộ A", "participants": 2},
                             {"unit_id": cell_b.id, "unit": "Chi bộ B", "participants": 1}]
    assert len(body["missed"]) == 1
    assert body["missed"][0]["question_id"] == missed_qid
    assert body["missed"][0]["missed"] == 1
    assert body["missed"][0]["text"].startswith("Câu hỏi số ") and body["missed"][0]["text"].endswith(" về Hồ Chí Minh?")


def test_an_empty_round_has_zeros(client, make):
    round_ = make.quiz(questions=2, question_count=2)
    body = client.get(f"/api/v1/rounds/{round_.id}/dashboard", headers=make.auth(make.user(role="admin"))).json
    assert body == {"round_id": round_.id, "generated_at": "2026-12-07T03:00:00+00:00", "active_now": 0,
                    "started": 0, "finished": 0, "buckets": [], "scores": [], "units": [], "missed": []}


def test_only_organizers_see_the_dashboard(client, make):
    round_ = make.quiz(questions=2, question_count=2)
    url = f"/api/v1/rounds/{round_.id}/dashboard"
    assert client.get(url).status_code == 401
    refused = client.get(url, headers=make.auth(make.user()))
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
    assert client.get(url, headers=make.auth(make.user(role="judge"))).status_code == 403
    missing = client.get("/api/v1/rounds/999999/dashboard", headers=make.auth(make.user(role="organizer")))
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
    assert client.get(f"/manage/rounds/{round_.id}/dashboard").status_code == 302  # to the sign-in


def test_many_polls_in_one_period_compute_once(client, make):
    round_ = make.quiz(questions=2, question_count=2)
    organizer = make.auth(make.user(role="organizer"))
    url = f"/api/v1/rounds/{round_.id}/dashboard"
    with mock.patch.object(dashboard, "compute_dashboard", wraps=dashboard.compute_dashboard) as compute:
        assert client.get(url, headers=organizer).json["started"] == 0
        service.start_attempt(round_, make.user())
        db.session.commit()
        make.clock.advance(seconds=2)  # 10:00:02, the same 5-second period
        assert client.get(url, headers=organizer).json["started"] == 0
        assert compute.call_count == 1
        make.clock.advance(seconds=4)  # the next period
        assert client.get(url, headers=organizer).json["started"] == 1
        assert compute.call_count == 2


def test_the_page_renders_in_vietnamese_and_is_linked(client, make):
    round_ = make.quiz(questions=2, question_count=2)
    sign_in(client, make.user(role="organizer"))
    page = client.get(f"/manage/rounds/{round_.id}/dashboard?interval_ms=500").get_data(as_text=True)
    assert "<h1 class=\"h3\">Bảng theo dõi trực tiếp</h1>" in page
    assert 'data-interval="500"' in page and f'data-url="/api/v1/rounds/{round_.id}/dashboard"' in page
    assert "Đang làm bài" in page and "Phân bố điểm" in page and "Câu hỏi hay sai nhất" in page
    assert 'aria-live="polite"' in page and "chart.umd.min.js" in page
    contest_page = client.get(f"/manage/contests/{round_.contest_id}").get_data(as_text=True)
    assert f'href="/manage/rounds/{round_.id}/dashboard"' in contest_page
