#!/usr/bin/env bash
# Production on one machine (README "Production"): migrations first, then the job worker (when
# REDIS_URL is set) and gunicorn; stopping this script stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
: "${DATABASE_URL:?set DATABASE_URL, e.g. postgresql://user@127.0.0.1:5432/contest}"
if [ -z "${SECRET_KEY:-}" ] && [ ! -s instance/secret_key ]; then
  echo "set SECRET_KEY (or run make instance/secret_key)" >&2; exit 1
fi
export FLASK_APP=app
"$PY" -m flask db upgrade
pids=()
if [ -n "${REDIS_URL:-}" ]; then
  for _ in $(seq "${JOB_WORKERS:-1}"); do "$PY" -m flask jobs-worker & pids+=($!); done
else
  echo "REDIS_URL is not set: caches and rate limits are per process, jobs run in threads" >&2
fi
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
"$PY" -m gunicorn -c deploy/gunicorn.conf.py 'app:create_app()'
