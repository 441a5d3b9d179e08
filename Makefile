# Fabriques — one entry point for running, testing and checking the platform.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
# The settings read it too: links in e-mails and pages follow the port (see SITE_URL).
export PORT
BIN := $(VENV)/bin
PY := $(BIN)/python

.PHONY: run demo database install install-dev test test-browser lint check worker lock bench audit audit-snapshot

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Markers make re-runs instant when the lock files have not changed.
$(VENV)/.installed-base: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.txt
	touch $@

$(VENV)/.installed-dev: requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	touch $@ $(VENV)/.installed-base

install: $(VENV)/.installed-base
install-dev: $(VENV)/.installed-dev

# A secret key of this machine's own, read by the settings: they refuse the public development
# key while DEBUG is off, and local runs keep DEBUG off to look like production.
.env:
	printf 'DJANGO_SECRET_KEY=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@

# The embedded SQLite database (var/), migrated, with the referential and the history loaded.
database: install .env
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py import_referential
	$(PY) manage.py import_programme

## Start the platform on the embedded SQLite database with the programme history loaded; the
## task worker runs beside the server, so e-mails are printed in this terminal.
run: database
	@echo "Fabriques : http://127.0.0.1:$(PORT)/"
	$(PY) manage.py serve 127.0.0.1:$(PORT)

## The same database with fictional demonstration Fabriques and one account per role, served
## with DEBUG on: the demo's accounts share a published password and sign in only then.
demo: database
	DJANGO_DEBUG=1 $(PY) manage.py load_demo
	@echo "Fabriques (démonstration) : http://127.0.0.1:$(PORT)/"
	DJANGO_DEBUG=1 $(PY) manage.py serve 127.0.0.1:$(PORT)

## Run the django-tasks database worker (e-mails, long jobs).
worker: install .env
	$(PY) manage.py db_worker

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy fabriques foresight config tests
	$(BIN)/lint-imports

## Lint, migrations check and the whole suite (SQLite, or DATABASE_URL when set).
test: lint
	mkdir -p var
	DJANGO_SETTINGS_MODULE=config.settings_test $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -m "not browser" -n 2 -p no:cacheprovider

## End-to-end tests in Debian's chromium (apt-get install chromium).
test-browser: install-dev
	$(PY) -m pytest -m browser -p no:cacheprovider

check: test test-browser

## Regenerate the lock files from pyproject.toml (needs network access to PyPI).
lock: install-dev
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -q -o requirements/base.txt
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -q -o requirements/dev.txt

## Known vulnerabilities in the locked pins: pip-audit online, else the dated snapshot in
## data/advisories/; fails (exit 2) when a pin could be checked by neither.
audit: install-dev
	$(PY) scripts/audit.py requirements/base.txt requirements/dev.txt

## Rebuild data/advisories/snapshot.json from PyPI's JSON API (needs network access).
audit-snapshot: install-dev
	$(PY) scripts/audit.py snapshot requirements/base.txt requirements/dev.txt

bench: install-dev .env
	$(PY) bench/programme_100x.py
	$(PY) bench/foresight.py --quick
