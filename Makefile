# newsdesk: `make demo` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DATA ?= ../shared/data

.PHONY: install demo test lint eval bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip==25.3"
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/newsdesk demo

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check bot handlers storage tests

eval: install
	$(BIN)/newsdesk eval clusters $(DATA)/newswcl50.jsonl $(DATA)/allsides_roundups.jsonl $(DATA)/uci_news_aggregator_dev.jsonl

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
