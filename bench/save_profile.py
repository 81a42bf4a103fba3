"""Time N answer saves in one process (Flask test client, PostgreSQL), and count their statements.

No HTTP server and no load generator share the cores, so the figure is the app's own cost per
save (Python + round trips), the one issue 10 point 3 cuts. Each save is a PUT of one member's
answer with a bearer token, as the quiz page's autosave does for token clients.

Usage: .venv/bin/python bench/save_profile.py [--saves 2000] [--members 50] [--redis redis://127.0.0.1:6379/0]
       BENCH_ROOT=/some/checkout .venv/bin/python bench/save_profile.py   # another version's code
Needs PostgreSQL at 127.0.0.1:5432 (trust auth); it recreates database `contest_save_bench`.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(os.environ.get("BENCH_ROOT") or Path(__file__).resolve().parent.parent)
sys.path.insert(0, str(ROOT))
DB = "postgresql+psycopg://postgres@127.0.0.1:5432/contest_save_bench"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=2000)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--redis", default=None, help="REDIS_URL for the shared cache (else in-process)")
    args = parser.parse_args()
    for sql in ("DROP DATABASE IF EXISTS contest_save_bench", "CREATE DATABASE contest_save_bench"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql], check=True)

    from sqlalchemy import event

    from app import create_app
    from contest.accounts.models import ApiToken, User
    from contest.extensions import db
    from contest.rounds.models import Contest, Round
    from question_bank.models import Topic
    from question_bank.service import create_question

    config = {"SQLALCHEMY_DATABASE_URI": DB, "SECRET_KEY": "bench-only-secret-key-0123456789",
              "RATELIMIT_ENABLED": False}
    if args.redis:
        config["REDIS_URL"] = args.redis
    app = create_app(config)
    with app.app_context():
        db.create_all()
        topic = Topic(name="Bench")
        db.session.add(topic)
        db.session.flush()
        for i in range(40):
            create_question(text=f"Câu hỏi {i}", kind="single", topic_id=topic.id, status="approved",
                            options=[(f"Đúng {i}", True), (f"Sai {i}a", False), (f"Sai {i}b", False)])
        contest = Contest(title="Bench")
        db.session.add(contest)
        db.session.flush()
        now = datetime.now(timezone.utc)
        round_ = Round(contest_id=contest.id, kind="quiz", title="Bench", opens_at=now - timedelta(hours=1),
                       closes_at=now + timedelta(days=1), duration_seconds=3600, question_count=20,
                       max_attempts=None, grace_seconds=10)
        db.session.add(round_)
        users = [User(username=f"m{i}", password_hash="x", full_name=f"Thí sinh {i}", role="member")
                 for i in range(args.members)]
        db.session.add_all(users)
        db.session.flush()
        tokens = []
        for user in users:
            tokens.append(f"bench-token-{user.id}")
            db.session.add(ApiToken(user_id=user.id, token_hash=ApiToken.digest(tokens[-1])))
        db.session.commit()
        round_id = round_.id

    client = app.test_client()
    plays = []
    for token in tokens:
        headers = {"Authorization": f"Bearer {token}"}
        attempt = client.post(f"/api/v1/rounds/{round_id}/attempts", headers=headers).json
        plays.append((headers, attempt))
    counted = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: counted.append(1))
    times = []
    for i in range(args.saves):
        headers, attempt = plays[i % len(plays)]
        q = attempt["questions"][(i // len(plays)) % len(attempt["questions"])]
        key = q["options"][i % len(q["options"])]["id"]
        started = time.perf_counter()
        response = client.put(f"/api/v1/attempts/{attempt['id']}/answers/{q['id']}", headers=headers,
                              json={"option_ids": [key]})
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.get_data(as_text=True)
    times.sort()
    print(f"code: {ROOT}; cache: {args.redis or 'in-process'}; {args.saves} saves by {args.members} members")
    print(f"statements per save: {len(counted) / args.saves:.2f}")
    print(f"per save: mean {statistics.mean(times) * 1000:.2f} ms, p50 {times[len(times) // 2] * 1000:.2f} ms, "
          f"p95 {times[int(len(times) * 0.95)] * 1000:.2f} ms; {len(times) / sum(times):.0f} saves/s on one thread")


if __name__ == "__main__":
    main()
