"""Migrations are the schema: upgrading an empty database gives exactly the models' tables."""
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

ROOT = Path(__file__).resolve().parent.parent


def test_upgrade_from_empty_matches_models():
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/migrated.sqlite3"
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "migrations-test-key-0123456789"}
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
                              cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        from app import create_app
        from contest.extensions import db

        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
        with app.app_context():
            engine = create_engine(url)
            with engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
            engine.dispose()
        assert diff == [], f"models and migrations differ: {diff}"


def test_single_head():
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "heads"],
                          cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "DATABASE_URL": "sqlite://",
                               "SECRET_KEY": "migrations-test-key-0123456789"})
    assert done.returncode == 0, done.stderr
    heads = [line for line in done.stdout.splitlines() if "(head)" in line]
    assert len(heads) == 1, done.stdout


pytestmark = pytest.mark.filterwarnings("ignore")


def _flask_db(url, *args):
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "migrations-test-key-0123456789"}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done


def test_topic_name_keys_are_filled_and_existing_duplicates_kept_and_reported():
    from sqlalchemy import text

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/topics.sqlite3"
        _flask_db(url, "upgrade", "e_holes-1")
        engine = create_engine(url)
        with engine.begin() as conn:
            for id_, name, parent in [(1, "Đạo đức Hồ Chí Minh", None), (2, " đạo đức  hồ chí minh", None),
                                      (3, "Cần kiệm", 1), (4, "CẦN KIỆM", 1), (5, "Cần kiệm", 2),
                                      (6, "Bạc", None)]:
                conn.execute(text("INSERT INTO topic (id, name, parent_id, created_at) "
                                  "VALUES (:id, :name, :parent, '2026-12-01 00:00:00')"),
                             {"id": id_, "name": name, "parent": parent})
        done = _flask_db(url, "upgrade", "e_holes")
        assert "e_holes: 2 topics have the name of an older topic under the same parent" in done.stdout
        assert "topic 2 \u201cđạo đức hồ chí minh\u201d (same as topic 1)" in done.stdout
        assert "topic 4 \u201cCẦN KIỆM\u201d (same as topic 3)" in done.stdout
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, name, name_key FROM topic ORDER BY id")).all()
        engine.dispose()
        assert rows == [(1, "Đạo đức Hồ Chí Minh", "đạo đức hồ chí minh"),
                        (2, "đạo đức hồ chí minh", "đạo đức hồ chí minh\n2"),
                        (3, "Cần kiệm", "cần kiệm"), (4, "CẦN KIỆM", "cần kiệm\n4"),
                        (5, "Cần kiệm", "cần kiệm"), (6, "Bạc", "bạc")]
