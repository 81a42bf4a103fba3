"""The app served for real on a free local port, in a thread: for concurrency tests and browser
journeys. The test's frozen clock and database are the server's. And several gunicorn servers
behind HAProxy and PgBouncer, as production runs them (`cluster`)."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from werkzeug.serving import make_server


@contextmanager
def serving(app):
    """Yield the base URL of `app` served by a threaded server; stop it afterwards."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@contextmanager
def sharing_redis(app, redis_url: str, count: int = 2, **config):
    """`count` app instances (as gunicorn workers or servers) with `app`'s config and `config`,
    sharing the Redis database of `redis_url`, emptied before and after; the test is skipped
    when that Redis does not answer."""
    import pytest
    import redis

    from app import create_app

    try:
        store = redis.Redis.from_url(redis_url, socket_connect_timeout=1)
        store.ping()
    except redis.RedisError:
        pytest.skip(f"needs Redis at {redis_url} (set TEST_CACHE_REDIS_URL)")
    settings = {**app.config, "REDIS_URL": redis_url, **config}
    settings.pop("SERVER_NAME", None)
    store.flushdb()  # that database only
    try:
        yield [create_app(settings) for _ in range(count)]
    finally:
        store.flushdb()
        store.close()


# --- several app servers behind a load balancer (scale-out test and bench/scaleout.py) -------------
ROOT = Path(__file__).resolve().parent.parent
# Load from one address and far faster than any member: the benches and the scale-out test lift
# the per-user save limit and the per-address limits (contest/ratelimit.py), nothing else.
NO_RATE_LIMITS = {f"RATE_LIMIT_{action}_{who}": "none" for action in ("SAVE", "SUBMIT", "REGISTER")
                  for who in ("USER", "ADDRESS")} | {"LOGIN_RATE_LIMIT": "1000000 per minute"}
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


def missing_parts() -> list[str]:
    """What this machine lacks to run a cluster (Debian packages haproxy and pgbouncer)."""
    return [name for name, path in (("haproxy", HAPROXY), ("pgbouncer", PGBOUNCER)) if not os.access(path, os.X_OK)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    url: str  # the load balancer: what members use
    servers: list[str]  # each app server directly
    database_url: str  # what the app servers use (through PgBouncer when it runs)
    processes: list = field(default_factory=list)


def _wait_for(url: str, seconds: float, process=None) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode} before {url} answered")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {seconds} s")
        time.sleep(0.2)


def _pgbouncer(tmp: Path, database_url: str, port: int, pool: int) -> subprocess.Popen:
    """PgBouncer in transaction pooling mode in front of the database of `database_url`."""
    target = urlsplit(database_url.replace("+psycopg", ""))
    name = target.path.lstrip("/")
    user = target.username or "postgres"
    (tmp / "userlist.txt").write_text(f'"{user}" ""\n')
    (tmp / "pgbouncer.ini").write_text(
        (ROOT / "deploy" / "pgbouncer.ini").read_text()
        .replace("@DATABASE@", f"{name} = host={target.hostname or '127.0.0.1'} port={target.port or 5432} dbname={name}")
        .replace("@PORT@", str(port)).replace("@USERLIST@", str(tmp / "userlist.txt"))
        .replace("default_pool_size = 20", f"default_pool_size = {pool}"))
    command = [PGBOUNCER, str(tmp / "pgbouncer.ini")]
    if os.geteuid() == 0:  # PgBouncer refuses to run as root
        os.chmod(tmp, 0o755)
        for f in tmp.iterdir():
            os.chmod(f, 0o666)
        command[1:1] = ["-u", "postgres"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _haproxy(tmp: Path, port: int, backends: list[int]) -> subprocess.Popen:
    servers = "\n".join(f"    server app{i} 127.0.0.1:{p} check inter 1s fall 2 rise 1"
                        for i, p in enumerate(backends, 1))
    (tmp / "haproxy.cfg").write_text(
        (ROOT / "deploy" / "haproxy.cfg").read_text()
        .replace("bind 127.0.0.1:8080", f"bind 127.0.0.1:{port}")
        .split("    server app1")[0] + servers + "\n")
    return subprocess.Popen([HAPROXY, "-db", "-f", str(tmp / "haproxy.cfg")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@contextmanager
def cluster(database_url: str, redis_url: str, *, servers: int = 2, workers: int = 1, threads: int = 4,
            pgbouncer: bool = True, bouncer_pool: int = 20, env: dict | None = None, log=subprocess.DEVNULL):
    """`servers` gunicorn app servers (deploy/gunicorn.conf.py, as `make serve-prod` runs them)
    behind HAProxy (deploy/haproxy.cfg), sharing one Redis and one PostgreSQL, reached through
    PgBouncer in transaction pooling (deploy/pgbouncer.ini) unless `pgbouncer=False`. The
    database must already have its tables. `bouncer_pool`: PgBouncer's server connections (fewer
    than the servers' client connections makes transactions change server connections often)."""
    processes = []
    with tempfile.TemporaryDirectory(prefix="cluster-") as tmp_name:
        tmp = Path(tmp_name)
        try:
            app_database = database_url
            if pgbouncer:
                bouncer_port = free_port()
                processes.append(_pgbouncer(tmp, database_url, bouncer_port, bouncer_pool))
                target = urlsplit(database_url)
                app_database = (f"{target.scheme}://{target.username or 'postgres'}@127.0.0.1:{bouncer_port}"
                                f"{target.path}")
            ports = [free_port() for _ in range(servers)]
            base_env = {**os.environ, "DATABASE_URL": app_database, "REDIS_URL": redis_url,
                        "DATABASE_POOLER": "pgbouncer" if pgbouncer else "",
                        "SECRET_KEY": "cluster-secret-key-0123456789abcdef", "PROXY_COUNT": "1",
                        "WEB_WORKERS": str(workers), "WEB_THREADS": str(threads), "ACCESS_LOG": "/dev/null",
                        **(env or {})}
            for port in ports:
                processes.append(subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "app:create_app()"],
                    cwd=ROOT, env={**base_env, "BIND": f"127.0.0.1:{port}"}, stdout=log, stderr=log))
            balancer_port = free_port()
            processes.append(_haproxy(tmp, balancer_port, ports))
            direct = [f"http://127.0.0.1:{p}" for p in ports]
            for url, process in zip(direct, processes[-1 - servers:-1]):
                _wait_for(url + "/healthz", 60, process)
            balancer = f"http://127.0.0.1:{balancer_port}"
            _wait_for(balancer + "/healthz", 20, processes[-1])
            yield Cluster(balancer, direct, app_database, processes)
        finally:
            for process in reversed(processes):
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
