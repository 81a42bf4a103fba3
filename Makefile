# The front door: `make run` serves the app with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 5000
export FLASK_APP := app

.PHONY: serve-prod run test test-sqlite test-postgres install translations bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# A real SECRET_KEY, made once and kept (the app refuses to start without one, outside
# FLASK_DEBUG=1 and tests); SECRET_KEY in the environment wins over it.
instance/secret_key:
	mkdir -p instance
	umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_hex(32))' > $@.tmp && mv $@.tmp $@

run: install instance/secret_key
	$(PY) -m flask db upgrade
	$(PY) -m flask load-demo
	DEMO=1 $(PY) -m flask run --host 127.0.0.1 --port $(PORT)

# Production: DATABASE_URL (PostgreSQL) and REDIS_URL from the environment; README "Production".
serve-prod: install instance/secret_key
	deploy/serve-prod.sh

# SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (CI sets it).
test: install
	TEST_DATABASE_URL= $(PY) -m pytest -q -rs
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL ($$TEST_DATABASE_URL) =="; \
		$(PY) -m pytest -q -rs; \
	else \
		echo "TEST_DATABASE_URL not set: PostgreSQL run skipped"; \
	fi

translations: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot .
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching
	$(VENV)/bin/pybabel compile -d translations

# The measurements that need nothing but SQLite; the HTTP load (bench/quiz_load.py, PostgreSQL and
# gunicorn) and the API fuzzing (bench/schemathesis_api.sh) are run by hand: see bench/README.md.
bench: install
	$(PY) bench/import_xlsx.py
	$(PY) bench/bank_import.py
	$(PY) bench/bank_listing.py
	$(PY) bench/assignment_similarity.py

clean:
	rm -rf $(VENV) instance .pytest_cache
