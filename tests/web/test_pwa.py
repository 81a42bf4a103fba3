"""The installable web app (issue 12 point 5): the service worker from the root, the manifest,
and the one page the worker may keep for a reload offline (the member's own attempt)."""
import json
import re
from pathlib import Path

from tests.factories import sign_in

STATIC = Path(__file__).resolve().parents[2] / "static"


def test_service_worker_is_served_from_the_root_and_never_cached(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.mimetype == "text/javascript"
    body = response.get_data(as_text=True)
    assert body == (STATIC / "js" / "sw.js").read_text(encoding="utf-8")
    assert "/api/" not in re.findall(r"const SHELL_FILES = \[(.*?)\];", body, re.S)[0]


def test_manifest_makes_the_app_installable(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<link rel="manifest" href="/static/manifest.webmanifest">' in page
    assert '<script src="/static/js/pwa.js"></script>' in page
    response = client.get("/static/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["name"] == "Học tập và làm theo Bác · Cuộc thi"
    assert manifest["short_name"] == "Cuộc thi"
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#b02a37"
    from PIL import Image

    sizes = {}
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200
        with Image.open(STATIC / icon["src"].removeprefix("/static/")) as image:
            sizes[icon["sizes"]] = image.size
    assert sizes == {"192x192": (192, 192), "512x512": (512, 512)}


def test_only_the_members_own_attempt_page_is_marked_for_the_offline_cache(client, make):
    round_ = make.quiz(questions=4, question_count=3)
    member = make.user()
    sign_in(client, member)
    started = client.post(f"/rounds/{round_.id}/start")
    attempt_id = int(re.search(r"/attempts/(\d+)", started.headers["Location"]).group(1))
    own = client.get(f"/attempts/{attempt_id}")
    assert own.status_code == 200
    assert own.headers["X-Offline-Page"] == "attempt"
    assert "X-Offline-Page" not in client.get(f"/rounds/{round_.id}").headers
    client.post("/logout")
    organizer = make.user(role="organizer")
    sign_in(client, organizer)
    watched = client.get(f"/attempts/{attempt_id}")
    assert watched.status_code == 200
    assert 'data-testid="readonly-note"' in watched.get_data(as_text=True)
    assert "X-Offline-Page" not in watched.headers
