"""Reading a prediction: a whole number from 0 to 2,147,483,647, refused in words otherwise."""
import pytest

from contest.rounds.prediction import PREDICTION_MAX, PredictionInvalid, read_prediction

WHOLE = "Dự đoán phải là số nguyên, từ 0 trở lên."
TOO_LARGE = "Dự đoán không được lớn hơn 2.147.483.647."


@pytest.fixture(autouse=True)
def _vietnamese(app):
    with app.test_request_context():
        yield


@pytest.mark.parametrize("sent, read", [(0, 0), (12, 12), (PREDICTION_MAX, PREDICTION_MAX), (None, None)])
def test_whole_numbers_and_none(sent, read):
    assert read_prediction(sent) == read


@pytest.mark.parametrize("typed, read", [("42", 42), (" 42 ", 42), ("", None), ("   ", None), ("007", 7)])
def test_typed_text(typed, read):
    assert read_prediction(typed, allow_text=True) == read


@pytest.mark.parametrize("sent", [-1, 1.5, 3.0, True, False, "12", [], {}])
def test_not_a_whole_number_is_refused_in_words(sent):
    with pytest.raises(PredictionInvalid) as refused:
        read_prediction(sent)
    assert refused.value.message == WHOLE


@pytest.mark.parametrize("typed", ["-5", "abc", "1e3", "12.500", "1,5", "١٢", "+3"])
def test_typed_text_that_is_not_a_whole_number(typed):
    with pytest.raises(PredictionInvalid) as refused:
        read_prediction(typed, allow_text=True)
    assert refused.value.message == WHOLE


@pytest.mark.parametrize("sent, allow_text", [(PREDICTION_MAX + 1, False), (str(PREDICTION_MAX + 1), True),
                                              ("99999999999999999999", True)])
def test_above_the_bound(sent, allow_text):
    with pytest.raises(PredictionInvalid) as refused:
        read_prediction(sent, allow_text=allow_text)
    assert refused.value.message == TOO_LARGE
