# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEV_STAMP := $(VENV)/.installed-dev-stamp
PORT   ?= 5000
FLASK  := $(BIN)/flask --app wsgi

.PHONY: run test nightly install translations translations-compile migration clean bench load smpp-server

# `make run` installs what the application needs; `make test` adds the test tools (pytest, Playwright...).
$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(DEV_STAMP)

install: $(STAMP)

translations-compile: $(STAMP)
	$(BIN)/pybabel compile --statistics -d translations -D messages 2>&1 | tail -n 3

run: translations-compile
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	@echo "Serving on http://127.0.0.1:$(PORT)"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# The SMS tests talk to a real SMPP server (the npm package `smpp`, tests/sms/smpp_server), installed
# from its lock file when npm exists; without Node.js those tests are skipped and say why.
SMPP_SERVER := tests/sms/smpp_server
$(SMPP_SERVER)/node_modules/.package-lock.json: $(SMPP_SERVER)/package-lock.json $(SMPP_SERVER)/package.json
	npm ci --prefix $(SMPP_SERVER) --no-audit --no-fund --loglevel=error

smpp-server:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(SMPP_SERVER)/node_modules/.package-lock.json; \
	else echo "npm not found: the SMS tests against a real SMPP server (tests/sms) will be skipped"; fi

# One pytest-xdist worker per core (TEST_WORKERS=0: a single process, e.g. to debug with pdb).
TEST_WORKERS ?= auto
test: $(DEV_STAMP) translations-compile smpp-server
	$(BIN)/ruff check --quiet .
	$(BIN)/mypy --no-error-summary
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# The release gate's simulations at their nightly size (docs/statistics.md, ST55): D5 and D6 on the four
# populations, 1,000 runs each (`make test` runs 50); `-s` shows the narrowest cell each population left.
NIGHTLY_RUNS ?= 1000
nightly: $(DEV_STAMP)
	STATISTICS_RUNS=$(NIGHTLY_RUNS) $(BIN)/python -m pytest -n $(TEST_WORKERS) -s -p no:cacheprovider \
		tests/statistics/test_populations.py

# Benchmarks, never part of `make test`: the main pages and the statistics release against
# their floors on synthetic data. SQLite by default, PostgreSQL with TEST_DATABASE_URL (database
# mediation_bench, recreated). `make bench CASES=100000`, or `make bench SCALE=1000,10000,100000`;
# BENCH_ARGS="--keep DIR" keeps the loaded databases and measures them again next time without reloading.
CASES ?= 10000
SCALE ?=
bench: translations-compile
	$(BIN)/python bench/run.py --cases $(CASES) $(if $(SCALE),--scale $(SCALE)) $(BENCH_ARGS)
	$(BIN)/python bench/documents.py

# Load test, never part of `make test`: gunicorn (2 workers) on 127.0.0.1 under locust
# (headless, bounded in time and requests) on a fresh synthetic database; writes the "load" section of
# bench/RESULTS.md. `make load LOAD_CASES=1000 LOAD_ARGS="--users 10 --run-time 30"`.
LOAD_CASES ?= 1000
load: translations-compile
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[load]'
	$(BIN)/python bench/load.py --cases $(LOAD_CASES) $(LOAD_ARGS)

# Extract, update and compile the catalogues after changing user-visible text.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -c Translators: -o translations/messages.pot \
		--project mediation --no-location --sort-output --omit-header --width 100 .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -D messages --no-fuzzy-matching --ignore-obsolete --width 100
	$(MAKE) translations-compile

# make migration MESSAGE="add cases"  (read the generated file before committing)
migration: $(STAMP)
	$(FLASK) db migrate -m "$(MESSAGE)"

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache
