"""GET /healthz (api-v1.md): the database and the cache, and nothing else."""
import os

import pytest
import redis

from app import create_app

TEST_HEALTH_REDIS_URL = os.environ.get("TEST_HEALTH_REDIS_URL", "redis://127.0.0.1:6379/7")


def _server(app, **overrides):
    config = {**app.config, **overrides}
    config.pop("SERVER_NAME", None)
    return create_app(config)


def test_healthy_on_the_embedded_default_says_there_is_no_shared_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "cache": "none"}
    assert "Set-Cookie" not in response.headers  # no session is made for it


def test_with_redis_the_cache_is_pinged(app):
    try:
        redis.Redis.from_url(TEST_HEALTH_REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"needs Redis at {TEST_HEALTH_REDIS_URL}")
    response = _server(app, REDIS_URL=TEST_HEALTH_REDIS_URL).test_client().get("/healthz")
    assert (response.status_code, response.get_json()["cache"]) == (200, "ok")


def test_redis_not_answering_is_reported_but_the_server_still_serves(app):
    response = _server(app, REDIS_URL="redis://127.0.0.1:1/0").test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "cache": "down"}


def test_a_database_that_does_not_answer_gives_503(app):
    server = _server(app, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:1/none",
                     SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 1}})
    response = server.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "down", "database": "down", "cache": "none"}

