"""A GET writes nothing: every GET route of the app (pages and API), crawled as a visitor, a member,
a judge and an organizer over a world with a quiz round being taken, a finished attempt, a published
and frozen round, a writing round with entries, sheets and a similarity flag. A listener on the
engine sees every statement; not one INSERT, UPDATE or DELETE may pass.

Two writes on a read are by design and kept out of this world: an attempt past its deadline is
scored by the first read that sees it (rounds/service.py expire_overdue), and the first reader of a
round's standings after its close freezes them (standings/service.py freeze_if_closed; cron does it
at the close with `flask freeze-standings`)."""
from datetime import timedelta

from sqlalchemy import event, select

from contest.essays.models import Entry, EntryDraft, EntryFile, SimilarityFlag
from contest.extensions import db
from contest.judging.models import Assignment
from contest.rounds.models import Attempt
from contest.standings import service as standings
from tests.anthology_data import judged_round
from tests.web.test_essay_pages import login
from tests.web.test_judging_pages import _entries_with_judges

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE", "TRUNCATE")


def _world(client, make, clock):
    questions = make.questions(12)
    contest = make.contest()
    taking = make.round(contest=contest, title="Tuần đang thi")
    done = make.round(contest=contest, title="Tuần đã nộp")
    member = make.user(username="thi.sinh")
    other = make.user(username="thi.sinh.hai")
    started = client.post(f"/api/v1/rounds/{taking.id}/attempts", headers=make.auth(member))
    assert started.status_code == 201
    finished = client.post(f"/api/v1/rounds/{done.id}/attempts", headers=make.auth(other)).json["id"]
    assert client.post(f"/api/v1/attempts/{finished}/submit", headers=make.auth(other)).status_code == 200
    published = make.round(contest=contest, title="Tuần đã công bố", opens_in=-timedelta(days=9),
                           open_for=timedelta(days=1), results_published=True)
    assert standings.freeze_if_closed(published)
    db.session.commit()

    essay, authors, judges, organizer, _secrets = _entries_with_judges(client, make)
    entry = db.session.execute(select(Entry).where(Entry.round_id == essay.id).order_by(Entry.id)).scalars().first()
    others = db.session.execute(select(Entry.id).where(Entry.id != entry.id)).scalars().first()
    db.session.add(SimilarityFlag(round_id=essay.id, entry_id=entry.id, other_entry_id=others, score=0.5,
                                  passages={"a": [[0, 4]], "b": [[0, 4]]}, checked_at=clock()))
    text = "Học tập tấm gương đạo đức Hồ Chí Minh mỗi ngày."  # an upload waiting for its confirmation
    db.session.add(EntryDraft(round_id=essay.id, user_id=authors[0].id, title="Tấm gương", upload_kind="txt",
                              upload_name="bai.txt", upload_data=text.encode(), upload_text=text, saved_at=clock()))
    db.session.commit()
    sheet = db.session.execute(select(Assignment).where(Assignment.judge_id == judges[0].id)).scalars().first()
    anthology, _ = judged_round(make, [{"title": "Tấm gương", "author": "Nguyễn Văn An", "score": 90,
                                        "prize": "first", "consent": True}])  # published, with a winner
    ids = {
        "round_id": [taking.id, done.id, published.id, essay.id, anthology.id],
        "contest_id": [contest.id],
        "attempt_id": list(db.session.execute(select(Attempt.id)).scalars()),
        "entry_id": [entry.id],
        "file_id": list(db.session.execute(select(EntryFile.id)).scalars()),
        "assignment_id": [sheet.id],
        "question_id": [questions[0].id],
        "topic_id": [questions[0].topic_id],
        "flag_id": list(db.session.execute(select(SimilarityFlag.id)).scalars()),
        "fmt": ["csv", "xlsx"],
        "table": ["units", "leaderboard", "attempts", "audit"],  # units first: a page downloads it at once
        "user_id": [member.id, organizer.id],
        "job_id": ["crawl-credentials", "crawljob"],
        "code": ["crawlcertificate", "no-such-certificate"],
    }
    from contest.certificates.models import Certificate

    db.session.add(Certificate(code="crawlcertificate", round_id=published.id, user_id=member.id,
                               full_name=member.full_name, issued_at=clock()))
    from contest.jobs.models import Job

    db.session.add(Job(id="crawljob", kind="export", func_path="contest.jobs.examples:count_to", kwargs={},
                       status="done", progress=1.0, started_by_id=organizer.id))
    db.session.flush()
    from contest.jobs.models import JobFile

    db.session.add(JobFile(job_id="crawljob", filename="round-1-leaderboard.csv", content_type="text/csv",
                           data=b"\xef\xbb\xbf", created_at=clock()))  # its file, downloaded by GET /jobs/<id>/file
    db.session.commit()
    people = {"member": member, "other": other, "author": authors[0], "judge": judges[0], "organizer": organizer}
    return ids, people


def _urls(app, ids):
    """Every GET rule of the app with each of its arguments filled from the world."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        missing = [a for a in rule.arguments if a not in ids]
        assert not missing, f"{rule.rule}: give the crawl ids for {missing}"
        combos = [{}]
        for name in sorted(rule.arguments):
            combos = [{**c, name: value} for c in combos for value in ids[name]]
        with app.test_request_context():
            from flask import url_for

            urls += [(rule.endpoint, url_for(rule.endpoint, **c)) for c in combos]
    return urls


def _forget_the_last_request():
    """The requests share the test's app context, and with it ``g``, where Flask-Login keeps the
    signed-in user: each client must be seen as itself."""
    from flask import g

    for key in list(g):
        g.pop(key)


ALWAYS_REDIRECT = {"accounts.favicon"}
# An import's credentials sheet is handed out once (then forgotten, in the cache, not the
# database): the crawl puts it back before each of its GETs.
HANDED_OUT_ONCE = {"accounts.members_credentials", "api_accounts.download_credentials_api"}


def _keep_crawl_credentials(organizer):
    from contest.accounts.members import _credentials_key
    from contest.extensions import cache_set

    cache_set(_credentials_key("crawl-credentials"), {"user_id": organizer.id, "sheet": b"PK"}, 60)  # /favicon.ico: a permanent redirect to the icon, for everyone


def test_no_get_of_any_page_or_api_route_writes(app, client, make, clock):
    ids, people = _world(client, make, clock)
    urls = _urls(app, ids)
    clients = {"visitor": (app.test_client(), {})}
    for name, user in people.items():
        page_client = app.test_client()
        _forget_the_last_request()
        login(page_client, user)
        clients[name] = (page_client, make.auth(user))
    db.session.commit()

    writes = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(WRITES):
            writes.append(statement.split("\n")[0][:120])

    reached, statuses = set(), []
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        for who, (visitor, headers) in clients.items():
            for endpoint, url in urls:
                _forget_the_last_request()
                if endpoint in HANDED_OUT_ONCE:
                    _keep_crawl_credentials(people["organizer"])
                before = len(writes)
                response = visitor.get(url, headers=headers if url.startswith("/api/") else {})
                assert response.status_code < 500, (who, url)
                statuses.append((who, url, response.status_code))
                if response.status_code == 200 or (endpoint in ALWAYS_REDIRECT and response.status_code == 301):
                    reached.add(endpoint)
                assert writes[before:] == [], (who, url, writes[before:])
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    # The crawl really showed every GET route to someone who may see it.
    unreached = {endpoint for endpoint, _url in urls} - reached
    assert unreached == set(), sorted(unreached)
