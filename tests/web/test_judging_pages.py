"""Pages of judging: the blind workspace and score sheet, the organizer's panel, results,
publication, prizes and stages; similarity flags."""
import io

import pytest
from sqlalchemy import select

from contest.essays.models import Entry, SimilarityFlag
from contest.extensions import db
from contest.jobs.models import Job
from contest.judging.models import Assignment, Criterion, PrizeOverride
from tests.api.test_essay_entries import docx_bytes, essay_round, words
from tests.web.test_essay_pages import login


def _entries_with_judges(client, make, n=2):
    round_ = essay_round(make, min_words=5)
    unit = make.unit(name="Chi bộ Kín Tiếng")
    authors = []
    for i in range(n):
        author = make.user(username=f"an.danh{i}", full_name=f"Phạm Văn Ẩn{i}", unit=unit)
        author.email = f"an.danh{i}@example.vn"
        db.session.commit()
        data = docx_bytes([f"Bài số {i}: học tập tấm gương đạo đức Hồ Chí Minh mỗi ngày."], author=author.full_name)
        response = client.post(f"/api/v1/rounds/{round_.id}/entries", headers=make.auth(author),
                               content_type="multipart/form-data",
                               data={"title": f"Tấm gương {i}", "file": (io.BytesIO(data), f"{author.username}.docx")})
        assert response.status_code == 201
        authors.append(author)
    judges = [make.user(role="judge", unit=make.unit()) for _ in range(2)]
    organizer = make.user(role="organizer")
    client.post(f"/api/v1/rounds/{round_.id}/assignments", headers=make.auth(organizer),
                json={"judge_ids": [j.id for j in judges]})
    secrets = [unit.name]
    for a in authors:
        secrets += [a.full_name, a.username, a.email, f"/users/{a.id}"]
    return round_, authors, judges, organizer, secrets


def test_judge_pages_never_show_who_wrote_the_entry(client, make):
    round_, authors, judges, _organizer, secrets = _entries_with_judges(client, make)
    login(client, judges[0])
    pages = [client.get("/judging/")]
    rows = db.session.execute(select(Assignment).where(Assignment.judge_id == judges[0].id)).scalars().all()
    assert len(rows) == 2
    for row in rows:
        pages.append(client.get(f"/judging/assignments/{row.id}"))
    ids = [c.id for c in db.session.execute(select(Criterion)).scalars()]
    pages.append(client.post(f"/judging/assignments/{rows[0].id}", data={f"c{ids[0]}": "30", f"c{ids[1]}": "20",
                             f"c{ids[2]}": "20", "comment": "Khá", "action": "submit"}, follow_redirects=True))
    for page in pages:
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        for secret in secrets:
            assert secret not in html, f"{secret!r} leaked"
    html = pages[1].get_data(as_text=True)
    assert rows[0].entry.code in html and "học tập tấm gương" in html
    # Neither another judge's entry nor organizer pages.
    others = db.session.execute(select(Assignment).where(Assignment.judge_id == judges[1].id)).scalars().all()
    assert client.get(f"/judging/assignments/{others[0].id}").status_code == 404
    assert client.get(f"/essays/manage/entries/{rows[0].entry_id}").status_code == 403
    assert client.get(f"/essays/manage/files/{rows[0].entry.files[0].id}").status_code == 403
    assert client.get(f"/essays/rounds/{round_.id}/results").status_code == 302


def test_judge_scores_drafts_then_submits_and_then_sees_the_others(client, make):
    round_, _authors, judges, _organizer, _ = _entries_with_judges(client, make, n=1)
    ids = [c.id for c in db.session.execute(select(Criterion).order_by(Criterion.position)).scalars()]
    first, second = (db.session.execute(select(Assignment).where(Assignment.judge_id == j.id)).scalar_one() for j in judges)
    login(client, judges[1])
    client.post(f"/judging/assignments/{second.id}", data={f"c{ids[0]}": "10", f"c{ids[1]}": "10",
                f"c{ids[2]}": "10", "comment": "Ý kiến riêng", "action": "submit"})
    client.post("/logout")
    login(client, judges[0])
    too_high = client.post(f"/judging/assignments/{first.id}", data={f"c{ids[0]}": "41", "action": "draft"})
    assert too_high.status_code == 200
    assert "Cho điểm từ 0 đến 40." in too_high.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Assignment, first.id).scores == []
    draft = client.post(f"/judging/assignments/{first.id}", data={f"c{ids[0]}": "35", "action": "draft"}, follow_redirects=True)
    html = draft.get_data(as_text=True)
    assert 'value="35"' in html and "Ý kiến riêng" not in html
    incomplete = client.post(f"/judging/assignments/{first.id}", data={f"c{ids[0]}": "35", "action": "submit"})
    assert incomplete.status_code == 200
    db.session.expire_all()
    assert db.session.get(Assignment, first.id).status == "draft"
    client.post(f"/judging/assignments/{first.id}", data={f"c{ids[0]}": "12", f"c{ids[1]}": "10",
                f"c{ids[2]}": "10", "action": "submit"})
    html = client.get(f"/judging/assignments/{first.id}").get_data(as_text=True)
    assert "Ý kiến riêng" in html
    workspace = client.get("/judging/").get_data(as_text=True)
    assert "Đã chấm 1/1" in workspace
    assert '<span class="badge text-bg-success">Đã nộp</span>' in workspace


def test_organizer_assigns_sees_every_score_and_publishes(client, make):
    round_, authors, judges, organizer, _ = _entries_with_judges(client, make)
    login(client, organizer)
    manage = client.get(f"/judging/manage/rounds/{round_.id}").get_data(as_text=True)
    assert judges[0].full_name in manage and "auto-assign" in manage
    ids = [c.id for c in db.session.execute(select(Criterion).order_by(Criterion.position)).scalars()]
    for judge, points in zip(judges, (("40", "30", "30"), ("10", "10", "10"))):
        for row in db.session.execute(select(Assignment).where(Assignment.judge_id == judge.id)).scalars().all():
            row_id = row.id
            client.post("/logout")
            login(client, judge)
            client.post(f"/judging/assignments/{row_id}", data={**{f"c{i}": p for i, p in zip(ids, points)},
                                                                "action": "submit"})
    client.post("/logout")
    login(client, organizer)
    html = client.get(f"/judging/manage/rounds/{round_.id}/results").get_data(as_text=True)
    assert "<strong>100,0</strong>" in html and "<strong>28,57</strong>" in html  # every judge's total
    assert "71,43" in html  # the spread
    assert "table-warning" in html  # flagged: a gap above 20
    assert authors[0].full_name in html
    public_before = client.get(f"/essays/rounds/{round_.id}/results")
    assert public_before.status_code == 200  # organizers preview
    entry = db.session.execute(select(Entry)).scalars().first()
    round_.prizes = [{"name": "Giải Nhất", "count": 1}]
    db.session.commit()
    client.post(f"/judging/manage/rounds/{round_.id}/results/prize", data={
        "prize-entry_id": entry.id, "prize-prize": "Giải Nhất", "prize-reason": "Hội đồng thống nhất"})
    db.session.expire_all()
    assert db.session.get(PrizeOverride, entry.id).prize == "Giải Nhất"
    make.clock.set(round_.closes_at)
    client.post(f"/judging/manage/rounds/{round_.id}/results/publish", data={"confirm": "yes"})
    client.post("/logout")
    member = make.user()
    login(client, member)
    public = client.get(f"/essays/rounds/{round_.id}/results").get_data(as_text=True)
    assert authors[0].full_name in public and "Chi bộ Kín Tiếng" in public


def test_hand_assignment_refuses_a_judge_of_the_authors_unit(client, make):
    round_ = essay_round(make)
    unit = make.unit()
    author = make.user(unit=unit)
    entry = client.post(f"/api/v1/rounds/{round_.id}/entries", headers=make.auth(author),
                        json={"title": "T", "body": words(10)}).json
    same, other = make.user(role="judge", unit=unit), make.user(role="judge", unit=make.unit())
    organizer = make.user(role="organizer")
    login(client, organizer)
    client.post(f"/judging/manage/rounds/{round_.id}/panel", data={"panel-judge_ids": [same.id, other.id]})
    refused = client.post(f"/judging/manage/rounds/{round_.id}/assign/hand", data={
        "hand-entry_code": entry["code"], "hand-judge_id": same.id}, follow_redirects=True)
    assert db.session.query(Assignment).count() == 0
    assert refused.status_code == 200
    client.post(f"/judging/manage/rounds/{round_.id}/assign/hand", data={
        "hand-entry_code": entry["code"].lower(), "hand-judge_id": other.id})
    assert [(a.entry_id, a.judge_id) for a in db.session.query(Assignment)] == [(entry["id"], other.id)]


def test_shortlist_opens_a_final_stage_with_its_own_judges(client, make):
    round_, authors, judges, organizer, _ = _entries_with_judges(client, make, n=3)
    ids = [c.id for c in db.session.execute(select(Criterion).order_by(Criterion.position)).scalars()]
    for judge in judges:
        for row in db.session.execute(select(Assignment).where(Assignment.judge_id == judge.id)).scalars().all():
            points = {0: 30, 1: 20, 2: 10}[[e.id for e in db.session.query(Entry).order_by(Entry.id)].index(row.entry_id)]
            client.put(f"/api/v1/judging/assignments/{row.id}", headers=make.auth(judge),
                       json={"scores": {str(ids[0]): points, str(ids[1]): points / 2, str(ids[2]): points / 2}})
    login(client, organizer)
    response = client.post(f"/judging/manage/rounds/{round_.id}/results/shortlist", data={"short-top_n": "2"})
    assert response.status_code == 302
    entries = db.session.execute(select(Entry).order_by(Entry.id)).scalars().all()
    assert [e.stage for e in entries] == [2, 2, 1]
    final_judges = [make.user(role="judge", unit=make.unit()) for _ in range(2)]
    assigned = client.post(f"/api/v1/rounds/{round_.id}/assignments", headers=make.auth(organizer),
                           json={"judge_ids": [j.id for j in final_judges]})
    assert assigned.json == {"assigned": 4, "stage": 2}
    items = client.get("/api/v1/judging/assignments", headers=make.auth(final_judges[0])).json["items"]
    assert {i["stage"] for i in items} == {2} and len(items) == 2
    assert len(items[0]["criteria"]) == 3 and items[0]["criteria"][0]["id"] not in ids  # the stage's own criteria
    # Stage 1 scores stay visible to the organizer.
    html = client.get(f"/judging/manage/rounds/{round_.id}/results?stage=1").get_data(as_text=True)
    assert "64,29" in html and "42,86" in html  # (30·2 + 15 + 15)·100/140, (20·2 + 10 + 10)·100/140
    results = client.get(f"/api/v1/rounds/{round_.id}/results", headers=make.auth(organizer)).json["items"]
    assert [r["stage"] for r in results] == [2, 2, 1]
    assert results[2]["rank"] == 3 and results[2]["final_score"] is not None


@pytest.fixture
def inline_jobs(app, monkeypatch):
    """Background jobs (the similarity check) finished before the request answers."""
    monkeypatch.setitem(app.config, "JOBS_INLINE", True)


def test_similar_entries_are_flagged_with_passages(client, make, inline_jobs):
    round_ = essay_round(make, min_words=5, max_words=2000)
    shared = ("Bác Hồ dạy chúng ta phải cần kiệm liêm chính chí công vô tư và luôn luôn gần gũi nhân dân "
              "học tập suốt đời không ngừng nghỉ để phục vụ Tổ quốc và nhân dân ")
    texts = [shared * 3 + "Phần riêng của bài thứ nhất rất khác biệt với mọi bài khác.",
             shared * 3 + "Tôi viết phần kết khác hẳn, nói về quê hương và gia đình mình.",
             " ".join(f"từ{i}" for i in range(200))]
    for t in texts:
        client.post(f"/api/v1/rounds/{round_.id}/entries", headers=make.auth(make.user()), json={"title": "T", "body": t})
    organizer = make.user(role="organizer")
    login(client, organizer)
    client.post(f"/essays/manage/rounds/{round_.id}/similarity",
                data={"action": "reference", "ref-title": "Di chúc", "ref-body": " ".join(f"từ{i}" for i in range(150))})
    checked = client.post(f"/essays/manage/rounds/{round_.id}/similarity", data={"action": "check"})
    job_id = checked.headers["Location"].rsplit("job=", 1)[1]
    page = client.get(checked.headers["Location"]).get_data(as_text=True)  # the progress bar, then the pairs
    assert f'data-job-url="/api/v1/jobs/{job_id}"' in page and 'aria-label="Kiểm tra trùng lặp"' in page
    job = db.session.get(Job, job_id)
    assert (job.kind, job.status, job.progress, job.result) == ("similarity", "done", 1.0, {"flagged": 2})
    flags = db.session.execute(select(SimilarityFlag)).scalars().all()
    pairs = {(f.entry_id, f.other_entry_id, f.reference_id is not None) for f in flags}
    entries = [e.id for e in db.session.execute(select(Entry).order_by(Entry.id)).scalars()]
    assert (entries[0], entries[1], False) in pairs
    assert (entries[2], None, True) in pairs
    pair = next(f for f in flags if f.other_entry_id)
    html = client.get(f"/essays/manage/similarity/{pair.id}").get_data(as_text=True)
    assert "<mark>" in html and "cần kiệm liêm chính" in html


# --- a submitted sheet is final; labels of the other judges; decimal commas --------------------

def _sheet_data(ids, *points, action="submit"):
    return {**{f"c{i}": p for i, p in zip(ids, points)}, "action": action}


def test_a_submitted_sheet_is_shown_read_only_and_a_change_is_refused(client, make):
    round_, _authors, judges, _organizer, _ = _entries_with_judges(client, make, n=1)
    ids = [c.id for c in db.session.execute(select(Criterion).order_by(Criterion.position)).scalars()]
    first = db.session.execute(select(Assignment).where(Assignment.judge_id == judges[0].id)).scalar_one()
    login(client, judges[0])
    client.post(f"/judging/assignments/{first.id}", data=_sheet_data(ids, "35", "25", "20,5"))
    db.session.expire_all()
    assert db.session.get(Assignment, first.id).total == 82.5
    page = client.get(f"/judging/assignments/{first.id}").get_data(as_text=True)
    assert "Phiếu chấm đã nộp và không thể sửa. Nếu cần sửa điểm, hãy đề nghị ban tổ chức mở lại phiếu." in page
    assert 'value="submit"' not in page and 'value="draft"' not in page
    assert f'id="c{ids[2]}" inputmode="decimal" name="c{ids[2]}" readonly type="text" value="20,5"' in page
    for action in ("submit", "draft"):
        refused = client.post(f"/judging/assignments/{first.id}", data=_sheet_data(ids, "30", "20", "20", action=action))
        assert refused.status_code == 409
        html = refused.get_data(as_text=True)
        assert ("Phiếu chấm này đã nộp nên không thể sửa nữa. Nếu cần sửa điểm, hãy đề nghị ban tổ chức "
                "mở lại phiếu.") in html
        assert f'name="c{ids[0]}" readonly type="text" value="35"' in html  # the saved score, not the one sent
    db.session.expire_all()
    row = db.session.get(Assignment, first.id)
    assert row.status == "submitted" and row.total == 82.5
    assert sorted(s.points for s in row.scores) == [20.5, 25, 35]


def test_other_judges_are_labelled_other_judge_1_never_with_the_viewers_own_number(client, make):
    round_, _authors, judges, _organizer, _ = _entries_with_judges(client, make, n=1)
    ids = [c.id for c in db.session.execute(select(Criterion).order_by(Criterion.position)).scalars()]
    first, second = (db.session.execute(select(Assignment).where(Assignment.judge_id == j.id)).scalar_one()
                     for j in judges)
    login(client, judges[0])
    client.post(f"/judging/assignments/{first.id}", data=_sheet_data(ids, "35", "25", "20,5"))
    client.post("/logout")
    login(client, judges[1])
    client.post(f"/judging/assignments/{second.id}", data=_sheet_data(ids, "20", "10", "3,2"))
    html = client.get(f"/judging/assignments/{second.id}").get_data(as_text=True)
    box = html[html.index('id="other-judges"'):]
    box = box[:box.index("</div>")]
    assert '<p class="small mb-1">Giám khảo khác 1: 82,5</p>' in box
    assert "Giám khảo 1" not in html and "Giám khảo 2" not in html and "Giám khảo khác 2" not in html
    assert judges[0].full_name not in html and judges[1].full_name not in box


def test_scores_typed_with_a_decimal_comma_and_words_refused(client, make):
    round_, _authors, judges, _organizer, _ = _entries_with_judges(client, make, n=1)
    ids = [c.id for c in db.session.execute(select(Criterion).order_by(Criterion.position)).scalars()]
    row = db.session.execute(select(Assignment).where(Assignment.judge_id == judges[0].id)).scalar_one()
    login(client, judges[0])
    for typed in ("mười", "1.234,5", "-3", "15,5,1"):
        refused = client.post(f"/judging/assignments/{row.id}", data={f"c{ids[0]}": typed, "action": "draft"})
        assert refused.status_code == 200
        html = refused.get_data(as_text=True)
        assert "Hãy nhập số điểm, ví dụ 15 hoặc 15,5." in html, typed
        db.session.expire_all()
        assert db.session.get(Assignment, row.id).scores == []
    saved = client.post(f"/judging/assignments/{row.id}", data={f"c{ids[0]}": "15,5", f"c{ids[1]}": " 7.25 ",
                                                                "action": "draft"}, follow_redirects=True)
    assert f'name="c{ids[0]}" type="text" value="15,5"' in saved.get_data(as_text=True)
    db.session.expire_all()
    assert {s.criterion_id: s.points for s in db.session.get(Assignment, row.id).scores} == {ids[0]: 15.5, ids[1]: 7.25}


def test_organizer_reopens_a_sheet_on_the_results_page_and_sees_why(client, make, clock):
    from contest.audit.models import AuditEvent

    round_, _authors, judges, organizer, _ = _entries_with_judges(client, make, n=1)
    ids = [c.id for c in db.session.execute(select(Criterion).order_by(Criterion.position)).scalars()]
    row = db.session.execute(select(Assignment).where(Assignment.judge_id == judges[0].id)).scalar_one()
    login(client, judges[0])
    client.post(f"/judging/assignments/{row.id}", data=_sheet_data(ids, "35", "25", "20,5"))
    client.post("/logout")
    login(client, organizer)
    results = client.get(f"/judging/manage/rounds/{round_.id}/results").get_data(as_text=True)
    assert f'action="/judging/manage/assignments/{row.id}/reopen"' in results
    blank = client.post(f"/judging/manage/assignments/{row.id}/reopen", data={"reopen-reason": "  "},
                        follow_redirects=True)
    assert "Hãy nhập lý do mở lại phiếu chấm." in blank.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Assignment, row.id).status == "submitted"
    assert db.session.query(AuditEvent).filter_by(action="sheet.reopen").count() == 0
    done = client.post(f"/judging/manage/assignments/{row.id}/reopen",
                       data={"reopen-reason": "Nhập nhầm điểm tiêu chí 3"}, follow_redirects=True)
    html = done.get_data(as_text=True)
    assert "Phiếu chấm đã được mở lại: giám khảo có thể sửa và nộp lại." in html
    assert (f"Phiếu chấm của {judges[0].full_name} được {organizer.full_name} mở lại lúc") in html
    assert "Lý do: Nhập nhầm điểm tiêu chí 3" in html
    db.session.expire_all()
    assert db.session.get(Assignment, row.id).status == "draft"
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "sheet.reopen")).scalar_one()
    assert (event.actor_id, event.at, event.reason) == (organizer.id, clock(), "Nhập nhầm điểm tiêu chí 3")
    # The judge sees a draft with their scores, and resubmits.
    client.post("/logout")
    login(client, judges[0])
    page = client.get(f"/judging/assignments/{row.id}").get_data(as_text=True)
    assert 'value="submit"' in page and f'name="c{ids[2]}" type="text" value="20,5"' in page
    assert '<span class="badge text-bg-warning">Bản nháp</span>' in client.get("/judging/").get_data(as_text=True)
    client.post(f"/judging/assignments/{row.id}", data=_sheet_data(ids, "35", "25", "25"))
    db.session.expire_all()
    again = db.session.get(Assignment, row.id)
    assert again.status == "submitted" and round(again.total, 2) == 85.71
    # Judges cannot reopen.
    assert client.post(f"/judging/manage/assignments/{row.id}/reopen", data={"reopen-reason": "x"}).status_code == 403


def test_auto_assignment_with_an_empty_panel_says_so_and_makes_nothing(client, make):
    round_ = essay_round(make)
    client.post(f"/api/v1/rounds/{round_.id}/entries", headers=make.auth(make.user(unit=make.unit())),
                json={"title": "T", "body": words(10)})
    make.user(role="judge", unit=make.unit())  # a judge exists, but is not on the panel
    login(client, make.user(role="organizer"))
    response = client.post(f"/judging/manage/rounds/{round_.id}/assign", data={}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert ("Vòng chấm này chưa có giám khảo nào trong hội đồng: hãy thêm giám khảo trước. "
            "Chưa bài nào được phân công.") in html
    assert "phân công" in html and "assignments made" not in html
    assert db.session.query(Assignment).count() == 0


# --- what a member wrote is shown as text on every page ------------------------------------------

def test_markup_like_text_comes_back_whole_and_shows_escaped_to_judges_organizers_and_in_highlights(client, make, inline_jobs):
    from tests.web.test_essay_pages import MARKUP_LIKE

    round_ = essay_round(make, min_words=5, max_words=2000)
    shared = ("Bác Hồ viết tập thơ <Nhật ký trong tù> khi bị giam ở Quảng Tây, "
              "mỗi bài thơ là một bài học về ý chí <svg onload=alert(1)> và lòng yêu nước. ")
    entry_ids = []
    for ending in (MARKUP_LIKE, "Phần kết của bài thứ hai nói về quê hương tôi."):
        response = client.post(f"/api/v1/rounds/{round_.id}/entries", headers=make.auth(make.user()),
                               json={"title": "Về <Nhật ký trong tù>", "body": shared * 3 + ending})
        assert response.status_code == 201
        assert response.json["body"] == shared * 3 + ending
        entry_ids.append(response.json["id"])
    first = db.session.get(Entry, entry_ids[0])
    assert first.body == (shared * 3 + MARKUP_LIKE) and first.title == "Về <Nhật ký trong tù>"
    organizer = make.user(role="organizer")
    judge, second_judge = (make.user(role="judge", unit=make.unit()) for _ in range(2))
    got = client.get(f"/api/v1/entries/{first.id}", headers=make.auth(organizer)).json
    assert got["body"] == shared * 3 + MARKUP_LIKE and got["title"] == "Về <Nhật ký trong tù>"
    client.post(f"/api/v1/rounds/{round_.id}/assignments", headers=make.auth(organizer), json={"judge_ids": [judge.id, second_judge.id]})
    row = db.session.execute(select(Assignment).where(Assignment.entry_id == first.id,
                                                      Assignment.judge_id == judge.id)).scalar_one()

    escaped = ("&lt;Nhật ký trong tù&gt; khi bị giam ở Quảng Tây, mỗi bài thơ là một bài học về ý chí "
               "&lt;svg onload=alert(1)&gt; và lòng yêu nước.")
    login(client, judge)
    judge_page = client.get(f"/judging/assignments/{row.id}").get_data(as_text=True)
    assert escaped in judge_page and "Về &lt;Nhật ký trong tù&gt;" in judge_page
    assert "&lt;style&gt;body{display:none}&lt;/style&gt;" in judge_page
    client.post("/logout")
    login(client, organizer)
    detail = client.get(f"/essays/manage/entries/{first.id}").get_data(as_text=True)
    assert escaped in detail and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in detail
    client.post(f"/essays/manage/rounds/{round_.id}/similarity", data={"action": "check"})
    flag = db.session.execute(select(SimilarityFlag)).scalar_one()
    pair = client.get(f"/essays/manage/similarity/{flag.id}").get_data(as_text=True)
    assert "<mark>Bác Hồ viết tập thơ &lt;Nhật ký trong tù&gt; khi bị giam" in pair
    assert "&lt;svg onload=alert(1)&gt; và lòng yêu nước" in pair
    for page in (judge_page, detail, pair):
        for element in ("<svg", "<style>", "<script>alert", "<Nhật"):
            assert element not in page
