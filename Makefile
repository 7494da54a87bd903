# ChuangCheng — the two commands: `make run` (demo county on SQLite) and `make test` (whole suite).
# Both are safe to run again: every step is skipped when its inputs have not changed.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
VENDOR := build/static/vendor
# make run/test serve a local demo; production sets DEBUG=0 and its own SECRET_KEY (see README).
export DEBUG ?= 1

.PHONY: run test setup setup-dev assets translations migrate lint check clean help

help:
	@echo "make run   — set up and serve the demo county at http://127.0.0.1:$(PORT)"
	@echo "make test  — run the whole test suite (SQLite, or DATABASE_URL when set)"
	@echo "make lint  — ruff, manage.py check, makemigrations --check"

run: setup assets translations migrate
	$(PY) manage.py seed_demo --if-empty
	@echo "Serving on http://127.0.0.1:$(PORT)  (Ctrl-C stops)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: setup-dev assets translations
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (set PYTHON=/path/to/python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"

$(VENV)/.base-installed: requirements/base.lock | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements/base.lock
	@touch $@

$(VENV)/.dev-installed: requirements/dev.lock | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.lock
	@touch $@ $(VENV)/.base-installed

setup: $(VENV)/.base-installed
setup-dev: $(VENV)/.dev-installed

node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js) is required to install the front-end libraries"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(VENDOR)/.stamp: node_modules/.package-lock.json
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/htmx $(VENDOR)/echarts $(VENDOR)/leaflet
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images $(VENDOR)/leaflet/
	@touch $@

assets: $(VENDOR)/.stamp

translations: setup
	@$(PY) manage.py compile_translations

migrate: setup
	$(PY) manage.py migrate --noinput

clean:
	rm -rf build node_modules $(VENV)
