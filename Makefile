# Quick start: `make demo` then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint install install-test clean bench-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[serve]'

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,serve]'

DEMO_DB := $(or $(TMPDIR),/tmp)/datamill-demo-cli.db

demo: install
	$(BIN)/python demo/demo.py
	@echo "\n== CLI: load the CSV, list tables with counts, query as a table"
	rm -f $(DEMO_DB)
	$(BIN)/datamill insert $(DEMO_DB) trees demo/data/trees.csv --csv --pk TreeID
	$(BIN)/datamill tables $(DEMO_DB) --counts -t
	$(BIN)/datamill $(DEMO_DB) "select qSpecies, count(*) as n from trees group by qSpecies order by n desc limit 5" -t
	@echo "\n== Diff: what changed between the two versions of the sample data"
	$(BIN)/datamill diff demo/data/trees.csv demo/data/trees-next.csv --key TreeID --max-rows 3
	$(BIN)/python demo/track_history.py

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
