"""The take, review and result pages: option ids that say nothing, the prediction saved as it is
typed, and an organizer looking at a member's attempt."""
import html
import re
from datetime import timedelta

from sqlalchemy import select

from contest.extensions import db
from contest.rounds.models import Attempt
from question_bank.models import Option
from tests.web.test_taking_a_round import PAGE, login, start

WHOLE = "Dự đoán phải là số nguyên, từ 0 trở lên."
TOO_LARGE = "Dự đoán không được lớn hơn 2.147.483.647."
EMPTY_WARNING = "Bạn chưa trả lời câu hỏi dự đoán. Câu dự đoán dùng để xếp hạng khi bằng điểm."
OPTION = re.compile(r'name="q(\d+)" id="o(\d+)" value="(\d+)"')


def shown_options(page):
    """{question id: [option values in the order shown]} from the take page's inputs."""
    found = {}
    for qid, element_id, value in OPTION.findall(page):
        assert element_id == value
        found.setdefault(int(qid), []).append(int(value))
    return found


def test_take_page_values_are_the_public_keys_never_the_option_ids(client, make):
    round_ = make.quiz(questions=6, question_count=6)
    login(client, make.user())
    attempt_id = start(client, round_)
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    shown = shown_options(page)
    attempt = db.session.get(Attempt, attempt_id)
    assert shown == {aq.question_id: aq.public_ids(aq.option_order) for aq in attempt.questions}
    real = set(db.session.execute(select(Option.id)).scalars())
    assert not {v for values in shown.values() for v in values} & real
    # The saved answer comes back checked by its public key, on the page and in its state.
    aq = attempt.questions[0]
    pick = shown[aq.question_id][2]
    assert client.put(f"/api/v1/attempts/{attempt_id}/answers/{aq.question_id}", json={"option_ids": [pick]}).json[
        "option_ids"] == [pick]
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert re.search(rf'id="o{pick}" value="{pick}"\s+checked', page)
    assert client.get(f"/api/v1/attempts/{attempt_id}", headers=PAGE).json["answers"] == {str(aq.question_id): [pick]}
    db.session.refresh(aq)
    assert aq.selected == [aq.option_order[2]]  # stored as the real option id


def test_review_marks_the_right_options_and_the_members_choice(client, make):
    round_ = make.quiz(questions=3, question_count=3, open_for=timedelta(hours=2))
    login(client, make.user())
    attempt_id = start(client, round_)
    attempt = db.session.get(Attempt, attempt_id)
    wrong_text = {}
    for aq in attempt.questions:  # answer every question wrong
        wrong = next(o for o in aq.version.options if not o.is_correct)
        wrong_text[aq.question_id] = wrong.text
        client.put(f"/api/v1/attempts/{attempt_id}/answers/{aq.question_id}", json={"option_ids": aq.public_ids([wrong.id])})
    client.post(f"/attempts/{attempt_id}/submit", data={})
    make.clock.advance(hours=3)
    page = html.unescape(client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True))
    assert 'data-testid="score">0,0 / 3,0</p>' in page
    for aq in attempt.questions:
        right = next(o.text for o in aq.version.options if o.is_correct)
        assert re.search(rf"✔ {re.escape(right)}\s*</li>", page)
        assert re.search(rf'✘ {re.escape(wrong_text[aq.question_id])}\s*<span class="badge text-bg-light">bạn đã chọn</span>', page)


# --- the prediction ---------------------------------------------------------------------------

def prediction_round(make, **fields):
    make.questions(3)
    return make.round(question_count=3, prediction_prompt="Bao nhiêu người trả lời đúng hết?", **fields)


def prediction_field(page):
    match = re.search(r'<input class="form-control[^"]*" type="text" inputmode="numeric" autocomplete="off"\s+'
                      r'id="prediction" name="prediction" value="([^"]*)"', page)
    assert match, page
    return html.unescape(match.group(1))


def test_prediction_autosaves_and_comes_back_on_reload(client, make):
    round_ = prediction_round(make)
    member = make.user()
    login(client, member)
    attempt_id = start(client, round_)
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert prediction_field(page) == ""
    assert f'data-msg-prediction-empty="{EMPTY_WARNING}"' in page  # what the submit dialog says
    saved = client.put(f"/api/v1/attempts/{attempt_id}/prediction", json={"prediction": "42"})
    assert saved.status_code == 200 and saved.json == {"prediction": 42, "saved_at": make.clock().isoformat()}
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert prediction_field(page) == "42"
    assert re.search(r'id="prediction-state" class="small mt-1 text-muted" aria-live="polite">Đã lưu</div>', page)
    assert client.get(f"/api/v1/attempts/{attempt_id}", headers=PAGE).json["prediction"] == 42
    # Submitting with the field as it was saved, or empty, keeps the saved prediction.
    done = client.post(f"/attempts/{attempt_id}/submit", data={"prediction": ""})
    assert done.status_code == 302
    assert db.session.get(Attempt, attempt_id).prediction == 42
    assert "Dự đoán của bạn: 42" in client.get(done.headers["Location"]).get_data(as_text=True)
    late = client.put(f"/api/v1/attempts/{attempt_id}/prediction", json={"prediction": 1})
    assert late.status_code == 409 and late.json["error"]["message"] == "Đã hết giờ: lượt thi này không nhận thêm câu trả lời."


def test_prediction_autosave_refuses_in_words_and_changes_nothing(client, make):
    round_ = prediction_round(make)
    login(client, make.user())
    attempt_id = start(client, round_)
    client.put(f"/api/v1/attempts/{attempt_id}/prediction", json={"prediction": 5})
    for sent, message in (("-5", WHOLE), ("abc", WHOLE), (-5, WHOLE), (True, WHOLE), (2.5, WHOLE),
                          ("2147483648", TOO_LARGE), (2_147_483_648, TOO_LARGE)):
        refused = client.put(f"/api/v1/attempts/{attempt_id}/prediction", json={"prediction": sent})
        assert refused.status_code == 422 and refused.json["error"]["message"] == message, sent
    for body in (None, [], {}, "7"):
        assert client.put(f"/api/v1/attempts/{attempt_id}/prediction", json=body).status_code == 422
    assert db.session.get(Attempt, attempt_id).prediction == 5
    assert client.put(f"/api/v1/attempts/{attempt_id}/prediction", json={"prediction": ""}).json["prediction"] is None


def test_submit_with_an_invalid_prediction_keeps_the_text_and_says_why(client, make):
    round_ = prediction_round(make)
    login(client, make.user())
    attempt_id = start(client, round_)
    for typed, message in (("-3", WHOLE), ("ba mươi", WHOLE), ("2147483648", TOO_LARGE)):
        refused = client.post(f"/attempts/{attempt_id}/submit", data={"prediction": typed})
        assert refused.status_code == 422
        page = refused.get_data(as_text=True)
        assert prediction_field(page) == typed  # never cleared
        assert f'aria-live="polite">{message}</div>' in page
        assert db.session.get(Attempt, attempt_id).status == "in_progress"
    done = client.post(f"/attempts/{attempt_id}/submit", data={"prediction": " 2147483647 "})
    assert done.status_code == 302
    assert db.session.get(Attempt, attempt_id).prediction == 2_147_483_647


def test_another_member_cannot_save_a_prediction(client, make):
    round_ = prediction_round(make)
    login(client, make.user())
    attempt_id = start(client, round_)
    client.post("/logout")
    login(client, make.user())
    assert client.put(f"/api/v1/attempts/{attempt_id}/prediction", json={"prediction": 1}).status_code == 404


# --- an organizer looking at a member's attempt -------------------------------------------------

def test_organizer_sees_an_attempt_in_progress_read_only_and_its_result_later(client, make):
    from contest.rounds import service

    round_ = prediction_round(make)
    member = make.user(full_name="Trần Thị Bình")
    login(client, member)
    attempt_id = start(client, round_)
    client.put(f"/api/v1/attempts/{attempt_id}/prediction", json={"prediction": 8})
    client.post("/logout")
    login(client, make.user(role="organizer"))
    page = client.get(f"/attempts/{attempt_id}")
    assert page.status_code == 200  # no redirect to the result (which sent it back here)
    text = page.get_data(as_text=True)
    assert "Bài thi đang làm của Trần Thị Bình: bạn xem bài như hiện có, chỉ đọc." in text
    assert len(OPTION.findall(text)) == 12 and text.count(" disabled>") == 12
    assert "attempt.js" not in text and 'id="submit-form"' not in text
    assert re.search(r'data-testid="prediction">8</p>', text)
    result = client.get(f"/attempts/{attempt_id}/result")
    assert result.status_code == 302 and result.headers["Location"].endswith(f"/attempts/{attempt_id}")
    # Read-only: the organizer cannot answer or submit for the member.
    qid = db.session.get(Attempt, attempt_id).questions[0].question_id
    assert client.put(f"/api/v1/attempts/{attempt_id}/answers/{qid}", json={"option_ids": []}).status_code == 404
    assert client.post(f"/attempts/{attempt_id}/submit", data={}).status_code == 404

    service.submit_attempt(db.session.get(Attempt, attempt_id))  # the member submits
    taken = client.get(f"/attempts/{attempt_id}")
    assert taken.status_code == 302 and taken.headers["Location"].endswith(f"/attempts/{attempt_id}/result")
    result = client.get(f"/attempts/{attempt_id}/result")
    assert result.status_code == 200
    assert "Thí sinh: Trần Thị Bình" in result.get_data(as_text=True)
