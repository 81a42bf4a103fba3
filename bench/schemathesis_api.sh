#!/usr/bin/env bash
# Schemathesis over the API's own OpenAPI document, on PostgreSQL, every check.
#
#   bench/schemathesis_api.sh [extra schemathesis options, e.g. --max-examples 50]
#
# Starts the app (gunicorn) on a fresh PostgreSQL schema in database $DB (default test_hostile:
# everything in it is dropped first), loads the demo data, takes a token for the organizer
# `admin`, and runs `schemathesis run --checks all` against /api/v1/openapi.json with it.
# schemathesis is pinned in requirements-dev.txt (it installs beside the pinned stack).
# DELETE /api/v1/auth/token is left out: it would revoke the token the run signs in with (the
# hostile-input sweep in tests/api/test_hostile_input.py covers it).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
DB=${DB:-test_hostile}
PORT=${PORT:-5097}
export DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:5432/$DB"
export SECRET_KEY="schemathesis-only-secret-key-0123456789"
export LOGIN_RATE_LIMIT="100000 per minute"
export FLASK_APP=app
unset FLASK_DEBUG

psql -h 127.0.0.1 -U postgres -d "$DB" -qc "DROP SCHEMA public CASCADE; CREATE SCHEMA public;" >/dev/null
"$VENV/bin/python" -m flask db upgrade >/dev/null 2>&1
"$VENV/bin/python" -m flask load-demo >/dev/null

"$VENV/bin/gunicorn" -w 2 --threads 4 -b "127.0.0.1:$PORT" --log-level warning 'app:create_app()' &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -sf "http://127.0.0.1:$PORT/api/v1/openapi.json" >/dev/null && break
  sleep 0.2
done

TOKEN=$(curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/auth/token" -H 'Content-Type: application/json' \
  -d '{"username": "admin", "password": "admin"}' | "$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["token"])')

"$VENV/bin/schemathesis" --config-file bench/schemathesis.toml run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
  --checks all \
  -H "Authorization: Bearer $TOKEN" \
  --exclude-method DELETE \
  --workers 2 \
  --seed 2026 \
  "$@"
