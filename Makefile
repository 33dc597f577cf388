# Steppe. `make run` serves the platform; `make test` runs lint and the tests on SQLite and PostgreSQL.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STEPPE := $(VENV)/bin/steppe
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
export STEPPE_VAR_DIR ?= $(CURDIR)/var

.PHONY: help install run serve setup test test-sqlite test-postgres lint format lock chromium bench clean messages

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(VENV)/.installed: pyproject.toml requirements.lock
	@test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	@$(PY) -m pip install -q --disable-pip-version-check uv==0.13.8
	$(VENV)/bin/uv pip sync -q --python $(PY) requirements.lock
	$(VENV)/bin/uv pip install -q --python $(PY) --no-deps -e .
	@touch $@

install: $(VENV)/.installed ## create .venv and install the locked dependencies

lock: ## re-resolve requirements.lock from pyproject.toml
	@test -x $(VENV)/bin/uv || { "$$(scripts/find-python)" -m venv $(VENV) && $(PY) -m pip install -q uv==0.13.8; }
	$(VENV)/bin/uv pip compile -q pyproject.toml --extra dev -p 3.12 -o requirements.lock

setup: install ## migrate the database and load regions, the built-in plan and the published statistics
	STEPPE_DEBUG=$${STEPPE_DEBUG:-1} $(STEPPE) setup

# `make run` and `make serve` start the background-job worker (`steppe worker`) beside the server
# and stop it when the server stops; more workers (other machines with STEPPE_TASKS_URL) are optional.
WITH_WORKER = $(STEPPE) worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM;

run: setup ## set everything up and serve on http://127.0.0.1:$(PORT) with a job worker (PORT=8123 make run)
	@echo "Steppe: http://127.0.0.1:$(PORT)/ (with a background-job worker)"
	export STEPPE_DEBUG=$${STEPPE_DEBUG:-1}; $(WITH_WORKER) $(STEPPE) runserver 127.0.0.1:$(PORT) --noreload

serve: setup ## production-like: gunicorn with 2 workers and a job worker (needs STEPPE_SECRET_KEY)
	$(WITH_WORKER) $(VENV)/bin/gunicorn steppe.wsgi:application --preload --bind 127.0.0.1:$(PORT) --workers 2

lint: install ## ruff, and mypy on the compute cores and the services ([tool.mypy] in pyproject.toml)
	$(VENV)/bin/ruff check src tests bench
	STEPPE_TESTING=1 $(VENV)/bin/mypy

format: install ## ruff format
	$(VENV)/bin/ruff format src tests bench

chromium: ## Debian's chromium (and a CJK font, so pages render Chinese) for the browser tests, where missing
	@{ command -v chromium >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q .; } || { \
	  echo "installing Debian chromium and fonts-noto-cjk for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
	  || echo "chromium could not be installed: browser tests will be skipped"; }

test-sqlite: install chromium ## the whole suite on SQLite
	STEPPE_TESTING=1 DATABASE_URL= $(PY) -m pytest -q

test-postgres: install ## the whole suite on PostgreSQL (DATABASE_URL, default $(PG_URL))
	STEPPE_TESTING=1 DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(PY) -m pytest -q -m "not e2e"

test: lint test-sqlite ## lint, then the tests on SQLite, then on PostgreSQL when one answers
	@if [ -n "$$DATABASE_URL" ] || (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then \
	  $(MAKE) --no-print-directory test-postgres; \
	else echo "PostgreSQL: no DATABASE_URL and nothing on 127.0.0.1:5432, skipped"; fi

messages: install ## compile the translations (needs GNU gettext's msgfmt)
	cd src/steppe && ../../$(STEPPE) compilemessages -l en

bench: install ## every benchmark under bench/, printing figures
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean: ## remove the virtualenv and the local database
	rm -rf $(VENV) var

.PHONY: screens
screens: install chromium ## photograph each role's journey at desktop and phone widths into docs/screens/
	rm -f docs/screens/*.png
	STEPPE_TESTING=1 DATABASE_URL= STEPPE_SCREENS=$(CURDIR)/docs/screens $(PY) -m pytest -q -p no:randomly tests/e2e/test_journeys.py
