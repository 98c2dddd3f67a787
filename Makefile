# genui — two commands: `make demo` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.genui-installed
# Exact versions of every dev tool; changing it reinstalls (see the file's header to refresh).
CONSTRAINTS := requirements/dev-constraints.txt
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test quick lint typecheck pytest fuzz bench schema dist constraints clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade -c $(CONSTRAINTS) pip

$(STAMP): pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) --build-constraint $(CONSTRAINTS) -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/demo.py

test: lint typecheck pytest

# The edit-test loop, under a minute: everything but the browser tests, the tests marked slow,
# the hypothesis properties (pytest's `hypothesis` marker) and the corpus-wide security wall,
# doc-example and benchmark runs. `make test` still runs all of them.
QUICK_IGNORE := tests/test_security.py tests/test_docs_examples.py tests/test_benchmarks.py
quick: $(STAMP)
	$(BIN)/pytest -q -m "not browser and not slow and not hypothesis" \
		$(addprefix --ignore=,$(QUICK_IGNORE))

lint: $(STAMP)
	$(BIN)/ruff check genui tests examples benchmarks
	$(BIN)/ruff format --check genui tests examples benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy --strict genui tests

# The browser-free tests on both cores (pytest-xdist), then the browser tests on their own:
# they wait on Chromium's timers, which a loaded machine would stretch.
pytest: $(STAMP)
	$(BIN)/pytest -q -n 2 -m "not browser"
	$(BIN)/pytest -q -m browser

fuzz: $(STAMP)
	GENUI_HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest -q -m "not browser"

bench: $(STAMP)
	$(BIN)/python -m benchmarks

schema: $(STAMP)
	$(BIN)/genui schema > schemas/generative-ui-spec.schema.json

# A wheel and an sdist in dist/ (the sdist carries the tests: unpack it and `make test`).
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --no-isolation

# Re-pin the dev tools to the newest releases the dev extra allows (needs PyPI).
constraints: | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip -e '.[dev]'
	{ grep '^#' $(CONSTRAINTS); $(BIN)/python -m pip freeze --all --exclude-editable \
		| grep -v '^setuptools==' | LC_ALL=C sort -f; } > $(CONSTRAINTS).new
	mv $(CONSTRAINTS).new $(CONSTRAINTS)
	touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis test-artifacts dist build
