"""gunicorn settings for `make serve-prod` (README "Production").

Threaded workers (gthread): a request mostly waits on PostgreSQL or Redis, so threads overlap
those waits without the memory of more processes, and one process per core keeps the CPU busy.
bench/README.md has the figures the defaults come from (4 workers x 4 threads on 2 cores).
Every knob can be set from the environment without editing this file.
"""
import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_WORKERS", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("WEB_THREADS", 4))
# A worker is restarted after this many requests (with jitter, so they do not all restart at once):
# a slow leak in a library cannot grow without bound during a national round.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", 20000))
max_requests_jitter = max_requests // 10
timeout = int(os.environ.get("WEB_TIMEOUT", 30))  # anything longer is a background job
graceful_timeout = 20
keepalive = 5
limit_request_line = 4094  # api/core.py documents the 414 this gives
accesslog = os.environ.get("ACCESS_LOG", "-")
errorlog = "-"
# Not preload_app: each worker opens its own database pool after the fork.
