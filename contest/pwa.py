"""The installable web app (issue 12 point 5): GET /sw.js, the service worker, from the root.

A service worker controls only the paths under its own URL, so it is served from "/" (and says
so in Service-Worker-Allowed) rather than from /static/js/; it is never cached by the browser's
HTTP cache (no-cache), so a new version reaches every phone on its next visit. What it caches and
what it never caches is written in static/js/sw.js itself.
"""
from flask import Blueprint, current_app, send_from_directory

bp = Blueprint("pwa", __name__)


@bp.route("/sw.js")
def service_worker():
    response = send_from_directory(current_app.static_folder, "js/sw.js", max_age=0,
                                   mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response
