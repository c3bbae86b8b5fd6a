# The two commands of README.md: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format messages clean mutation bench

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test-deps: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.run-deps

## make run: install, migrate, load demo data, then serve the web app with a Celery worker and beat.
## DEBUG is off unless set (crm/settings.py); the development server runs with DEBUG=1. The worker and beat log to
## var/log/; e-mails go to var/mail/ unless EMAIL_BACKEND is set. The banner (URL and demo logins) comes last, once
## /healthz answers (demo_banner), so it is what a newcomer sees.
run: export DEBUG ?= 1
run: $(VENV)/.run-deps
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@mkdir -p var/log
	@bash -c 'trap "trap - EXIT INT TERM; kill 0" EXIT INT TERM; \
	  $(VENV)/bin/celery -A crm --quiet worker --loglevel=INFO --concurrency=1 --logfile=var/log/celery-worker.log 2>>var/log/celery-worker.log & \
	  $(VENV)/bin/celery -A crm --quiet beat --loglevel=INFO --logfile=var/log/celery-beat.log 2>>var/log/celery-beat.log & \
	  $(PY) manage.py runserver $(HOST):$(PORT) $(RUNSERVER_ARGS) & \
	  $(PY) manage.py demo_banner --url http://$(HOST):$(PORT)/; \
	  wait -n'

## make test: ruff, the import contracts (pyproject.toml), migrations check, the whole test suite.
test: $(VENV)/.test-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

## make mutation (not part of make test, ~10 min): mutmut on */rules/ and crm/access.py with the tests named in
## pyproject.toml [tool.mutmut], then the mutants of the permission table; prints killed/total per module.
mutation: $(VENV)/.test-deps
	rm -rf mutants
	nice -n 15 $(VENV)/bin/mutmut run --max-children $(or $(MUTATION_JOBS),2) > /dev/null || true
	$(VENV)/bin/mutmut results --all true | $(PY) tools/mutation_score.py
	nice -n 15 $(PY) tools/mutate_access_table.py

lint: $(VENV)/.test-deps
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: $(VENV)/.run-deps
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var/db.sqlite3 var/celery var/celerybeat-schedule*

## make bench: issue 15's speed targets on the 1M-customer PostgreSQL portfolio (built on first use, then reused);
## not part of make test. BENCH_DATABASE_URL defaults to crm_bench1m; BENCH_ARGS=--reads-only skips the writes.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/crm_bench1m
bench: $(VENV)/.test-deps
	$(PY) benchmarks/run_all.py --database-url $(BENCH_DATABASE_URL) $(BENCH_ARGS)
