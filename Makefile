# Two commands for a newcomer: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help run test lint format check-deploy messages vendor bench prod-local faults clean

help:
	@echo "make run    - set up the venv, migrate, load demo data, serve http://$(HOST) with a task worker"
	@echo "make test   - run the whole test suite (SQLite, or PostgreSQL with DATABASE_URL)"
	@echo "make lint   - ruff and the migrations check"
	@echo "make messages - extract and compile the translation catalogs (needs gettext)"
	@echo "make vendor - refresh static/vendor/ (KRDS, Pretendard GOV) from the npm registry (needs npm)"
	@echo "make bench  - load benchmark on PostgreSQL + gunicorn + wrk, writes bench/results.md (minutes)"
	@echo "make prod-local - nginx + gunicorn + task worker in production mode on https://127.0.0.1:8443 (Ctrl-C stops)"
	@echo "make faults - break Redis, PostgreSQL, SMTP and the network in turn, writes deploy/faults-results.md (minutes)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

run: $(VENV)/.runtime
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py seed_demo
	@# The background worker beside the server, as in production: mails (printed to this terminal by the
	@# console backend) and imports run there, never in a request. It stops when the server stops.
	@# It does not reload on code changes (a reloading worker's child would outlive this shell).
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py db_worker --no-reload --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py runserver $(HOST)

test: $(VENV)/.dev
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then \
		echo "Chromium found: browser tests will run."; \
	else \
		echo "NOTE: /usr/bin/chromium or /usr/bin/chromedriver missing: browser tests are SKIPPED."; \
		echo "      Install them with: apt-get install -y chromium chromium-driver fonts-nanum"; \
	fi
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The deployment checklist with production settings (placeholders, never real secrets).
check-deploy: $(VENV)/.runtime
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	DJANGO_ALLOWED_HOSTS=portal.example.kr DJANGO_CSRF_TRUSTED_ORIGINS=https://portal.example.kr \
	PORTAL_SITE_URL=https://portal.example.kr $(BIN)/python manage.py check --deploy --fail-level WARNING

messages: $(VENV)/.dev
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages -l ko --no-location --no-obsolete
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages -l ko

# The pinned front-end packages, checked against the registry's integrity (standard library + npm).
vendor:
	$(PYTHON) scripts/vendor_assets.py

# Not part of `make test`: seeds PostgreSQL at BENCH_SCALE (default 10000) and load-tests every page.
bench: $(VENV)/.dev
	$(BIN)/python bench/run.py

# The production stack on loopback for a rehearsal: deploy/prod_local.py says what it runs.
prod-local: $(VENV)/.runtime
	$(BIN)/python deploy/prod_local.py

# Not part of `make test`: the stack on throwaway servers, with one part broken at a time.
faults: $(VENV)/.dev
	$(BIN)/python deploy/faults.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
