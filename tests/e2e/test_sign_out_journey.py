"""In a real browser: cookies kept from before signing out (the session cookie, or the
remember-me cookie alone) sign in no more in another browser."""
from playwright.sync_api import expect


def _browser_with(browser, live_server, cookies):
    context = browser.new_context(locale="vi-VN")
    context.add_cookies(cookies)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server}/")
    return context, page


def test_cookies_kept_from_before_sign_out_no_longer_sign_in(live_server, browser, desktop, make):
    make.user("lan.le", full_name="Lê Thị Lan", password="mat-khau-du-dai")
    page = desktop  # the navbar is open (on a phone it folds behind its toggler)
    page.goto(f"{live_server}/login")
    page.fill("#username", "lan.le")
    page.fill("#password", "mat-khau-du-dai")
    page.click("button[type=submit].btn-danger")
    navbar = page.locator("nav.navbar")
    expect(navbar).to_contain_text("Lê Thị Lan")

    kept = page.context.cookies()
    assert {"session", "remember_token"} <= {c["name"] for c in kept}
    remember_only = [c for c in kept if c["name"] == "remember_token"]
    assert remember_only[0]["sameSite"] == "Lax" and remember_only[0]["httpOnly"]

    # While signed in, a copy of the cookies is as good as the original ...
    copy, copied = _browser_with(browser, live_server, kept)
    expect(copied.locator("nav.navbar")).to_contain_text("Lê Thị Lan")
    copy.close()

    page.click("form[action$='/logout'] button")
    expect(page.locator(".alert")).to_contain_text("Bạn đã đăng xuất.")
    expect(navbar).not_to_contain_text("Lê Thị Lan")

    # ... after signing out, neither the kept cookies nor the remember-me cookie alone sign in.
    for cookies in (kept, remember_only):
        other, stolen = _browser_with(browser, live_server, cookies)
        expect(stolen.locator("nav.navbar")).to_contain_text("Đăng nhập")
        expect(stolen.locator("nav.navbar")).not_to_contain_text("Lê Thị Lan")
        other.close()
