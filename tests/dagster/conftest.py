"""Fixtures for the Dagster tests: a landing folder written at test time and a throwaway instance."""
from __future__ import annotations

import sys
from pathlib import Path

import dagster as dg
import pytest

sys.path.insert(0, str(Path(__file__).parent))  # landing_fixture helpers

from landing_fixture import write_landing  # noqa: E402


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    return write_landing(tmp_path / "landing")


@pytest.fixture
def warehouse_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "warehouse.duckdb"


@pytest.fixture
def instance(tmp_path: Path):
    """A real on-disk instance (SQLite), like `dagster dev` uses, in a temp DAGSTER_HOME."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    with dg.instance_for_test(temp_dir=str(home)) as inst:
        yield inst


def pytest_collection_modifyitems(items):
    """Backfill policies and explicit data versions are Dagster "beta" APIs we use on purpose."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.filterwarnings("ignore::dagster.BetaWarning"))
            item.add_marker(pytest.mark.filterwarnings("ignore::dagster.PreviewWarning"))
