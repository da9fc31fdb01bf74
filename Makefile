# Two commands: `make run` (set up and chat) and `make test` (set up and run the tests).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install index chat lint typecheck bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when the project's dependencies change.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet "torch==2.13.0"
	$(PY) -m pip install --quiet -e ".[st,dev]"
	touch $(STAMP)

install: $(STAMP)

# Builds the index only when the knowledge base, intents or encoder changed.
index: install
	$(PY) scripts/build_index.py --if-stale

run: index
	$(PY) -m bot chat

chat: run

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) -m pytest -q

bench: index
	$(PY) scripts/bench.py

clean:
	rm -rf artifacts .pytest_cache .mypy_cache .ruff_cache
