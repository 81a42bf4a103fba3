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


def _flask(url, *args):
    """Run `flask <args>` against the database at `url`, as an operator would."""
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "migrations-test-key-0123456789"}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done


def _flask_db(url, *args):
    return _flask(url, "db", *args)


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




def test_answers_saved_before_public_option_keys_still_show_as_chosen():
    """e_quiz gives rows drawn before it the keys their members were already shown (the option
    ids): an attempt in progress goes on working and its saved answer shows as chosen."""
    import re
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import text

    from contest.accounts.rules import hash_password

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/before.sqlite3"
        _flask(url, "db", "upgrade", "e_quiz-1")
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        at = lambda delta: (now + delta).isoformat(sep=" ")  # noqa: E731
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO user_account (id, username, password_hash, full_name, role, active, created_at) "
                "VALUES (1, 'an', :pw, 'Nguyễn An', 'member', 1, :t)"), {"pw": hash_password("mat-khau-dai"), "t": at(timedelta())})
            conn.execute(text("INSERT INTO question (id, status, tags, search_text, created_at, updated_at) "
                              "VALUES (1, 'approved', '[]', '', :t, :t)"), {"t": at(timedelta())})
            conn.execute(text("INSERT INTO question_version (id, question_id, number, kind, text, created_at) "
                              "VALUES (1, 1, 1, 'single', 'Bác sinh năm nào?', :t)"), {"t": at(timedelta())})
            conn.execute(text("UPDATE question SET current_version_id = 1"))
            for oid, label, right in ((11, "1890", 1), (12, "1911", 0), (13, "1945", 0)):
                conn.execute(text("INSERT INTO question_option (id, version_id, position, text, is_correct) "
                                  "VALUES (:id, 1, :id, :label, :right)"), {"id": oid, "label": label, "right": right})
            conn.execute(text("INSERT INTO contest (id, title, created_at) VALUES (1, 'Cuộc thi', :t)"), {"t": at(timedelta())})
            conn.execute(text(
                "INSERT INTO round (id, contest_id, kind, title, opens_at, closes_at, results_published, created_at, "
                "duration_seconds, question_count, counting, tie_break, shuffle_options, grace_seconds) "
                "VALUES (1, 1, 'quiz', 'Tuần 1', :opens, :closes, 0, :opens, 3600, 1, 'best', 'duration', 1, 10)"),
                {"opens": at(timedelta(hours=-1)), "closes": at(timedelta(days=1))})
            conn.execute(text(
                "INSERT INTO attempt (id, round_id, user_id, number, status, started_at, deadline, question_count) "
                "VALUES (1, 1, 1, 1, 'in_progress', :start, :deadline, 1)"),
                {"start": at(timedelta(minutes=-5)), "deadline": at(timedelta(minutes=55))})
            conn.execute(text(
                "INSERT INTO attempt_question (id, attempt_id, question_id, version_id, position, option_order, "
                "selected, saved_at) VALUES (1, 1, 1, 1, 1, '[13, 11, 12]', '[12]', :t)"), {"t": at(timedelta(minutes=-1))})
        engine.dispose()
        _flask(url, "db", "upgrade")

        from app import create_app
        from contest.extensions import db
        from contest.rounds.models import AttemptQuestion

        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "WTF_CSRF_ENABLED": False})
        with app.app_context():
            row = db.session.get(AttemptQuestion, 1)
            assert row.option_keys == {"13": 13, "11": 11, "12": 12} and row.selected == [12]
            client = app.test_client()
            assert client.post("/login", data={"username": "an", "password": "mat-khau-dai"}).status_code == 302
            page = client.get("/attempts/1").get_data(as_text=True)
            assert [int(v) for v in re.findall(r'name="q1" id="o\d+" value="(\d+)"', page)] == [13, 11, 12]
            assert re.search(r'id="o12" value="12"\s+checked', page)
            assert client.get("/api/v1/attempts/1", headers={"X-CSRFToken": "the-page-token"}).json["answers"] == {"1": [12]}
            # The page it had open (or its offline queue) sends those ids: still taken.
            assert client.put("/api/v1/attempts/1/answers/1", json={"option_ids": [11]}).status_code == 200
            db.session.expire_all()
            assert db.session.get(AttemptQuestion, 1).selected == [11]
            db.session.remove()
            db.engine.dispose()


def test_judging_state_moves_to_judging_settings_with_every_rounds_values():
    """e_state moves current_stage and normalize_scores from essay_settings to judging_settings,
    copying each round's values; downgrading copies them back."""
    from sqlalchemy import inspect, text

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/state.sqlite3"
        _flask_db(url, "upgrade", "e_state-1")
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO contest (id, title, created_at) VALUES (1, 'Cuộc thi', '2026-12-01 00:00:00')"))
            for round_id in (1, 2):
                conn.execute(text(
                    "INSERT INTO round (id, contest_id, kind, title, opens_at, closes_at, results_published, "
                    "created_at, judges_per_entry, discrepancy_threshold, counting, tie_break, shuffle_options, "
                    "grace_seconds) VALUES (:id, 1, 'essay', 'Bài viết', '2026-12-01 00:00:00', "
                    "'2026-12-08 00:00:00', 0, '2026-12-01 00:00:00', 2, 20, 'best', 'duration', 1, 10)"),
                    {"id": round_id})
            for round_id, stage, normalize in ((1, 2, 1), (2, 1, 0)):
                conn.execute(text(
                    "INSERT INTO essay_settings (round_id, allowed_kinds, max_file_bytes, require_declaration, "
                    "similarity_limit, normalize_scores, current_stage) VALUES (:id, '[\"docx\"]', 1000, 1, 0.2, "
                    ":normalize, :stage)"), {"id": round_id, "stage": stage, "normalize": normalize})
        _flask_db(url, "upgrade", "e_state")
        with engine.connect() as conn:
            moved = conn.execute(text("SELECT round_id, current_stage, normalize_scores FROM judging_settings "
                                      "ORDER BY round_id")).all()
        assert moved == [(1, 2, 1), (2, 1, 0)]
        assert {c["name"] for c in inspect(engine).get_columns("essay_settings")} == {
            "round_id", "allowed_kinds", "max_file_bytes", "require_declaration", "declaration_text",
            "similarity_limit"}
        engine.dispose()
        _flask_db(url, "downgrade", "e_state-1")
        with engine.connect() as conn:
            back = conn.execute(text("SELECT round_id, current_stage, normalize_scores FROM essay_settings "
                                     "ORDER BY round_id")).all()
        engine.dispose()
        assert back == [(1, 2, 1), (2, 1, 0)]
