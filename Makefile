# darkroom: two-command quick start (`make demo`, `make test`) on a fresh Debian machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup system-deps web-assets demo test lint bench clean

setup: $(STAMP) web-assets

# The web app's front-end libraries (htmx, cytoscape) from the npm registry, into the gitignored
# node_modules/ the app serves; pages still work without them (htmx only enhances).
web-assets: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --ignore-scripts --no-audit --no-fund; \
	else echo "npm not found: the web app runs without htmx and cytoscape (apt-get install npm)"; fi

system-deps:
	@PYTHON=$(PYTHON) bash scripts/system-deps.sh

$(STAMP): pyproject.toml constraints.txt scripts/system-deps.sh
	@PYTHON=$(PYTHON) bash scripts/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	@# bytecode, as a wheel install writes it (an editable install compiles on first use, or on
	@# every use where PYTHONDONTWRITEBYTECODE is set): every command starts faster
	$(BIN)/python -m compileall -q src/darkroom
	@touch $@

demo: setup
	$(BIN)/darkroom demo $(DEMO_ARGS)

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -q $(PYTEST_ARGS)

bench: setup
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev,bench]'
	$(BIN)/python bench/intake.py $(BENCH_ARGS)
	$(BIN)/python bench/parsing.py
	$(BIN)/python bench/media.py
	$(BIN)/python bench/identity.py
	$(BIN)/python bench/network.py
	$(BIN)/python bench/triage.py
	$(BIN)/python bench/web.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache node_modules
