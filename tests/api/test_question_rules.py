"""POST /api/v1/questions obeys the very rules the importer and the question form do (one
validation, formats.validate): same refusals, same messages, the field named."""
import pytest

from contest.extensions import db
from question_bank import formats
from question_bank.models import Question

TRUE_FALSE_ONLY = "Câu hỏi đúng/sai phải có đúng hai phương án, lần lượt là “Đúng” và “Sai”."


def post(client, make, **question):
    body = {"kind": "single", "text": "Bác Hồ ra đi tìm đường cứu nước năm nào?",
            "options": [{"text": "1911", "is_correct": True}, {"text": "1920", "is_correct": False}]}
    body.update(question)
    return client.post("/api/v1/questions", json=body, headers=make.auth(make.user(role="organizer")))


def test_a_true_false_question_with_yes_and_no_is_refused_as_the_importer_refuses_it(client, make, app):
    response = post(client, make, kind="true_false", text="Bác Hồ sinh năm 1890.",
                    options=[{"text": "Yes", "is_correct": True}, {"text": "No", "is_correct": False}])
    assert response.status_code == 422
    assert response.json["error"] == {
        "code": "validation_error", "message": TRUE_FALSE_ONLY,
        "details": [{"field": "options", "code": "true_false_options", "message": TRUE_FALSE_ONLY}]}
    # The importer's own words for the same question (GIFT written by hand with Yes/No options).
    draft = formats.QuestionDraft(text="Bác Hồ sinh năm 1890.", kind="true_false",
                                  options=[formats.OptionDraft("Yes", True), formats.OptionDraft("No", False)])
    with app.test_request_context(headers={"Accept-Language": "vi"}):
        assert [p.message for p in formats.validate(draft)] == [TRUE_FALSE_ONLY]
    assert db.session.query(Question).count() == 0


@pytest.mark.parametrize("question, field, code, message", [
    ({"options": [{"text": "1911", "is_correct": True}, {"text": "1920", "is_correct": True}]},
     "options", "single_many_correct",
     "Câu hỏi một đáp án phải có đúng một phương án đúng; câu hỏi này có 2."),
    ({"options": [{"text": "1911", "is_correct": True}, {"text": " 1911 ", "is_correct": False}]},
     "options", "duplicate_option", "Phương án A và B giống nhau."),
    ({"text": "   "}, "text", "empty_text", None),
    ({"kind": "multiple", "options": [{"text": "1911", "is_correct": False}, {"text": "1920", "is_correct": False}]},
     "options", "no_correct_option", None),
])
def test_every_rule_of_the_importer_applies(client, make, question, field, code, message):
    response = post(client, make, **question)
    assert response.status_code == 422
    details = response.json["error"]["details"]
    assert [(d["field"], d["code"]) for d in details] == [(field, code)]
    if message:
        assert details[0]["message"] == message
    assert db.session.query(Question).count() == 0


def test_a_right_true_false_question_is_created(client, make):
    response = post(client, make, kind="true_false", text="Bác Hồ sinh năm 1890.",
                    options=[{"text": "Đúng", "is_correct": True}, {"text": "Sai", "is_correct": False}])
    assert response.status_code == 201
    assert [(o["text"], o["is_correct"]) for o in response.json["options"]] == [("Đúng", True), ("Sai", False)]
