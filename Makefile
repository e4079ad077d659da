# kubemedic - the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test check lint typecheck layers bench fmt clean install

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH (override with PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m kubemedic.demo

# Tiers: unit (pure, parallel), integration (simulated cluster, real kubectl, real servers).
# pytest exits 5 when a tier has no tests yet; that is not a failure. Any other non-zero exit is.
test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 tests/unit
	$(BIN)/python -m pytest -q tests/integration || [ $$? -eq 5 ]

check: lint typecheck layers

lint: $(STAMP)
	$(BIN)/ruff check src tests bench examples
	$(BIN)/ruff format --check src tests bench examples

typecheck: $(STAMP)
	$(BIN)/mypy

layers: $(STAMP)
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python bench/scan_bench.py

fmt: $(STAMP)
	$(BIN)/ruff format src tests bench examples
	$(BIN)/ruff check --fix src tests bench examples

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache
