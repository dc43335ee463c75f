# 春风政采 — the two commands a newcomer runs: `make run` and `make test`.
SHELL := /bin/bash
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

# make test runs against the real servers: PostgreSQL and Redis on this machine.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/chunfeng
TEST_REDIS_URL ?= redis://127.0.0.1:6379/14
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15

# Debian packages the tests need: the browser, CJK fonts for WeasyPrint and
# screenshots, pango for WeasyPrint, poppler to read generated PDFs.
SYSTEM_PACKAGES := chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 \
	libharfbuzz-subset0 poppler-utils gettext

.PHONY: run test install install-dev system-deps translations migrate demo lint \
	bench bench-db soak clean messages ocds-standard

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

translations: $(VENV)/.installed
	DJANGO_DEBUG=true $(BIN)/python manage.py compiletranslations >/dev/null

## make run: install, migrate, load demo data, start web + worker + beat (SQLite, filesystem broker)
run: $(VENV)/.installed translations
	DJANGO_DEBUG=true $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=true $(BIN)/python manage.py seed_demo
	@echo "春风政采 is starting at http://127.0.0.1:$(PORT)/  (Ctrl-C stops web, worker and beat)"
	DJANGO_DEBUG=true PORT=$(PORT) PATH="$(CURDIR)/$(BIN):$$PATH" TZ=Asia/Shanghai \
		$(BIN)/honcho -f Procfile.dev start

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian packages:$$missing"; \
			apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
		else \
			echo "Missing Debian packages:$$missing (run as root, or install them)"; exit 1; \
		fi; \
	fi

# The OCDS 1.1 schema for disclosure.ocds' validation, taken from two PyPI packages of the
# Open Contracting Partnership (the registries are the only network; see
# disclosure/ocds/standard.py).
OCDS_STANDARD_ZIP ?= var/ocds-standard-1__1__5.zip
$(OCDS_STANDARD_ZIP): disclosure/ocds/standard.py | $(VENV)/.installed
	DJANGO_DEBUG=true OCDS_STANDARD_ZIP=$@ $(BIN)/python -m disclosure.ocds.standard $@
ocds-standard: $(OCDS_STANDARD_ZIP)

## make test: install what tests need and run the whole suite on PostgreSQL and Redis
test: system-deps $(VENV)/.installed-dev translations $(OCDS_STANDARD_ZIP)
	$(BIN)/ruff check .
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	CELERY_BROKER_URL=$(TEST_BROKER_URL) DJANGO_DEBUG=true \
	DJANGO_ALLOW_ASYNC_UNSAFE=true \
		$(BIN)/pytest --create-db $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check . || true

## make messages: refresh the .po files after changing user-facing strings
messages: $(VENV)/.installed
	DJANGO_DEBUG=true $(BIN)/python manage.py makemessages -l zh_Hans -l en \
		--ignore='.venv/*' --ignore='var/*' --no-obsolete

clean:
	rm -rf var/ .pytest_cache

## make bench: the hot paths on PostgreSQL next to same-run baselines (bench/, docs/operations.md)
# The bid rush goes through a gunicorn of its own with bench.settings; the results are
# written to bench/results/. BENCH_ARGS, e.g. BENCH_ARGS='--only bids --bidders 60'.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/chunfeng_bench
BENCH_DB_NAME = $(lastword $(subst /, ,$(BENCH_DATABASE_URL)))
# The cache is production's, Redis (its own database, 11; the portal's pages are kept
# there: the file cache's culling of a directory of thousands of files is no measure of a
# deployment); the broker the filesystem one (var/), or a Redis URL.
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/11
BENCH_BROKER_URL ?= filesystem://
BENCH_ENV = DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=$(BENCH_DATABASE_URL) \
	REDIS_URL=$(BENCH_REDIS_URL) CELERY_BROKER_URL=$(BENCH_BROKER_URL) \
	CELERY_TASK_ALWAYS_EAGER=false SMS_BACKEND=file SMS_FILE_PATH=/dev/null
BENCH_KEY = YmVuY2gtb25seS1ub3QtYS1zZWNyZXQtbm90LXVzZSE=

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $@ $(VENV)/.installed-dev $(VENV)/.installed

bench-db: $(VENV)/.installed-bench
	@psql "$(BENCH_DATABASE_URL:/$(BENCH_DB_NAME)=/postgres)" -tc \
		"SELECT 1 FROM pg_database WHERE datname = '$(BENCH_DB_NAME)'" | grep -q 1 || \
		psql "$(BENCH_DATABASE_URL:/$(BENCH_DB_NAME)=/postgres)" -c "CREATE DATABASE $(BENCH_DB_NAME)"
	$(BENCH_ENV) DJANGO_DEBUG=true $(BIN)/python manage.py migrate --noinput -v 0

bench: bench-db
	$(BENCH_ENV) DJANGO_DEBUG=false SECRET_KEY=bench-only BID_MASTER_KEY=$(BENCH_KEY) \
		AUDIT_ANCHOR_KEY=$(BENCH_KEY) $(BIN)/python manage.py bench $(BENCH_ARGS)

## make soak: bids over HTTP and the deadline sweep together under locust for 3 minutes
# SOAK_ARGS, e.g. SOAK_ARGS='--users 50 --run-time 60'.
SOAK_ARGS ?= --users 50 --spawn-rate 10 --run-time 180
soak: bench-db
	$(BENCH_ENV) DJANGO_DEBUG=false SECRET_KEY=bench-only BID_MASTER_KEY=$(BENCH_KEY) \
		AUDIT_ANCHOR_KEY=$(BENCH_KEY) $(BIN)/python manage.py soak $(SOAK_ARGS)
