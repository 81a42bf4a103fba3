"""Accessibility, checked by axe-core (vendored in static/vendor/) on every page a member, a judge
and an organizer can reach by following links from the home page, at phone width (390 px) and at
desktop width: no serious or critical violation of WCAG 2.0-2.2 A/AA.

The crawl visits one address per page kind (/rounds/7 and /rounds/8 are one page), signed in as
each role over a contest with a quiz round taken, an attempt in progress and a writing round
with an entry and a judge's assignment, so that the pages show what they really hold."""
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from contest.essays import service as essays
from contest.extensions import db
from contest.judging import service as judging
from contest.rounds import service as rounds
from tests.api.test_essay_entries import essay_round, words

AXE = next((Path(__file__).resolve().parents[2] / "static" / "vendor").glob("axe-core-*/axe.min.js"))
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
# Not pages: files, the language switch and sign-out (POST forms), the favicon.
SKIP = re.compile(r"/(export|template\.|files/|download|logout|language/|favicon|static/)|\.(pdf|xlsx|csv|docx)$")


def _kind(path: str) -> str:
    return re.sub(r"/\d+", "/N", path)


def _violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(f"{n['target'][0]} {(n.get('any') or [{}])[0].get('data') or ''}" for n in v["nodes"][:4])
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def _crawl(browser, base: str, user, limit: int = 40) -> tuple[dict, list[str]]:
    """Sign in as `user`, follow same-site links breadth first; check each new page kind at both
    widths. Returns the kinds visited and the problems found."""
    context = browser.new_context(viewport=WIDTHS["desktop"], locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base}/login")
    page.fill("#username", user.username)
    page.fill("#password", "secret-pass")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    queue, seen, problems, asked = [f"{base}/"], {}, [], {}
    host = urlsplit(base).netloc
    while queue and len(seen) < limit:
        url = queue.pop(0)
        requested = _kind(urlsplit(url).path)
        # Two addresses of a kind at most: /rounds/1 (a quiz) and /rounds/2 (a writing round,
        # which redirects to its own page) are one route but two pages.
        if asked.get(requested, 0) >= 2 or url in asked:
            continue
        asked[requested] = asked.get(requested, 0) + 1
        asked[url] = 1
        response = page.goto(url)
        path = urlsplit(page.url).path
        if _kind(path) in seen:
            continue
        seen[_kind(path)] = response.status if response else None
        for name, size in WIDTHS.items():
            page.set_viewport_size(size)
            problems += [f"{user.role} {name} {path}: {v}" for v in _violations(page)]
        page.set_viewport_size(WIDTHS["desktop"])
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            target = urljoin(page.url, href.split("#")[0]).split("?")[0]
            parts = urlsplit(target)
            if parts.netloc == host and not SKIP.search(parts.path) and target not in asked:
                queue.append(target)
    context.close()
    return seen, problems


def test_no_serious_accessibility_violation_on_any_page(live_server, browser, make, clock):
    unit = make.unit("Chi bộ Văn phòng")
    member = make.user(username="an.nguyen", full_name="Nguyễn Văn An", unit=unit)
    judge = make.user(username="giamkhao", full_name="Giám khảo Một", role="judge", unit=make.unit("Ban Tuyên giáo"))
    organizer = make.user(username="btc", full_name="Ban tổ chức", role="organizer")
    make.questions(8)
    contest = make.contest("Cuộc thi tìm hiểu tư tưởng Hồ Chí Minh")
    taken = make.round(contest=contest, title="Tuần thi thứ nhất", question_count=4, max_attempts=None)
    attempt, _ = rounds.start_attempt(taken, member)
    rounds.submit_attempt(attempt)
    rounds.start_attempt(taken, member)  # one in progress: the quiz page itself is linked from the round
    writing = essay_round(make, contest=contest, title="Viết về tấm gương Bác Hồ", judges_per_entry=1)
    essays.submit_entry(writing, member, title="Bác Hồ với thanh niên", body=words(60, "Bác"), declared=True)
    judging.add_to_panel(writing, 1, [judge.id])
    judging.auto_assign(writing)
    db.session.commit()

    found, kinds = [], {}
    for user in (member, judge, organizer):
        seen, problems = _crawl(browser, live_server, user)
        kinds[user.role] = seen
        found += problems
    assert found == [], "\n".join(found)
    # The crawl really reached the pages of each role (not just a sign-in page).
    assert {"/attempts/N", "/rounds/N", "/essays/rounds/N"} <= set(kinds["member"])
    assert "/judging/assignments/N" in kinds["judge"]
    assert {"/manage/", "/manage/bank/", "/judging/manage/rounds/N"} <= set(kinds["organizer"])
