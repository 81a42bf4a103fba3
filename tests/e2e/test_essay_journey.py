"""Writing round journeys in a real browser: a member writes, uploads and revises (phone); the
organizer assigns judges (desktop); a judge scores two entries blind; the organizer sees the
results and publishes them. Entry text with <script> or event handlers never runs."""
import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from contest.essays.models import Entry
from contest.extensions import db
from contest.judging.models import Assignment, Criterion
from tests.api.test_essay_entries import essay_round

HOSTILE = ('Bài này nói về Bác <script>window.__pwned = "script"</script> '
           '<img src=x onerror="window.__pwned = \'img\'"> <b onmouseover="window.__pwned=1">kính yêu</b> '
           'và tấm gương đạo đức Hồ Chí Minh.')


def login(page, base, user, password="secret-pass"):
    page.goto(f"{base}/login")
    page.fill("#username", user.username)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    expect(page.locator("nav")).to_contain_text(user.full_name)


def logout(page):
    # On a phone the sign-out button sits in the collapsed menu; submit its form directly.
    with page.expect_navigation():
        page.evaluate("document.querySelector(\"nav form[action$='/logout']\").submit()")


def no_script_ran(page):
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_member_judge_and_organizer_journeys(live_server, phone, desktop, make, tmp_path):
    dialogs = []
    for page in (phone, desktop):
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    round_ = essay_round(make, title="Cuộc thi viết Bác Hồ", min_words=8, max_words=200,
                         open_for=timedelta(days=7), discrepancy_threshold=50.0)
    home_unit, judges_unit = make.unit("Chi đoàn Xã"), make.unit("Ban Tuyên giáo")
    member = make.user(username="hoa.le", full_name="Lê Thị Hoa", unit=home_unit)
    other = make.user(username="nam.tran", full_name="Trần Văn Nam", unit=home_unit)
    judges = [make.user(username=f"giamkhao{i}", full_name=f"Giám khảo {i}", role="judge", unit=judges_unit)
              for i in (1, 2)]
    organizer = make.user(username="btc", full_name="Ban tổ chức", role="organizer")
    # Another member's entry, stored with raw markup as if it had slipped in: pages must escape it.
    db.session.add(Entry(round_id=round_.id, author_id=other.id, code="VB-ABCDEF", title="<i>Tựa</i> khác",
                         body=HOSTILE, word_count=25, source="editor", submitted_at=make.clock(),
                         updated_at=make.clock()))
    db.session.commit()

    # --- member, on a phone: write, submit, upload a file, revise -------------------------
    page = phone
    login(page, live_server, member)
    page.goto(f"{live_server}/rounds/{round_.id}")
    page.click(f"a[href$='/essays/rounds/{round_.id}/write']")
    page.fill("#title", "Học Bác mỗi ngày")
    page.fill("#body", "Quá ngắn")
    expect(page.locator("#word-count")).to_contain_text("2")
    expect(page.locator("#word-count")).to_have_class(re.compile("text-danger"))
    page.locator("#body").fill(HOSTILE)
    expect(page.locator("#word-count")).to_have_class(re.compile("text-success"))
    expect(page.locator("#save-state")).to_have_class(re.compile("text-muted"))
    expect(page.locator("#save-state")).not_to_be_empty()
    page.reload()  # the draft was saved as the member typed
    expect(page.locator("#body")).to_have_value(re.compile("tấm gương đạo đức"))
    page.check("#declaration")
    page.click("#essay-editor button[type=submit]")
    expect(page.locator("#entry-code")).to_have_text(re.compile(r"VB-\w{6}"))
    # What the member typed is shown as written, as text: the tags are visible, none is an element.
    expect(page.locator("#entry-body")).to_have_text(HOSTILE)
    assert page.locator("#entry-body script, #entry-body img, #entry-body b").count() == 0
    no_script_ran(page)
    code = page.locator("#entry-code").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    upload = tmp_path / "bai-du-thi.txt"
    upload.write_text("Tôi học tập tư tưởng Hồ Chí Minh qua từng việc làm nhỏ mỗi ngày ở chi đoàn.", encoding="utf-8")
    page.click(f"a[href$='/essays/rounds/{round_.id}/upload']")
    page.set_input_files("#file", str(upload))
    page.click("main form button[type=submit]")
    expect(page.locator(".entry-preview")).to_contain_text("từng việc làm nhỏ")
    expect(page.locator("#upload-count")).to_contain_text("18")
    page.check("#declaration")
    page.click("main form button[type=submit]")
    expect(page.locator("#entry-body")).to_contain_text("từng việc làm nhỏ")
    expect(page.locator("#entry-code")).to_have_text(code)  # a revision keeps its code

    page.click(f"a[href$='/essays/rounds/{round_.id}/write']")
    page.fill("#body", "Tôi học tập tư tưởng Hồ Chí Minh qua từng việc làm nhỏ, và sửa bài trước hạn chót.")
    page.check("#declaration")
    page.click("#essay-editor button[type=submit]")
    expect(page.locator("#entry-body")).to_contain_text("sửa bài trước hạn chót")
    logout(page)

    # --- organizer: add judges and assign automatically ----------------------------------
    page = desktop
    login(page, live_server, organizer)
    page.goto(f"{live_server}/judging/manage/rounds/{round_.id}")
    page.select_option("#panel-judge_ids", [str(j.id) for j in judges])
    page.click("#add-judges button[type=submit]")
    expect(page.locator("#panel")).to_contain_text("Giám khảo 2")
    page.click("#auto-assign")
    expect(page.locator(".alert-success")).to_contain_text("4")
    logout(page)

    # --- judge: two entries, blind ---------------------------------------------------------
    login(page, live_server, judges[0])
    page.goto(f"{live_server}/judging/")
    expect(page.locator("#assignments a")).to_have_count(2)
    criteria = db.session.execute(select(Criterion).order_by(Criterion.position)).scalars().all()
    page.locator("#assignments a").first.click()
    for points in ((35, 25, 25), (30, 20, 20)):
        expect(page.locator("#entry-code")).to_have_text(re.compile(r"VB-\w{6}"))
        html = page.content()
        for secret in ("Lê Thị Hoa", "hoa.le", "Trần Văn Nam", "nam.tran", "Chi đoàn Xã", "bai-du-thi"):
            assert secret not in html
        no_script_ran(page)
        page.hover("#entry-body")
        for criterion, value in zip(criteria, points):
            page.fill(f"#c{criterion.id}", str(value))
        page.fill("#comment", "Bài viết chân thành.")
        page.click("#score-sheet button[value=submit]")
        expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#assignments .badge.text-bg-success")).to_have_count(2)
    no_script_ran(page)
    logout(page)
    for row in db.session.execute(select(Assignment).where(Assignment.judge_id == judges[1].id)).scalars():
        from contest.judging import service

        service.save_sheet(row, {criteria[0].id: 32, criteria[1].id: 22, criteria[2].id: 22}, None, submit=True)
    db.session.commit()  # services flush; the caller commits

    # --- organizer: results, then publish ----------------------------------------------------
    login(page, live_server, organizer)
    page.goto(f"{live_server}/judging/manage/rounds/{round_.id}/results")
    table = page.locator("#results-table")
    expect(table).to_contain_text("Giám khảo 1")
    expect(table).to_contain_text("Lê Thị Hoa")
    expect(page.locator("#progress")).to_contain_text("4")
    no_script_ran(page)
    expect(page.locator("#publish-refused")).to_contain_text("Vòng thi chưa kết thúc")  # still open
    make.clock.set(round_.closes_at)
    page.reload()
    page.check("#confirm-publish")  # a real confirmation: the button alone publishes nothing
    page.click("#publish")
    expect(page.locator(".alert-success")).to_be_visible()
    logout(page)

    page = phone
    login(page, live_server, member)
    page.goto(f"{live_server}/essays/rounds/{round_.id}/results")
    expect(page.locator("#results")).to_contain_text("Lê Thị Hoa")
    expect(page.locator("#results")).to_contain_text("Chi đoàn Xã")
    no_script_ran(page)
    assert dialogs == []
