"""Taking a quiz round through the API (api-v1.md "Taking a quiz round"): option ids that say
nothing about the answer, and the prediction saved as it is typed."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from contest.extensions import db
from contest.rounds.models import Attempt, AttemptQuestion
from question_bank.models import Option

WHOLE = "Dự đoán phải là số nguyên, từ 0 trở lên."
TOO_LARGE = "Dự đoán không được lớn hơn 2.147.483.647."


def error_code(response):
    body = response.get_json()
    assert set(body) == {"error"}, body
    return body["error"]["code"]


def right_options():
    """Real option id -> is it right, for every option in the bank."""
    return dict(db.session.execute(select(Option.id, Option.is_correct)).all())


# --- option ids -------------------------------------------------------------------------------

def test_option_ids_members_see_carry_no_information(client, make):
    # 24 questions written the way authors write them: the right answer first (lowest id).
    make.questions(24)
    right = right_options()
    round_ = make.round(question_count=24, max_attempts=None)
    headers = make.auth(make.user())
    lowest_hits = first_hits = total = 0
    seen_ids = set()
    for _ in range(40):
        attempt = client.post(f"/api/v1/rounds/{round_.id}/attempts", headers=headers).json
        rows = {aq.question_id: aq for aq in db.session.execute(select(AttemptQuestion).where(
            AttemptQuestion.attempt_id == attempt["id"])).scalars()}
        for q in attempt["questions"]:
            ids = [o["id"] for o in q["options"]]
            key = {o for o in ids if right[rows[q["id"]].option_id_of(o)]}
            assert len(key) == 1
            lowest_hits += min(ids) in key
            first_hits += ids[0] in key
            total += 1
            seen_ids |= set(ids)
        assert client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=headers, json={}).status_code == 200
    # 960 questions, chance 1/4 (standard deviation 0.014): a 0.09 margin is over six deviations.
    assert total == 960
    assert abs(lowest_hits / total - 0.25) < 0.09, lowest_hits
    assert abs(first_hits / total - 0.25) < 0.09, first_hits
    assert not seen_ids & set(right)  # never the real ids
    # Picking the lowest id everywhere no longer scores full marks: it scores like guessing.
    assert lowest_hits < total / 2


def test_answers_and_review_speak_public_ids_and_score_by_the_real_ones(client, make):
    make.questions(5)
    right = right_options()
    round_ = make.round(question_count=5, open_for=timedelta(hours=2))
    headers = make.auth(make.user())
    attempt = client.post(f"/api/v1/rounds/{round_.id}/attempts", headers=headers).json
    rows = {aq.question_id: aq for aq in db.session.execute(select(AttemptQuestion).where(
        AttemptQuestion.attempt_id == attempt["id"])).scalars()}
    chosen = {}
    for n, q in enumerate(attempt["questions"]):
        pick = next(o["id"] for o in q["options"] if right[rows[q["id"]].option_id_of(o["id"])] == (n < 3))
        saved = client.put(f"/api/v1/attempts/{attempt['id']}/answers/{q['id']}", headers=headers,
                           json={"option_ids": [pick]})
        assert saved.status_code == 200 and saved.json["option_ids"] == [pick]
        chosen[str(q["id"])] = [pick]
    # Stored as the real option ids (scoring, item analysis and exports read those).
    db.session.expire_all()
    for q in attempt["questions"]:
        row = db.session.get(AttemptQuestion, rows[q["id"]].id)
        assert row.selected == [row.option_id_of(chosen[str(q["id"])][0])]
    # A real option id is not an id the member was given.
    q = attempt["questions"][0]
    real = rows[q["id"]].option_order[0]
    refused = client.put(f"/api/v1/attempts/{attempt['id']}/answers/{q['id']}", headers=headers,
                         json={"option_ids": [real]})
    assert refused.status_code == 422 and error_code(refused) == "invalid_option"

    got = client.get(f"/api/v1/attempts/{attempt['id']}", headers=headers).json
    assert got["answers"] == chosen
    assert [[o["id"] for o in q["options"]] for q in got["questions"]] == \
        [[o["id"] for o in q["options"]] for q in attempt["questions"]]  # the frozen draw
    result = client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=headers, json={}).json
    assert result["correct_count"] == 3 and result["score"] == 3
    make.clock.advance(hours=3)  # closed: the review names the right options by the same ids
    review = client.get(f"/api/v1/attempts/{attempt['id']}", headers=headers).json
    for q in review["questions"]:
        ids = {o["id"] for o in q["options"]}
        assert len(q["correct_option_ids"]) == 1 and set(q["correct_option_ids"]) <= ids
        assert right[rows[q["id"]].option_id_of(q["correct_option_ids"][0])]
        assert q["is_correct"] == (q["correct_option_ids"] == chosen[str(q["id"])])


# --- the prediction ---------------------------------------------------------------------------

def _prediction_round(make, **fields):
    make.questions(3)
    return make.round(question_count=3, prediction_prompt="Bao nhiêu người trả lời đúng hết?", **fields)


def test_prediction_is_saved_as_typed_and_kept(client, make):
    round_ = _prediction_round(make)
    member = make.user()
    headers = make.auth(member)
    attempt = client.post(f"/api/v1/rounds/{round_.id}/attempts", headers=headers).json
    assert attempt["prediction"] is None
    url = f"/api/v1/attempts/{attempt['id']}/prediction"
    make.clock.advance(seconds=5)
    saved = client.put(url, headers=headers, json={"prediction": 120})
    assert saved.status_code == 200
    assert saved.json == {"prediction": 120, "saved_at": (make.clock()).isoformat()}
    # On this device and another (a second token), as the attempt says.
    assert client.get(f"/api/v1/attempts/{attempt['id']}", headers=headers).json["prediction"] == 120
    assert client.get(f"/api/v1/attempts/{attempt['id']}", headers=make.auth(member)).json["prediction"] == 120
    assert client.post(f"/api/v1/rounds/{round_.id}/attempts", headers=headers).json["prediction"] == 120
    assert client.put(url, headers=headers, json={"prediction": 2_147_483_647}).json["prediction"] == 2_147_483_647
    assert client.put(url, headers=headers, json={"prediction": None}).json["prediction"] is None  # cleared
    assert client.put(url, headers=headers, json={"prediction": 0}).json["prediction"] == 0
    # Submit without one keeps the saved one; a prediction given at submit replaces it.
    done = client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=headers, json={})
    assert done.status_code == 200 and done.json["prediction"] == 0
    closed = client.put(url, headers=headers, json={"prediction": 5})
    assert closed.status_code == 409 and error_code(closed) == "attempt_closed"
    assert db.session.get(Attempt, attempt["id"]).prediction == 0


def test_submit_prediction_replaces_the_saved_one(client, make):
    round_ = _prediction_round(make)
    headers = make.auth(make.user())
    attempt = client.post(f"/api/v1/rounds/{round_.id}/attempts", headers=headers).json
    client.put(f"/api/v1/attempts/{attempt['id']}/prediction", headers=headers, json={"prediction": 7})
    done = client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=headers, json={"prediction": 9})
    assert done.json["prediction"] == 9


@pytest.mark.parametrize("body, message", [
    ({"prediction": -1}, WHOLE), ({"prediction": "12"}, WHOLE), ({"prediction": 1.5}, WHOLE),
    ({"prediction": True}, WHOLE), ({"prediction": [3]}, WHOLE),
    ({"prediction": 2_147_483_648}, TOO_LARGE), ({"prediction": 10 ** 30}, TOO_LARGE)])
def test_a_prediction_that_is_not_a_whole_number_is_refused_in_words(client, make, body, message):
    round_ = _prediction_round(make)
    headers = make.auth(make.user())
    attempt = client.post(f"/api/v1/rounds/{round_.id}/attempts", headers=headers).json
    url = f"/api/v1/attempts/{attempt['id']}/prediction"
    client.put(url, headers=headers, json={"prediction": 4})
    refused = client.put(url, headers=headers, json=body)
    assert refused.status_code == 422 and error_code(refused) == "validation_error"
    assert refused.json["error"]["message"] == message
    assert refused.json["error"]["details"] == [{"field": "prediction", "message": message}]
    assert db.session.get(Attempt, attempt["id"]).prediction == 4  # nothing changed


@pytest.mark.parametrize("body", [None, [], {}, {"guess": 3}, "7"])
def test_a_malformed_prediction_body_never_500(client, make, body):
    round_ = _prediction_round(make)
    headers = make.auth(make.user())
    attempt = client.post(f"/api/v1/rounds/{round_.id}/attempts", headers=headers).json
    response = client.put(f"/api/v1/attempts/{attempt['id']}/prediction", headers=headers, json=body)
    assert response.status_code == 422 and error_code(response) == "validation_error"


def test_submit_refuses_a_prediction_above_the_bound(client, make):
    round_ = _prediction_round(make)
    headers = make.auth(make.user())
    attempt = client.post(f"/api/v1/rounds/{round_.id}/attempts", headers=headers).json
    refused = client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=headers,
                          json={"prediction": 2_147_483_648})
    assert refused.status_code == 422 and error_code(refused) == "validation_error"
    assert db.session.get(Attempt, attempt["id"]).status == "in_progress"


def test_prediction_of_another_member_or_past_the_deadline(client, make):
    round_ = _prediction_round(make, duration_seconds=120, grace_seconds=10)
    headers = make.auth(make.user())
    attempt = client.post(f"/api/v1/rounds/{round_.id}/attempts", headers=headers).json
    url = f"/api/v1/attempts/{attempt['id']}/prediction"
    stranger = client.put(url, headers=make.auth(make.user()), json={"prediction": 1})
    assert stranger.status_code == 404 and error_code(stranger) == "not_found"
    organizer = client.put(url, headers=make.auth(make.user(role="organizer")), json={"prediction": 1})
    assert organizer.status_code == 404
    make.clock.advance(seconds=125)  # past the deadline, within the grace: accepted
    assert client.put(url, headers=headers, json={"prediction": 2}).status_code == 200
    make.clock.advance(seconds=6)
    late = client.put(url, headers=headers, json={"prediction": 3})
    assert late.status_code == 409 and error_code(late) == "attempt_closed"
    got = client.get(f"/api/v1/attempts/{attempt['id']}", headers=headers).json
    assert got["status"] == "expired" and got["prediction"] == 2  # scored with the saved one


def test_a_saved_prediction_never_submitted_is_ranked_at_the_close(client, make):
    round_ = _prediction_round(make, duration_seconds=600, open_for=timedelta(hours=2))
    saver, quick = make.user(full_name="Người dự đoán"), make.user(full_name="Người nhanh")
    saver_h, quick_h = make.auth(saver), make.auth(quick)
    a = client.post(f"/api/v1/rounds/{round_.id}/attempts", headers=saver_h).json
    b = client.post(f"/api/v1/rounds/{round_.id}/attempts", headers=quick_h).json
    # Nobody answers right, so the true number is 0: the saver's 0 is exact.
    assert client.put(f"/api/v1/attempts/{a['id']}/prediction", headers=saver_h, json={"prediction": 0}).status_code == 200
    make.clock.advance(seconds=30)
    client.post(f"/api/v1/attempts/{b['id']}/submit", headers=quick_h, json={})  # faster, no prediction
    make.clock.set(round_.closes_at + timedelta(seconds=round_.grace_seconds + 1))  # saver never submits
    board = client.get(f"/api/v1/rounds/{round_.id}/leaderboard", headers=make.auth(make.user(role="organizer"))).json
    assert board["final"] is True and board["prediction_truth"] == 0
    assert [(i["rank"], i["display_name"], i["prediction"], i["prediction_gap"]) for i in board["items"]] == [
        (1, "Người dự đoán", 0, 0), (2, "Người nhanh", None, None)]
    assert db.session.get(Attempt, a["id"]).status == "expired"


def test_openapi_has_the_prediction_path(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "put" in paths["/api/v1/attempts/{attempt_id}/prediction"]
