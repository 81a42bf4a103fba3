"""The JSON API against api-v1.md: paths, fields, error codes."""
from datetime import datetime, timedelta, timezone

import pytest

from contest.extensions import db
from contest.rounds.models import Attempt


def error_code(response):
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]["code"]


def test_register_token_me_and_revoke(client, make):
    unit = make.unit("Chi bộ 1")
    response = client.post("/api/v1/auth/register", json={
        "username": "an.nguyen", "password": "mat-khau-dai", "full_name": "Nguyễn Văn An", "unit_id": unit.id})
    assert response.status_code == 201
    assert response.json == {**response.json, "username": "an.nguyen", "full_name": "Nguyễn Văn An",
                             "role": "member", "unit_id": unit.id}
    again = client.post("/api/v1/auth/register", json={
        "username": "an.nguyen", "password": "mat-khau-dai", "full_name": "Khác"})
    assert again.status_code == 409 and error_code(again) == "username_taken"

    bad = client.post("/api/v1/auth/token", json={"username": "an.nguyen", "password": "wrong-password"})
    assert bad.status_code == 401 and error_code(bad) == "invalid_credentials"
    token = client.post("/api/v1/auth/token", json={"username": "an.nguyen", "password": "mat-khau-dai"})
    assert token.status_code == 200
    assert token.json["user"]["username"] == "an.nguyen"
    headers = {"Authorization": f"Bearer {token.json['token']}"}
    assert client.get("/api/v1/me", headers=headers).json["full_name"] == "Nguyễn Văn An"
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    gone = client.get("/api/v1/me", headers=headers)
    assert gone.status_code == 401 and error_code(gone) == "unauthorized"


def test_errors_have_one_shape(client, make):
    assert error_code(client.get("/api/v1/nothing-here")) == "not_found"
    assert error_code(client.get("/api/v1/me")) == "unauthorized"
    assert error_code(client.get("/api/v1/me", headers={"Authorization": "Bearer nope"})) == "unauthorized"
    member = make.user()
    forbidden = client.post("/api/v1/contests", json={"title": "x"}, headers=make.auth(member))
    assert forbidden.status_code == 403 and error_code(forbidden) == "forbidden"
    invalid = client.post("/api/v1/auth/register", json={"username": "a"})
    assert invalid.status_code == 422 and error_code(invalid) == "validation_error"
    fields = {d["field"] for d in invalid.json["error"]["details"]}
    assert {"password", "full_name", "username"} <= fields
    garbage = client.post("/api/v1/auth/token", data="{not json", content_type="application/json")
    assert garbage.status_code in (400, 422)
    assert error_code(garbage) in ("bad_request", "validation_error")


def test_session_cookie_does_not_authenticate_the_api(client, make):
    member = make.user()
    client.post("/login", data={"username": member.username, "password": "secret-pass"})
    assert client.get("/api/v1/me").status_code == 401


def test_units_and_users_by_organizer(client, make):
    organizer = make.user(role="organizer")
    headers = make.auth(organizer)
    parent = client.post("/api/v1/units", json={"name": "Đảng ủy Khối"}, headers=headers)
    assert parent.status_code == 201
    child = client.post("/api/v1/units", json={"name": "Chi bộ 2", "parent_id": parent.json["id"]}, headers=headers)
    assert child.json["parent_id"] == parent.json["id"]
    listing = client.get("/api/v1/units?limit=1").json
    assert listing["total"] == 2 and len(listing["items"]) == 1
    judge = client.post("/api/v1/users", headers=headers, json={
        "username": "giamkhao", "password": "mat-khau-dai", "full_name": "Giám khảo", "role": "judge",
        "unit_id": child.json["id"]})
    assert judge.status_code == 201 and judge.json["role"] == "judge"
    admin = client.post("/api/v1/users", headers=headers, json={
        "username": "sep", "password": "mat-khau-dai", "full_name": "Sếp", "role": "admin"})
    assert admin.status_code == 403
    assert client.get("/api/v1/units?limit=501").status_code == 422


def test_topics_and_questions(client, make):
    headers = make.auth(make.user(role="organizer"))
    topic = client.post("/api/v1/topics", json={"name": "Tư tưởng Hồ Chí Minh"}, headers=headers)
    assert topic.status_code == 201 and topic.json["question_count"] == 0
    question = {"topic_id": topic.json["id"], "kind": "multiple", "text": "Những phẩm chất nào?",
                "difficulty": 2, "options": [{"text": "Cần", "is_correct": True},
                                             {"text": "Kiệm", "is_correct": True},
                                             {"text": "Xa hoa", "is_correct": False}]}
    created = client.post("/api/v1/questions", json=question, headers=headers)
    assert created.status_code == 201
    assert [o["is_correct"] for o in created.json["options"]] == [True, True, False]
    bad = client.post("/api/v1/questions", json={**question, "kind": "single"}, headers=headers)
    assert bad.status_code == 422
    found = client.get("/api/v1/questions?q=nhung pham chat", headers=headers).json
    assert found["total"] == 1 and found["items"][0]["text"] == "Những phẩm chất nào?"
    assert client.get("/api/v1/topics", headers=headers).json["items"][0]["question_count"] == 1


def _iso(dt):
    return dt.isoformat()


def test_contest_round_attempt_flow(client, make):
    organizer = make.user(role="organizer")
    org = make.auth(organizer)
    make.questions(12)
    contest = client.post("/api/v1/contests", json={"title": "Cuộc thi 2026"}, headers=org)
    assert contest.status_code == 201 and contest.json["rounds"] == []
    now = make.clock()
    round_ = client.post(f"/api/v1/contests/{contest.json['id']}/rounds", headers=org, json={
        "kind": "quiz", "title": "Tuần 1", "opens_at": _iso(now - timedelta(minutes=5)),
        "closes_at": _iso(now + timedelta(days=7)), "duration_seconds": 600, "question_count": 5,
        "max_attempts": 2, "prediction_prompt": "Bao nhiêu người đúng hết?"})
    assert round_.status_code == 201, round_.json
    r = round_.json
    assert (r["counting"], r["tie_break"], r["shuffle_options"], r["grace_seconds"]) == ("best", "duration", True, 10)
    assert r["opens_at"].endswith(("+00:00", "Z"))
    assert client.get(f"/api/v1/rounds/{r['id']}").json["title"] == "Tuần 1"
    listed = client.get("/api/v1/contests").json
    assert listed["items"][0]["rounds"][0]["id"] == r["id"]

    member = make.user()
    headers = make.auth(member)
    first = client.post(f"/api/v1/rounds/{r['id']}/attempts", headers=headers)
    assert first.status_code == 201
    attempt = first.json
    assert attempt["status"] == "in_progress" and len(attempt["questions"]) == 5
    assert "is_correct" not in str(attempt) and "correct_option_ids" not in attempt["questions"][0]
    deadline = datetime.fromisoformat(attempt["deadline"].replace("Z", "+00:00"))
    assert deadline == now + timedelta(seconds=600)
    again = client.post(f"/api/v1/rounds/{r['id']}/attempts", headers=headers)
    assert again.status_code == 200 and again.json["id"] == attempt["id"]

    q = attempt["questions"][0]
    saved = client.put(f"/api/v1/attempts/{attempt['id']}/answers/{q['id']}", headers=headers,
                       json={"option_ids": [q["options"][0]["id"]]})
    assert saved.status_code == 200 and saved.json["option_ids"] == [q["options"][0]["id"]]
    other_q = attempt["questions"][1]
    wrong = client.put(f"/api/v1/attempts/{attempt['id']}/answers/{q['id']}", headers=headers,
                       json={"option_ids": [other_q["options"][0]["id"]]})
    assert wrong.status_code == 422 and error_code(wrong) == "invalid_option"
    got = client.get(f"/api/v1/attempts/{attempt['id']}", headers=headers).json
    assert got["answers"] == {str(q["id"]): [q["options"][0]["id"]]}

    make.clock.advance(seconds=100)
    result = client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=headers, json={"prediction": 3})
    assert result.status_code == 200
    assert set(result.json["result"]) >= {"score", "max_score", "correct_count", "question_count",
                                          "duration_seconds", "submitted_at"}
    assert result.json["result"]["duration_seconds"] == 100 and result.json["status"] == "submitted"
    same = client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=headers, json={})
    assert same.json["result"] == result.json["result"]
    closed = client.put(f"/api/v1/attempts/{attempt['id']}/answers/{q['id']}", headers=headers,
                        json={"option_ids": []})
    assert closed.status_code == 409 and error_code(closed) == "attempt_closed"
    assert "correct_option_ids" not in str(client.get(f"/api/v1/attempts/{attempt['id']}", headers=headers).json)

    # Others cannot see it; the organizer can.
    stranger = make.auth(make.user())
    assert client.get(f"/api/v1/attempts/{attempt['id']}", headers=stranger).status_code == 404
    assert client.put(f"/api/v1/attempts/{attempt['id']}/answers/{q['id']}", headers=stranger,
                      json={"option_ids": []}).status_code == 404
    assert client.get(f"/api/v1/attempts/{attempt['id']}", headers=org).status_code == 200

    # Leaderboard: organizer always, others after publishing.
    assert client.get(f"/api/v1/rounds/{r['id']}/leaderboard", headers=headers).status_code == 403
    board = client.get(f"/api/v1/rounds/{r['id']}/leaderboard", headers=org).json
    assert board["total"] == 1
    assert set(board["items"][0]) >= {"rank", "display_name", "unit", "score", "correct_count",
                                      "prediction", "prediction_gap", "duration_seconds"}
    refused = client.patch(f"/api/v1/rounds/{r['id']}", headers=org, json={"results_published": True})
    assert refused.status_code == 409 and error_code(refused) == "round_open"  # not while it is open
    assert client.get(f"/api/v1/rounds/{r['id']}/leaderboard").status_code == 403

    # Closed round: it can be published; correct answers appear in the member's attempt.
    make.clock.set(deadline + timedelta(days=8))
    patched = client.patch(f"/api/v1/rounds/{r['id']}", headers=org, json={"results_published": True})
    assert patched.status_code == 200 and patched.json["results_published"] is True
    assert client.get(f"/api/v1/rounds/{r['id']}/leaderboard").status_code == 200
    units = client.get(f"/api/v1/rounds/{r['id']}/units").json
    assert units["total"] == 0  # no units registered in this test
    review = client.get(f"/api/v1/attempts/{attempt['id']}", headers=headers).json
    assert "correct_option_ids" in review["questions"][0]
    assert client.post(f"/api/v1/rounds/{r['id']}/attempts", headers=headers).json["error"]["code"] == "round_not_open"


def test_attempts_exhausted_and_round_validation(client, make):
    org = make.auth(make.user(role="organizer"))
    make.questions(3)
    round_ = make.round(question_count=3, max_attempts=1)
    headers = make.auth(make.user())
    attempt = client.post(f"/api/v1/rounds/{round_.id}/attempts", headers=headers).json
    client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=headers, json={})
    exhausted = client.post(f"/api/v1/rounds/{round_.id}/attempts", headers=headers)
    assert exhausted.status_code == 409 and error_code(exhausted) == "attempts_exhausted"
    now = make.clock()
    too_many = client.post(f"/api/v1/contests/{round_.contest_id}/rounds", headers=org, json={
        "title": "Quá nhiều", "opens_at": now.isoformat(), "closes_at": (now + timedelta(days=1)).isoformat(),
        "duration_seconds": 600, "question_count": 50})
    assert too_many.status_code == 422
    assert any(d["field"] == "question_count" for d in too_many.json["error"]["details"])
    backwards = client.patch(f"/api/v1/rounds/{round_.id}", headers=org,
                             json={"closes_at": (round_.opens_at - timedelta(hours=1)).isoformat()})
    assert backwards.status_code == 422
    naive = client.patch(f"/api/v1/rounds/{round_.id}", headers=org, json={"closes_at": "2026-12-01T08:00:00"})
    assert naive.status_code == 422
    assert client.patch(f"/api/v1/rounds/{round_.id}", headers=org, json={"bogus": 1}).status_code == 422


def test_expired_without_submit_via_api(client, make):
    make.questions(3)
    round_ = make.round(question_count=3, duration_seconds=60)
    headers = make.auth(make.user())
    attempt = client.post(f"/api/v1/rounds/{round_.id}/attempts", headers=headers).json
    make.clock.advance(seconds=75)
    got = client.get(f"/api/v1/attempts/{attempt['id']}", headers=headers).json
    assert got["status"] == "expired" and got["result"]["score"] == 0
    assert got["result"]["duration_seconds"] == 60
    assert db.session.get(Attempt, attempt["id"]).status == "expired"


def test_openapi_document(client):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    paths = spec.json["paths"]
    for path in ("/api/v1/auth/token", "/api/v1/rounds/{round_id}/attempts",
                 "/api/v1/attempts/{attempt_id}/answers/{question_id}", "/api/v1/rounds/{round_id}/leaderboard"):
        assert path in paths, path
    assert "post" in paths["/api/v1/judging/assignments/{assignment_id}/reopen"]


@pytest.mark.parametrize("body", [None, [], {"option_ids": "1"}, {"option_ids": [True]}, {"option_ids": [1.5]}])
def test_malformed_answers_never_500(client, make, body):
    make.questions(3)
    round_ = make.round(question_count=3)
    headers = make.auth(make.user())
    attempt = client.post(f"/api/v1/rounds/{round_.id}/attempts", headers=headers).json
    qid = attempt["questions"][0]["id"]
    response = client.put(f"/api/v1/attempts/{attempt['id']}/answers/{qid}", headers=headers, json=body)
    assert response.status_code in (400, 422)
    assert "error" in response.get_json()


def test_times_are_stored_utc(client, make):
    org = make.auth(make.user(role="organizer"))
    make.questions(3)
    contest = make.contest()
    created = client.post(f"/api/v1/contests/{contest.id}/rounds", headers=org, json={
        "title": "Giờ Hà Nội", "opens_at": "2026-12-07T10:00:00+07:00", "closes_at": "2026-12-14T09:00:00+07:00",
        "duration_seconds": 600, "question_count": 3}).json
    opens = datetime.fromisoformat(created["opens_at"].replace("Z", "+00:00"))
    assert opens == datetime(2026, 12, 7, 3, 0, tzinfo=timezone.utc)
