# Developer entry points. `make demo` and `make test` work on a fresh machine with Python 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Two workers by default: the suite is mostly subprocesses (mypy, pytest, uvicorn) of rendered projects.
JOBS ?= 2
PYTEST_ARGS ?=

.PHONY: demo test lint matrix clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,stack]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/fastapi-stack new build/demo --defaults --force
	$(BIN)/fastapi-stack smoke build/demo
	@echo ""
	@echo "A working service is in build/demo. Start it with:"
	@echo "    cd build/demo && ../../$(BIN)/python -m app     # then open http://127.0.0.1:8000/docs"

test: $(STAMP)
	$(BIN)/python -m pytest -n $(JOBS) --dist loadgroup $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/python -m ruff check generator tests benchmarks
	$(BIN)/python -m ruff format --check generator tests benchmarks
	$(BIN)/python -m mypy

matrix: $(STAMP)
	$(BIN)/fastapi-stack matrix --json build/matrix.json

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
