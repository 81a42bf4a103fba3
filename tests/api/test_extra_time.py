"""Extra time for a member (WCAG 2.2.1): granted by an organizer (page and API), applied by the
server's deadline for that member only, shown to the member, in the audit log."""
from datetime import timedelta

from flask import g
from sqlalchemy import select

from contest.audit.models import AuditEvent
from contest.extensions import db
from contest.rounds.models import Attempt, ExtraTime
from tests.factories import sign_in


def start(client, make, round_, user):
    headers = make.auth(user)
    body = client.post(f"/api/v1/rounds/{round_.id}/attempts", headers=headers).json
    return body, headers


def answer(client, headers, attempt):
    q = attempt["questions"][0]
    return client.put(f"/api/v1/attempts/{attempt['id']}/answers/{q['id']}", headers=headers,
                      json={"option_ids": [q["options"][0]["id"]]})


def test_save_accepted_after_the_normal_deadline_for_the_granted_member_only(client, make, clock):
    round_ = make.quiz(duration_seconds=600, grace_seconds=10)
    organizer = make.user(role="organizer")
    helped, other = make.user(), make.user()
    mine, my_headers = start(client, make, round_, helped)
    theirs, their_headers = start(client, make, round_, other)
    granted = client.post(f"/api/v1/rounds/{round_.id}/extra-time", headers=make.auth(organizer),
                          json={"user_id": helped.id, "minutes": 10, "reason": "Khiếm thị, dùng trình đọc màn hình"})
    assert granted.status_code == 200, granted.json
    assert granted.json["seconds"] == 600
    assert granted.json["attempt_deadline"].startswith("2026-12-07T03:20:00")  # 03:00 + 10 + 10 minutes
    clock.advance(minutes=12)  # past 10 minutes + 10 s grace
    assert answer(client, my_headers, mine).status_code == 200
    refused = answer(client, their_headers, theirs)
    assert refused.status_code == 409 and refused.json["error"]["code"] == "attempt_closed"
    clock.advance(minutes=8, seconds=11)  # 20 minutes + grace: the extended deadline is over too
    assert answer(client, my_headers, mine).status_code == 409


def test_a_new_grant_replaces_the_old_and_is_audited(client, make, clock):
    round_ = make.quiz(duration_seconds=600)
    organizer, member = make.user(role="organizer"), make.user()
    attempt, _ = start(client, make, round_, member)
    headers = make.auth(organizer)
    url = f"/api/v1/rounds/{round_.id}/extra-time"
    assert client.post(url, headers=headers, json={"user_id": member.id, "minutes": 10, "reason": "Khiếm thị"}).status_code == 200
    assert client.post(url, headers=headers, json={"user_id": member.id, "minutes": 15, "reason": "Mạng yếu"}).status_code == 200
    grants = db.session.execute(select(ExtraTime)).scalars().all()
    assert [(g.user_id, g.seconds, g.reason, g.granted_by_id) for g in grants] == [(member.id, 900, "Mạng yếu", organizer.id)]
    rows = db.session.execute(select(AuditEvent).where(AuditEvent.object_type == "round")
                              .order_by(AuditEvent.id)).scalars().all()
    assert [(r.action, r.before, r.after, r.reason, r.actor_id) for r in rows] == [
        ("round.extra_time", {"user_id": member.id, "seconds": 0}, {"user_id": member.id, "seconds": 600}, "Khiếm thị", organizer.id),
        ("round.extra_time", {"user_id": member.id, "seconds": 600}, {"user_id": member.id, "seconds": 900}, "Mạng yếu", organizer.id),
    ]
    moved = db.session.execute(select(AuditEvent).where(AuditEvent.object_type == "attempt")
                               .order_by(AuditEvent.id)).scalars().all()
    assert [(r.action, r.object_id, r.before, r.after) for r in moved] == [
        ("attempt.extra_time", attempt["id"], {"deadline": "2026-12-07T03:10:00+00:00"}, {"deadline": "2026-12-07T03:20:00+00:00"}),
        ("attempt.extra_time", attempt["id"], {"deadline": "2026-12-07T03:20:00+00:00"}, {"deadline": "2026-12-07T03:25:00+00:00"}),
    ]


def test_an_attempt_started_after_the_grant_gets_the_later_deadline_and_close(client, make, clock):
    round_ = make.quiz(duration_seconds=1800, open_for=timedelta(hours=1, minutes=10))  # closes 03:10
    organizer, member = make.user(role="organizer"), make.user()
    client.post(f"/api/v1/rounds/{round_.id}/extra-time", headers=make.auth(organizer),
                json={"user_id": member.id, "minutes": 5})
    attempt, _ = start(client, make, round_, member)
    # 30 minutes from 03:00 is cut by the close at 03:10; the member's close is 03:15.
    assert attempt["deadline"].startswith("2026-12-07T03:15:00")
    other, _ = start(client, make, round_, make.user())
    assert other["deadline"].startswith("2026-12-07T03:10:00")


def test_extra_time_refusals(client, make):
    round_ = make.quiz()
    organizer, member = make.user(role="organizer"), make.user()
    url = f"/api/v1/rounds/{round_.id}/extra-time"
    assert client.post(url, headers=make.auth(member), json={"user_id": member.id, "minutes": 10}).status_code == 403
    too_many = client.post(url, headers=make.auth(organizer), json={"user_id": member.id, "minutes": 601})
    assert too_many.status_code == 422 and too_many.json["error"]["code"] == "validation_error"
    nobody = client.post(url, headers=make.auth(organizer), json={"user_id": 99999, "minutes": 10})
    assert nobody.status_code == 404
    assert db.session.execute(select(ExtraTime)).first() is None


def test_the_page_form_grants_and_the_member_reads_it(client, make, app):
    round_ = make.quiz(duration_seconds=600)
    organizer, member = make.user(role="organizer"), make.user(username="hoa")
    sign_in(client, organizer)
    response = client.post(f"/manage/rounds/{round_.id}/extra-time",
                           data={"username": "hoa", "minutes": "10", "reason": "Khiếm thị"})
    assert response.status_code == 302
    page = client.get(f"/manage/rounds/{round_.id}/extra-time").get_data(as_text=True)
    assert "Thí sinh hoa được cộng thêm 10 phút ở vòng thi này." in page
    assert "Khiếm thị" in page
    unknown = client.post(f"/manage/rounds/{round_.id}/extra-time", data={"username": "ai", "minutes": "5"})
    assert "Không có thí sinh nào có tên đăng nhập này." in unknown.get_data(as_text=True)
    assert db.session.execute(select(AuditEvent).where(AuditEvent.object_type == "round")).scalars().all()[0].action == "round.extra_time"
    # The test's app context outlives the requests: forget who signed in there before (flask-login
    # keeps the user in g), then sign the member in on a client of their own.
    g.pop("_login_user", None)
    member_client = app.test_client()
    sign_in(member_client, member)
    assert "Bạn được cộng thêm 10 phút." in member_client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    member_client.post(f"/rounds/{round_.id}/start")
    attempt = db.session.execute(select(Attempt)).scalar_one()
    assert "Bạn được cộng thêm 10 phút." in member_client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert member_client.get(f"/manage/rounds/{round_.id}/extra-time").status_code == 403


def test_correct_answers_wait_for_the_member_given_extra_time(client, make, clock):
    round_ = make.quiz(duration_seconds=1800, open_for=timedelta(hours=1, minutes=10))  # closes 03:10
    organizer, helped, other = make.user(role="organizer"), make.user(), make.user()
    client.post(f"/api/v1/rounds/{round_.id}/extra-time", headers=make.auth(organizer),
                json={"user_id": helped.id, "minutes": 10})
    clock.advance(minutes=5)
    mine, my_headers = start(client, make, round_, helped)  # deadline 03:20 (the close + 10)
    theirs, their_headers = start(client, make, round_, other)  # deadline 03:10
    client.post(f"/api/v1/attempts/{theirs['id']}/submit", headers=their_headers, json={})
    clock.advance(minutes=6)  # 03:11: the round has closed for the other member, not for the helped one
    seen = client.get(f"/api/v1/attempts/{theirs['id']}", headers=their_headers).json
    assert "correct_option_ids" not in seen["questions"][0]
    assert answer(client, my_headers, mine).status_code == 200
    clock.advance(minutes=9)  # 03:20: closed for everyone
    seen = client.get(f"/api/v1/attempts/{theirs['id']}", headers=their_headers).json
    assert "correct_option_ids" in seen["questions"][0]


def test_ranks_freeze_and_results_publish_only_when_the_extra_time_is_over(client, make, clock):
    from contest.standings.service import freeze_if_closed

    round_ = make.quiz(duration_seconds=1800, open_for=timedelta(hours=1, minutes=10))  # closes 03:10
    organizer, helped = make.user(role="organizer"), make.user()
    headers = make.auth(organizer)
    client.post(f"/api/v1/rounds/{round_.id}/extra-time", headers=headers, json={"user_id": helped.id, "minutes": 10})
    clock.advance(minutes=5)
    mine, my_headers = start(client, make, round_, helped)
    clock.advance(minutes=6)  # 03:11: past the close and its grace, inside the member's extra time
    refused = client.patch(f"/api/v1/rounds/{round_.id}", headers=headers, json={"results_published": True})
    assert refused.status_code == 409 and refused.json["error"]["code"] == "round_open"
    assert freeze_if_closed(round_) is False
    assert answer(client, my_headers, mine).status_code == 200
    clock.advance(minutes=9, seconds=11)  # 03:20:11: the extra time and its grace are over
    assert client.patch(f"/api/v1/rounds/{round_.id}", headers=headers, json={"results_published": True}).status_code == 200
    db.session.expire_all()
    assert freeze_if_closed(db.session.get(type(round_), round_.id)) is True
    assert db.session.get(Attempt, mine["id"]).status == "expired"  # scored with its saved answer
