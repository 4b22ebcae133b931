# JAR Workbench — set-up, run and test. `make run` and `make test` are all a new machine needs.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
ASSETS := static/govuk/.built
GOVUK_DIST := node_modules/govuk-frontend/dist/govuk
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 5000
# The suite runs on every core (pytest-xdist), a test file to a worker, so that a module's
# shared fixtures are built once; TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

.PHONY: install run test test-postgres bench load lint audit format system-deps browser-deps clean

install: system-deps $(PY_STAMP) $(ASSETS)

# WeasyPrint (PDF exports) needs Pango; installed from Debian's packages when missing.
system-deps:
	@{ /sbin/ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so' && \
	   /sbin/ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset.so'; } || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 \
	  libharfbuzz-subset0 fonts-dejavu-core >/dev/null; }

$(PY_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(ASSETS): $(NODE_STAMP)
	rm -rf static/govuk
	mkdir -p static/govuk
	cp $(GOVUK_DIST)/govuk-frontend.min.css $(GOVUK_DIST)/govuk-frontend.min.css.map static/govuk/
	cp $(GOVUK_DIST)/govuk-frontend.min.js $(GOVUK_DIST)/govuk-frontend.min.js.map static/govuk/
	cp -R $(GOVUK_DIST)/assets static/govuk/assets
	touch $@

# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; it downloads nothing).
browser-deps:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

run: install
	$(FLASK) db upgrade
	$(FLASK) demo load
	@echo "JAR Workbench: http://$(HOST):$(PORT)/"
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install browser-deps
	$(PYTEST)

# The whole suite against PostgreSQL: INSPECT_TEST_DATABASE_URL must reach a server.
test-postgres: install browser-deps
	@test -n "$$INSPECT_TEST_DATABASE_URL" || { echo "Set INSPECT_TEST_DATABASE_URL"; exit 2; }
	$(PYTEST)

bench: install
	$(BIN)/python -m bench

# 20 users grading, uploading and reading for 60 s against gunicorn; then no lost updates.
# On PostgreSQL too when INSPECT_BENCH_DATABASE_URL names a server (see bench/README.md).
load: install
	$(BIN)/python -m bench.load.run

# Known vulnerabilities in the installed packages (pip-audit, PyPI's data). Fails only on
# findings; says so plainly when the service cannot be reached.
audit: install
	$(BIN)/python .ci/dependency_audit.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules static/govuk instance .pytest_cache
