"""Members against `make serve-prod` on loopback, open loop: requests are sent on a schedule
whatever the server's pace, and each latency counts from its scheduled time, so a slow server
shows as queueing instead of slowing the load down (no coordinated omission).

One asyncio process with aiohttp keep-alive connections: locust's CPU per request (gevent, its
own statistics) is several times aiohttp's, and the generator shares the server's 2 cores; the
CPU the generator used is printed with every phase so the figures can be read against it.

Phases, all against one gunicorn server (deploy/gunicorn.conf.py, as `make serve-prod` runs it)
on PostgreSQL and Redis:
1. `GET /healthz` closed loop, then answer saves closed loop: the saturation rates and their ratio
   (the ratio compares across machines);
2. sign-in spike: members sign in (argon2) at a given rate;
3. start spike: every member starts within --start-window seconds;
4. saves open loop at each of --rates per second (members answering with think time: N members
   answering every 15 s send N / 15 saves a second), and /healthz at the same rates;
5. submit spike: every member submits within --submit-window seconds.

Usage: .venv/bin/python bench/members.py [--members 2000] [--rates 150,300,450,670] [--seconds 20]
       [--workers 4] [--threads 4]
Needs PostgreSQL at 127.0.0.1:5432 (recreates database `contest_bench`) and Redis (db 13).
"""
import argparse
import asyncio
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import aiohttp  # noqa: E402

import quiz_load  # noqa: E402  (the members, their tokens, the round)
from tests.servers import NO_RATE_LIMITS, cluster  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/13"
MAX_CONNECTIONS = 400  # the generator's sockets; a request waiting for one still counts from its schedule


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000 if ordered else 0.0


class Phase:
    """Latencies, errors and the generator's own CPU over one phase."""

    def __init__(self, name):
        self.name, self.latencies, self.errors, self.statuses = name, [], 0, {}

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def add(self, seconds, status, ok):
        self.latencies.append(seconds)
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if not ok:
            self.errors += 1

    def __exit__(self, *exc):
        wall = time.perf_counter() - self.wall
        cpu = time.process_time() - self.cpu
        self.rate = len(self.latencies) / wall if wall else 0.0
        print(f"{self.name}: {len(self.latencies)} in {wall:.1f} s = {self.rate:.0f}/s; "
              f"p50 {percentile(self.latencies, .5):.0f} ms, p95 {percentile(self.latencies, .95):.0f} ms, "
              f"p99 {percentile(self.latencies, .99):.0f} ms; errors {self.errors} {self.statuses if self.errors else ''}; "
              f"generator {cpu / wall:.2f} cores", flush=True)


async def call(session, method, url, phase, scheduled, ok=(200,), **kwargs):
    try:
        async with session.request(method, url, **kwargs) as response:
            body = await response.json(content_type=None) if response.status != 204 else None
            phase.add(time.perf_counter() - scheduled, response.status, response.status in ok)
            return response.status, body
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        phase.add(time.perf_counter() - scheduled, type(exc).__name__, False)
        return None, None


async def open_loop(count, seconds, make_request):
    """`count` requests spread evenly over `seconds`, each sent at its time."""
    start = time.perf_counter()
    tasks = []
    for i in range(count):
        scheduled = start + i * seconds / count
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(make_request(i, scheduled)))
    await asyncio.gather(*tasks)


async def closed_loop(concurrency, seconds, make_request):
    stop = time.perf_counter() + seconds

    async def client(c):
        i = c
        while time.perf_counter() < stop:
            await make_request(i, time.perf_counter())
            i += concurrency
    await asyncio.gather(*(client(c) for c in range(concurrency)))


def headers(token):
    return {"Authorization": f"Bearer {token}"}


async def run(base, round_id, tokens, args):
    connector = aiohttp.TCPConnector(limit=MAX_CONNECTIONS, keepalive_timeout=4)
    timeout = aiohttp.ClientTimeout(total=60)
    attempts = {}
    rng = random.Random(7)
    async with aiohttp.ClientSession(base, connector=connector, timeout=timeout) as session:
        async def health(i, scheduled, phase):
            await call(session, "GET", "/healthz", phase, scheduled)

        async def save(i, scheduled, phase):
            k = rng.choice(list(attempts))
            q = rng.choice(attempts[k]["questions"])
            await call(session, "PUT", f"/api/v1/attempts/{attempts[k]['id']}/answers/{q['id']}", phase, scheduled,
                       json={"option_ids": [rng.choice(q["options"])["id"]]}, headers=headers(tokens[k]))

        # A few members start first, so the closed loops have attempts to save into.
        with Phase("warm-up starts") as phase:
            for k in range(min(64, len(tokens))):
                status, body = await call(session, "POST", f"/api/v1/rounds/{round_id}/attempts", phase,
                                          time.perf_counter(), ok=(200, 201), headers=headers(tokens[k]))
                if body and status in (200, 201):
                    attempts[k] = body
        with Phase("GET /healthz, closed loop of 64") as healthz:
            await closed_loop(64, args.seconds / 2, lambda i, s: health(i, s, healthz))
        with Phase("answer save, closed loop of 64") as saves:
            await closed_loop(64, args.seconds / 2, lambda i, s: save(i, s, saves))
        print(f"saves / healthz at saturation = {saves.rate / healthz.rate:.2f}", flush=True)

        signing = tokens[:args.sign_ins]
        with Phase(f"sign-in spike: {len(signing)} members in 10 s (argon2)") as phase:
            async def sign_in(i, scheduled):
                await call(session, "POST", "/api/v1/auth/token", phase, scheduled,
                           json={"username": f"m{i}", "password": "bench-password"})
            await open_loop(len(signing), 10, sign_in)

        with Phase(f"start spike: {len(tokens)} members within {args.start_window:g} s") as phase:
            async def start(i, scheduled):
                status, body = await call(session, "POST", f"/api/v1/rounds/{round_id}/attempts", phase, scheduled,
                                          ok=(200, 201), headers=headers(tokens[i]))
                if body and status in (200, 201):
                    attempts[i] = body
            await open_loop(len(tokens), args.start_window, start)

        for rate in args.rates:
            members = rate * 15
            with Phase(f"saves open loop {rate}/s (= {members:,} members answering every 15 s)") as phase:
                await open_loop(int(rate * args.seconds), args.seconds, lambda i, s: save(i, s, phase))
            with Phase(f"GET /healthz open loop {rate}/s") as phase:
                await open_loop(int(rate * args.seconds / 2), args.seconds / 2, lambda i, s: health(i, s, phase))

        with Phase(f"submit spike: {len(attempts)} members within {args.submit_window:g} s") as phase:
            keys = list(attempts)

            async def submit(i, scheduled):
                k = keys[i]
                await call(session, "POST", f"/api/v1/attempts/{attempts[k]['id']}/submit", phase, scheduled,
                           json={}, headers=headers(tokens[k]))
            await open_loop(len(keys), args.submit_window, submit)


def worker_memory(master) -> list[float]:
    """The resident memory (MB) of each gunicorn worker, the children of its master process."""
    listing = subprocess.run(["ps", "-o", "rss=", "--ppid", str(master.pid)], capture_output=True, text=True).stdout
    return [int(kb) / 1024 for kb in listing.split()]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--sign-ins", type=int, default=200)
    parser.add_argument("--rates", default="150,300,450,670")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--start-window", type=float, default=10)
    parser.add_argument("--submit-window", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    args.rates = [int(r) for r in args.rates.split(",") if r]
    quiz_load.ensure_database()
    round_id, tokens = quiz_load.setup(args.members)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    with cluster(quiz_load.BENCH_DB, REDIS_URL, servers=1, workers=args.workers, threads=args.threads,
                 pgbouncer=False, env=NO_RATE_LIMITS) as server:
        print(f"one server: {args.workers} workers x {args.threads} threads (gthread), {args.members} members",
              flush=True)
        asyncio.run(run(server.servers[0], round_id, tokens, args))
        memory = worker_memory(server.processes[0])
        print(f"memory per worker after the run (RSS): {', '.join(f'{mb:.0f}' for mb in memory)} MB", flush=True)


if __name__ == "__main__":
    main()
