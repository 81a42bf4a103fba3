"""Member and organizer journeys in a real browser (Chromium, phone-sized for members)."""
import re
from datetime import timedelta

from playwright.sync_api import expect

from contest.extensions import db
from contest.rounds.models import Attempt
from tests.e2e.conftest import sign_in, start_round


def test_member_registers_takes_round_reloads_and_submits(live_server, phone, make):
    unit = make.unit("Chi bộ Văn phòng")
    make.questions(6)
    round_ = make.round(title="Tuần thi thứ hai", question_count=4, duration_seconds=900,
                        prediction_prompt="Bao nhiêu người trả lời đúng tất cả?")
    page = phone
    page.goto(f"{live_server}/register")
    page.fill("#full_name", "Trần Thị Bình")
    page.select_option("#unit_id", str(unit.id))
    page.fill("#username", "binh.tran")
    page.fill("#password", "mat-khau-du-dai")
    page.fill("#confirm", "mat-khau-du-dai")
    page.click("button[type=submit].btn-danger")
    expect(page.locator(".alert-success")).to_be_visible()

    page.click(f"text=Tuần thi thứ hai")
    page.click("form[action$='/start'] button")
    expect(page.locator("#countdown")).to_have_text(re.compile(r"1[45]:\d\d"))
    questions = page.locator(".question")
    expect(questions).to_have_count(4)
    first, second = questions.nth(0), questions.nth(1)
    first.locator(".form-check-label").first.click()
    expect(first.locator(".save-state")).to_have_class(re.compile("text-success"))
    second.locator(".form-check-label").nth(1).click()
    expect(second.locator(".save-state")).to_have_class(re.compile("text-success"))

    page.reload()
    expect(page.locator(".question").nth(0).locator("input").first).to_be_checked()
    expect(page.locator(".question").nth(1).locator("input").nth(1)).to_be_checked()
    expect(page.locator(".nav-q.btn-success")).to_have_count(2)

    page.fill("#prediction", "3")
    page.click("#submit-form button[data-bs-toggle=modal]")
    expect(page.locator("#confirm-submit")).to_be_visible()
    expect(page.locator("#confirm-summary")).to_contain_text("2")
    page.click("#confirm-submit-button")
    expect(page.locator("[data-testid=score]")).to_have_text(re.compile(r"\d+(\.\d+)? / 4"))
    attempt = db.session.execute(db.select(Attempt)).scalar_one()
    assert attempt.status == "submitted" and attempt.prediction == 3
    assert len([aq for aq in attempt.questions if aq.selected]) == 2
    # A phone-sized page has no horizontal scroll.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_answer_chosen_offline_is_sent_when_back_online(live_server, phone, make, network):
    member = make.user(password="mat-khau-du-dai")
    make.questions(3)
    make.round(title="Tuần thi ngoại tuyến", question_count=3)
    page = phone
    start_round(page, live_server, member, "Tuần thi ngoại tuyến")
    expect(page.locator("#countdown")).not_to_have_text("--:--")  # the page's script has loaded
    network.off(page.context)
    box = page.locator(".question").nth(0)
    box.locator(".form-check-label").first.click()
    expect(page.locator("#connection")).not_to_be_empty()
    network.on(page.context)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(box.locator(".save-state")).to_have_class(re.compile("text-success"))
    db.session.expire_all()
    attempt = db.session.execute(db.select(Attempt)).scalar_one()
    assert any(aq.selected for aq in attempt.questions)


def test_organizer_schedules_round_and_publishes_leaderboard(live_server, desktop, make):
    organizer = make.user(role="organizer", password="mat-khau-du-dai")
    topic = make.topic("Tư tưởng Hồ Chí Minh")
    make.questions(8, topic=topic)
    contest = make.contest("Cuộc thi năm 2026")
    finished = make.round(contest=contest, title="Tuần thi thứ nhất", question_count=3)
    member = make.user(full_name="Lê Văn Cường")
    from contest.rounds import service

    attempt, _ = service.start_attempt(finished, member)
    service.submit_attempt(attempt)
    db.session.commit()  # services flush; the caller commits

    page = desktop
    sign_in(page, live_server, organizer)
    page.goto(f"{live_server}/manage/contests/{contest.id}")
    page.click(f"a[href$='/manage/contests/{contest.id}/rounds/new']")
    page.fill("#title", "Tuần thi thứ ba")
    opens = make.clock() + timedelta(days=1)
    page.fill("#opens_at", (opens + timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#closes_at", (opens + timedelta(days=7, hours=7)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#duration_minutes", "20")
    page.fill("#question_count", "5")
    page.select_option("#topic_ids", str(topic.id))
    page.fill("#prediction_prompt", "Bao nhiêu người đúng hết?")
    page.click("form button[type=submit].btn-danger")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("table")).to_contain_text("Tuần thi thứ ba")

    page.goto(f"{live_server}/rounds/{finished.id}/leaderboard")
    expect(page.locator("table")).to_contain_text("Lê Văn Cường")
    # Still open: publishing is refused, and said so before anyone tries.
    expect(page.locator("#publish-refused")).to_contain_text("Vòng thi chưa kết thúc")
    expect(page.locator("form[action$='/publish'] button")).to_be_disabled()
    make.clock.set(finished.closes_at + timedelta(minutes=1))
    page.reload()
    page.click("form[action$='/publish'] button")
    expect(page.locator(".alert-success")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(type(finished), finished.id).results_published is True
