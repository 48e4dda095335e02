# deliberun: two set-up commands (README): `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
STAMP_TEST := $(VENV)/.installed-test
# mypy checks the whole package: the pure layers (PURE) and, since issue 15, the store,
# services and both adapters (ADAPTERS).
ADAPTERS := src/deliberun/store src/deliberun/services src/deliberun/web src/deliberun/cli src/deliberun/strava src/deliberun/__init__.py
PURE := src/deliberun/io src/deliberun/metrics src/deliberun/models src/deliberun/practice src/deliberun/plan src/deliberun/sim src/deliberun/athlete.py src/deliberun/units.py src/deliberun/errors.py src/deliberun/jsonable.py src/deliberun/source_digest.py src/deliberun/records.py

.PHONY: demo test install install-postgres lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP) $@

install: $(STAMP)

# The PostgreSQL driver (psycopg 3), an optional extra: only for --db postgresql://...
# (docs/coach.md). SQLite, the default, needs nothing more.
install-postgres: $(STAMP)
	$(BIN)/pip install -q -e '.[postgres]'

demo: $(STAMP)
	$(BIN)/deliberun demo

lint: $(STAMP_TEST)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP_TEST)
	$(BIN)/mypy $(PURE) $(ADAPTERS)

pytest: $(STAMP_TEST)
	$(BIN)/python -m pytest -n 2 --dist loadscope -q

test: lint typecheck pytest

bench: $(STAMP_TEST)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
