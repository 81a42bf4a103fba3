"""The site's own pages call the API with their session cookie: same origin and with the page's
CSRF token (X-CSRFToken); everyone else uses a bearer token (api-v1.md, Conventions)."""
import re

import pytest

from contest.extensions import db
from contest.rounds.models import Attempt
from tests.web.test_taking_a_round import correct_ids, login, start

EXPIRED = "Trang đã hết hạn hoặc yêu cầu đến từ một trang khác. Hãy tải lại trang rồi thử lại."


@pytest.fixture
def member_on_the_page(client, make, monkeypatch):
    """A member signed in, on the take page of an attempt, with CSRF checks on as in production:
    (attempt id, the page's CSRF token, {question id: right public keys})."""
    round_ = make.quiz(questions=3, question_count=3,
                       prediction_prompt="Bao nhiêu người trả lời đúng hết?")
    login(client, make.user())
    attempt_id = start(client, round_)
    monkeypatch.setitem(client.application.config, "WTF_CSRF_ENABLED", True)
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page).group(1)
    assert f'data-save-url="/api/v1/attempts/{attempt_id}/answers/0"' in page
    assert f'data-prediction-url="/api/v1/attempts/{attempt_id}/prediction"' in page
    return attempt_id, token, correct_ids(attempt_id)


def saved(attempt_id):
    attempt = db.session.get(Attempt, attempt_id)
    db.session.refresh(attempt)
    for aq in attempt.questions:
        db.session.refresh(aq)
    return {aq.question_id: aq.selected for aq in attempt.questions if aq.selected}, attempt.prediction


def test_the_page_saves_through_the_api_with_its_token(client, member_on_the_page):
    attempt_id, token, keys = member_on_the_page
    qid, options = next(iter(keys.items()))
    answer = client.put(f"/api/v1/attempts/{attempt_id}/answers/{qid}", json={"option_ids": options},
                        headers={"X-CSRFToken": token})
    assert answer.status_code == 200 and answer.json["option_ids"] == options
    prediction = client.put(f"/api/v1/attempts/{attempt_id}/prediction", json={"prediction": 12},
                            headers={"X-CSRFToken": token, "Origin": "http://localhost",
                                     "Sec-Fetch-Site": "same-origin"})
    assert prediction.status_code == 200 and prediction.json["prediction"] == 12
    state = client.get(f"/api/v1/attempts/{attempt_id}", headers={"X-CSRFToken": token})
    assert state.status_code == 200
    assert state.json["answers"] == {str(qid): options} and state.json["prediction"] == 12


@pytest.mark.parametrize("headers", [
    {},  # the cookie alone
    {"X-CSRFToken": "not-the-token"},
    {"X-CSRFToken": "TOKEN", "Origin": "https://evil.example"},
    {"X-CSRFToken": "TOKEN", "Sec-Fetch-Site": "cross-site"},
    {"X-CSRFToken": "TOKEN", "Sec-Fetch-Site": "same-site"},
], ids=["no-token", "wrong-token", "other-origin", "cross-site", "same-site"])
def test_a_session_request_without_the_token_or_from_another_site_is_refused(client, member_on_the_page, headers):
    attempt_id, token, keys = member_on_the_page
    headers = {k: token if v == "TOKEN" else v for k, v in headers.items()}
    qid, options = next(iter(keys.items()))
    for response in (
        client.put(f"/api/v1/attempts/{attempt_id}/answers/{qid}", json={"option_ids": options}, headers=headers),
        client.put(f"/api/v1/attempts/{attempt_id}/prediction", json={"prediction": 3}, headers=headers),
        client.post(f"/api/v1/attempts/{attempt_id}/submit", json={}, headers=headers),
    ):
        assert response.status_code == 403
        assert response.json == {"error": {"code": "csrf_failed", "message": EXPIRED}}
    assert saved(attempt_id) == ({}, None)  # nothing changed
    assert db.session.get(Attempt, attempt_id).status == "in_progress"


def test_a_get_with_the_cookie_alone_is_anonymous_and_a_bad_token_refused(client, member_on_the_page):
    attempt_id, token, _keys = member_on_the_page
    anonymous = client.get(f"/api/v1/attempts/{attempt_id}")
    assert anonymous.status_code == 401 and anonymous.json["error"]["code"] == "unauthorized"
    wrong = client.get(f"/api/v1/attempts/{attempt_id}", headers={"X-CSRFToken": "not-the-token"})
    assert wrong.status_code == 403 and wrong.json["error"]["code"] == "csrf_failed"
    other_site = client.get(f"/api/v1/attempts/{attempt_id}",
                            headers={"X-CSRFToken": token, "Origin": "https://evil.example"})
    assert other_site.status_code == 403 and other_site.json["error"]["code"] == "csrf_failed"


def test_a_bearer_token_needs_no_csrf_token_even_with_a_cookie(client, make, member_on_the_page):
    attempt_id, _token, keys = member_on_the_page
    owner = db.session.get(Attempt, attempt_id).user
    qid, options = next(iter(keys.items()))
    response = client.put(f"/api/v1/attempts/{attempt_id}/answers/{qid}", json={"option_ids": options},
                          headers={**make.auth(owner), "Origin": "https://app.example"})
    assert response.status_code == 200
    answers = client.get(f"/api/v1/attempts/{attempt_id}", headers=make.auth(owner)).json["answers"]
    assert answers == {str(qid): options}


def test_refusals_read_in_the_members_language_on_the_page_and_the_api(client, make, member_on_the_page):
    attempt_id, token, keys = member_on_the_page
    (q1, _), (_q2, other_options) = list(keys.items())[:2]
    page = client.put(f"/api/v1/attempts/{attempt_id}/answers/{q1}", json={"option_ids": other_options},
                      headers={"X-CSRFToken": token})
    assert page.status_code == 422
    assert page.json["error"] == {"code": "invalid_option", "message": "Phương án đó không thuộc câu hỏi này."}
    owner = db.session.get(Attempt, attempt_id).user
    api = client.put(f"/api/v1/attempts/{attempt_id}/answers/{q1}", json={"option_ids": other_options},
                     headers=make.auth(owner))
    assert api.json["error"] == page.json["error"]


def test_every_operation_documents_the_csrf_refusal(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            if method not in ("get", "put", "post", "patch", "delete"):
                continue  # "parameters" shared by the path
            assert "`csrf_failed`" in operation["responses"]["403"]["description"], (method, path)
    organizers_only = paths["/api/v1/contests"]["post"]["responses"]["403"]["description"]
    assert "`csrf_failed`" in organizers_only and "`forbidden`" in organizers_only
