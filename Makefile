# Smart Kampung — the two commands: `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
LOCK_HASH := $(shell sha256sum requirements.lock | cut -c1-16)
STAMP := $(VENV)/.installed-$(LOCK_HASH)
HOST ?= 127.0.0.1
PORT ?= 8000
REGION_CODES := data/regions/banyuwangi_kode_wilayah_35.10.csv
REGION_BOUNDARIES := data/regions/banyuwangi_batas_desa_35.10.geojson

.PHONY: install run prepare test lint typecheck unit bench system-deps messages lock clean \
	cluster-deps cluster-up cluster-down drills backup

$(STAMP): requirements.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes --only-binary=:all: -r requirements.lock
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

## Prepare the database (SQLite in var/ unless DATABASE_URL is set): safe to run again.
prepare: install
	$(PY) manage.py compile_translations
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py import_regions $(REGION_CODES) $(REGION_BOUNDARIES)
	$(PY) manage.py demo_seed
	$(PY) manage.py collectstatic --noinput --verbosity 0

## Serve http://$(HOST):$(PORT) with gunicorn (and the background-task worker).
run: prepare
	HOST=$(HOST) PORT=$(PORT) scripts/serve.sh

## Browsers and PDF tools for the end-to-end tests (Debian/Ubuntu packages).
system-deps:
	@missing=""; \
	for tool in chromium:chromium chromedriver:chromium-driver pdfsig:poppler-utils zbarimg:zbar-tools msgfmt:gettext; do \
	  command -v $${tool%%:*} >/dev/null 2>&1 || missing="$$missing $${tool##*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

## The high-availability stack (Debian packages): Patroni, etcd, pgbouncer, pgBackRest (docs/operations.md).
## Services are not started by the packages' own scripts: scripts/cluster/cluster.sh runs them.
cluster-deps:
	@missing=""; \
	for tool in patroni:patroni patronictl:patroni etcd:etcd-server etcdctl:etcd-client pgbouncer:pgbouncer pgbackrest:pgbackrest; do \
	  command -v $${tool%%:*} >/dev/null 2>&1 || missing="$$missing $${tool##*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

## A two-node Patroni cluster with etcd and pgbouncer on loopback ports (SK_CLUSTER_DIR, default /tmp/sk-cluster).
cluster-up: cluster-deps
	scripts/cluster/cluster.sh up

cluster-down:
	scripts/cluster/cluster.sh down

## Failover and restore drills against a throw-away cluster (a few minutes; run by .ci/run).
drills: install cluster-deps
	SK_CLUSTER_DRILLS=1 $(BIN)/pytest -q -n 0 -m cluster smartkampung/ops/tests/drills

## Full backup (pgBackRest) of the running cluster plus the media folder (docs/operations.md).
backup:
	scripts/cluster/backup.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy .

unit: install system-deps
	$(PY) manage.py compile_translations
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

## The whole suite: lint, types, migrations check, tests (browser tests included).
test: lint typecheck unit

## Benchmarks at regency scale (never part of `make test`); writes bench/results/.
bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

## Re-extract translatable strings of every app into its locale/id/LC_MESSAGES/django.po.
messages: install
	$(PY) manage.py translations_extract

## Re-pin dependencies after editing pyproject.toml.
lock:
	$(PYTHON) -m pip install --quiet uv && $(PYTHON) -m uv pip compile pyproject.toml --extra dev \
	  --python-version 3.11 --universal --generate-hashes --only-binary :all: -o requirements.lock

clean:
	rm -rf $(VENV) var/static
