# Two commands for a newcomer: `make run` (serve on http://127.0.0.1:8000) and `make test`.
# Both create the project venv in .venv and install into it; nothing touches the system Python.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?=
THREADS ?=

.PHONY: install run test lint build bench browser docs-image clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/jjj-atlas serve --host $(HOST) --port $(PORT) $(if $(WORKERS),--workers $(WORKERS)) $(if $(THREADS),--threads $(THREADS))

# Browser tests need Debian's chromium + chromium-driver; scripts/ensure-chromium installs them
# when missing (as root or with sudo) and fails with a clear message otherwise.
browser:
	@sh scripts/ensure-chromium

test: install browser
	$(BIN)/ruff check geo webmap tests bench
	$(BIN)/python -m pytest

build: install
	$(BIN)/jjj-atlas build

# The exported map the README shows (static PNG, drawn by geo/render without a browser).
docs-image: install
	$(BIN)/jjj-atlas export --format png --level prefecture --indicators gdp \
		--width 900 --dpi 120 --output docs/export-prefecture-gdp-2021.png

bench: install
	@sh scripts/ensure-bench-tools
	$(BIN)/python bench/run_all.py
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) .pytest_cache
