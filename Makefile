# Quick start: `make demo` then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint install install-classify install-test test-deps clean bench-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-classify: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[classify]'

install-test: $(BIN)/python test-deps
	$(BIN)/python -m pip install --quiet -e '.[test]'

# The import-db tests start a throw-away PostgreSQL server (IDB-TEST): install Debian's
# package when initdb is missing and this is a root shell with apt-get.
test-deps:
	@if command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		:; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql; \
	else \
		echo "Note: PostgreSQL's initdb was not found and cannot be installed here: the import-db tests that need a server will be skipped"; \
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

lint: install-test
	$(BIN)/ruff check src tests bench demo
	$(BIN)/ruff format --check src tests bench demo

test: lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .ruff_cache

# Peer tools for the benchmarks in bench/ (compared against, never imported by datamill).
bench-deps: install
	$(BIN)/python -m pip install --quiet -r bench/requirements.txt
