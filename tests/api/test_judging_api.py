"""API: assigning judges, blind judging, score sheets, the discrepancy rule and results."""
import io
import json
from collections import Counter

import pytest
from sqlalchemy import insert, select

from contest.accounts.models import User
from contest.essays.models import Entry
from contest.extensions import db
from contest.judging.models import Assignment, DiscrepancyFlag
from tests.api.test_essay_entries import docx_bytes, essay_round, words


def submit(client, make, round_, member, title="Bài viết", body=None):
    response = client.post(f"/api/v1/rounds/{round_.id}/entries", headers=make.auth(member),
                           json={"title": title, "body": body or words(20)})
    assert response.status_code == 201, response.json
    return response.json


def criteria_ids(round_):
    from contest.judging.criteria import round_criteria

    return [c["id"] for c in round_criteria(round_)]


def sheet(round_, *points):
    return {"scores": {str(cid): p for cid, p in zip(criteria_ids(round_), points)}}


def test_assignment_on_1000_entries_and_15_judges_from_5_units(client, make):
    round_ = essay_round(make, judges_per_entry=2)
    units = [make.unit() for _ in range(5)]
    judges = [make.user(role="judge", unit=units[i % 5]) for i in range(15)]
    rows = [{"username": f"m{i}", "password_hash": "x", "full_name": f"Thí sinh {i}", "role": "member",
             "unit_id": units[i % 5].id, "active": True, "created_at": make.clock()} for i in range(1000)]
    db.session.execute(insert(User), rows)
    ids = db.session.execute(select(User.id, User.unit_id).where(User.role == "member")).all()
    db.session.execute(insert(Entry), [
        {"round_id": round_.id, "author_id": uid, "code": f"VB-T{uid:05d}", "title": "T", "body": "b",
         "word_count": 1, "source": "editor", "submitted_at": make.clock(), "updated_at": make.clock(),
         "revision": 1, "stage": 1} for uid, _ in ids])
    db.session.commit()
    organizer = make.user(role="organizer")
    response = client.post(f"/api/v1/rounds/{round_.id}/assignments", headers=make.auth(organizer),
                           json={"judge_ids": [j.id for j in judges]})
    assert response.status_code == 201, response.json
    assert response.json["assigned"] == 2000
    author_unit = dict(db.session.execute(select(Entry.id, User.unit_id).join(User, Entry.author_id == User.id)).all())
    judge_unit = {j.id: j.unit_id for j in judges}
    pairs = db.session.execute(select(Assignment.entry_id, Assignment.judge_id)).all()
    per_entry = Counter(e for e, _ in pairs)
    assert len(per_entry) == 1000 and set(per_entry.values()) == {2}
    loads = Counter(j for _, j in pairs)
    assert max(loads.values()) - min(loads.values()) <= 1
    assert all(author_unit[e] != judge_unit[j] for e, j in pairs)
    # Assigning again adds nothing: every entry already has its judges.
    again = client.post(f"/api/v1/rounds/{round_.id}/assignments", headers=make.auth(organizer), json={})
    assert again.status_code == 201 and again.json["assigned"] == 0


def test_only_organizers_assign(client, make):
    round_ = essay_round(make)
    for role in ("member", "judge"):
        response = client.post(f"/api/v1/rounds/{round_.id}/assignments", headers=make.auth(make.user(role=role)), json={})
        assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"


def test_not_enough_judges_outside_the_unit_is_explained(client, make):
    round_ = essay_round(make, judges_per_entry=2)
    unit = make.unit()
    submit(client, make, round_, make.user(unit=unit))
    judges = [make.user(role="judge", unit=unit), make.user(role="judge", unit=make.unit())]
    response = client.post(f"/api/v1/rounds/{round_.id}/assignments", headers=make.auth(make.user(role="organizer")),
                           json={"judge_ids": [j.id for j in judges]})
    assert response.status_code == 422 and response.json["error"]["code"] == "not_enough_judges"


def _setup_blind(client, make):
    round_ = essay_round(make, min_words=5)
    unit = make.unit(name="Chi đoàn Bí Mật")
    author = make.user(username="tacgia.bimat", full_name="Trần Thị Bí Mật", unit=unit)
    author.email = "bimat@example.vn"
    db.session.commit()
    data = docx_bytes(["Học tập tấm gương đạo đức Hồ Chí Minh mỗi ngày."], author="Trần Thị Bí Mật")
    response = client.post(f"/api/v1/rounds/{round_.id}/entries", headers=make.auth(author),
                           content_type="multipart/form-data",
                           data={"title": "Tấm gương sáng", "file": (io.BytesIO(data), "Tran-Thi-Bi-Mat.docx")})
    assert response.status_code == 201, response.json
    judges = [make.user(role="judge", unit=make.unit()) for _ in range(2)]
    organizer = make.user(role="organizer")
    assert client.post(f"/api/v1/rounds/{round_.id}/assignments", headers=make.auth(organizer),
                       json={"judge_ids": [j.id for j in judges]}).status_code == 201
    secrets = ["Trần Thị Bí Mật", "Bí Mật", "tacgia.bimat", "bimat@example.vn", "Chi đoàn Bí Mật",
               "Tran-Thi-Bi-Mat", f'"author_id"', f'"user_id"', f'"unit_id"', f'"unit"']
    return round_, author, judges, response.json, secrets


def assert_blind(text, secrets):
    for secret in secrets:
        assert secret not in text, f"{secret!r} leaked to a judge"


def test_judge_api_never_shows_who_wrote_the_entry(client, make):
    round_, author, judges, entry, secrets = _setup_blind(client, make)
    auth = make.auth(judges[0])
    listing = client.get("/api/v1/judging/assignments", headers=auth)
    assert listing.status_code == 200
    item = listing.json["items"][0]
    assert set(item["entry"]) == {"id", "code", "title", "body", "word_count"}
    assert item["entry"]["code"] == entry["code"] and "Hồ Chí Minh" in item["entry"]["body"]
    assert [c["name"] for c in item["criteria"]] == ["Nội dung", "Bố cục", "Ngôn ngữ"]
    raw = listing.get_data(as_text=True)
    assert_blind(json.loads(json.dumps(raw, ensure_ascii=False)), secrets)
    assert f'"{author.id}"' not in raw and "author" not in raw
    one = client.get(f"/api/v1/judging/assignments/{item['id']}", headers=auth)
    saved = client.put(f"/api/v1/judging/assignments/{item['id']}", headers=auth, json=sheet(round_, 30, 20, 20))
    for response in (one, saved):
        assert response.status_code == 200
        assert_blind(response.get_data(as_text=True), secrets)
        assert_blind(json.dumps(response.json, ensure_ascii=False), secrets)
    # The results are not the judges' business before publication.
    assert client.get(f"/api/v1/rounds/{round_.id}/results", headers=auth).status_code == 403
    assert client.get(f"/api/v1/entries/{entry['id']}", headers=auth).status_code == 404


def test_a_judge_sees_only_their_own_assignments(client, make):
    round_, _author, judges, _entry, _ = _setup_blind(client, make)
    outsider = make.user(role="judge", unit=make.unit())
    assert client.get("/api/v1/judging/assignments", headers=make.auth(outsider)).json["items"] == []
    theirs = db.session.execute(select(Assignment.id).where(Assignment.judge_id == judges[0].id)).scalar()
    assert client.get(f"/api/v1/judging/assignments/{theirs}", headers=make.auth(outsider)).status_code == 404
    assert client.put(f"/api/v1/judging/assignments/{theirs}", headers=make.auth(outsider),
                      json=sheet(round_, 1, 1, 1)).status_code == 404
    member = make.user()
    assert client.get("/api/v1/judging/assignments", headers=make.auth(member)).status_code == 403


def test_scores_are_checked_against_each_criterion(client, make):
    round_, _author, judges, _entry, _ = _setup_blind(client, make)
    auth = make.auth(judges[0])
    item = client.get("/api/v1/judging/assignments", headers=auth).json["items"][0]
    url = f"/api/v1/judging/assignments/{item['id']}"
    too_high = client.put(url, headers=auth, json=sheet(round_, 41, 20, 20))
    assert too_high.status_code == 422 and too_high.json["error"]["code"] == "out_of_range"
    negative = client.put(url, headers=auth, json=sheet(round_, 10, -1, 20))
    assert negative.status_code == 422 and negative.json["error"]["code"] == "out_of_range"
    unknown = client.put(url, headers=auth, json={"scores": {"999999": 3}})
    assert unknown.status_code == 422
    draft = client.put(url, headers=auth, json={**sheet(round_, 30), "status": "draft", "comment": "Tốt"})
    assert draft.status_code == 200 and draft.json["status"] == "draft" and draft.json["total"] is None
    incomplete = client.put(url, headers=auth, json=sheet(round_, 30))
    assert incomplete.status_code == 422
    done = client.put(url, headers=auth, json=sheet(round_, 30, 20, 25))
    assert done.status_code == 200 and done.json["status"] == "submitted"
    assert done.json["total"] == pytest.approx(75.0)  # (30·2 + 20 + 25)·100 / 140
    assert done.json["comment"] == "Tốt"


def test_other_judges_scores_hidden_until_own_submitted(client, make):
    round_, _author, judges, _entry, _ = _setup_blind(client, make)
    a, b = (make.auth(j) for j in judges)
    item_a = client.get("/api/v1/judging/assignments", headers=a).json["items"][0]
    item_b = client.get("/api/v1/judging/assignments", headers=b).json["items"][0]
    client.put(f"/api/v1/judging/assignments/{item_a['id']}", headers=a,
               json={**sheet(round_, 35, 25, 25), "comment": "Bài tốt"})
    seen_by_b = client.get(f"/api/v1/judging/assignments/{item_b['id']}", headers=b).json
    assert seen_by_b["other_judges"] == [] and "Bài tốt" not in json.dumps(seen_by_b, ensure_ascii=False)
    client.put(f"/api/v1/judging/assignments/{item_b['id']}", headers=b, json={**sheet(round_, 30, 25, 25), "status": "draft"})
    assert client.get(f"/api/v1/judging/assignments/{item_b['id']}", headers=b).json["other_judges"] == []
    done = client.put(f"/api/v1/judging/assignments/{item_b['id']}", headers=b, json=sheet(round_, 30, 25, 25)).json
    assert [o["comment"] for o in done["other_judges"]] == ["Bài tốt"]


def test_a_gap_above_the_threshold_calls_exactly_one_more_judge_once(client, make):
    round_ = essay_round(make, judges_per_entry=2, discrepancy_threshold=20.0)
    entry = submit(client, make, round_, make.user(unit=make.unit()))
    judges = [make.user(role="judge", unit=make.unit()) for _ in range(4)]
    organizer = make.auth(make.user(role="organizer"))
    client.post(f"/api/v1/rounds/{round_.id}/assignments", headers=organizer,
                json={"judge_ids": [j.id for j in judges]})
    first = db.session.execute(select(Assignment).where(Assignment.entry_id == entry["id"])).scalars().all()
    assert len(first) == 2
    by_judge = {j.id: j for j in judges}
    scores = iter([(40, 30, 30), (10, 10, 10)])  # totals 100 and 40·100/140 ≈ 28.57: a gap above 20
    for row in first:
        response = client.put(f"/api/v1/judging/assignments/{row.id}", headers=make.auth(by_judge[row.judge_id]),
                              json=sheet(round_, *next(scores)))
        assert response.status_code == 200
    rows = db.session.execute(select(Assignment).where(Assignment.entry_id == entry["id"])).scalars().all()
    assert len(rows) == 3
    extra = next(r for r in rows if r.extra)
    assert extra.judge_id not in {r.judge_id for r in first}
    # The extra judge disagrees again; and a judge changes their sheet: still no fourth judge.
    client.put(f"/api/v1/judging/assignments/{extra.id}", headers=make.auth(by_judge[extra.judge_id]),
               json=sheet(round_, 0, 0, 0))
    client.put(f"/api/v1/judging/assignments/{first[0].id}", headers=make.auth(by_judge[first[0].judge_id]),
               json=sheet(round_, 40, 30, 30))
    assert db.session.execute(select(Assignment).where(Assignment.entry_id == entry["id"])).scalars().all().__len__() == 3
    assert db.session.query(DiscrepancyFlag).count() == 1
    result = client.get(f"/api/v1/rounds/{round_.id}/results", headers=organizer).json["items"][0]
    assert result["judges_scored"] == 3 and result["needs_more_judging"] is False
    assert result["final_score"] == pytest.approx((100 + 4000 / 140 + 0) / 3, abs=0.01)


def test_results_mean_normalized_and_publication(client, make):
    round_ = essay_round(make, judges_per_entry=2, discrepancy_threshold=100.0)
    units = [make.unit(name=f"Đơn vị {i}") for i in range(2)]
    authors = [make.user(full_name=f"Tác giả {i}", unit=units[0]) for i in range(3)]
    entries = [submit(client, make, round_, a, title=f"Bài {i}") for i, a in enumerate(authors)]
    judges = [make.user(role="judge", unit=units[1]) for _ in range(2)]
    organizer = make.auth(make.user(role="organizer"))
    client.post(f"/api/v1/rounds/{round_.id}/assignments", headers=organizer, json={"judge_ids": [j.id for j in judges]})
    # Judge A is lenient and narrow, judge B harsh and wide.
    marks = {judges[0].id: [(36, 27, 27), (32, 24, 24), (28, 21, 21)],
             judges[1].id: [(20, 15, 15), (40, 30, 30), (0, 0, 0)]}
    for judge in judges:
        for row in db.session.execute(select(Assignment).where(Assignment.judge_id == judge.id)
                                      .order_by(Assignment.entry_id)).scalars():
            position = [e["id"] for e in entries].index(row.entry_id)
            assert client.put(f"/api/v1/judging/assignments/{row.id}", headers=make.auth(judge),
                              json=sheet(round_, *marks[judge.id][position])).status_code == 200
    anyone = make.auth(make.user())
    assert client.get(f"/api/v1/rounds/{round_.id}/results", headers=anyone).status_code == 403
    result = client.get(f"/api/v1/rounds/{round_.id}/results", headers=organizer).json
    items = result["items"]
    assert [i["title"] for i in items] == ["Bài 1", "Bài 0", "Bài 2"]  # means 90, 70, 35
    assert [i["rank"] for i in items] == [1, 2, 3]
    assert items[0]["final_score"] == pytest.approx(90.0) and items[0]["mean_score"] == pytest.approx(90.0)
    assert all(i["normalized_score"] is not None for i in items)
    assert items[0]["author"] == "Tác giả 1" and items[0]["unit"] == "Đơn vị 0"  # organizers see authors
    from contest.judging.settings import settings_to_change

    settings_to_change(round_).normalize_scores = True
    db.session.commit()
    normalized = client.get(f"/api/v1/rounds/{round_.id}/results", headers=organizer).json
    assert normalized["normalized"] is True
    assert [i["final_score"] for i in normalized["items"]] == [i["normalized_score"] for i in normalized["items"]]
    refused = client.patch(f"/api/v1/rounds/{round_.id}", headers=organizer, json={"results_published": True})
    assert refused.status_code == 409 and refused.json["error"]["code"] == "round_open"  # open: entries may change
    make.clock.set(round_.closes_at)
    patched = client.patch(f"/api/v1/rounds/{round_.id}", headers=organizer, json={"results_published": True})
    assert patched.status_code == 200
    public = client.get(f"/api/v1/rounds/{round_.id}/results").json
    assert public["published"] and public["items"][0]["author"] and public["items"][0]["unit"] == "Đơn vị 0"


# --- a submitted sheet is final; organizers reopen it with a reason ----------------------------

def _submitted(client, make):
    round_, _author, judges, _entry, _ = _setup_blind(client, make)
    auth = make.auth(judges[0])
    item = client.get("/api/v1/judging/assignments", headers=auth).json["items"][0]
    url = f"/api/v1/judging/assignments/{item['id']}"
    done = client.put(url, headers=auth, json=sheet(round_, 35, 25, 20.5))  # (35·2 + 25 + 20.5)·100/140
    assert done.status_code == 200 and done.json["total"] == pytest.approx(82.5)
    return round_, judges, auth, item["id"], url


def test_a_submitted_sheet_cannot_be_changed(client, make):
    round_, judges, auth, assignment_id, url = _submitted(client, make)
    # The other judge submits 38; the first judge now tries to lower 82.5 to 70.
    other = make.auth(judges[1])
    other_id = client.get("/api/v1/judging/assignments", headers=other).json["items"][0]["id"]
    client.put(f"/api/v1/judging/assignments/{other_id}", headers=other, json=sheet(round_, 20, 10, 3.2))
    for body in (sheet(round_, 30, 20, 20), {**sheet(round_, 30, 20, 20), "status": "draft"},
                 {"scores": {}, "comment": "Sửa nhận xét"}):
        refused = client.put(url, headers=auth, json=body)
        assert refused.status_code == 409 and refused.json["error"]["code"] == "sheet_submitted"
    db.session.expire_all()
    row = db.session.get(Assignment, assignment_id)
    assert row.status == "submitted" and row.total == pytest.approx(82.5) and row.comment is None
    assert sorted(s.points for s in row.scores) == [20.5, 25, 35]


def test_the_api_takes_json_numbers_only(client, make):
    round_, _author, judges, _entry, _ = _setup_blind(client, make)
    auth = make.auth(judges[0])
    url = f"/api/v1/judging/assignments/{client.get('/api/v1/judging/assignments', headers=auth).json['items'][0]['id']}"
    ids = criteria_ids(round_)
    for bad in ("15,5", "15.5", True, [15], {"v": 1}):
        response = client.put(url, headers=auth, json={"scores": {str(ids[0]): bad}, "status": "draft"})
        assert response.status_code == 422 and response.json["error"]["code"] == "out_of_range", bad
    ok = client.put(url, headers=auth, json={"scores": {str(ids[0]): 15.5}, "status": "draft"})
    assert ok.status_code == 200 and ok.json["scores"] == {str(ids[0]): 15.5}


def test_organizer_reopens_a_sheet_with_a_reason_and_the_judge_resubmits(client, make, clock):
    from contest.audit.models import AuditEvent

    round_, judges, auth, assignment_id, url = _submitted(client, make)
    organizer = make.user(role="organizer")
    reopen = f"{url}/reopen"
    response = client.post(reopen, headers=make.auth(organizer), json={"reason": "Giám khảo nhập nhầm tiêu chí 3"})
    assert response.status_code == 200, response.json
    assert response.json["id"] == assignment_id and response.json["status"] == "draft"
    assert response.json["total"] is None
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "sheet.reopen")).scalar_one()
    assert (event.object_type, event.object_id, event.round_id) == ("assignment", assignment_id, round_.id)
    assert event.actor_id == organizer.id and event.at == clock()
    assert event.reason == "Giám khảo nhập nhầm tiêu chí 3"
    assert event.before["status"] == "submitted" and event.before["total"] == pytest.approx(82.5)
    assert event.after == {"status": "draft"}
    # The judge sees a draft again, with their scores, and can resubmit.
    mine = client.get(url, headers=auth).json
    assert mine["status"] == "draft" and sorted(mine["scores"].values()) == [20.5, 25, 35]
    again = client.put(url, headers=auth, json=sheet(round_, 35, 25, 25))
    assert again.status_code == 200 and again.json["status"] == "submitted"
    assert again.json["total"] == pytest.approx(85.71, abs=0.01)
    # Reopening a sheet that is not submitted is refused.
    assert client.post(reopen, headers=make.auth(organizer), json={"reason": "Lần nữa"}).status_code == 200
    twice = client.post(reopen, headers=make.auth(organizer), json={"reason": "Lần nữa"})
    assert twice.status_code == 409 and twice.json["error"]["code"] == "not_submitted"


def test_reopen_needs_an_organizer_and_a_reason(client, make):
    _round, judges, auth, assignment_id, url = _submitted(client, make)
    reopen = f"{url}/reopen"
    assert client.post(reopen, headers=auth, json={"reason": "Tôi muốn sửa"}).status_code == 403
    assert client.post(reopen, headers=make.auth(make.user()), json={"reason": "x"}).status_code == 403
    organizer = make.auth(make.user(role="organizer"))
    for body in ({}, {"reason": ""}, {"reason": "   "}, {"reason": None}, {"reason": 5}):
        refused = client.post(reopen, headers=organizer, json=body)
        assert refused.status_code == 422 and refused.json["error"]["code"] == "validation_error", body
    assert client.post("/api/v1/judging/assignments/999999/reopen", headers=organizer,
                       json={"reason": "x"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Assignment, assignment_id).status == "submitted"


def test_auto_assignment_without_judges_on_the_panel_makes_nothing(client, make):
    round_ = essay_round(make)
    submit(client, make, round_, make.user(unit=make.unit()))
    make.user(role="judge", unit=make.unit())  # a judge exists, but not on this round's panel
    response = client.post(f"/api/v1/rounds/{round_.id}/assignments",
                           headers=make.auth(make.user(role="organizer")), json={})
    assert response.status_code == 409 and response.json["error"]["code"] == "no_judges"
    assert db.session.query(Assignment).count() == 0


@pytest.mark.postgres
def test_simultaneous_submits_of_one_sheet_keep_the_first(client, make, app, clock):
    """Eight requests submit different scores on one draft sheet at once: exactly one is taken,
    the others get 409 sheet_submitted, and the stored scores are the winner's."""
    import threading

    from tests.api.test_concurrency import call, together
    from tests.servers import serving

    round_ = essay_round(make)
    submit(client, make, round_, make.user(unit=make.unit()))
    judge, other = (make.user(role="judge", unit=make.unit()) for _ in range(2))
    assert client.post(f"/api/v1/rounds/{round_.id}/assignments", headers=make.auth(make.user(role="organizer")),
                       json={"judge_ids": [judge.id, other.id]}).status_code == 201
    ids = criteria_ids(round_)
    auth = make.auth(judge)
    row_id = db.session.execute(select(Assignment.id).where(Assignment.judge_id == judge.id)).scalar_one()
    with serving(app) as base:
        url = f"{base}/api/v1/judging/assignments/{row_id}"
        bodies = iter([{"scores": {str(ids[0]): 10 + i, str(ids[1]): 10, str(ids[2]): 10}} for i in range(8)])
        lock = threading.Lock()

        def one():
            with lock:
                body = next(bodies)
            return body, call("PUT", url, auth, body)

        results = together(8, one)
    won = [body for body, (status, _) in results if status == 200]
    lost = [answer for _, (status, answer) in results if status != 200]
    assert len(won) == 1, results
    assert len(lost) == 7 and all(a["error"]["code"] == "sheet_submitted" for a in lost), lost
    db.session.expire_all()
    row = db.session.get(Assignment, row_id)
    assert row.status == "submitted"
    assert {str(s.criterion_id): s.points for s in row.scores} == won[0]["scores"]
