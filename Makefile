# Every target installs what it needs: a fresh machine needs only python3, make and apt-get.
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin

.PHONY: install run test test-deps lint check bench clean package-check

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV) || { apt-get update -q && apt-get install -y -q python3-venv && python3 -m venv $(VENV); }
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

# The daemon with the shipped configuration (config/monitor.toml), database in ./data/.
run: install
	$(BIN)/monitor run

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/hadolint Dockerfile

# Tests start a real nginx (ETag/Last-Modified/304); install it where it is missing.
test-deps:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { apt-get update -q && apt-get install -y -q nginx-light; }

test: install test-deps
	$(BIN)/pytest

# The Dockerfile's install steps in a fresh venv: wheel, install, run --once, health.
package-check:
	bash scripts/package-check.sh

check: lint test package-check

bench: install
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis
