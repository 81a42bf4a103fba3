"""GET /healthz: is this app server fit to take requests (api-v1.md)?

It asks the database one `SELECT 1` and, when REDIS_URL is set, pings Redis — nothing else: no
session, no sign-in, no rate limit. A load balancer takes a server out of its pool on the 503, and
load tests compare every other endpoint against this one.

"cache" says "none" when there is no shared cache (the embedded default) and "down" when Redis
does not answer: the app still serves (a cache is only a shortcut; see extensions.cache_get), so
that alone is not a 503.
"""
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from contest.extensions import db, limiter

bp = Blueprint("health", __name__)
_redis_clients: dict = {}  # one connection pool per URL, not state: every worker may hold its own


def _cache_state() -> str:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "none"
    import redis

    client = _redis_clients.get(url)
    if client is None:
        client = _redis_clients[url] = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        return "down"
    return "ok"


@bp.get("/healthz")
@limiter.exempt
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("healthz: the database did not answer")
        database = "down"
    body = {"status": "ok" if database == "ok" else "down", "database": database, "cache": _cache_state()}
    return jsonify(body), 200 if database == "ok" else 503
