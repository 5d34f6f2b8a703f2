# Marsad: two commands on a fresh machine -> `make demo`, `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DAGSTER_HOME := $(CURDIR)/.dagster_home
export MARSAD_LANDING_DIR ?= $(CURDIR)/samples
export MARSAD_WAREHOUSE ?= $(CURDIR)/data/warehouse.duckdb

.PHONY: install demo test test-fast ui bench fuzz-nightly clean scale-up scale-down

$(STAMP): pyproject.toml
	@command -v $(PY) >/dev/null || { echo "needs $(PY)"; exit 1; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first, pinned: on these machines 2.13.0 is a local CPU build (see README).
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev,deploy]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	mkdir -p data $(DAGSTER_HOME)
	cp -n dagster.yaml $(DAGSTER_HOME)/dagster.yaml 2>/dev/null || true
	$(BIN)/python -m assets.demo

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup tests

test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 2 -m "not slow" tests

# Run from $(DAGSTER_HOME): `dagster dev` warns about a dagster.yaml in any other current folder (the
# repository's is the template copied there). `dagster dev` is superseded by `dg dev`, which needs the
# dagster-dg-cli package we do not depend on: that one notice is filtered by its text.
ui: $(STAMP)  # UI_ARGS="-p 3001" passes options to dagster dev
	mkdir -p $(DAGSTER_HOME)
	cp -n dagster.yaml $(DAGSTER_HOME)/dagster.yaml 2>/dev/null || true
	cd $(DAGSTER_HOME) && PYTHONWARNINGS='ignore:Function `dev_command` is superseded' \
		$(CURDIR)/$(BIN)/dagster dev -w $(CURDIR)/workspace.yaml $(UI_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench.run --scaling --incremental --synthetic 1000000

# Scale-out on this machine (deploy/README.md): Postgres + the Dagster daemon, warehouse on DuckLake.
scale-up: $(STAMP)
	deploy/local/scale.sh up

scale-down:
	deploy/local/scale.sh down

fuzz-nightly: $(STAMP)
	HYPOTHESIS_PROFILE=nightly $(BIN)/python -m pytest tests -k "fuzz or property"

clean:
	rm -rf data .dagster_home
