"""Load on the hot paths of a quiz round, against gunicorn + PostgreSQL on this machine.

1. answer saving: many members saving answers at once through the API (the last hour);
2. submitting: every member submits;
3. leaderboard: live ranking and the final freeze over LARGE finished attempts (SQL bulk insert).

Usage: .venv/bin/python bench/quiz_load.py [--members 400] [--seconds 20] [--threads 32] [--large 200000]
Needs PostgreSQL at 127.0.0.1:5432 (trust auth); it creates and uses database `contest_bench`.
"""
import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/contest_bench"
BENCH_SECRET_KEY = "bench-only-secret-key-0123456789"  # the app refuses to start without a real one
PORT = 5099


def ensure_database():
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-qc",
                    "DROP DATABASE IF EXISTS contest_bench"], check=True)
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-qc",
                    "CREATE DATABASE contest_bench"], check=True)


def setup(members: int):
    from app import create_app
    from contest.accounts.models import ApiToken, User
    from contest.accounts.rules import hash_password
    from contest.extensions import db
    from contest.rounds.models import Contest, Round
    from question_bank.models import Topic
    from question_bank.service import create_question

    app = create_app({"SQLALCHEMY_DATABASE_URI": BENCH_DB, "SECRET_KEY": BENCH_SECRET_KEY})
    with app.app_context():
        db.create_all()
        topic = Topic(name="Bench")
        db.session.add(topic)
        db.session.flush()
        for i in range(200):
            create_question(text=f"Câu hỏi {i}", kind="single", topic_id=topic.id, status="approved",
                            options=[(f"Đúng {i}", True), (f"Sai {i}a", False), (f"Sai {i}b", False), (f"Sai {i}c", False)])
        contest = Contest(title="Bench")
        db.session.add(contest)
        db.session.flush()
        now = datetime.now(timezone.utc)
        round_ = Round(contest_id=contest.id, kind="quiz", title="Bench round", opens_at=now - timedelta(hours=1),
                       closes_at=now + timedelta(days=1), duration_seconds=3600, question_count=20,
                       max_attempts=None, counting="best", tie_break="duration", shuffle_options=True,
                       grace_seconds=10)
        db.session.add(round_)
        password = hash_password("bench-password")
        tokens = []
        users = [User(username=f"m{i}", password_hash=password, full_name=f"Thí sinh {i}", role="member")
                 for i in range(members)]
        db.session.add_all(users)
        db.session.flush()
        for user in users:
            token = f"bench-token-{user.id}"
            db.session.add(ApiToken(user_id=user.id, token_hash=ApiToken.digest(token)))
            tokens.append(token)
        db.session.commit()
        return round_.id, tokens


class Client:
    def __init__(self, token, port=None):
        self.port = port or PORT
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method, path, body=None):
        payload = json.dumps(body) if body is not None else None
        for retry in (False, True):
            try:
                self.conn.request(method, path, body=payload, headers=self.headers)
                response = self.conn.getresponse()
                data = response.read()
                return response.status, json.loads(data) if data else None
            except (http.client.HTTPException, ConnectionError):
                # gunicorn closes idle keep-alive connections: reconnect once.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if retry:
                    raise


def run_threads(n, target):
    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def summary(name, latencies, seconds, errors):
    latencies.sort()
    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000 if latencies else 0
    print(f"{name}: {len(latencies)} requests in {seconds:.1f}s = {len(latencies) / seconds:.0f} req/s; "
          f"p50 {pct(0.5):.1f} ms, p95 {pct(0.95):.1f} ms, p99 {pct(0.99):.1f} ms; errors {errors}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=400)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--large", type=int, default=200000)
    args = parser.parse_args()

    ensure_database()
    round_id, tokens = setup(args.members)
    env = {**os.environ, "DATABASE_URL": BENCH_DB, "SECRET_KEY": BENCH_SECRET_KEY}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-w", str(args.workers), "--threads", "4", "-b", f"127.0.0.1:{PORT}",
         "--log-level", "warning", "app:create_app()"], cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/api/v1/units")
                break
            except OSError:
                time.sleep(0.2)
        time.sleep(1)

        attempts = {}
        lat, errors, lat_by_order = [], [0], []
        lock = threading.Lock()

        def start(i):
            for t in range(i, len(tokens), args.threads):
                client = Client(tokens[t])
                t0 = time.perf_counter()
                status, body = client.call("POST", f"/api/v1/rounds/{round_id}/attempts")
                dt = time.perf_counter() - t0
                with lock:
                    lat.append(dt)
                    lat_by_order.append(dt)
                    if status in (200, 201):
                        attempts[t] = body
                    else:
                        errors[0] += 1
        t0 = time.perf_counter()
        run_threads(args.threads, start)
        summary("start attempt (draw 20 of 200)", list(lat), time.perf_counter() - t0, errors[0])
        warm = lat_by_order[args.threads * 2:]
        summary("  of which after the first 2 per client thread (warm workers)", warm,
                time.perf_counter() - t0, 0)

        lat, errors = [], [0]
        stop_at = time.perf_counter() + args.seconds

        def save(i):
            keys = list(attempts)[i::args.threads]
            clients = {k: Client(tokens[k]) for k in keys}
            rng = random.Random(i)
            while time.perf_counter() < stop_at:
                k = rng.choice(keys)
                q = rng.choice(attempts[k]["questions"])
                t1 = time.perf_counter()
                status, _ = clients[k].call("PUT", f"/api/v1/attempts/{attempts[k]['id']}/answers/{q['id']}",
                                            {"option_ids": [rng.choice(q["options"])["id"]]})
                dt = time.perf_counter() - t1
                with lock:
                    lat.append(dt)
                    if status != 200:
                        errors[0] += 1
        t0 = time.perf_counter()
        run_threads(args.threads, save)
        summary("save answer", lat, time.perf_counter() - t0, errors[0])

        lat, errors = [], [0]

        def submit(i):
            for k in list(attempts)[i::args.threads]:
                client = Client(tokens[k])
                t1 = time.perf_counter()
                status, _ = client.call("POST", f"/api/v1/attempts/{attempts[k]['id']}/submit", {"prediction": 5})
                with lock:
                    lat.append(time.perf_counter() - t1)
                    if status != 200:
                        errors[0] += 1
        t0 = time.perf_counter()
        run_threads(args.threads, submit)
        summary("submit", lat, time.perf_counter() - t0, errors[0])
    finally:
        server.terminate()
        server.wait()

    leaderboard_at_scale(round_id, args.large)


def leaderboard_at_scale(round_id, large):
    from sqlalchemy import text

    from app import create_app
    from contest.extensions import db
    from contest.rounds.models import Round
    from contest.standings import service as standings

    app = create_app({"SQLALCHEMY_DATABASE_URI": BENCH_DB, "LEADERBOARD_CACHE_SECONDS": 0,
                      "SECRET_KEY": BENCH_SECRET_KEY})
    with app.app_context():
        t0 = time.perf_counter()
        db.session.execute(text("""
            INSERT INTO user_account (username, password_hash, full_name, role, active, created_at)
            SELECT 'x' || g, 'x', 'Thí sinh ' || g, 'member', true, now() FROM generate_series(1, :n) g"""), {"n": large})
        db.session.execute(text("""
            INSERT INTO attempt (round_id, user_id, number, status, started_at, deadline, submitted_at, score,
                                 max_score, correct_count, question_count, duration_seconds, prediction)
            SELECT :r, u.id, 1, 'submitted', now() - interval '1 hour', now(), now() - (random() * interval '50 minutes'),
                   s, 20, s, 20, 60 + random() * 3000, (random() * 1000)::int
            FROM (SELECT id, (random() * 20)::int AS s FROM user_account WHERE username LIKE 'x%') u"""), {"r": round_id})
        db.session.commit()
        print(f"inserted {large} finished attempts in {time.perf_counter() - t0:.1f}s")
        round_ = db.session.get(Round, round_id)
        t0 = time.perf_counter()
        rows = standings.leaderboard(round_)
        print(f"live leaderboard over {len(rows)} members: {time.perf_counter() - t0:.2f}s (cached afterwards for "
              f"LEADERBOARD_CACHE_SECONDS)")
        round_.closes_at = datetime.now(timezone.utc) - timedelta(seconds=1)
        db.session.commit()
        t0 = time.perf_counter()
        standings.freeze_if_closed(round_)
        print(f"final ranks computed and frozen for {len(rows)} members: {time.perf_counter() - t0:.2f}s")
        t0 = time.perf_counter()
        rows = standings.leaderboard(round_)
        print(f"frozen leaderboard read: {time.perf_counter() - t0:.2f}s")
        t0 = time.perf_counter()
        units = standings.unit_participation(round_)
        print(f"unit participation: {time.perf_counter() - t0:.2f}s ({len(units)} units)")


if __name__ == "__main__":
    main()
