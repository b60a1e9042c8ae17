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
	--static source:source --static assets:static --static downloads:$(DB_DIR)/downloads $(SETTINGS) --host $(HOST) --port $(PORT)

.PHONY: serve test build clean lock run publish serve-args bench soak

serve: build
	$(BIN)/datasette serve $(SERVE_ARGS)

# Serve databases that are already built (used by the browser tests with their own DB_DIR).
run: $(VENV)/.installed
	$(BIN)/datasette serve $(SERVE_ARGS)

test: $(VENV)/.installed $(VENV)/bundle-only/.installed
	$(BIN)/python -m pytest

# Not part of `make test`: a million synthetic indicator rows and the 2019 data, built and served on this machine,
# measured with wrk and nginx; writes docs/benchmarks.md (about half an hour on 2 cores).
bench: $(VENV)/.installed
	@command -v wrk >/dev/null && command -v nginx >/dev/null && command -v sqlite3 >/dev/null || \
		(apt-get update -qq && apt-get install -y -qq wrk nginx-light sqlite3)
	$(BIN)/python bench/run.py

# The long reliability tests: 60 s at 32 connections, 60 s of 8 clients looping slow SQL, and many freshly random
# fuzzed inputs and URL parameters.
soak: $(VENV)/.installed
	SOAK=1 $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_reliability.py tests/test_fuzz_inputs.py \
		tests/test_sql_lane.py tests/test_param_fuzz.py

# Check data/, build into a new folder, run the tests on it, assemble dist/<version>/ and deploy it if
# PUBLISH_TARGET is set (cloudrun or docker; see README). Never overwrites an earlier release.
publish: $(VENV)/.installed
	$(BIN)/python publish.py

# `make serve`'s datasette arguments; publish.py puts them in each release's Dockerfile.
serve-args:
	@echo $(SERVE_ARGS)

# Packages only a release bundle serves with (datasette-hashed-urls), kept out of .venv so that `make serve`
# keeps plain /budget/... URLs; tests/test_publish.py serves bundles with them on PYTHONPATH.
$(VENV)/bundle-only/.installed: deploy/requirements-bundle.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --target $(VENV)/bundle-only -r $<
	touch $@

build: $(DB_DIR)/budget.db

$(DB_DIR)/budget.db: $(VENV)/.installed build_db.py datapackage_export.py metadata.yml $(DATA)
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
	rm -rf downloads
	rm -rf .pytest_cache test-artifacts
