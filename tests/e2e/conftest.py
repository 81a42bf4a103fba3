"""Browser journeys: the app served on a free local port in a thread, driven by Playwright
with Debian's Chromium. Skipped, with a clear message, where no Chromium is installed."""
import os
import shutil

import pytest

from tests.servers import serving

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
HAVE_CHROMIUM = os.path.exists(CHROMIUM)


def pytest_collection_modifyitems(config, items):
    if HAVE_CHROMIUM:
        return
    skip = pytest.mark.skip(reason="browser tests need Chromium: apt-get install -y chromium (.ci/run does)")
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture
def live_server(app, clock):
    """Base URL of the app served for real. The test's frozen clock is the server's clock."""
    app.config["WTF_CSRF_ENABLED"] = True  # journeys go through the real forms
    with serving(app) as base:
        yield base
    app.config["WTF_CSRF_ENABLED"] = False


class Network:
    """The phone's network, cut and restored (`network.off(context)`, `network.on(context)`).

    Chromium's offline emulation does not always hold a request that passes through the service
    worker without its answer (the API: the worker leaves it to the network): now and then a copy
    goes on to the server. A dead network delivers nothing, so while it is cut the server's side
    drops whatever still arrives at the API (503, which the page treats as the network: waiting,
    will resend)."""

    def __init__(self, app):
        self.cut = False
        self.app = app
        self.inner = app.wsgi_app
        app.wsgi_app = self._wsgi

    def _wsgi(self, environ, start_response):
        if self.cut and environ.get("PATH_INFO", "").startswith("/api/"):
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"the test cut the network"]
        return self.inner(environ, start_response)

    def off(self, context):
        self.cut = True
        context.set_offline(True)

    def on(self, context):
        self.cut = False
        context.set_offline(False)


@pytest.fixture
def network(app, live_server):
    cut = Network(app)
    yield cut
    app.wsgi_app = cut.inner


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


def sign_in(page, live_server, member, password="mat-khau-du-dai"):
    """Sign in through the sign-in form."""
    page.goto(f"{live_server}/login")
    page.fill("#username", member.username)
    page.fill("#password", password)
    page.click("main button[type=submit]")


def start_round(page, live_server, member, round_title, password="mat-khau-du-dai"):
    """Sign in and start the round titled `round_title` from the home page's list."""
    sign_in(page, live_server, member, password)
    page.click(f"text={round_title}")
    page.click("form[action$='/start'] button")


@pytest.fixture
def phone(browser):
    """A phone-sized page (390×844), Vietnamese by default."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
