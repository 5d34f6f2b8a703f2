# Marsad: two commands on a fresh machine -> `make demo`, `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DAGSTER_HOME := $(CURDIR)/.dagster_home
export MARSAD_LANDING_DIR ?= $(CURDIR)/samples
export MARSAD_WAREHOUSE ?= $(CURDIR)/data/warehouse.duckdb

# torch first, pinned: on these machines 2.13.0 is a local CPU build (see README).
TORCH := torch==2.13.0
# requirements.lock: every package at the version CI passed with (pip-compile from pyproject.toml).
LOCK := requirements.lock
LOCK_VENV := .venv-lock
PIP_TOOLS := pip-tools==7.7.0

.PHONY: install lock demo test test-fast ui bench fuzz-nightly clean scale-up scale-down

# The locked set, then the project itself without resolving again; `pip check` fails when pyproject
# names a package the lock lacks (run `make lock`).
$(STAMP): pyproject.toml $(LOCK)
	@command -v $(PY) >/dev/null || { echo "needs $(PY)"; exit 1; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q $(TORCH)
	$(BIN)/pip install -q -r $(LOCK)
	$(BIN)/pip install -q --no-deps -e '.[dev,deploy]'
	$(BIN)/pip check
	touch $(STAMP)

# Refreshes requirements.lock from pyproject.toml (extras dev and deploy) with pip-tools, in a venv of
# its own so the project's venv holds exactly the lock. Pins already in the lock are kept while
# pyproject allows them; `make lock LOCK_ARGS=--upgrade` takes the newest versions instead.
lock:
	test -x $(LOCK_VENV)/bin/pip-compile || { $(PY) -m venv $(LOCK_VENV) && $(LOCK_VENV)/bin/pip install -q $(PIP_TOOLS); }
	echo '$(TORCH)' > $(LOCK_VENV)/torch.txt
	$(LOCK_VENV)/bin/pip-compile -q --extra dev --extra deploy --constraint $(LOCK_VENV)/torch.txt \
		--allow-unsafe --strip-extras --no-emit-find-links --no-emit-index-url $(LOCK_ARGS) \
		-o $(LOCK) pyproject.toml

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
