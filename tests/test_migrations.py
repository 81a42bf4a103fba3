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
