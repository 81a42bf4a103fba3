"""Crash tests on standard parts (issue 10 point 6), shared by tests/api/test_fault_cluster.py and
bench/faults.py: a private PostgreSQL cluster in a temporary directory on a free port (so that
`pg_ctl stop -m immediate` hurts nobody else), the app under gunicorn with deploy/gunicorn.conf.py
against it, and a burst of answer saves from threads that records every answer.

The client behaves as the attempt page's autosave does (static/js/attempt.js): a save refused
with 503, or given no answer at all (a worker killed mid-request), is sent again, the same value,
until it is answered 200 (after `retry_delay`, shorter than the page's 3 s so that a test is
short); then the next question. Each thread owns its (attempt, question) pairs and sends them in
turn, each time a different option, so that the check is exact: the database must hold, for every
pair, the value of its last save answered 200 or of one sent after it (a save whose connection was
cut after PostgreSQL committed may be answered 503 and still be kept, as it must). Anything else
is an acknowledged answer lost.
"""
import glob
import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "fault-test-secret-key-0123456789"  # the app refuses to start without a real one
NO_ANSWER = "no answer"  # the connection was reset or closed without a response


def pg_bin() -> Path | None:
    """The directory holding initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/*/bin
    (the newest). None when PostgreSQL's server programs are not installed."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4])
                   if p.split("/")[4].isdigit() else 0)
    for pg_ctl in reversed(found):
        if os.path.exists(os.path.join(os.path.dirname(pg_ctl), "initdb")):
            return Path(pg_ctl).parent
    return None


def cannot_run_cluster() -> str | None:
    """Why no private cluster can be started here, or None."""
    if pg_bin() is None:
        return "needs PostgreSQL's server programs (initdb, pg_ctl): apt-get install postgresql"
    if os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root, and initdb refuses root: needs a 'postgres' user to run it as"
        if not shutil.which("runuser"):
            return "running as root: needs runuser to start PostgreSQL as the 'postgres' user"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateCluster:
    """A PostgreSQL cluster of its own: initdb in a temporary directory, on a free port, with
    the server's defaults (fsync and synchronous_commit on) unless `settings` say otherwise."""

    def __init__(self, settings: dict | None = None):
        self.bin = pg_bin()
        self.port = free_port()
        self.settings = settings or {}
        self.dir = Path(tempfile.mkdtemp(prefix="contest-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self._as = []
        if os.geteuid() == 0:  # initdb and postgres refuse root: run them as the postgres user
            shutil.chown(self.dir, "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args, check=True):
        return subprocess.run([*self._as, *args], check=check, capture_output=True, text=True)

    def init(self):
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--no-sync", "--locale=C")
        return self

    def start(self):
        options = [f"-p {self.port}", f"-k {self.dir}", "-c listen_addresses=127.0.0.1"]
        options += [f"-c {key}={value}" for key, value in self.settings.items()]
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "-o", " ".join(options), "start")
        return self

    def crash(self):
        """`pg_ctl stop -m immediate`: every backend quits at once, nothing is flushed; the next
        start replays the WAL (crash recovery)."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def stop(self):
        if self.data.exists():
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def remove(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.init().start()

    def __exit__(self, *exc):
        self.remove()


def seed(url: str, members: int, questions: int):
    """Tables, a bank of `questions + 5` questions, an open round drawing `questions`, and
    `members` members with API tokens; returns (round id, tokens)."""
    sys.path.insert(0, str(ROOT))
    from app import create_app
    from contest.accounts.models import ApiToken, User
    from contest.accounts.rules import hash_password
    from contest.extensions import db
    from contest.rounds.models import Contest, Round
    from question_bank.models import Topic
    from question_bank.service import create_question

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY, "REDIS_URL": None})
    with app.app_context():
        db.create_all()
        topic = Topic(name="Sự cố")
        db.session.add(topic)
        db.session.flush()
        for i in range(questions + 5):
            create_question(text=f"Câu hỏi {i}", kind="single", topic_id=topic.id, status="approved",
                            options=[(f"Đúng {i}", True), (f"Sai {i}a", False), (f"Sai {i}b", False),
                                     (f"Sai {i}c", False)])
        contest = Contest(title="Sự cố")
        db.session.add(contest)
        db.session.flush()
        now = datetime.now(timezone.utc)
        round_ = Round(contest_id=contest.id, kind="quiz", title="Vòng sự cố", opens_at=now - timedelta(hours=1),
                       closes_at=now + timedelta(days=1), duration_seconds=6 * 3600, question_count=questions,
                       max_attempts=None, counting="best", tie_break="duration", shuffle_options=True,
                       grace_seconds=10)
        db.session.add(round_)
        password = hash_password("fault-password-not-used")
        users = [User(username=f"f{i}", password_hash=password, full_name=f"Thí sinh {i}", role="member")
                 for i in range(members)]
        db.session.add_all(users)
        db.session.flush()
        tokens = []
        for user in users:
            token = f"fault-token-{user.id}-{os.urandom(8).hex()}"
            db.session.add(ApiToken(user_id=user.id, token_hash=ApiToken.digest(token)))
            tokens.append(token)
        db.session.commit()
        round_id = round_.id
        db.session.remove()
        db.engine.dispose()
    return round_id, tokens


def saved_answers(url: str) -> dict:
    """{(attempt id, question id): the public option ids saved} read from the database, mapped
    back through each question's option keys (None: not answered)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT attempt_id, question_id, selected, option_keys FROM attempt_question"))
            out = {}
            for attempt_id, question_id, selected, keys in rows:
                public = {option_id: int(key) for key, option_id in keys.items()}
                out[(attempt_id, question_id)] = None if selected is None else sorted(public[o] for o in selected)
            return out
    finally:
        engine.dispose()


class Gunicorn:
    """`make serve-prod`'s web server: gunicorn with deploy/gunicorn.conf.py (gthread), on a free
    port, against `database_url`; no Redis (caches in each worker)."""

    def __init__(self, database_url: str, workers=2, threads=4, log=None):
        self.port = free_port()
        self.base = ("127.0.0.1", self.port)
        env = {key: value for key, value in os.environ.items() if not key.startswith(("REDIS_URL", "FLASK_"))}
        env.update(DATABASE_URL=database_url, SECRET_KEY=SECRET_KEY, BIND=f"127.0.0.1:{self.port}",
                   WEB_WORKERS=str(workers), WEB_THREADS=str(threads), ACCESS_LOG="/dev/null",
                   # a burst of saves from a few members is far past the per-member save limit
                   # (contest/ratelimit.py): the limit is not what is tested here
                   RATE_LIMIT_SAVE_USER="none", RATE_LIMIT_SAVE_ADDRESS="none")
        self.log = log or open(os.devnull, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "app:create_app()"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.workers = workers

    def wait_ready(self, timeout=60):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                status, _body, _headers = request(self.base, "GET", "/healthz", timeout=2)
                if status == 200 and len(self.worker_pids()) == self.workers:
                    return self
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer /healthz in time")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def kill_worker(self) -> int:
        """kill -9 one worker (the master forks a new one)."""
        pid = self.worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def request(base, method, path, body=None, token=None, timeout=10, conn=None):
    """One HTTP request; (status, parsed JSON or None, headers). Raises OSError / HTTPException when no
    answer comes (the caller counts it as NO_ANSWER)."""
    own = conn is None
    conn = conn or http.client.HTTPConnection(*base, timeout=timeout)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = conn.getresponse()
        data = response.read()
        try:
            parsed = json.loads(data) if data else None
        except ValueError:
            parsed = data.decode("utf-8", "replace")
        return response.status, parsed, dict(response.getheaders())
    finally:
        if own:
            conn.close()


def start_attempts(base, round_id, tokens, threads=8) -> list[dict]:
    """Each member starts an attempt; returns [{token, id, questions}] (public ids)."""
    started = [None] * len(tokens)

    def run(i):
        for k in range(i, len(tokens), threads):
            status, body, _ = request(base, "POST", f"/api/v1/rounds/{round_id}/attempts", token=tokens[k], timeout=60)
            if status not in (200, 201):
                raise RuntimeError(f"start failed: {status} {body}")
            started[k] = {"token": tokens[k], "id": body["id"],
                          "questions": [(q["id"], [o["id"] for o in q["options"]]) for q in body["questions"]]}

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if any(s is None for s in started):
        raise RuntimeError("some attempts did not start")
    return started


@dataclass
class Burst:
    """Saves from `threads` threads until `stop()`; every send recorded per (attempt, question)."""

    base: tuple
    attempts: list
    threads: int = 8
    retry_delay: float = 0.2
    sends: dict = field(default_factory=dict)  # pair -> [(option ids, status or NO_ANSWER, t)]
    statuses: Counter = field(default_factory=Counter)
    bodies_503: list = field(default_factory=list)
    other: list = field(default_factory=list)  # anything but 200, 503 and no answer: (status, body)
    no_answers: list = field(default_factory=list)  # (sent at, given up at, the error)
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self):
        self.t0 = time.monotonic()
        self._pool = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(self.threads)]
        for t in self._pool:
            t.start()
        return self

    def stop(self):
        self._stop.set()
        for t in self._pool:
            t.join(timeout=30)
        self.seconds = time.monotonic() - self.t0

    def _send(self, conn, path, value, token):
        """PUT one answer on the thread's keep-alive connection. Like a browser, a request that
        fails on a connection used before (gunicorn closes one idle past its keepalive) is sent
        once more on a new one; no answer on a new connection is NO_ANSWER."""
        for fresh in (conn is None, True):
            if conn is None:
                conn = http.client.HTTPConnection(*self.base, timeout=10)
            try:
                return conn, request(self.base, "PUT", path, {"option_ids": value}, token, conn=conn)
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                conn = None
                if fresh:
                    return None, (NO_ANSWER, None, {"error": repr(error)})

    def _run(self, i):
        mine = [(a, q, options) for a in self.attempts[i::self.threads] for q, options in a["questions"]]
        conn = None
        turn = 0
        while not self._stop.is_set():
            attempt, question, options = mine[turn % len(mine)]
            pair = (attempt["id"], question)
            history = self.sends.setdefault(pair, [])
            value = [options[len([s for s in history if s[1] == 200]) % len(options)]]
            while not self._stop.is_set():  # the same value until it is answered 200
                sent = time.monotonic() - self.t0
                conn, (status, body, headers) = self._send(conn, f"/api/v1/attempts/{pair[0]}/answers/{question}",
                                                           value, attempt["token"])
                if status == NO_ANSWER:
                    self.no_answers.append((sent, time.monotonic() - self.t0, headers.pop("error")))
                at = time.monotonic() - self.t0
                with self._lock:
                    history.append((value, status, at))
                    self.statuses[status] += 1
                    if status == 503:
                        if len(self.bodies_503) < 50:
                            self.bodies_503.append((body, headers.get("Retry-After")))
                    elif status not in (200, NO_ANSWER):
                        self.other.append((status, body))
                if status == 200:
                    break
                if status not in (503, NO_ANSWER):
                    break  # refused for good (never expected here): recorded in `other`
                time.sleep(self.retry_delay)
            turn += 1

    def acknowledged(self) -> int:
        return self.statuses[200]

    def first_200_after(self, t: float) -> float | None:
        times = [at for history in self.sends.values() for _v, status, at in history if status == 200 and at >= t]
        return min(times) if times else None

    def failures_between(self, start: float, end: float | None = None) -> int:
        return sum(1 for history in self.sends.values() for _v, status, at in history
                   if status != 200 and at >= start and (end is None or at <= end))

    def lost(self, in_database: dict) -> list:
        """Pairs whose database value is neither the last acknowledged one nor one sent after it."""
        lost = []
        for pair, history in self.sends.items():
            acked = [k for k, (_v, status, _t) in enumerate(history) if status == 200]
            if not acked:
                continue
            allowed = [sorted(v) for v, _s, _t in history[acked[-1]:]]
            if in_database.get(pair) not in allowed:
                lost.append((pair, history[acked[-1]][0], in_database.get(pair)))
        return lost

    def checked_pairs(self) -> int:
        return sum(1 for history in self.sends.values() if any(s == 200 for _v, s, _t in history))


# --- the database gone, in-process (no cluster): tests/api/test_faults.py, the browser journey ---

def _refused_connection(dialect_name):
    """The error a real connection attempt gives where no database is."""
    if dialect_name == "sqlite":
        return sqlite3.connect("file:/nonexistent-directory/contest.sqlite3?mode=rw", uri=True)
    import psycopg

    return psycopg.connect("host=127.0.0.1 port=1 dbname=none user=none connect_timeout=2")


@contextmanager
def database_down(app):
    """No connection can be made while inside; the pooled ones are closed first (as a database
    restart closes them), so every request must connect anew and fails."""
    from flask import has_app_context
    from sqlalchemy import event

    from contest.extensions import db

    if has_app_context():  # the test's own session lets its connection go
        db.session.remove()
    with app.app_context():
        engine = db.engine
    engine.dispose()
    calls = []

    def refuse(dialect, conn_rec, cargs, cparams):
        calls.append(1)
        return _refused_connection(dialect.name)  # raises

    event.listen(engine, "do_connect", refuse)
    try:
        yield calls
    finally:
        event.remove(engine, "do_connect", refuse)
