"""A contest's standings across its rounds and its unit table (collective prizes): the contest's
fields and PATCH, who sees what before and after publication, sum vs best, the unit order, a
three-level unit tree worked by hand, and the export opened back."""
import csv
import io
from datetime import timedelta

from openpyxl import load_workbook

from contest.audit.models import AuditEvent
from contest.essays.models import Entry
from contest.extensions import db
from contest.judging.criteria import set_criteria
from contest.judging.models import Assignment
from contest.rounds.models import Attempt, Contest


def quiz_round(make, contest, scores, *, published=True, title="Tuần thi"):
    """A quiz round open from an hour ago for two hours; ``scores`` {user: (score, minutes after
    the opening it was submitted)}: one submitted attempt each."""
    round_ = make.round(contest=contest, title=title, opens_in=timedelta(hours=-1), open_for=timedelta(hours=2))
    for user, (score, minutes) in scores.items():
        at = round_.opens_at + timedelta(minutes=minutes)
        db.session.add(Attempt(round_id=round_.id, user_id=user.id, number=1, status="submitted",
                               started_at=at - timedelta(minutes=5), deadline=at + timedelta(minutes=5),
                               submitted_at=at, score=score, max_score=10, correct_count=int(score),
                               question_count=10, duration_seconds=300))
    round_.results_published = published
    db.session.commit()
    return round_


def writing_round(make, contest, scores, *, published=True):
    """A writing round open like quiz_round; ``scores`` {author: points}: one entry each with one
    submitted sheet of that many points (its final score)."""
    round_ = make.round(contest=contest, kind="essay", title="Vòng thi viết", min_words=1, max_words=None,
                        judges_per_entry=1, duration_seconds=None, question_count=None,
                        opens_in=timedelta(hours=-1), open_for=timedelta(hours=2))
    set_criteria(round_, [{"name": "Nội dung", "max_points": 100, "weight": 1}])
    judge = make.user(role="judge")
    for i, (author, points) in enumerate(scores.items()):
        entry = Entry(round_id=round_.id, author_id=author.id, code=f"CS-{round_.id}-{i}", title="Bài viết",
                      body="Bài viết.", word_count=2, source="editor", submitted_at=make.clock(),
                      updated_at=make.clock(), revision=1, stage=1)
        db.session.add(entry)
        db.session.flush()
        db.session.add(Assignment(round_id=round_.id, entry_id=entry.id, judge_id=judge.id, stage=1,
                                  status="submitted", total=points, submitted_at=make.clock()))
    round_.results_published = published
    db.session.commit()
    return round_


def after_the_close(make):
    make.clock.advance(days=1)


def _standings(client, contest, headers=None, **query):
    response = client.get(f"/api/v1/contests/{contest.id}/standings", headers=headers, query_string=query)
    assert response.status_code == 200, response.json
    return response.json


# --- the contest's fields --------------------------------------------------------------------

def test_a_new_contest_is_published_with_sum_standings_not_shown(client, make):
    organizer = make.auth(make.user(role="organizer"))
    created = client.post("/api/v1/contests", json={"title": "Tìm hiểu lịch sử Đảng"}, headers=organizer)
    assert created.status_code == 201
    assert (created.json["standings_rule"], created.json["standings_published"], created.json["status"]) == \
        ("sum", False, "published")
    listed = client.get("/api/v1/contests").json["items"][0]
    assert (listed["standings_rule"], listed["standings_published"], listed["status"]) == ("sum", False, "published")


def test_patch_a_contest_changes_its_fields_and_audits_publishing_the_standings(client, make):
    contest = make.contest()
    organizer_user = make.user(role="organizer")
    organizer = make.auth(organizer_user)
    response = client.patch(f"/api/v1/contests/{contest.id}", headers=organizer, json={
        "title": "Cuộc thi “Học tập và làm theo Bác”", "standings_rule": "best",
        "standings_published": True, "status": "archived"})
    assert response.status_code == 200, response.json
    assert (response.json["title"], response.json["standings_rule"], response.json["standings_published"],
            response.json["status"]) == ("Cuộc thi “Học tập và làm theo Bác”", "best", True, "archived")
    db.session.expire_all()
    stored = db.session.get(Contest, contest.id)
    assert (stored.standings_rule, stored.standings_published, stored.status) == ("best", True, "archived")
    events = db.session.query(AuditEvent).filter_by(object_type="contest", object_id=contest.id).all()
    by_action = {e.action: e for e in events}
    assert sorted(by_action) == ["contest.publish_standings", "contest.update"]
    published = by_action["contest.publish_standings"]
    assert (published.before, published.after, published.actor_id) == \
        ({"standings_published": False}, {"standings_published": True}, organizer_user.id)
    assert by_action["contest.update"].before == {"title": "Cuộc thi tìm hiểu", "standings_rule": "sum",
                                                  "status": "published"}
    # Hiding them again: one more row; the same value again: none.
    client.patch(f"/api/v1/contests/{contest.id}", headers=organizer, json={"standings_published": False})
    client.patch(f"/api/v1/contests/{contest.id}", headers=organizer, json={"standings_published": False})
    actions = [e.action for e in db.session.query(AuditEvent).filter_by(object_type="contest").order_by(AuditEvent.id)]
    assert actions.count("contest.unpublish_standings") == 1 and len(actions) == 3


def test_patch_a_contest_refuses_bad_values_and_members(client, make):
    contest = make.contest()
    organizer = make.auth(make.user(role="organizer"))
    bad = client.patch(f"/api/v1/contests/{contest.id}", headers=organizer, json={"standings_rule": "average"})
    assert bad.status_code == 422 and bad.json["error"]["code"] == "validation_error"
    assert client.patch(f"/api/v1/contests/{contest.id}", headers=organizer,
                        json={"status": "hidden"}).status_code == 422
    member = make.auth(make.user())
    assert client.patch(f"/api/v1/contests/{contest.id}", headers=member,
                        json={"standings_published": True}).status_code == 403
    assert client.patch("/api/v1/contests/999999", headers=organizer, json={}).status_code == 404
    assert db.session.get(Contest, contest.id).standings_published is False
    assert db.session.query(AuditEvent).filter_by(object_type="contest").count() == 0


# --- the standings ---------------------------------------------------------------------------

def test_standings_add_published_rounds_and_are_shown_once_published(client, make, monkeypatch):
    from contest.standings import contests

    monkeypatch.setattr(contests, "CHUNK", 2)  # names read over two queries
    contest = make.contest()
    an, binh, chi = (make.user(full_name=n) for n in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Chí"))
    quiz_round(make, contest, {an: (8, 10), binh: (9, 20)})
    writing_round(make, contest, {an: 60, chi: 65})
    quiz_round(make, contest, {chi: (10, 5)}, published=False, title="Tuần chưa công bố")  # not counted
    after_the_close(make)
    organizer = make.auth(make.user(role="organizer"))
    member = make.auth(make.user())
    assert client.get(f"/api/v1/contests/{contest.id}/standings", headers=member).status_code == 403
    refused = client.get(f"/api/v1/contests/{contest.id}/standings")
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
    assert refused.json["error"]["message"] == "Bảng tổng sắp của cuộc thi này chưa được công bố."
    page = _standings(client, contest, organizer)
    assert page["total"] == 3
    assert [(r["rank"], r["display_name"], r["total_score"], r["rounds_counted"], r["prize"])
            for r in page["items"]] == [(1, "Nguyễn Văn An", 68.0, 2, None), (2, "Lê Minh Chí", 65.0, 1, None),
                                        (3, "Trần Thị Bình", 9.0, 1, None)]
    assert set(page["items"][0]) == {"rank", "display_name", "unit", "total_score", "rounds_counted", "prize"}
    client.patch(f"/api/v1/contests/{contest.id}", headers=organizer, json={"standings_published": True})
    assert _standings(client, contest, member)["total"] == 3
    assert [r["display_name"] for r in _standings(client, contest, limit=1, offset=1)["items"]] == ["Lê Minh Chí"]


def test_best_takes_each_members_best_round_and_ties_go_to_the_earlier_last_submission(client, make):
    contest = make.contest()
    an, binh, chi = (make.user(full_name=n) for n in ("An", "Bình", "Chi"))
    quiz_round(make, contest, {an: (8, 30), binh: (10, 40), chi: (6, 10)})
    quiz_round(make, contest, {an: (6, 50), chi: (8, 20)})
    after_the_close(make)
    organizer = make.auth(make.user(role="organizer"))
    # sum: An 14 and Chi 14 over two rounds; Chi's last answer (20 min) came before An's (50).
    rows = _standings(client, contest, organizer)["items"]
    assert [(r["rank"], r["display_name"], r["total_score"]) for r in rows] == \
        [(1, "Chi", 14.0), (2, "An", 14.0), (3, "Bình", 10.0)]
    client.patch(f"/api/v1/contests/{contest.id}", headers=organizer, json={"standings_rule": "best"})
    rows = _standings(client, contest, organizer)["items"]
    # best: Bình 10; An and Chi 8 over two rounds, Chi's last answer first.
    assert [(r["rank"], r["display_name"], r["total_score"], r["rounds_counted"]) for r in rows] == \
        [(1, "Bình", 10.0, 1), (2, "Chi", 8.0, 2), (3, "An", 8.0, 2)]


# --- units over a three-level tree -----------------------------------------------------------

def _tree_contest(make):
    """Tỉnh ủy ─┬─ Huyện ủy A ─┬─ Chi bộ A1 (2 members: m1, m2)
               │              ├─ Chi bộ A2 (3 members: m3, m4, m5)
               │              └─ (1 member of its own: h1)
               └─ Huyện ủy B (4 members: b1…b4)

    Round 1 (quiz): m1 8, m3 6, b1 10, b2 4.  Round 2 (writing): m1 70, m4 50, h1 60.
    """
    tinh = make.unit("Tỉnh ủy")
    huyen_a = make.unit("Huyện ủy A", parent=tinh)
    huyen_b = make.unit("Huyện ủy B", parent=tinh)
    a1 = make.unit("Chi bộ A1", parent=huyen_a)
    a2 = make.unit("Chi bộ A2", parent=huyen_a)
    m1, _m2 = (make.user(unit=a1) for _ in range(2))
    m3, m4, _m5 = (make.user(unit=a2) for _ in range(3))
    h1 = make.user(unit=huyen_a)
    b1, b2, _b3, _b4 = (make.user(unit=huyen_b) for _ in range(4))
    contest = make.contest()
    round1 = quiz_round(make, contest, {m1: (8, 1), m3: (6, 2), b1: (10, 3), b2: (4, 4)})
    writing_round(make, contest, {m1: 70, m4: 50, h1: 60})
    after_the_close(make)
    return contest, round1


def _units(client, path, headers, by=None):
    query = {"by": by} if by else {}
    response = client.get(path, headers=headers, query_string=query)
    assert response.status_code == 200, response.json
    return [(r["rank"], r["unit"], r["members"], r["participants"], r["participation_rate"], r["average_score"])
            for r in response.json["items"]]


def test_contest_units_over_a_three_level_tree_match_the_hand_count(client, make):
    """Distinct participants over both rounds (m1 took both: counted once), totals by `sum`:
    m1 78, m3 6, m4 50, h1 60, b1 10, b2 4.

    - Chi bộ A1: 2 members, m1 → 1/2 = 0.5, average 78
    - Chi bộ A2: 3 members, m3 m4 → 2/3 = 0.6667, average (6 + 50) / 2 = 28
    - Huyện ủy A: 2 + 3 + 1 = 6 members, m1 m3 m4 h1 → 4/6 = 0.6667, average 194 / 4 = 48.5
    - Huyện ủy B: 4 members, b1 b2 → 2/4 = 0.5, average 7
    - Tỉnh ủy: 10 members, 6 took part → 0.6, average 208 / 6 = 34.667

    By rate (then participants): Huyện ủy A (0.6667, 4), Chi bộ A2 (0.6667, 2), Tỉnh ủy (0.6),
    Huyện ủy B (0.5, 2), Chi bộ A1 (0.5, 1). By participants (then rate): Tỉnh ủy 6, Huyện ủy A 4,
    Chi bộ A2 (2, 0.6667), Huyện ủy B (2, 0.5), Chi bộ A1 1.
    """
    contest, _ = _tree_contest(make)
    organizer = make.auth(make.user(role="organizer"))
    path = f"/api/v1/contests/{contest.id}/units"
    by_rate = [(1, "Huyện ủy A", 6, 4, 0.6667, 48.5), (2, "Chi bộ A2", 3, 2, 0.6667, 28.0),
               (3, "Tỉnh ủy", 10, 6, 0.6, 34.667), (4, "Huyện ủy B", 4, 2, 0.5, 7.0),
               (5, "Chi bộ A1", 2, 1, 0.5, 78.0)]
    assert _units(client, path, organizer) == by_rate
    assert _units(client, path, organizer, "rate") == by_rate
    assert _units(client, path, organizer, "participants") == [
        (1, "Tỉnh ủy", 10, 6, 0.6, 34.667), (2, "Huyện ủy A", 6, 4, 0.6667, 48.5),
        (3, "Chi bộ A2", 3, 2, 0.6667, 28.0), (4, "Huyện ủy B", 4, 2, 0.5, 7.0),
        (5, "Chi bộ A1", 2, 1, 0.5, 78.0)]
    assert client.get(path, headers=organizer, query_string={"by": "name"}).status_code == 422
    assert client.get(path).status_code == 403
    client.patch(f"/api/v1/contests/{contest.id}", headers=organizer, json={"standings_published": True})
    assert _units(client, path, None) == by_rate


def test_round_units_over_the_same_tree_take_by_and_rank(client, make):
    """Round 1 only: A1 1/2 = 0.5, A2 1/3 = 0.3333, Huyện ủy A 2/6 = 0.3333, Huyện ủy B 2/4 = 0.5,
    Tỉnh ủy 4/10 = 0.4 (averages: A1 8, A2 6, Huyện ủy A 7, Huyện ủy B 7, Tỉnh ủy 7)."""
    _, round1 = _tree_contest(make)
    organizer = make.auth(make.user(role="organizer"))
    path = f"/api/v1/rounds/{round1.id}/units"
    assert _units(client, path, organizer) == [
        (1, "Huyện ủy B", 4, 2, 0.5, 7.0), (2, "Chi bộ A1", 2, 1, 0.5, 8.0), (3, "Tỉnh ủy", 10, 4, 0.4, 7.0),
        (4, "Huyện ủy A", 6, 2, 0.3333, 7.0), (5, "Chi bộ A2", 3, 1, 0.3333, 6.0)]
    assert _units(client, path, organizer, "participants") == [
        (1, "Tỉnh ủy", 10, 4, 0.4, 7.0), (2, "Huyện ủy B", 4, 2, 0.5, 7.0), (3, "Huyện ủy A", 6, 2, 0.3333, 7.0),
        (4, "Chi bộ A1", 2, 1, 0.5, 8.0), (5, "Chi bộ A2", 3, 1, 0.3333, 6.0)]


# --- export ----------------------------------------------------------------------------------

def test_the_contest_standings_export_opens_back(client, make):
    contest = make.contest()
    unit = make.unit("Chi bộ Lê Lợi")
    tuyet = make.user(full_name="Nguyễn Thị Ánh Tuyết", unit=unit)
    hung = make.user(full_name="Phạm Đức Hùng")
    quiz_round(make, contest, {tuyet: (9.5, 3), hung: (7, 4)})
    after_the_close(make)
    organizer = make.auth(make.user(role="organizer"))
    member = make.auth(make.user())
    path = f"/api/v1/contests/{contest.id}/export/standings"
    assert client.get(path + ".xlsx", headers=member).status_code == 403
    response = client.get(path + ".xlsx", headers=organizer)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="contest-{contest.id}-standings.xlsx"'
    sheet = load_workbook(io.BytesIO(response.data))["Bảng tổng sắp"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Hạng", "Họ và tên", "Đơn vị", "Tổng điểm", "Số vòng tính điểm", "Giải thưởng")
    assert rows[1:] == [(1, "Nguyễn Thị Ánh Tuyết", "Chi bộ Lê Lợi", 9.5, 1, None), (2, "Phạm Đức Hùng", None, 7, 1, None)]
    assert isinstance(rows[2][3], (int, float)) and sheet.cell(row=3, column=4).data_type == "n"
    csv_response = client.get(path + ".csv", headers=organizer)
    assert csv_response.data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(csv_response.data.decode("utf-8-sig"))))
    assert lines[1][:4] == ["1", "Nguyễn Thị Ánh Tuyết", "Chi bộ Lê Lợi", "9.5"]
    assert client.get(f"/api/v1/contests/{contest.id}/export/standings.pdf", headers=organizer).status_code == 404


def test_cached_standings_follow_a_round_published_later_and_a_rule_change(app, client, make, monkeypatch):
    monkeypatch.setitem(app.config, "LEADERBOARD_CACHE_SECONDS", 60)
    contest = make.contest()
    an, binh = make.user(full_name="An"), make.user(full_name="Bình")
    quiz_round(make, contest, {an: (8, 10), binh: (9, 20)})
    later = quiz_round(make, contest, {an: (7, 10)}, published=False)
    after_the_close(make)
    organizer = make.auth(make.user(role="organizer"))
    assert [r["display_name"] for r in _standings(client, contest, organizer)["items"]] == ["Bình", "An"]
    later.results_published = True
    db.session.commit()
    assert [(r["display_name"], r["total_score"]) for r in _standings(client, contest, organizer)["items"]] == \
        [("An", 15.0), ("Bình", 9.0)]
    client.patch(f"/api/v1/contests/{contest.id}", headers=organizer, json={"standings_rule": "best"})
    assert [(r["display_name"], r["total_score"]) for r in _standings(client, contest, organizer)["items"]] == \
        [("Bình", 9.0), ("An", 8.0)]
