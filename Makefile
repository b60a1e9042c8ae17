# The two commands: `make serve` (build and serve the site) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8001
HOST ?= 127.0.0.1
# The curated CSVs, and the site folder the build writes: a Datasette configuration directory (see builder/site.py).
DATA_DIR ?= data
SITE ?= site
# Plugins import the few helpers they share with the build (builder/amounts.py, cjk.py, year_changes.py).
export PYTHONPATH := $(CURDIR)

# Everything the build reads: a change to any of these rebuilds the site. Folders are listed too, so that adding or
# removing a CSV or a year also counts.
BUILD_INPUTS := build_db.py contract.yml metadata.yml settings.json schemas/fiscal-data-package.json \
	$(wildcard builder/*.py builder/*/*.py) $(wildcard source/* source/*/*) \
	$(DATA_DIR) $(wildcard $(DATA_DIR)/*/ $(DATA_DIR)/*.csv $(DATA_DIR)/*/*.csv)

.PHONY: serve test build clean lock run publish deploy bench soak

serve: build run

# Serve the site folder as it is. The link is resolved first, so this server keeps serving one consistent build
# even while `make build` switches the link to a newer one; restart it to serve the new build.
run: $(VENV)/.installed
	$(BIN)/datasette serve "$$(readlink -f $(SITE))" --host $(HOST) --port $(PORT)

test: $(VENV)/.installed $(VENV)/bundle-only/.installed
	$(BIN)/python -m pytest

# Not part of `make test`: a million synthetic indicator rows and the 2019 data, built and served on this machine,
# measured with wrk and nginx; writes docs/benchmarks.md (about half an hour on 2 cores).
bench: $(VENV)/.installed
	@command -v wrk >/dev/null && command -v nginx >/dev/null && command -v sqlite3 >/dev/null || \
		(apt-get update -qq && apt-get install -y -qq wrk nginx-light sqlite3)
	$(BIN)/python bench/run.py

# The long reliability tests: 60 s at 32 connections, and many freshly random fuzzed inputs.
soak: $(VENV)/.installed
	SOAK=1 $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_reliability.py tests/test_fuzz_inputs.py \
		tests/test_replicas.py

# Check data/, build into a new folder, run the whole test suite on it, assemble dist/<version>/ and deploy it if
# PUBLISH_TARGET is set (cloudrun or docker; see README). Never overwrites an earlier release.
publish: $(VENV)/.installed
	$(BIN)/python publish.py

# Deploy an existing release, unchanged, after checking it against its SHA256SUMS: make deploy RELEASE=dist/<version>
# with PUBLISH_TARGET as for publish.
deploy: $(VENV)/.installed
	$(BIN)/python publish.py --deploy "$(RELEASE)"

# Packages only a release bundle serves with (datasette-hashed-urls), kept out of .venv so that `make serve`
# keeps plain /budget/... URLs; tests/test_publish.py serves bundles with them on PYTHONPATH.
$(VENV)/bundle-only/.installed: deploy/requirements-bundle.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --target $(VENV)/bundle-only -r $<
	touch $@

build: $(SITE)/budget.db

# Never let make delete the target when a build is interrupted: $(SITE)/budget.db is, through the link, the
# database of the build the site is serving (builder/site.py cleans up an unfinished build itself).
.PRECIOUS: $(SITE)/budget.db

$(SITE)/budget.db: $(VENV)/.installed $(BUILD_INPUTS)
	@$(BIN)/python build_db.py --data $(DATA_DIR) --site $(SITE)

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
	rm -rf $(SITE) $(dir $(SITE)).$(notdir $(SITE)).builds
	rm -rf .pytest_cache test-artifacts
