# The two commands: `make run` (the app with demo data) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON_VERSION := $(shell cat .python-version)
PYTHON ?= $(shell command -v python$(PYTHON_VERSION) || (command -v pyenv >/dev/null && pyenv which python$(PYTHON_VERSION)) 2>/dev/null)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format system-packages clean bench scale-test audit css

$(PY):
	@test -n "$(PYTHON)" || { echo "Python $(PYTHON_VERSION) is needed (pyenv install $(PYTHON_VERSION), or your package manager)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $@ $(VENV)/.installed

system-packages:
	@.ci/system-packages

# Links printed, e-mailed and put on certificates point at the port the demo runs on (unless SITE_URL says otherwise).
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: system-packages $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ with the task worker beside it. Ctrl-C stops both."
	@$(PY) manage.py worker --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: system-packages $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -n auto

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) staticfiles .test-media .pytest_cache .ruff_cache

# Programme-scale benchmark: seeds its own database (SQLite, or PostgreSQL when DATABASE_URL is set),
# times the main pages and the award report, and load-tests gunicorn with wrk (PostgreSQL only).
bench: system-packages $(VENV)/.installed-test
	@command -v wrk >/dev/null || .ci/system-packages wrk
	$(PY) bench/run.py $(BENCH_ARGS)

# Scale-out proof: two gunicorn nodes, two task workers, one PostgreSQL database of its own (enabling_scale on the
# DATABASE_URL server) and an S3-compatible store (moto), checked through both nodes; prints one table.
# SCALE_SECONDS shortens the load phase (default 60).
scale-test: system-packages $(VENV)/.installed-test
	$(PY) scale/run.py

# The site's one stylesheet, static/css/site.min.css: the Bootstrap rules the templates use, then static/css/app.css.
# Run it after adding a Bootstrap class to a template or changing app.css (tests/test_page_weight.py says when).
css: $(VENV)/.installed
	$(PY) audit/build_css.py

# Lighthouse (mobile) and pa11y on every page type, signed in as the person who uses it; prints one table and fails
# below the targets. The npm packages are pinned in audit/package.json; Debian's Chromium, no browser downloaded.
# AUDIT_ARGS="--only reviewer" audits some pages only.
audit: system-packages $(VENV)/.installed
	@command -v npm >/dev/null || .ci/system-packages npm
	cd audit && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	CHROME_PATH=$$(command -v chromium) $(PY) audit/run.py $(AUDIT_ARGS)
