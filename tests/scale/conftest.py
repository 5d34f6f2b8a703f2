"""Fixtures of the scale-out tests: a throw-away Postgres (skipped, saying why, where there is none)."""
from __future__ import annotations

import pytest

import itertools

from bench.scale import PostgresUnavailable, create_database, lake_location, postgres

_LAKES = itertools.count()


def _extensions_missing() -> str | None:
    from pipelines.warehouse import lake

    try:
        for package in lake.EXTENSIONS:
            lake.extension_file(package)
    except (ImportError, RuntimeError) as exc:
        return f"DuckLake extension wheels unusable with this duckdb: {exc}"
    return None


@pytest.fixture(scope="module")
def pg_port():
    why = _extensions_missing()
    if why:
        pytest.skip(why)
    try:
        with postgres() as port:
            yield port
    except PostgresUnavailable as exc:
        pytest.skip(f"Postgres cannot be started here (.ci/run installs the `postgresql` package): {exc}")


@pytest.fixture
def lake_at(pg_port, tmp_path, monkeypatch) -> str:
    """A fresh DuckLake location (its own catalog database; data files under tmp_path/lake/)."""
    monkeypatch.setenv("MARSAD_LAKE_DATA_PATH", str(tmp_path / "lake") + "/")
    return lake_location(pg_port, create_database(pg_port, f"lake_{next(_LAKES)}"))
