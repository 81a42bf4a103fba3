"""The round page a member reads before starting: what it says once the round has closed."""
from datetime import timedelta

from tests.web.test_taking_a_round import login


def test_a_closed_round_says_it_is_closed_instead_of_counting_attempts_left(client, make):
    round_ = make.quiz(questions=5, question_count=3, max_attempts=3)
    login(client, make.user())
    open_page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert 'Số lượt thi còn lại</dt><dd class="col-sm-8" data-testid="attempts-left">3</dd>' in open_page
    make.clock.set(round_.closes_at + timedelta(minutes=1))
    closed = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert '<p class="alert alert-dark">Vòng thi này đã kết thúc.</p>' in closed
    assert "Số lượt thi còn lại" not in closed


def test_the_round_page_says_which_attempt_counts_in_plain_vietnamese(client, make):
    round_ = make.quiz(questions=5, question_count=3, max_attempts=3, counting="best")
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert "3\n      (lấy kết quả của lượt thi tốt nhất)</dd>" in page
