"""A draft contest and its rounds are invisible to members in every list, page and API response
(issue 11 point 6): every GET route of the app, pages and API, crawled as a visitor, members and a
writing round's author over the world of test_get_writes_nothing, first with its contests
published, then with them all back to draft. What a member reached before is "not found" after
(404), and no list still names a round or a contest."""
import json
import re

from sqlalchemy import update

from contest.extensions import db
from contest.rounds.models import Contest, Round
from tests.web.test_essay_pages import login
from tests.web.test_get_writes_nothing import (HANDED_OUT_ONCE, _forget_the_last_request,
                                               _keep_crawl_credentials, _urls, _world)

# The arguments naming a contest's object: with a draft's ids, the route must answer 404.
CONTEST_OBJECTS = {"round_id", "contest_id", "attempt_id", "entry_id", "file_id", "flag_id"}
# A certificate is a public record once issued (it was issued on a published round, and may be
# printed): its verify page and API confirm it whatever its contest's status is now.
PUBLIC_RECORDS = {"certificates.verify", "api_certificates.verify_certificate"}


def _crawl(clients, urls, organizer):
    seen = {}
    for who, (visitor, headers) in clients.items():
        for endpoint, rule_args, url in urls:
            _forget_the_last_request()
            if endpoint in HANDED_OUT_ONCE:
                _keep_crawl_credentials(organizer)
            response = visitor.get(url, headers=headers if url.startswith("/api/") else {})
            if response.is_json:  # the API escapes non-ASCII: read it back to search the titles
                body = json.dumps(response.get_json(), ensure_ascii=False)
            else:  # binary answers (a certificate's PDF) are searched too
                body = response.get_data().decode("utf-8", "replace")
            seen[(who, url)] = (response.status_code, body)
    return seen


def test_a_draft_contest_is_not_found_by_members_anywhere(app, client, make, clock):
    ids, people = _world(client, make, clock)
    titles = set(db.session.execute(db.select(Round.title)).scalars()) | set(
        db.session.execute(db.select(Contest.title)).scalars())
    urls = []
    for endpoint, url in _urls(app, ids):
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        urls.append((endpoint, set(rule.arguments), url))
    clients = {"visitor": (app.test_client(), {})}
    for name in ("member", "other", "author"):
        page_client = app.test_client()
        _forget_the_last_request()
        login(page_client, people[name])
        clients[name] = (page_client, make.auth(people[name]))
    db.session.commit()

    published = _crawl(clients, urls, people["organizer"])
    db.session.execute(update(Contest).values(status="draft"))
    db.session.commit()
    drafts = _crawl(clients, urls, people["organizer"])

    hidden, listed, leaks = 0, 0, []
    for endpoint, args, url in urls:
        for who in clients:
            before, _ = published[(who, url)]
            after, body = drafts[(who, url)]
            if before != 200 or endpoint in PUBLIC_RECORDS:
                continue  # a route this member may not use anyway (or a sign-in redirect)
            if args & CONTEST_OBJECTS:
                hidden += 1
                if after != 404:
                    leaks.append((who, url, after))
            else:
                listed += 1
                text = re.sub(r"\s+", " ", body)
                if [t for t in titles if t in text]:
                    leaks.append((who, url, [t for t in titles if t in text]))
    assert leaks == []
    # Member-facing routes really reached in both states: the crawl proves something.
    assert hidden >= 40 and listed >= 10, (hidden, listed)


def test_the_contest_list_api_shows_members_published_only(client, make):
    member, organizer = make.user(), make.user(role="organizer")
    shown = make.contest("Cuộc thi đang diễn ra")
    draft, archived = make.contest("Cuộc thi nháp"), make.contest("Cuộc thi đã lưu trữ")
    draft.status, archived.status = "draft", "archived"
    db.session.commit()
    as_member = client.get("/api/v1/contests", headers=make.auth(member)).json
    assert [c["id"] for c in as_member["items"]] == [shown.id]
    assert as_member["total"] == 1
    as_organizer = client.get("/api/v1/contests", headers=make.auth(organizer)).json
    assert {c["id"]: c["status"] for c in as_organizer["items"]} == {
        shown.id: "published", draft.id: "draft", archived.id: "archived"}


def test_an_archived_contest_stays_reachable_and_takes_no_attempt(client, make):
    make.questions(10)
    round_ = make.round(title="Tuần lưu trữ")
    round_.contest.status = "archived"
    db.session.commit()
    member = make.user()
    assert client.get(f"/api/v1/rounds/{round_.id}", headers=make.auth(member)).status_code == 200
    started = client.post(f"/api/v1/rounds/{round_.id}/attempts", headers=make.auth(member))
    assert started.status_code == 403
    assert started.json["error"] == {"code": "round_not_open",
                                     "message": "Vòng thi này hiện chưa mở hoặc đã đóng."}
    home = client.get("/").get_data(as_text=True)
    assert "Tuần lưu trữ" not in home


def test_a_member_cannot_start_a_draft_round(client, make):
    make.questions(10)
    round_ = make.round(title="Tuần nháp")
    round_.contest.status = "draft"
    db.session.commit()
    member, organizer = make.user(), make.user(role="organizer")
    started = client.post(f"/api/v1/rounds/{round_.id}/attempts", headers=make.auth(member))
    assert started.status_code == 404
    # an organizer tries the draft round before publishing it
    assert client.post(f"/api/v1/rounds/{round_.id}/attempts", headers=make.auth(organizer)).status_code == 201
