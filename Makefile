# Quick start: `make demo` then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint typecheck install install-classify install-test test-deps clean bench-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[serve]'

install-classify: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[classify]'

install-test: $(BIN)/python test-deps
	$(BIN)/python -m pip install --quiet -e '.[test,serve]'

# The import-db tests start a throw-away PostgreSQL server (IDB-TEST), and the browser tests
# drive Debian's Chromium (serve.md SV-E2E-1; never `playwright install`): install Debian's
# packages when they are missing and this is a root shell with apt-get.
test-deps:
	@if command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		:; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql; \
	else \
		echo "Note: PostgreSQL's initdb was not found and cannot be installed here: the import-db tests that need a server will be skipped"; \
	fi
	@if [ -x /usr/bin/chromium ]; then \
		:; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-dejavu-core; \
	else \
		echo "Note: /usr/bin/chromium was not found and cannot be installed here: the browser tests (tests/browser) will be skipped"; \
	fi

DEMO_DB := $(or $(TMPDIR),/tmp)/datamill-demo-cli.db

demo: install install-classify
	$(BIN)/python demo/demo.py
	@echo "\n== CLI: load the CSV, list tables with counts, query as a table"
	rm -f $(DEMO_DB)
	$(BIN)/datamill insert $(DEMO_DB) trees demo/data/trees.csv --csv --pk TreeID
	$(BIN)/datamill tables $(DEMO_DB) --counts -t
	$(BIN)/datamill $(DEMO_DB) "select qSpecies, count(*) as n from trees group by qSpecies order by n desc limit 5" -t
	@echo "\n== Diff: what changed between the two versions of the sample data"
	$(BIN)/datamill diff demo/data/trees.csv demo/data/trees-next.csv --key TreeID --max-rows 3
	$(BIN)/python demo/track_history.py
	@echo "\n== Classify: a bundled photo (Chelsea the cat, CC0) with the ImageNet network, no PyTorch"
	$(BIN)/datamill classify predict demo/data/chelsea.jpg --top 3
	@echo "\n== Serve: the sample database and its history in the browser"
	$(BIN)/python demo/serve_demo.py

lint: install-test
	$(BIN)/ruff check src tests bench demo
	$(BIN)/ruff format --check src tests bench demo

# Type checking: settings in pyproject.toml's [tool.mypy].
typecheck: install-test
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .ruff_cache .mypy_cache

# Peer tools for the benchmarks in bench/ (compared against, never imported by datamill).
# Datasette 1.0a41 and 0.65.5 cannot share an environment: each gets its own under build/peers/
# (bench/serve.py and tests/serve/test_datasette_compat.py look there), as does csvs-to-sqlite 1.3.1,
# which needs pandas (bench/csvs.py, tests/csvs/test_peer.py). wrk comes from Debian;
# without it bench/serve.py uses its Python load loop (serve.md SV-PERF-1).
PEERS := build/peers
DATASETTE_1 := $(PEERS)/datasette-1/bin/datasette
DATASETTE_065 := $(PEERS)/datasette-065/bin/datasette
CSVS_TO_SQLITE := $(PEERS)/csvs-to-sqlite/bin/csvs-to-sqlite

bench-deps: install $(DATASETTE_1) $(DATASETTE_065) $(CSVS_TO_SQLITE)
	$(BIN)/python -m pip install --quiet -r bench/requirements.txt
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y -q wrk || { apt-get update -q && apt-get install -y -q wrk; }; \
	  else echo "wrk is not installed (apt-get install wrk): bench/serve.py will use its Python load loop"; fi; }

$(DATASETTE_1):
	$(PYTHON) -m venv $(PEERS)/datasette-1
	$(PEERS)/datasette-1/bin/python -m pip install --quiet --pre datasette==1.0a41

$(DATASETTE_065):
	$(PYTHON) -m venv $(PEERS)/datasette-065
	$(PEERS)/datasette-065/bin/python -m pip install --quiet datasette==0.65.5

$(CSVS_TO_SQLITE):
	$(PYTHON) -m venv $(PEERS)/csvs-to-sqlite
	$(PEERS)/csvs-to-sqlite/bin/python -m pip install --quiet csvs-to-sqlite==1.3.1
