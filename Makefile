# The two commands: `make serve` (build and serve the site) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8001
HOST ?= 127.0.0.1
# Where budget.db and filings.db are built and served from.
DB_DIR ?= .
# Where the curated CSVs are read from.
DATA_DIR ?= data

DATA := $(wildcard $(DATA_DIR)/*.csv $(DATA_DIR)/*/*.csv)
# Settings for a public server live in settings.json; turned into --setting flags here.
SETTINGS := $(shell $(PYTHON) -c 'import json; print(" ".join(f"--setting {k} {str(v).lower() if isinstance(v, bool) else v}" for k, v in json.load(open("settings.json")).items()))')
SERVE_ARGS := --immutable $(DB_DIR)/budget.db --immutable $(DB_DIR)/filings.db \
	--metadata metadata.yml --template-dir templates --plugins-dir plugins \
	--static source:source --static assets:static $(SETTINGS) --host $(HOST) --port $(PORT)

.PHONY: serve test build clean lock run

serve: build
	$(BIN)/datasette serve $(SERVE_ARGS)

# Serve databases that are already built (used by the browser tests with their own DB_DIR).
run: $(VENV)/.installed
	$(BIN)/datasette serve $(SERVE_ARGS)

test: $(VENV)/.installed
	$(BIN)/python -m pytest

build: $(DB_DIR)/budget.db

$(DB_DIR)/budget.db: $(VENV)/.installed build_db.py $(DATA)
	$(BIN)/python build_db.py --data $(DATA_DIR) --out $(DB_DIR)

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

lock:
	$(PYTHON) -m venv /tmp/budget-lock-venv
	/tmp/budget-lock-venv/bin/pip install --quiet -r requirements.in
	(echo "# Generated from requirements.in by 'make lock' (pip freeze). Every package pinned."; \
	 /tmp/budget-lock-venv/bin/pip freeze) > requirements.txt
	rm -rf /tmp/budget-lock-venv

clean:
	rm -f budget.db filings.db
	rm -rf .pytest_cache test-artifacts
