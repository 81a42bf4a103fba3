"""Shared fixtures: one app per session on SQLite (or PostgreSQL when TEST_DATABASE_URL is set),
clean tables for every test, and an injectable clock so tests travel in time without sleeping."""
import os
import tempfile
from datetime import datetime, timezone

import pytest
from sqlalchemy import text

from app import create_app
from contest.clock import FrozenClock
from contest.config import TestConfig
from contest.extensions import db

T0 = datetime(2026, 12, 7, 3, 0, tzinfo=timezone.utc)  # Monday 10:00 in Hà Nội


def _database_url(tmp_dir: str) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    return f"sqlite:///{os.path.join(tmp_dir, 'test.sqlite3')}"


@pytest.fixture(scope="session")
def database_url():
    with tempfile.TemporaryDirectory() as tmp:
        yield _database_url(tmp)


@pytest.fixture(scope="session")
def app(database_url):
    config = {key: getattr(TestConfig, key) for key in dir(TestConfig) if key.isupper()}
    config["SQLALCHEMY_DATABASE_URI"] = database_url
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        _drop_leftovers()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _drop_leftovers():
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def clean_tables():
    # End this context's transaction first: on PostgreSQL, TRUNCATE waits for every reader.
    db.session.remove()
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            conn.execute(text("PRAGMA foreign_keys = OFF"))
            for t in tables:
                conn.execute(text(f'DELETE FROM "{t}"'))


@pytest.fixture
def clock(app):
    clock = FrozenClock(T0)
    app.config["CLOCK"] = clock
    yield clock
    app.config["CLOCK"] = None


@pytest.fixture(autouse=True)
def _fresh(request):
    """Every test that uses the app starts from empty tables and forgets caches."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        clean_tables()
        from question_bank.candidates import forget_candidates
        from contest.extensions import cache

        forget_candidates()
        cache.clear()  # the standings and anything else cached
        from contest.accounts import throttle

        throttle.forget_all(app)  # sign-in failure counts
        from contest import ratelimit

        ratelimit.forget_all(app)  # rate limit counts
    yield
    with app.app_context():
        db.session.remove()


@pytest.fixture
def ctx(app, clock):
    with app.app_context():
        yield app


@pytest.fixture
def client(app, clock):
    return app.test_client()


@pytest.fixture
def make(app, clock):
    from tests.factories import Factory

    with app.app_context():
        yield Factory(app, clock)


def pytest_collection_modifyitems(config, items):
    on_pg = bool(os.environ.get("TEST_DATABASE_URL"))
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set TEST_DATABASE_URL (make test does on CI)")
    for item in items:
        if "postgres" in item.keywords and not on_pg:
            item.add_marker(skip_pg)
