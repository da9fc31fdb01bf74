# Two commands: `make run` (set up, build the index when stale, serve the web chat on $PORT or 8000)
# and `make test` (set up and run the tests).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run serve test install index chat lint typecheck bench browser clean

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

# The web service: chat widget at /, agent console at /agent, API docs at /docs. PORT overrides the port.
run: index
	$(PY) -m bot serve

serve: run

# The terminal chat, for a quick look without a browser.
chat: index
	$(PY) -m bot chat

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

test: install browser
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) -m pytest -q

bench: index
	$(PY) scripts/bench.py

# Browser tests (tests/browser) drive Debian's chromium through Playwright; Playwright never downloads a browser.
# `browser` installs chromium with apt-get only when it is missing and we are root; anything else (not root,
# no apt-get, no network) prints a notice and succeeds, and the browser tests then skip with the reason.

CHROMIUM := /usr/bin/chromium

browser:
	@if [ -x $(CHROMIUM) ]; then \
		:; \
	elif [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then \
		echo "notice: $(CHROMIUM) is missing and apt-get is not usable here (need root and apt-get);" \
		     "browser tests will be skipped. Install it with: sudo apt-get install chromium chromium-driver"; \
	elif ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium chromium-driver; }; then \
		echo "notice: apt-get could not install chromium; browser tests will be skipped"; \
	fi

clean:
	rm -rf artifacts .pytest_cache .mypy_cache .ruff_cache
