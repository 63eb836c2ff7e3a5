# KOKO linked open data. `make publish` and `make test` set up everything they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: help publish validate test test-fast bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# setuptools says an editable install of a flat layout is one; nothing to act on
	PYTHONWARNINGS='ignore:Editable installation' $(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

# the compiled message catalogues (never committed; the wheel's build compiles its own)
MO := $(patsubst %.po,%.mo,$(wildcard pipeline/i18n/locale/*/LC_MESSAGES/koko.po))
$(MO): %.mo: %.po $(STAMP)
	$(BIN)/python -m pipeline.i18n.compile > /dev/null

publish: $(STAMP) $(MO) ## Build, validate and write the published files to output/
	$(BIN)/koko publish

validate: $(STAMP) $(MO) ## Check the sources without publishing
	$(BIN)/koko validate

test: $(STAMP) $(MO) ## Run the test suite (as root with apt-get, first installs Chromium and Virtuoso)
	.ci/install-real-parts
	$(BIN)/python -m pytest

test-fast: $(STAMP) $(MO) ## A quick loop: the tests not marked slow (no real servers, browsers, reference engine or large data), on every core
	$(BIN)/python -m pytest -m "not slow" -n auto

bench: $(STAMP) $(MO) ## Run the benchmark (benchmarks/run.py) against the peer and the baseline, with a profile
	PYTHONWARNINGS='ignore:Editable installation' $(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/run.py --profile

clean: ## Remove the virtual environment, caches, test artifacts and benchmark data (output/ stays)
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info test-artifacts benchmarks/work
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
