"""Issue 9, point 8: every organizer and judge action that changes a result, a round, a question,
a score, a publication or a role writes exactly one audit row — who, what, the changed fields
only before → after, the reason where the action takes one — in the same transaction as the
change: a refused action writes none, and a change whose commit fails leaves neither.

Each case below sets up its world, performs ONE action through the API or a page, and names the
row it must leave. ``ANY`` stands for a value the test cannot know in advance (an id, a time).
"""
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from contest.audit.models import AuditEvent
from contest.certificates import service as certificates
from contest.certificates.models import Certificate
from contest.extensions import db
from contest.judging.models import Assignment
from contest.rounds import service as rounds
from contest.rounds.models import Contest, Round
from question_bank.models import Question
from tests.anthology_data import judged_round
from tests.api.test_bank_import import csv_bank, upload
from tests.api.test_members import _import, _members, _xlsx
from tests.factories import sign_in


class _Any:
    def __eq__(self, other):
        return True

    def __repr__(self):
        return "ANY"


ANY = _Any()


def _iso(dt):
    return dt.isoformat()


def _last_id():
    return db.session.scalar(select(func.max(AuditEvent.id))) or 0


def _rows_after(last, object_type=None):
    db.session.expire_all()
    stmt = select(AuditEvent).where(AuditEvent.id > last)
    if object_type is not None:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    return db.session.execute(stmt.order_by(AuditEvent.id)).scalars().all()


def _expect(action, object_type, object_id, actor, before, after, reason=None, status=200):
    """``actor`` None: the platform itself did it (actor=SYSTEM)."""
    return {"action": action, "object_type": object_type, "object_id": object_id,
            "actor_id": actor.id if actor is not None else None, "before": before, "after": after, "reason": reason, "status": status}


def _closed_quiz(make, **fields):
    make.questions(6)
    round_ = make.round(question_count=3, opens_in=timedelta(days=-3), open_for=timedelta(days=1), **fields)
    return round_


def _taken(make, round_, user):
    attempt, _ = rounds.start_attempt(round_, user)
    rounds.submit_attempt(attempt)
    db.session.commit()
    return attempt


# --- the cases: each returns (act, expected row) --------------------------------------------------

def round_publish(client, make, clock):
    round_ = _closed_quiz(make)
    org = make.user(role="organizer")
    return (lambda: client.patch(f"/api/v1/rounds/{round_.id}", headers=make.auth(org),
                                 json={"results_published": True}),
            _expect("round.publish", "round", round_.id, org, {"results_published": False},
                    {"results_published": True}))


def round_unpublish(client, make, clock):
    round_ = _closed_quiz(make, results_published=True)
    org = make.user(role="organizer")
    return (lambda: client.patch(f"/api/v1/rounds/{round_.id}", headers=make.auth(org),
                                 json={"results_published": False}),
            _expect("round.unpublish", "round", round_.id, org, {"results_published": True},
                    {"results_published": False}))


def round_publish_page(client, make, clock):
    round_, _ = judged_round(make, [{"title": "Bài A", "author": "Nguyễn Văn An", "score": 90}], published=False)
    org = sign_in(client, make.user(role="organizer"))
    return (lambda: client.post(f"/judging/manage/rounds/{round_.id}/results/publish", data={"confirm": "yes"}),
            _expect("round.publish", "round", round_.id, org, {"results_published": False},
                    {"results_published": True}, status=302))


def round_close_early(client, make, clock):
    round_ = make.quiz()
    org = make.user(role="organizer")
    old = round_.closes_at
    return (lambda: client.patch(f"/api/v1/rounds/{round_.id}", headers=make.auth(org),
                                 json={"closes_at": _iso(clock())}),
            _expect("round.close", "round", round_.id, org, {"closes_at": _iso(old)},
                    {"closes_at": _iso(clock())}))


def round_window(client, make, clock):
    round_ = make.quiz(opens_in=timedelta(days=1))
    org = make.user(role="organizer")
    opens, closes = round_.opens_at, round_.closes_at
    return (lambda: client.patch(f"/api/v1/rounds/{round_.id}", headers=make.auth(org),
                                 json={"opens_at": _iso(opens + timedelta(days=1)),
                                       "closes_at": _iso(closes + timedelta(days=1)), "title": "Tuần thi"}),
            _expect("round.update", "round", round_.id, org,
                    {"opens_at": _iso(opens), "closes_at": _iso(closes)},
                    {"opens_at": _iso(opens + timedelta(days=1)), "closes_at": _iso(closes + timedelta(days=1))}))


def round_draw(client, make, clock):
    round_ = make.quiz(opens_in=timedelta(days=1))
    org = make.user(role="organizer")
    return (lambda: client.patch(f"/api/v1/rounds/{round_.id}", headers=make.auth(org),
                                 json={"question_count": 4}),
            _expect("round.update", "round", round_.id, org, {"question_count": 5}, {"question_count": 4}))


def round_prizes(client, make, clock):
    round_ = make.quiz(opens_in=timedelta(days=1))
    org = make.user(role="organizer")
    tiers = [{"name": "Giải Nhất", "count": 1}, {"name": "Giải Nhì", "count": 2}]
    return (lambda: client.patch(f"/api/v1/rounds/{round_.id}", headers=make.auth(org), json={"prizes": tiers}),
            _expect("round.update", "round", round_.id, org, {"prizes": None}, {"prizes": tiers}))


def round_copy(client, make, clock):
    round_ = make.quiz(title="Tuần 1")
    org = make.user(role="organizer")
    return (lambda: client.post(f"/api/v1/rounds/{round_.id}/copy", headers=make.auth(org)),
            _expect("round.copy", "round", ANY, org, {"copied_from": round_.id},
                    ANY, status=201) | {"after_has": {
                        "title": "Tuần 1 (bản sao)", "opens_at": _iso(round_.opens_at + timedelta(weeks=1)),
                        "closes_at": _iso(round_.closes_at + timedelta(weeks=1)), "question_count": 5}})


def round_delete(client, make, clock):
    round_ = make.quiz(title="Tuần bỏ")
    org = make.user(role="organizer")
    return (lambda: client.delete(f"/api/v1/rounds/{round_.id}", headers=make.auth(org)),
            _expect("round.delete", "round", round_.id, org, ANY, None, status=204)
            | {"before_has": {"title": "Tuần bỏ", "opens_at": _iso(round_.opens_at), "question_count": 5}})


def round_extra_time(client, make, clock):
    round_ = make.quiz()
    org, member = make.user(role="organizer"), make.user()
    return (lambda: client.post(f"/api/v1/rounds/{round_.id}/extra-time", headers=make.auth(org),
                                json={"user_id": member.id, "minutes": 10, "reason": "Khiếm thị"}),
            _expect("round.extra_time", "round", round_.id, org, {"user_id": member.id, "seconds": 0},
                    {"user_id": member.id, "seconds": 600}, reason="Khiếm thị"))


def contest_update(client, make, clock):
    contest = make.contest(title="Cuộc thi cũ")
    org = make.user(role="organizer")
    return (lambda: client.patch(f"/api/v1/contests/{contest.id}", headers=make.auth(org),
                                 json={"title": "Cuộc thi mới"}),
            _expect("contest.update", "contest", contest.id, org, {"title": "Cuộc thi cũ"},
                    {"title": "Cuộc thi mới"}))


def contest_publish_standings(client, make, clock):
    contest = make.contest()
    org = make.user(role="organizer")
    return (lambda: client.patch(f"/api/v1/contests/{contest.id}", headers=make.auth(org),
                                 json={"standings_published": True}),
            _expect("contest.publish_standings", "contest", contest.id, org, {"standings_published": False},
                    {"standings_published": True}))


def contest_status_page(client, make, clock):
    contest = make.contest()
    contest.status = "draft"
    db.session.commit()
    org = sign_in(client, make.user(role="organizer"))
    return (lambda: client.post(f"/manage/contests/{contest.id}/status", data={"status": "published"}),
            _expect("contest.update", "contest", contest.id, org, {"status": "draft"}, {"status": "published"},
                    status=302))


def entry_prize(client, make, clock):
    round_, entries = judged_round(make, [{"title": "Bài A", "author": "Nguyễn Văn An", "score": 90},
                                          {"title": "Bài B", "author": "Trần Thị Bình", "score": 50}])
    round_.prizes = [{"name": "Giải Nhất", "count": 1}]
    db.session.commit()
    org = make.user(role="organizer")
    return (lambda: client.put(f"/api/v1/entries/{entries[1].id}/prize", headers=make.auth(org),
                               json={"prize": "Giải Nhất", "reason": "Phúc khảo"}),
            _expect("entry.prize", "entry", entries[1].id, org, {"prize": None, "by_hand": False},
                    {"prize": "Giải Nhất", "by_hand": True}, reason="Phúc khảo"))


def certificate_revoke(client, make, clock):
    make.questions(4)
    round_ = make.round(question_count=3)
    _taken(make, round_, make.user(full_name="Nguyễn Thị Hoa"))
    clock.set(round_.closes_at + timedelta(minutes=1))
    round_.results_published = True
    db.session.commit()
    certificates.issue(round_, "all")
    db.session.commit()
    cert = db.session.execute(select(Certificate)).scalar_one()
    org = make.user(role="organizer")
    return (lambda: client.delete(f"/api/v1/certificates/{cert.code}", headers=make.auth(org),
                                  json={"reason": "Gian lận"}),
            _expect("certificate.revoke", "certificate", cert.id, org, {"revoked": False}, {"revoked": True},
                    reason="Gian lận", status=204))


def user_role(client, make, clock):
    member, org = make.user(), make.user(role="organizer")
    return (lambda: client.patch(f"/api/v1/users/{member.id}", headers=make.auth(org), json={"role": "judge"}),
            _expect("user.role", "user", member.id, org, {"role": "member"}, {"role": "judge"}))


def user_deactivate(client, make, clock):
    member, org = make.user(), make.user(role="organizer")
    return (lambda: client.patch(f"/api/v1/users/{member.id}", headers=make.auth(org), json={"active": False}),
            _expect("user.deactivate", "user", member.id, org, {"active": True}, {"active": False}))


def user_update(client, make, clock):
    member = make.user(full_name="Nguyễn Văn Đức")
    org = make.user(role="organizer")
    return (lambda: client.patch(f"/api/v1/users/{member.id}", headers=make.auth(org),
                                 json={"full_name": "Nguyễn Văn Đức Anh"}),
            _expect("user.update", "user", member.id, org, {"full_name": "Nguyễn Văn Đức"},
                    {"full_name": "Nguyễn Văn Đức Anh"}))


def user_password_reset(client, make, clock):
    member, org = make.user(), make.user(role="organizer")
    return (lambda: client.post(f"/api/v1/users/{member.id}/password-reset", headers=make.auth(org)),
            _expect("user.password_reset", "user", member.id, org, None, {"expires_at": ANY}))


def user_import(client, make, clock):
    make.unit("Chi bộ A", parent=make.unit("Huyện ủy"))
    org = make.user(role="organizer")
    return (lambda: _import(client, make.auth(org), _xlsx(_members(3))),
            _expect("user.import", "user", None, org, None,
                    {"created": 3, "skipped": 0, "units_created": 0, "file": "thanh-vien.xlsx"}, status=ANY))


def unit_create(client, make, clock):
    top = make.unit("Huyện ủy")
    org = make.user(role="organizer")
    return (lambda: client.post("/api/v1/units", headers=make.auth(org),
                                json={"name": "Chi bộ Mới", "parent_id": top.id}),
            _expect("unit.create", "unit", ANY, org, None, {"name": "Chi bộ Mới", "parent_id": top.id}, status=201))


def unit_move(client, make, clock):
    top, other = make.unit("Huyện ủy"), make.unit("Thị ủy")
    cell = make.unit("Chi bộ A", parent=top)
    org = sign_in(client, make.user(role="organizer"))
    return (lambda: client.post(f"/units/{cell.id}/move", data={"parent_id": other.id}),
            _expect("unit.move", "unit", cell.id, org, {"parent_id": top.id}, {"parent_id": other.id}, status=302))


def unit_merge(client, make, clock):
    top = make.unit("Huyện ủy")
    a, b = make.unit("Chi bộ A", parent=top), make.unit("Chi bộ B", parent=top)
    make.user(unit=b)
    org = sign_in(client, make.user(role="organizer"))
    return (lambda: client.post(f"/units/{b.id}/merge", data={"target_id": a.id}),
            _expect("unit.merge", "unit", a.id, org, {"merged_id": b.id, "merged_name": "Chi bộ B"},
                    {"members_moved": 1, "units_moved": 0}, status=302))


def question_create(client, make, clock):
    topic = make.topic("Tư tưởng Hồ Chí Minh")
    org = make.user(role="organizer")
    question = {"topic_id": topic.id, "kind": "single", "text": "Bác sinh năm nào?", "difficulty": 1,
                "options": [{"text": "1890", "is_correct": True}, {"text": "1911", "is_correct": False}]}
    return (lambda: client.post("/api/v1/questions", headers=make.auth(org), json=question),
            _expect("question.create", "question", ANY, org, None, ANY, status=201)
            | {"after_has": {"text": "Bác sinh năm nào?"}})


def question_edit(client, make, clock):
    question = make.questions(1)[0]
    org = sign_in(client, make.user(role="organizer"))
    old_text = question.current.text
    return (lambda: client.post(f"/manage/bank/questions/{question.id}/edit", data={
                "text": "Câu mới?", "kind": "single", "options-0-text": "Một", "options-1-text": "Hai",
                "options-1-is_correct": "y", "topic_id": str(question.topic_id), "difficulty": "1",
                "status": "approved", "truth": "1"}),
            _expect("question.update", "question", question.id, org, ANY, ANY, status=302)
            | {"before_has": {"text": old_text}, "after_has": {"text": "Câu mới?"}})


def question_retire(client, make, clock):
    question = make.questions(1)[0]
    org = sign_in(client, make.user(role="organizer"))
    return (lambda: client.post(f"/manage/bank/questions/{question.id}/status", data={"status": "retired"}),
            _expect("question.retire", "question", question.id, org, {"status": "approved"},
                    {"status": "retired"}, status=302))


def bank_import(client, make, clock):
    org = make.user(role="organizer")
    return (lambda: upload(client, make.auth(org), csv_bank(3), "ngan-hang.csv"),
            _expect("question.import", "question_bank", None, org, None, ANY, status=ANY)
            | {"after_has": {"imported": 3, "duplicates_skipped": 0}})


def sheet_reopen(client, make, clock):
    round_, _ = judged_round(make, [{"title": "Bài A", "author": "Nguyễn Văn An", "score": 90}], published=False)
    row = db.session.execute(select(Assignment)).scalar_one()
    org = make.user(role="organizer")
    return (lambda: client.post(f"/api/v1/judging/assignments/{row.id}/reopen", headers=make.auth(org),
                                json={"reason": "Nhập nhầm điểm"}),
            _expect("sheet.reopen", "assignment", row.id, org, ANY, {"status": "draft"}, reason="Nhập nhầm điểm")
            | {"before_has": {"status": "submitted", "total": 90}})


def assignment_auto(client, make, clock):
    from tests.api.test_judging_api import essay_round, submit

    round_ = essay_round(make, min_words=5)
    submit(client, make, round_, make.user(unit=make.unit()))
    judges = [make.user(role="judge", unit=make.unit()) for _ in range(2)]
    org = make.user(role="organizer")
    return (lambda: client.post(f"/api/v1/rounds/{round_.id}/assignments", headers=make.auth(org),
                                json={"judge_ids": [j.id for j in judges]}),
            _expect("assignment.auto", "round", round_.id, org, {"stage": 1, "assignments": 0}, ANY, status=201)
            | {"after_has": {"stage": 1, "assignments": 2, "added": 2}})


def judging_normalize(client, make, clock):
    round_, _ = judged_round(make, [{"title": "Bài A", "author": "Nguyễn Văn An", "score": 90}], published=False)
    org = sign_in(client, make.user(role="organizer"))
    return (lambda: client.post(f"/judging/manage/rounds/{round_.id}/results/normalize", data={}),
            _expect("judging.normalize", "round", round_.id, org, {"normalize_scores": False},
                    {"normalize_scores": True}, status=302))


def round_edit_page(client, make, clock):
    make.questions(6)
    round_ = make.round(title="Tuần thi")  # opens 09:00 Hà Nội time today, closes a week later
    org = sign_in(client, make.user(role="organizer"))
    form = {"title": "Tuần thi đã sửa", "opens_at": "2026-12-07T09:00", "closes_at": "2026-12-14T09:00",
            "duration_minutes": "10", "question_count": "5", "max_attempts": "1", "counting": "best",
            "tie_break": "duration", "shuffle_options": "y", "grace_seconds": "10", "prizes": ""}
    return (lambda: client.post(f"/manage/rounds/{round_.id}/edit", data=form),
            _expect("round.update", "round", round_.id, org, {"title": "Tuần thi"}, {"title": "Tuần thi đã sửa"},
                    status=302))


def round_extra_time_in_progress(client, make, clock):
    round_ = make.quiz(duration_seconds=600)
    org, member = make.user(role="organizer"), make.user()
    attempt, _ = rounds.start_attempt(round_, member)
    db.session.commit()
    deadline = attempt.deadline
    return (lambda: client.post(f"/api/v1/rounds/{round_.id}/extra-time", headers=make.auth(org),
                                json={"user_id": member.id, "minutes": 5, "reason": "Mạng yếu"}),
            _expect("attempt.extra_time", "attempt", attempt.id, org, {"deadline": _iso(deadline)},
                    {"deadline": _iso(deadline + timedelta(minutes=5))}, reason="Mạng yếu"))


def round_publish_quiz_page(client, make, clock):
    round_ = _closed_quiz(make, results_published=True)
    org = sign_in(client, make.user(role="organizer"))
    return (lambda: client.post(f"/manage/rounds/{round_.id}/publish", data={"publish": "0"}),
            _expect("round.unpublish", "round", round_.id, org, {"results_published": True},
                    {"results_published": False}, status=302))


def contest_standings_page(client, make, clock):
    contest = make.contest()
    org = sign_in(client, make.user(role="organizer"))
    return (lambda: client.post(f"/manage/contests/{contest.id}/standings", data={"standings_rule": "best"}),
            _expect("contest.update", "contest", contest.id, org, {"standings_rule": "sum"},
                    {"standings_rule": "best"}, status=302))


def contest_create(client, make, clock):
    org = make.user(role="organizer")
    return (lambda: client.post("/api/v1/contests", headers=make.auth(org), json={"title": "Cuộc thi mới"}),
            _expect("contest.create", "contest", ANY, org, None, {"title": "Cuộc thi mới"}, status=201))


def entry_prize_page(client, make, clock):
    round_, entries = judged_round(make, [{"title": "Bài A", "author": "Nguyễn Văn An", "score": 90},
                                          {"title": "Bài B", "author": "Trần Thị Bình", "score": 50}])
    round_.prizes = [{"name": "Giải Nhất", "count": 1}]
    db.session.commit()
    org = sign_in(client, make.user(role="organizer"))
    return (lambda: client.post(f"/judging/manage/rounds/{round_.id}/results/prize", data={
                "prize-entry_id": entries[1].id, "prize-prize": "Giải Nhất", "prize-reason": "Hội đồng thống nhất"}),
            _expect("entry.prize", "entry", entries[1].id, org, {"prize": None, "by_hand": False},
                    {"prize": "Giải Nhất", "by_hand": True}, reason="Hội đồng thống nhất", status=302))


def certificate_revoke_page(client, make, clock):
    make.questions(4)
    round_ = make.round(question_count=3)
    _taken(make, round_, make.user(full_name="Nguyễn Thị Hoa"))
    clock.set(round_.closes_at + timedelta(minutes=1))
    round_.results_published = True
    db.session.commit()
    certificates.issue(round_, "all")
    db.session.commit()
    cert = db.session.execute(select(Certificate)).scalar_one()
    org = sign_in(client, make.user(role="organizer"))
    return (lambda: client.post(f"/certificates/{cert.code}/revoke", data={"reason": "Cấp nhầm"}),
            _expect("certificate.revoke", "certificate", cert.id, org, {"revoked": False}, {"revoked": True},
                    reason="Cấp nhầm", status=302))


def member_role_page(client, make, clock):
    member = make.user(full_name="Nguyễn Văn Bình")
    org = sign_in(client, make.user(role="organizer"))
    return (lambda: client.post(f"/members/{member.id}/edit", data={
                "full_name": "Nguyễn Văn Bình", "unit_id": "0", "role": "judge"}),
            _expect("user.role", "user", member.id, org, {"role": "member"}, {"role": "judge"}, status=302))


def member_deactivate_page(client, make, clock):
    member = make.user()
    org = sign_in(client, make.user(role="organizer"))
    return (lambda: client.post(f"/members/{member.id}/active", data={"action": "deactivate"}),
            _expect("user.deactivate", "user", member.id, org, {"active": True}, {"active": False}, status=302))


def member_reset_page(client, make, clock):
    member = make.user()
    org = sign_in(client, make.user(role="organizer"))
    return (lambda: client.post(f"/members/{member.id}/reset", data={"action": "reset"}),
            _expect("user.password_reset", "user", member.id, org, None, {"expires_at": ANY}, status=ANY))


def unit_rename_page(client, make, clock):
    unit = make.unit("Chi bộ Cũ")
    org = sign_in(client, make.user(role="organizer"))
    return (lambda: client.post(f"/units/{unit.id}/rename", data={"name": "Chi bộ Mới", "parent_id": "0"}),
            _expect("unit.rename", "unit", unit.id, org, {"name": "Chi bộ Cũ"}, {"name": "Chi bộ Mới"}, status=302))


def question_bulk_retire(client, make, clock):
    question = make.questions(1)[0]
    org = sign_in(client, make.user(role="organizer"))
    return (lambda: client.post("/manage/bank/bulk", data={"ids": [question.id], "action": "retire",
                                                           "target_topic_id": "0"}),
            _expect("question.retire", "question", question.id, org, {"status": "approved"},
                    {"status": "retired"}, status=302))


def _assigned(client, make):
    from tests.api.test_judging_api import essay_round, submit

    round_ = essay_round(make, min_words=5)
    submit(client, make, round_, make.user(unit=make.unit()))
    judges = [make.user(role="judge", unit=make.unit()) for _ in range(2)]
    org = make.user(role="organizer")
    assert client.post(f"/api/v1/rounds/{round_.id}/assignments", headers=make.auth(org),
                       json={"judge_ids": [j.id for j in judges]}).status_code == 201
    return round_, judges, org


def sheet_submit(client, make, clock):
    from tests.api.test_judging_api import sheet

    round_, judges, _org = _assigned(client, make)
    row = db.session.execute(select(Assignment).where(Assignment.judge_id == judges[0].id)).scalar_one()
    return (lambda: client.put(f"/api/v1/judging/assignments/{row.id}", headers=make.auth(judges[0]),
                               json=sheet(round_, 30, 20, 20)),
            _expect("sheet.submit", "assignment", row.id, judges[0], ANY, ANY)
            | {"before_has": {"status": "assigned"}, "after_has": {"status": "submitted", "total": pytest.approx(500 / 7)}})  # weighted


def assignment_unassign_page(client, make, clock):
    round_, judges, org = _assigned(client, make)
    row = db.session.execute(select(Assignment).where(Assignment.judge_id == judges[0].id)).scalar_one()
    sign_in(client, org)
    return (lambda: client.post(f"/judging/manage/rounds/{round_.id}/unassign", data={"assignment_id": row.id}),
            _expect("assignment.unassign", "assignment", row.id, org, ANY, None, status=302)
            | {"before_has": {"judge_id": judges[0].id, "status": "assigned"}})


def panel_remove_page(client, make, clock):
    round_, judges, org = _assigned(client, make)
    extra = make.user(role="judge", unit=make.unit())
    from contest.judging import service as judging

    judging.add_to_panel(round_, 1, [extra.id], audit=False)
    db.session.commit()
    sign_in(client, org)
    return (lambda: client.post(f"/judging/manage/rounds/{round_.id}/panel/remove", data={"judge_id": extra.id}),
            _expect("assignment.panel_remove", "round", round_.id, org, ANY, ANY, status=302))


def certificate_issue(client, make, clock):
    make.questions(4)
    round_ = make.round(question_count=3)
    for name in ("Nguyễn Thị Hoa", "Trần Văn Bảo"):
        _taken(make, round_, make.user(full_name=name))
    clock.set(round_.closes_at + timedelta(minutes=1))
    round_.results_published = True
    db.session.commit()
    from contest.standings.service import freeze_if_closed

    freeze_if_closed(round_)  # the final ranks first (round.freeze, by the platform)
    org = make.user(role="organizer")
    make.app.config["JOBS_INLINE"] = True  # the job runs in the request (jobs_inline puts it back)
    return (lambda: client.post(f"/api/v1/rounds/{round_.id}/certificates", headers=make.auth(org),
                                json={"scope": "all"}),
            _expect("certificate.issue", "round", round_.id, org, {"issued": 0}, {"issued": 2, "scope": "all"},
                    status=202))


def certificate_settings_page(client, make, clock):
    contest = make.contest()
    org = sign_in(client, make.user(role="organizer"))
    return (lambda: client.post(f"/manage/contests/{contest.id}/certificates", data={
                "signer_name": "Lê Văn Đức", "signer_title": "Trưởng ban tổ chức", "template": ""},
                content_type="multipart/form-data"),
            _expect("certificate.settings", "contest", contest.id, org,
                    {"signer_name": None, "signer_title": None}, {"signer_name": "Lê Văn Đức",
                                                                  "signer_title": "Trưởng ban tổ chức"}, status=302))


def round_freeze(client, make, clock):
    """The final ranks are computed by the platform at the first read after the close."""
    make.questions(4)
    round_ = make.round(question_count=3)
    _taken(make, round_, make.user())
    clock.set(round_.closes_at + timedelta(minutes=1))
    org = make.user(role="organizer")
    return (lambda: client.get(f"/api/v1/rounds/{round_.id}/leaderboard", headers=make.auth(org)),
            _expect("round.freeze", "round", round_.id, None, {"standings_frozen_at": None, "prediction_truth": None},
                    {"standings_frozen_at": _iso(clock()), "prediction_truth": None, "ranked": 1}))


def topic_rename_page(client, make, clock):
    topic = make.topic("Chủ đề cũ")
    org = sign_in(client, make.user(role="organizer"))
    return (lambda: client.post(f"/manage/bank/topics/{topic.id}", data={"name": "Chủ đề mới", "parent_id": "0"}),
            _expect("topic.update", "topic", topic.id, org, ANY, ANY, status=302)
            | {"before_has": {"name": "Chủ đề cũ"}, "after_has": {"name": "Chủ đề mới"}})


def assignment_hand_page(client, make, clock):
    from contest.essays.models import Entry

    round_, judges, org = _assigned(client, make)
    from contest.judging import service as judging

    extra = make.user(role="judge", unit=make.unit())
    judging.add_to_panel(round_, 1, [extra.id], audit=False)  # the form offers the panel's judges
    db.session.commit()
    entry = db.session.execute(select(Entry)).scalar_one()
    sign_in(client, org)
    return (lambda: client.post(f"/judging/manage/rounds/{round_.id}/assign/hand",
                                data={"hand-entry_code": entry.code, "hand-judge_id": extra.id}),
            _expect("assignment.hand", "assignment", ANY, org, None,
                    {"entry": entry.code, "judge_id": extra.id, "stage": 1, "status": "assigned",
                     "panel_added": []}, status=302))


def shortlist_page(client, make, clock):
    round_, entries = judged_round(make, [{"title": "Bài A", "author": "Nguyễn Văn An", "score": 90},
                                          {"title": "Bài B", "author": "Trần Thị Bình", "score": 50}],
                                   published=False)
    org = sign_in(client, make.user(role="organizer"))
    return (lambda: client.post(f"/judging/manage/rounds/{round_.id}/results/shortlist", data={"short-top_n": "1"}),
            _expect("stage.shortlist", "round", round_.id, org, ANY, ANY, status=302)
            | {"before_has": {"current_stage": 1}})


CASES = [round_publish, round_unpublish, round_publish_page, round_close_early, round_window, round_draw,
         round_prizes, round_copy, round_delete, round_extra_time, contest_update, contest_publish_standings,
         contest_status_page, entry_prize, certificate_revoke, user_role, user_deactivate, user_update,
         user_password_reset, user_import, unit_create, unit_move, unit_merge, question_create, question_edit,
         question_retire, bank_import, sheet_reopen, assignment_auto, judging_normalize,
         round_edit_page, round_extra_time_in_progress, round_publish_quiz_page, contest_standings_page,
         contest_create, entry_prize_page, certificate_revoke_page, member_role_page, member_deactivate_page,
         member_reset_page, unit_rename_page, question_bulk_retire, sheet_submit, assignment_unassign_page,
         panel_remove_page, certificate_issue, certificate_settings_page, round_freeze,
         topic_rename_page, assignment_hand_page, shortlist_page]


@pytest.fixture
def jobs_inline(app):
    """Background jobs run in the request (certificate.issue is recorded by its job)."""
    inline = app.config.get("JOBS_INLINE")
    yield
    app.config["JOBS_INLINE"] = inline


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_each_action_writes_exactly_one_audit_row(client, make, clock, jobs_inline, case):
    act, expected = case(client, make, clock)
    last = _last_id()
    response = act()
    assert response.status_code == expected["status"], response.get_data(as_text=True)[:500]
    rows = _rows_after(last, expected["object_type"])
    assert [(r.action, r.object_type) for r in rows] == [(expected["action"], expected["object_type"])]
    row = rows[0]
    got = {"action": row.action, "object_type": row.object_type, "object_id": row.object_id,
           "actor_id": row.actor_id, "before": row.before, "after": row.after, "reason": row.reason}
    assert got == {k: v for k, v in expected.items() if k in got}
    for side in ("before", "after"):
        subset = expected.get(f"{side}_has")
        if subset:
            assert {k: getattr(row, side).get(k) for k in subset} == subset


# --- refused actions write nothing --------------------------------------------------------------

def refused_publish_open(client, make, clock):
    round_ = make.quiz()
    org = make.user(role="organizer")
    return lambda: client.patch(f"/api/v1/rounds/{round_.id}", headers=make.auth(org),
                                json={"results_published": True}), 409, Round, round_.id


def refused_window_backwards(client, make, clock):
    round_ = make.quiz()
    org = make.user(role="organizer")
    return lambda: client.patch(f"/api/v1/rounds/{round_.id}", headers=make.auth(org),
                                json={"closes_at": _iso(round_.opens_at - timedelta(hours=1))}), 422, Round, round_.id


def refused_delete_taken(client, make, clock):
    round_ = make.quiz()
    _taken(make, round_, make.user())
    org = make.user(role="organizer")
    return lambda: client.delete(f"/api/v1/rounds/{round_.id}", headers=make.auth(org)), 409, Round, round_.id


def refused_prize_without_reason(client, make, clock):
    round_, entries = judged_round(make, [{"title": "Bài A", "author": "Nguyễn Văn An", "score": 90}])
    round_.prizes = [{"name": "Giải Nhất", "count": 1}]
    db.session.commit()
    org = make.user(role="organizer")
    return lambda: client.put(f"/api/v1/entries/{entries[0].id}/prize", headers=make.auth(org),
                              json={"prize": None, "reason": "  "}), 422, Round, round_.id


def refused_reopen_draft(client, make, clock):
    round_, _ = judged_round(make, [{"title": "Bài A", "author": "Nguyễn Văn An", "score": 90}], published=False)
    row = db.session.execute(select(Assignment)).scalar_one()
    row.status = "draft"
    db.session.commit()
    org = make.user(role="organizer")
    return lambda: client.post(f"/api/v1/judging/assignments/{row.id}/reopen", headers=make.auth(org),
                               json={"reason": "Thử"}), 409, Assignment, row.id


def refused_role_by_organizer(client, make, clock):
    member, org = make.user(), make.user(role="organizer")
    return lambda: client.patch(f"/api/v1/users/{member.id}", headers=make.auth(org),
                                json={"role": "organizer"}), 403, None, None


def refused_import_bad_file(client, make, clock):
    org = make.user(role="organizer")
    rows = _members(2)
    rows[1][2] = "Không có/Đơn vị này"
    return lambda: _import(client, make.auth(org), _xlsx(rows)), 422, None, None


def refused_question_invalid(client, make, clock):
    topic = make.topic()
    org = make.user(role="organizer")
    return lambda: client.post("/api/v1/questions", headers=make.auth(org), json={
        "topic_id": topic.id, "kind": "single", "text": "Hai đáp án đúng?", "difficulty": 1,
        "options": [{"text": "A", "is_correct": True}, {"text": "B", "is_correct": True}]}), 422, None, None


def refused_contest_by_member(client, make, clock):
    contest = make.contest(title="Cuộc thi cũ")
    return lambda: client.patch(f"/api/v1/contests/{contest.id}", headers=make.auth(make.user()),
                                json={"title": "Của tôi"}), 403, Contest, contest.id


REFUSED = [refused_publish_open, refused_window_backwards, refused_delete_taken, refused_prize_without_reason,
           refused_reopen_draft, refused_role_by_organizer, refused_import_bad_file, refused_question_invalid,
           refused_contest_by_member]


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c.__name__)
def test_a_refused_action_writes_nothing(client, make, clock, case):
    act, status, model, object_id = case(client, make, clock)
    last = _last_id()
    before = _state(model, object_id)
    response = act()
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert _rows_after(last) == []
    assert _state(model, object_id) == before


def _state(model, object_id):
    if model is None:
        return db.session.scalar(select(func.count()).select_from(Question)), \
            db.session.scalar(select(func.count()).select_from(AuditEvent))
    db.session.expire_all()
    row = db.session.get(model, object_id)
    return {c.name: getattr(row, c.name) for c in model.__table__.columns} if row is not None else None


# --- one transaction: the change and its row persist together or not at all --------------------

def _database():
    """Every row of every table, read on a connection of its own (what is committed), but the
    sign-in bookkeeping (tokens, sessions: their last use is noted as they are used)."""
    skip = {"api_token", "login_session"}
    with db.engine.connect() as conn:
        return {name: sorted(map(repr, conn.execute(table.select()).all()))
                for name, table in db.metadata.tables.items() if name not in skip}


TRANSACTION_CASES = [round_publish, round_close_early, round_prizes, round_copy, round_delete, contest_update,
                     entry_prize, certificate_revoke, user_role, user_import, unit_move, unit_merge, question_edit,
                     question_retire, bank_import, sheet_reopen, assignment_auto, sheet_submit, round_edit_page]


@pytest.mark.parametrize("mode", ["record_fails", "commit_fails"])
@pytest.mark.parametrize("case", TRANSACTION_CASES, ids=lambda c: c.__name__)
def test_a_failed_change_leaves_neither_the_change_nor_its_row(client, make, clock, monkeypatch, case, mode):
    """``record_fails``: the audit row cannot be written (the change was made just before it);
    ``commit_fails``: the request's one commit fails after the change and its row are flushed.
    Either way the request answers 500 and the database is exactly as before: the row is never
    written without the change, nor the change without its row."""
    from flask import has_request_context

    import contest.audit.service as audit

    act, expected = case(client, make, clock)
    before = _database()
    if mode == "record_fails":
        def broken(*args, **kwargs):
            raise RuntimeError("the audit log is unavailable")
        monkeypatch.setattr(audit, "AuditEvent", broken)
    else:
        real_commit = db.session.commit

        def commit():
            if not has_request_context():
                return real_commit()
            db.session.flush()
            raise RuntimeError("the database went away at the commit")
        monkeypatch.setattr(db.session, "commit", commit)
    response = act()
    monkeypatch.undo()
    assert response.status_code == 500, response.get_data(as_text=True)[:300]
    db.session.rollback()
    assert _database() == before
