# The two commands: `make serve` (build and serve the site) and `make test`.
PYTHON ?= python3
# Environments, each made from hash-checked locks in requirements/ by scripts/make-venv (see there and below).
# .venv: building, serving in development and testing (build.txt + test.txt; no datasette-hashed-urls, no rich).
VENV := .venv
BIN := $(VENV)/bin
# The release's server alone (runtime.txt, what a bundle installs): tests/build/test_publish.py serves releases with it.
RUNTIME_VENV := $(VENV)/runtime
# The Frictionless validator that tests/site/test_datapackage.py runs; apart because it brings rich (frictionless.in).
FRICTIONLESS_VENV := $(VENV)/frictionless
# axe-core from npm, for the accessibility tests (package.json, package-lock.json; see the rule below).
NODE_MODULES := node_modules/.package-lock.json
PORT ?= 8001
HOST ?= 127.0.0.1
# The curated CSVs, and the site folder the build writes: a Datasette configuration directory (see builder/site.py).
DATA_DIR ?= data
SOURCE_DIR ?= source
SITE ?= site
# Everything the build reads: a change to any of these rebuilds the site. Folders are listed too, so that adding or
# removing a CSV or a year also counts.
BUILD_INPUTS := build_db.py contract.yml metadata.yml settings.json $(wildcard queries/*.sql) schemas/fiscal-data-package.json \
	$(wildcard builder/*.py builder/*/*.py builder/*/*/*.py budgetlib/*.py) $(SOURCE_DIR) $(wildcard $(SOURCE_DIR)/* $(SOURCE_DIR)/*/*) \
	$(DATA_DIR) $(wildcard $(DATA_DIR)/*/ $(DATA_DIR)/*.csv $(DATA_DIR)/*/*.csv)

.PHONY: serve test test-fast lint build clean lock run publish deploy bench soak system-packages bench-system-packages \
	FORCE import import-needs-source

serve: build run

# Serve the site folder as it is. The link is resolved first, so this server keeps serving one consistent build
# even while `make build` switches the link to a newer one; restart it to serve the new build. Absolute links use
# PUBLIC_URL (budget_site/guards/public_host.py), by default the address this server listens on.
run: $(VENV)/.installed
	PUBLIC_URL="$${PUBLIC_URL:-http://$(HOST):$(PORT)}" $(BIN)/datasette serve "$$(readlink -f $(SITE))" \
		--host $(HOST) --port $(PORT)

# ruff, then every tier of tests/, cheapest first (pytest.ini's testpaths; README, "测试").
test: lint system-packages $(VENV)/.installed $(RUNTIME_VENV)/.installed $(FRICTIONLESS_VENV)/.installed $(NODE_MODULES)
	$(BIN)/python -m pytest

# The edit-test loop: pure functions and the pages of one small site built once (under a minute on 2 cores).
test-fast: $(VENV)/.installed $(FRICTIONLESS_VENV)/.installed
	$(BIN)/python -m pytest -q tests/unit tests/site

# ruff (pinned in requirements/test.in, configured in ruff.toml): syntax errors, unused and undefined names.
lint: $(VENV)/.installed
	$(BIN)/ruff check

# The JavaScript the tests need (axe-core, the WCAG checker of tests/browser/test_accessibility.py), exactly as
# package-lock.json pins it: npm ci installs it anew whenever package.json or the lock changes. It writes its own
# record of what it installed, node_modules/.package-lock.json ($(NODE_MODULES)), which stands for the folder.
$(NODE_MODULES): package.json package-lock.json | system-packages
	npm ci --no-audit --no-fund --loglevel=error

# The Debian packages the tests need (chromium, the CJK font, wrk; listed in scripts/system-packages): installed
# when missing if make runs as root, otherwise make stops here with the apt-get line to run.
system-packages:
	@bash scripts/system-packages test

# Not part of `make test`: a million synthetic indicator rows and the 2019 data, built and served on this machine,
# measured with wrk and nginx against sqlite3's .import and Datasette without plugins, and a growth curve from ten
# thousand to ten million rows; writes docs/benchmarks.md (about 55 minutes on 2 cores, ~60 GB of /tmp).
bench: bench-system-packages $(VENV)/.installed
	$(BIN)/python bench/run.py

bench-system-packages:
	@bash scripts/system-packages bench

# The long reliability tests: 60 s at 32 connections, 60 s of 8 clients looping slow SQL, replicas killed under load,
# and many freshly random fuzzed inputs and URL parameters.
soak: system-packages $(VENV)/.installed
	SOAK=1 $(BIN)/python -m pytest -q -p no:cacheprovider tests/server/test_reliability.py tests/server/test_attacks.py \
		tests/build/test_fuzz_inputs.py tests/server/test_replicas.py tests/server/test_sql_lane.py \
		tests/server/test_param_fuzz.py

# Check data/, build into a new folder, run every test tier but tests/build on it (release/gate.py), assemble
# dist/<version>/ and deploy it if PUBLISH_TARGET is set (cloudrun or docker; see README). Never overwrites an
# earlier release.
publish: system-packages $(VENV)/.installed $(RUNTIME_VENV)/.installed $(FRICTIONLESS_VENV)/.installed $(NODE_MODULES)
	$(BIN)/python publish.py

# Draft data/<year>/*.csv from a published document (its text rendering or an .xlsx workbook), for review:
# make import SOURCE=source/<year>/<code>.txt [FORCE=1 to replace that department's rows of that year]
import: $(if $(SOURCE),$(VENV)/.installed,import-needs-source)
	$(BIN)/python -m builder.importer "$(SOURCE)" --data $(DATA_DIR) $(if $(FORCE),--force)

import-needs-source:
	@echo "请指定要导入的文件或文件夹：make import SOURCE=文件或文件夹 [FORCE=1]" >&2
	@echo "Give the document or folder to import: make import SOURCE=path/to/file-or-folder [FORCE=1]" >&2
	@exit 2

# Deploy an existing release, unchanged, after checking it against its SHA256SUMS: make deploy RELEASE=dist/<version>
# with PUBLISH_TARGET as for publish.
deploy: $(VENV)/.installed
	$(BIN)/python publish.py --deploy "$(RELEASE)"

build: $(SITE)/budget.db

# Never let make delete the target when a build is interrupted: $(SITE)/budget.db is, through the link, the
# database of the build the site is serving (builder/site.py cleans up an unfinished build itself).
.PRECIOUS: $(SITE)/budget.db

$(SITE)/budget.db: $(VENV)/.installed $(BUILD_INPUTS)
	@$(BIN)/python build_db.py --data $(DATA_DIR) --source $(SOURCE_DIR) --site $(SITE)

# scripts/make-venv runs every time and does nothing while an environment's locks are unchanged (its .installed
# keeps a copy); a changed lock makes the environment anew, and only then does .installed change, so budget.db is
# rebuilt after a change of packages and not otherwise. The nested environments wait for .venv, which a rebuild
# deletes as a whole.
$(VENV)/.installed: FORCE
	@PYTHON=$(PYTHON) PROJECT=. bash scripts/make-venv $(VENV) requirements/build.txt requirements/test.txt

$(RUNTIME_VENV)/.installed: FORCE | $(VENV)/.installed
	@PYTHON=$(PYTHON) bash scripts/make-venv $(RUNTIME_VENV) requirements/runtime.txt

$(FRICTIONLESS_VENV)/.installed: FORCE | $(VENV)/.installed
	@PYTHON=$(PYTHON) bash scripts/make-venv $(FRICTIONLESS_VENV) requirements/frictionless.txt

FORCE:

# Regenerate requirements/*.txt from requirements/*.in with pip-tools (pip-compile --generate-hashes). Each layer
# is constrained by the locks before it (build.in: -c runtime.txt; test.in: -c runtime.txt -c build.txt; ...), so
# a package in two environments has one version in both. Existing pins are kept; to move them on:
# make lock LOCK_FLAGS=--upgrade (or LOCK_FLAGS="--upgrade-package NAME").
LOCK_VENV := /tmp/budget-lock-venv
LOCK_FLAGS ?=
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links --no-emit-trusted-host $(LOCK_FLAGS)
lock:
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet --disable-pip-version-check pip-tools==7.6.2
	cd requirements && for layer in runtime build test frictionless; do \
		$(PIP_COMPILE) $$layer.in -o $$layer.txt || exit 1; done
	rm -rf $(LOCK_VENV)

clean:
	rm -rf $(SITE) $(dir $(SITE)).$(notdir $(SITE)).builds
	rm -rf .pytest_cache test-artifacts
