"""Scale-out: the same members played against one app server, then against two app servers behind
HAProxy with PgBouncer in transaction pooling (tests/servers.py `cluster`, deploy/haproxy.cfg,
deploy/pgbouncer.ini), one PostgreSQL and one Redis — and checked for agreement: every attempt's
answers, read back through the *other* server, are the ones last saved.

Usage: .venv/bin/python bench/scaleout.py [--members 400] [--seconds 15] [--threads 32] [--workers 2]
Needs PostgreSQL at 127.0.0.1:5432 (trust auth; it recreates database `contest_bench`), Redis at
127.0.0.1:6379 (it empties db 13) and the Debian packages haproxy and pgbouncer.

On one 2-core machine two servers cannot be faster than one: what this measures is what the load
balancer and the pooler cost, and that nothing is lost or disagrees. The figures are in
bench/README.md "Scale-out".
"""
import argparse
import random
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import quiz_load  # noqa: E402  (bench/quiz_load.py: the members, the client, the summary)
from tests.servers import NO_RATE_LIMITS, cluster, missing_parts  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/13"


def port_of(url: str) -> int:
    return urlsplit(url).port


def play(label, url, check_url, round_id, tokens, seconds, threads):
    """Members start, save for `seconds`, and every attempt is read back through `check_url`."""
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    port = port_of(url)
    lock = threading.Lock()
    attempts, errors, latencies = {}, [0], []

    def start(i):
        for t in range(i, len(tokens), threads):
            t0 = time.perf_counter()
            status, body = quiz_load.Client(tokens[t], port).call("POST", f"/api/v1/rounds/{round_id}/attempts")
            with lock:
                latencies.append(time.perf_counter() - t0)
                if status in (200, 201):
                    attempts[t] = body
                else:
                    errors[0] += 1

    t0 = time.perf_counter()
    quiz_load.run_threads(threads, start)
    quiz_load.summary(f"{label}: start attempt", latencies, time.perf_counter() - t0, errors[0])

    last = {}  # (attempt id, question id) -> the option ids last acknowledged
    latencies, errors = [], [0]
    stop_at = time.perf_counter() + seconds

    def save(i):
        keys = list(attempts)[i::threads]
        clients = {k: quiz_load.Client(tokens[k], port) for k in keys}
        rng = random.Random(i)
        while time.perf_counter() < stop_at:
            k = rng.choice(keys)
            q = rng.choice(attempts[k]["questions"])
            chosen = [rng.choice(q["options"])["id"]]
            t1 = time.perf_counter()
            status, _ = clients[k].call("PUT", f"/api/v1/attempts/{attempts[k]['id']}/answers/{q['id']}",
                                        {"option_ids": chosen})
            with lock:
                latencies.append(time.perf_counter() - t1)
                if status == 200:
                    last[(attempts[k]["id"], q["id"])] = chosen
                else:
                    errors[0] += 1

    t0 = time.perf_counter()
    quiz_load.run_threads(threads, save)
    save_seconds = time.perf_counter() - t0
    quiz_load.summary(f"{label}: save answer", latencies, save_seconds, errors[0])
    saves_per_second = len(latencies) / save_seconds

    latencies, errors = [], [0]
    stop_at = time.perf_counter() + min(seconds, 5)
    probe = tokens[0]

    def health(i):
        client = quiz_load.Client(probe, port)
        while time.perf_counter() < stop_at:
            t1 = time.perf_counter()
            status, _ = client.call("GET", "/healthz")
            with lock:
                latencies.append(time.perf_counter() - t1)
                if status != 200:
                    errors[0] += 1

    t0 = time.perf_counter()
    quiz_load.run_threads(threads, health)
    health_seconds = time.perf_counter() - t0
    quiz_load.summary(f"{label}: GET /healthz", latencies, health_seconds, errors[0])
    print(f"{label}: saves / healthz = {saves_per_second / (len(latencies) / health_seconds):.2f}")

    check_port = port_of(check_url)
    disagreements = 0
    for t, attempt in attempts.items():
        status, body = quiz_load.Client(tokens[t], check_port).call("GET", f"/api/v1/attempts/{attempt['id']}")
        stored = body["answers"] if status == 200 else {}
        for question in attempt["questions"]:
            expected = last.get((attempt["id"], question["id"]))
            if expected is not None and stored.get(str(question["id"])) != expected:
                disagreements += 1
    print(f"{label}: {len(last)} answers acknowledged, read back through {check_url}: "
          f"{disagreements} disagree")
    for t, attempt in attempts.items():  # leave the members free to start again
        quiz_load.Client(tokens[t], port).call("POST", f"/api/v1/attempts/{attempt['id']}/submit", {})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=400)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    args = parser.parse_args()
    if missing_parts():
        sys.exit(f"needs the Debian packages: {', '.join(missing_parts())}")
    quiz_load.ensure_database()
    round_id, tokens = quiz_load.setup(args.members)
    # The round allows any number of attempts: each scenario's members start afresh.
    database = quiz_load.BENCH_DB
    with cluster(database, REDIS_URL, servers=1, workers=args.workers * 2, pgbouncer=False,
                 env=NO_RATE_LIMITS) as one:
        play("one server, direct to PostgreSQL", one.servers[0], one.servers[0], round_id, tokens,
             args.seconds, args.threads)
    with cluster(database, REDIS_URL, servers=2, workers=args.workers, env=NO_RATE_LIMITS) as two:
        play("two servers behind HAProxy + PgBouncer", two.url, two.servers[1], round_id, tokens,
             args.seconds, args.threads)


if __name__ == "__main__":
    main()
