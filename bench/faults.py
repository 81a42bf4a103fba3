"""Faults under load (issue 10 point 6): a burst of answer saves against gunicorn
(deploy/gunicorn.conf.py) on a private PostgreSQL cluster, while PostgreSQL is crash-restarted
(`pg_ctl stop -m immediate`, then started: crash recovery) and while a gunicorn worker is killed
with SIGKILL. Prints, per fault: saves answered 200, the (attempt, question) pairs whose last
acknowledged value was looked up in the database and found, lost (must be 0), 503s, requests
left without an answer, anything else (500s), and the seconds until the service answered again.

The clients behave as the attempt page does (tests/faultlab.py): a 503 or no answer is sent
again, the same value, after --retry-delay seconds, until it is answered 200.

Usage:
  .venv/bin/python bench/faults.py [--members 200] [--questions 40] [--threads 32] [--workers 4]
        [--web-threads 4] [--down 2] [--faults crash,kill] [--synchronous-commit on|off]
        [--wal-writer-delay 200ms]

`--synchronous-commit off` runs the cluster with asynchronous commit (PostgreSQL acknowledges a
COMMIT before its WAL reaches the disk): what the crash then loses is counted as lost.
Needs PostgreSQL's server programs (/usr/lib/postgresql/*/bin); as root they run as `postgres`.
"""
import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.faultlab import (NO_ANSWER, Burst, Gunicorn, PrivateCluster, cannot_run_cluster,  # noqa: E402
                            saved_answers, seed, start_attempts)


def wait(condition, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.02)
    return False


def report(name, burst, cluster, fault_at, back_from, extra):
    in_db = saved_answers(cluster.url)
    lost = burst.lost(in_db)
    checked = burst.checked_pairs()
    back = burst.first_200_after(back_from)
    failures = [at for history in burst.sends.values() for _v, status, at in history if status != 200]
    print(f"\n== {name} ==")
    print(f"burst: {burst.seconds:.1f} s, {sum(burst.statuses.values())} requests, "
          f"{burst.acknowledged() / burst.seconds:.0f} saves/s answered 200")
    before = sum(1 for history in burst.sends.values() for _v, status, at in history if status == 200 and at < fault_at)
    print(f"before the fault: {before / fault_at:.0f} saves/s answered 200 ({fault_at:.1f} s)")
    print(f"answered 200: {burst.acknowledged()}; pairs checked (last acknowledged value): {checked}; "
          f"found in the database: {checked - len(lost)}; LOST: {len(lost)}")
    print(f"503 service_unavailable: {burst.statuses[503]}; no answer: {burst.statuses[NO_ANSWER]}; "
          f"other (500 …): {len(burst.other)} {burst.other[:3]}")
    retry_after = sorted({retry for _body, retry in burst.bodies_503})
    if retry_after:
        print(f"503 bodies: {burst.bodies_503[0][0]}; Retry-After: {retry_after}")
    for sent, gave_up, error in burst.no_answers[:10]:
        print(f"  no answer: sent {sent - fault_at:+.2f} s, given up {gave_up - fault_at:+.2f} s: {error}")
    for key, value in extra.items():
        print(f"{key}: {value}")
    if failures:
        print(f"failed answers from {min(failures) - fault_at:+.2f} s to {max(failures) - fault_at:+.2f} s "
              f"around the fault")
    print(f"service answered 200 again {back - back_from:.2f} s after {extra.get('measured from', 'the fault')}"
          if back is not None else "service did NOT answer again")
    if lost:
        print(f"lost, first 5 ((attempt, question), acknowledged, in the database): {lost[:5]}")
    return len(lost)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--web-threads", type=int, default=4)
    parser.add_argument("--warmup", type=float, default=4.0, help="seconds of saves before the fault")
    parser.add_argument("--after", type=float, default=4.0, help="seconds of saves once the service is back")
    parser.add_argument("--down", type=float, default=2.0, help="seconds PostgreSQL stays down")
    parser.add_argument("--retry-delay", type=float, default=0.2)
    parser.add_argument("--faults", default="crash,kill")
    parser.add_argument("--synchronous-commit", default="on", choices=["on", "off"])
    parser.add_argument("--wal-writer-delay", default=None, help="e.g. 200ms (the default) or 1s")
    args = parser.parse_args()
    why_not = cannot_run_cluster()
    if why_not:
        sys.exit(why_not)
    settings = {"synchronous_commit": args.synchronous_commit}
    if args.wal_writer_delay:
        settings["wal_writer_delay"] = args.wal_writer_delay
    faults = args.faults.split(",")
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"cluster settings {settings}; gunicorn {args.workers} workers x {args.web_threads} threads; "
          f"{args.members} members x {args.questions} questions, {args.threads} client threads")
    lost_total = 0
    with PrivateCluster(settings) as cluster:
        t = time.monotonic()
        round_id, tokens = seed(cluster.url, args.members, args.questions)
        server = Gunicorn(cluster.url, workers=args.workers, threads=args.web_threads).wait_ready()
        try:
            attempts = start_attempts(server.base, round_id, tokens, threads=min(args.threads, 16))
            print(f"set up in {time.monotonic() - t:.1f} s ({len(attempts)} attempts started)")
            share = len(attempts) // len(faults)
            for n, fault in enumerate(faults):
                mine = attempts[n * share:(n + 1) * share]
                burst = Burst(server.base, mine, threads=args.threads, retry_delay=args.retry_delay).start()
                time.sleep(args.warmup)
                fault_at = time.monotonic() - burst.t0
                if fault == "crash":
                    cluster.crash()
                    time.sleep(args.down)
                    t_start = time.monotonic()
                    cluster.start()
                    up = time.monotonic() - burst.t0
                    recovery = time.monotonic() - t_start
                    wait(lambda: burst.first_200_after(up) is not None, 30)
                    time.sleep(args.after)
                    burst.stop()
                    lost_total += report(
                        "PostgreSQL crash-restart (pg_ctl stop -m immediate; start)", burst, cluster, fault_at, up,
                        {"PostgreSQL down for": f"{up - fault_at:.2f} s (pg_ctl start with crash recovery "
                                                f"{recovery:.2f} s)",
                         "measured from": "PostgreSQL was up again"})
                    back = burst.first_200_after(up)
                    if back is not None:
                        print(f"service answered 200 again {back - fault_at:.2f} s after the crash")
                    log = cluster.log.read_text(errors="replace").splitlines()
                    since = max(i for i, line in enumerate(log) if "was interrupted" in line)
                    for line in log[since:]:  # the restart as the server saw it, with its times
                        if any(w in line for w in ("interrupted", "redo done", "checkpoint complete", "ready to accept")):
                            print("  server log:", line[11:23], line[line.index("LOG:") + 5:][:110])
                elif fault == "kill":
                    killed = server.kill_worker()
                    wait(lambda: killed not in server.worker_pids() and len(server.worker_pids()) == args.workers, 30)
                    respawned = time.monotonic() - burst.t0
                    time.sleep(args.after)
                    burst.stop()
                    lost_total += report("gunicorn worker killed (SIGKILL)", burst, cluster, fault_at, fault_at,
                                         {"new worker forked after": f"{respawned - fault_at:.2f} s",
                                          "measured from": "the kill"})
        finally:
            server.stop()
    print(f"\nlost in all: {lost_total}")


if __name__ == "__main__":
    main()
