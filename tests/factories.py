"""Test data builders. Use through the `make` fixture (inside an app context)."""
from datetime import timedelta
from itertools import count

from contest.accounts.models import ApiToken, Unit
from contest.accounts.service import create_user
from contest.extensions import db
from contest.rounds.models import Contest, Round
from question_bank.models import Topic
from question_bank.service import create_question

_seq = count(1)


def sign_in(client, user, *, password="secret-pass", locale=None):
    """Sign `user` in through the login form (the test client keeps the session). With `locale`
    ("en"), the pages answer in that language, for tests that read the English texts."""
    if locale is not None:
        user.locale = locale
        db.session.commit()
    response = client.post("/login", data={"username": user.username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return user


class Factory:
    def __init__(self, app, clock):
        self.app = app
        self.clock = clock

    def unit(self, name=None, parent=None) -> Unit:
        unit = Unit(name=name or f"Đơn vị {next(_seq)}", parent_id=parent.id if parent else None)
        db.session.add(unit)
        db.session.commit()
        return unit

    def user(self, username=None, role="member", unit=None, password="secret-pass", full_name=None):
        username = username or f"user{next(_seq)}"
        user = create_user(username, password, full_name or f"Thí sinh {username}", role=role,
                           unit_id=unit.id if unit else None)
        db.session.commit()
        return user

    def token(self, user) -> str:
        _, token = ApiToken.issue(user)
        db.session.commit()
        return token

    def auth(self, user) -> dict:
        return {"Authorization": f"Bearer {self.token(user)}"}

    def topic(self, name=None, parent=None) -> Topic:
        topic = Topic(name=name or f"Chủ đề {next(_seq)}", parent_id=parent.id if parent else None)
        db.session.add(topic)
        db.session.commit()
        return topic

    def questions(self, n=10, topic=None, kind="single", status="approved"):
        topic = topic or self.topic()
        made = []
        for i in range(n):
            k = next(_seq)
            if kind == "multiple":
                options = [(f"Đúng A {k}", True), (f"Đúng B {k}", True), (f"Sai C {k}", False), (f"Sai D {k}", False)]
            elif kind == "true_false":
                options = [("Đúng", True), ("Sai", False)]
            else:
                options = [(f"Đáp án đúng {k}", True), (f"Sai một {k}", False), (f"Sai hai {k}", False), (f"Sai ba {k}", False)]
            made.append(create_question(text=f"Câu hỏi số {k} về Hồ Chí Minh?", kind=kind, options=options,
                                        topic_id=topic.id, status=status, explanation=f"Giải thích {k}"))
        db.session.commit()
        from question_bank.candidates import forget_candidates

        forget_candidates()
        return made

    def contest(self, title="Cuộc thi tìm hiểu") -> Contest:
        contest = Contest(title=title)
        db.session.add(contest)
        db.session.commit()
        return contest

    def round(self, contest=None, opens_in=timedelta(hours=-1), open_for=timedelta(days=7), **fields) -> Round:
        contest = contest or self.contest()
        values = dict(kind="quiz", title="Tuần thi", duration_seconds=600, question_count=5,
                      max_attempts=1, counting="best", tie_break="duration", shuffle_options=True,
                      grace_seconds=10)
        values.update(fields)
        opens = self.clock() + opens_in
        round_ = Round(contest_id=contest.id, opens_at=opens, closes_at=opens + open_for, **values)
        db.session.add(round_)
        db.session.commit()
        return round_

    def quiz(self, questions=10, **fields):
        """A bank with `questions` approved questions and an open round drawing from it."""
        self.questions(questions)
        return self.round(**fields)
