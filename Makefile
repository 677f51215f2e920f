# newsdesk: `make demo` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DATA ?= ../shared/data

.PHONY: install demo test test-fast lint eval fit bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip==25.3"
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/newsdesk demo

# Everything, as CI runs it.
test: install
	$(BIN)/pytest

# All but the tests marked slow (subprocesses, whole corpora, restarts): under a minute.
test-fast: install
	$(BIN)/pytest -m "not slow"

LINTED := bot handlers storage tests bench

# mypy checks what pyproject's [tool.mypy] names (bot handlers storage).
lint: install
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy

LABELLED := $(DATA)/newswcl50.jsonl $(DATA)/allsides_roundups.jsonl $(DATA)/uci_news_aggregator_dev.jsonl

# Scores of the packaged grouping model, written to eval/clusters.json.
eval: install
	$(BIN)/newsdesk eval clusters --part holdout --results eval/clusters_holdout.json $(LABELLED)
	$(BIN)/newsdesk eval clusters --part all --results eval/clusters.json $(LABELLED)

# Refit the grouping model on the fit half of the labelled files (a few minutes).
fit: install
	$(BIN)/newsdesk eval fit $(LABELLED)

bench: install
	$(BIN)/python bench/clustering.py
	$(BIN)/python bench/peers.py $(LABELLED)
	$(BIN)/python bench/differences.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/ingest.py --stored 100000 --rounds 1

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache
