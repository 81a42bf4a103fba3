"""Load on the hot paths of a quiz round, against gunicorn + PostgreSQL on this machine.

1. answer saving: many members saving answers at once through the API (the last hour);
2. submitting: every member submits;
3. leaderboard: live ranking and the final freeze over LARGE finished attempts (SQL bulk insert).

Usage: .venv/bin/python bench/quiz_load.py [--members 400] [--seconds 20] [--threads 32] [--large 200000]
       .venv/bin/python bench/quiz_load.py --leaderboard-only [--large 200000] [--database URL] [--redis URL]
Needs PostgreSQL at 127.0.0.1:5432 (trust auth); it drops, creates and uses database `contest_bench`
(or the one `--database` names). `--leaderboard-only` runs part 3 alone, in this process (no
gunicorn): live ranking, freeze, reading the frozen ranking, then published leaderboard pages
(API and HTML) read at random offsets through the Flask test client, uncached and with the
shared cache in Redis (`--redis`, default db 11). `BENCH_ROOT=/other/checkout` runs another
version's code with this script (`git archive <rev> | tar -x -C /tmp/before`).
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

ROOT = Path(os.environ.get("BENCH_ROOT") or Path(__file__).resolve().parent.parent)
sys.path.insert(0, str(ROOT))
VENV = Path(sys.executable).parent  # the venv running this script (gunicorn is in it)
BENCH_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/contest_bench"
BENCH_SECRET_KEY = "bench-only-secret-key-0123456789"  # the app refuses to start without a real one
PORT = 5099


def ensure_database():
    name = BENCH_DB.rsplit("/", 1)[1]
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc",
                    f'DROP DATABASE IF EXISTS "{name}"'], check=True)
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc",
                    f'CREATE DATABASE "{name}"'], check=True)


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


def insert_finished(db, round_id, large, units):
    """LARGE members (spread over UNITS units) with one finished attempt each, by SQL."""
    from sqlalchemy import text

    t0 = time.perf_counter()
    if units:  # a fifth of them committees, the others their cells
        tops = max(1, units // 5)
        db.session.execute(text("INSERT INTO unit (name, created_at) SELECT 'Huyện ủy ' || g, now() "
                                "FROM generate_series(1, :n) g"), {"n": tops})
        db.session.execute(text("INSERT INTO unit (name, parent_id, created_at) SELECT 'Chi bộ ' || g, "
                                "(SELECT min(id) FROM unit) + g % :t, now() FROM generate_series(1, :n) g"),
                           {"n": units - tops, "t": tops})
    db.session.execute(text("""
        INSERT INTO user_account (username, password_hash, full_name, role, active, pending, must_change_password,
                                  search_text, created_at, unit_id)
        SELECT 'x' || g, 'x', 'Thí sinh ' || g, 'member', true, false, false, 'thi sinh ' || g || ' x' || g,
               now() - interval '1 day', CASE WHEN :u > 0 THEN (SELECT min(id) FROM unit) + g % greatest(:u, 1) END
        FROM generate_series(1, :n) g"""), {"n": large, "u": units})
    db.session.execute(text("""
        INSERT INTO attempt (round_id, user_id, number, status, started_at, deadline, submitted_at, score,
                             max_score, correct_count, question_count, duration_seconds, prediction)
        SELECT :r, u.id, 1, 'submitted', now() - interval '1 hour', now(), now() - (random() * interval '50 minutes'),
               s, 20, s, 20, 60 + random() * 3000, (random() * 1000)::int
        FROM (SELECT id, (random() * 20)::int AS s FROM user_account WHERE username LIKE 'x%') u"""), {"r": round_id})
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    print(f"inserted {large} finished attempts ({units} units) in {time.perf_counter() - t0:.1f}s")


def leaderboard_at_scale(round_id, large, units=0, pages=0, redis_url=None):
    from app import create_app
    from contest.extensions import db
    from contest.rounds.models import Round
    from contest.standings import service as standings

    app = create_app({"SQLALCHEMY_DATABASE_URI": BENCH_DB, "LEADERBOARD_CACHE_SECONDS": 0,
                      "SECRET_KEY": BENCH_SECRET_KEY})
    with app.app_context():
        insert_finished(db, round_id, large, units)
        round_ = db.session.get(Round, round_id)
        t0 = time.perf_counter()
        rows = standings.leaderboard(round_)
        print(f"live leaderboard over {len(rows)} members: {time.perf_counter() - t0:.2f}s (cached afterwards for "
              f"LEADERBOARD_CACHE_SECONDS)")
        db.session.commit()
        t0 = time.perf_counter()
        rows = standings.leaderboard(round_)
        print(f"live leaderboard again: {time.perf_counter() - t0:.2f}s")
        try:  # the ranking alone, in the database: every member ranked, one page of 50 out
            from contest.standings import sql_ranking
        except ImportError:  # the code before ranking in SQL
            sql_ranking = None
        if sql_ranking is not None:
            ranked = sql_ranking.ranked(round_id, round_.counting, round_.tie_break).subquery()
            for _ in range(2):
                t0 = time.perf_counter()
                db.session.execute(db.select(ranked).order_by(ranked.c.rank, ranked.c.attempt_id)
                                   .limit(50).offset(large // 2)).all()
                print(f"live ranks in the database, rows {large // 2}..+50 out: {time.perf_counter() - t0:.2f}s")
        db.session.commit()
        total = len(rows)
    if pages:  # the live board a page at a time, as an organizer sees it before the freeze
        read_pages(round_id, total, max(1, pages // 10), None, live=True)
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        round_.closes_at = datetime.now(timezone.utc) - timedelta(seconds=30)
        db.session.commit()
        t0 = time.perf_counter()
        standings.freeze_if_closed(round_)
        print(f"final ranks computed and frozen for {len(rows)} members: {time.perf_counter() - t0:.2f}s")
        t0 = time.perf_counter()
        rows = standings.leaderboard(round_)
        print(f"frozen leaderboard read (every row): {time.perf_counter() - t0:.2f}s")
        t0 = time.perf_counter()
        unit_rows = standings.unit_participation(round_)
        print(f"unit participation: {time.perf_counter() - t0:.2f}s ({len(unit_rows)} units)")
        round_.results_published = True
        db.session.commit()
        total = len(rows)
    if pages:
        read_pages(round_id, total, pages, None)
        if redis_url:
            read_pages(round_id, total, pages, redis_url)


def read_pages(round_id, total, n, redis_url, live=False):
    """N published leaderboard pages at random offsets: the API's ?limit=50&offset= (bearer
    token) and the HTML ?page= of a signed-in member (session), through the test client.
    `live`: the open round's board (not yet published) read by an organizer, uncached."""
    from app import create_app
    from contest.accounts.models import ApiToken, User
    from contest.accounts.rules import hash_password
    from contest.extensions import cache, db

    config = {"SQLALCHEMY_DATABASE_URI": BENCH_DB, "SECRET_KEY": BENCH_SECRET_KEY,
              "LEADERBOARD_CACHE_SECONDS": 15 if redis_url else 0, "WTF_CSRF_ENABLED": False,
              "LOGIN_RATE_LIMIT": "100000 per minute", "RATELIMIT_ENABLED": False}
    if redis_url:
        config["REDIS_URL"] = redis_url
    app = create_app(config)
    label = "cached in Redis" if redis_url else "uncached"
    with app.app_context():
        if redis_url:
            cache.clear()
        user = db.session.execute(db.select(User).where(User.username == "x77")).scalar_one()
        user.password_hash = hash_password("bench-password")
        if live:  # an organizer (ranked too: their own row is looked up on the page)
            user.role = "organizer"
            label = "live board, organizer, uncached"
        token = f"bench-reader-{user.id}-{time.time_ns()}"
        db.session.add(ApiToken(user_id=user.id, token_hash=ApiToken.digest(token)))
        db.session.commit()
        client = app.test_client()
        assert client.post("/login", data={"username": "x77", "password": "bench-password"}).status_code == 302
        rng = random.Random(2026)
        last_page = max(1, -(-total // 50))
        for kind in ("api", "page"):
            lat, errors = [], 0
            t_all = time.perf_counter()
            for i in range(n):
                page = 1 if i % 4 == 0 else rng.randint(1, last_page)  # a quarter on the first page
                t0 = time.perf_counter()
                if kind == "api":
                    response = client.get(f"/api/v1/rounds/{round_id}/leaderboard?limit=50&offset={(page - 1) * 50}",
                                          headers={"Authorization": f"Bearer {token}"})
                    ok = response.status_code == 200 and response.json["total"] == total \
                        and len(response.json["items"]) == min(50, total - (page - 1) * 50)
                else:
                    response = client.get(f"/rounds/{round_id}/leaderboard?page={page}")
                    ok = response.status_code == 200 and "Thí sinh" in response.get_data(as_text=True)
                lat.append(time.perf_counter() - t0)
                errors += not ok
            summary(f"{'live' if live else 'published'} leaderboard {'API ?limit=50&offset=' if kind == 'api' else 'HTML ?page='}, {label}",
                    lat, time.perf_counter() - t_all, errors)
        if live:  # a member again for the freeze and the published reads
            db.session.execute(db.update(User).where(User.id == user.id).values(role="member"))
            db.session.commit()


def leaderboard_only(args):
    """Part 3 alone: a round with a prediction question, LARGE finished attempts, then the reads."""
    from app import create_app
    from contest.extensions import db
    from contest.rounds.models import Contest, Round

    app = create_app({"SQLALCHEMY_DATABASE_URI": BENCH_DB, "SECRET_KEY": BENCH_SECRET_KEY})
    with app.app_context():
        db.create_all()
        contest = Contest(title="Bench")
        db.session.add(contest)
        db.session.flush()
        now = datetime.now(timezone.utc)
        round_ = Round(contest_id=contest.id, kind="quiz", title="Bench round", opens_at=now - timedelta(hours=2),
                       closes_at=now + timedelta(days=1), duration_seconds=3600, question_count=20,
                       max_attempts=None, counting="best", tie_break="duration", shuffle_options=True,
                       grace_seconds=10, prediction_prompt="Bao nhiêu người trả lời đúng cả 20 câu?",
                       prizes=[{"name": "Giải Nhất", "count": 1}, {"name": "Giải Nhì", "count": 2},
                               {"name": "Giải Ba", "count": 5}, {"name": "Giải Khuyến khích", "count": 8}])
        db.session.add(round_)
        db.session.commit()
        round_id = round_.id
    leaderboard_at_scale(round_id, args.large, args.units, args.pages, args.redis)


def main():
    global BENCH_DB
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=400)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--large", type=int, default=200000)
    parser.add_argument("--leaderboard-only", action="store_true", help="part 3 alone, no gunicorn")
    parser.add_argument("--units", type=int, default=50, help="units the LARGE members belong to")
    parser.add_argument("--pages", type=int, default=200, help="published leaderboard pages read")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11", help="the shared cache for the cached reads")
    parser.add_argument("--database", default=BENCH_DB, help="dropped and created afresh")
    args = parser.parse_args()
    BENCH_DB = args.database
    print(f"code: {ROOT}; database: {BENCH_DB}")

    ensure_database()
    if args.leaderboard_only:
        leaderboard_only(args)
        return
    round_id, tokens = setup(args.members)
    env = {**os.environ, "DATABASE_URL": BENCH_DB, "SECRET_KEY": BENCH_SECRET_KEY}
    server = subprocess.Popen(
        [str(VENV / "gunicorn"), "-w", str(args.workers), "--threads", "4", "-b", f"127.0.0.1:{PORT}",
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


if __name__ == "__main__":
    main()
