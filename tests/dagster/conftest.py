"""Fixtures for the Dagster tests: a landing folder written at test time and a throwaway instance."""
from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from assets.partitions import register_days
from tests.dagster.landing_fixture import FIXTURE_PARTITIONS, write_landing


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    return write_landing(tmp_path / "landing")


@pytest.fixture
def warehouse_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "warehouse.duckdb"


@pytest.fixture
def instance(tmp_path: Path):
    """A real on-disk instance (SQLite), like `dagster dev` uses, in a temp DAGSTER_HOME, with the
    fixture's days registered as partitions (what the sensor or `make demo` do before a run)."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    with dg.instance_for_test(temp_dir=str(home)) as inst:
        register_days(inst, FIXTURE_PARTITIONS)
        yield inst


def pytest_collection_modifyitems(config, items):
    """Backfill policies and explicit data versions are Dagster "beta" APIs we use on purpose."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.filterwarnings("ignore::dagster.BetaWarning"))
            item.add_marker(pytest.mark.filterwarnings("ignore::dagster.PreviewWarning"))
            _apply_xdist_group(config, item)


def _apply_xdist_group(config, item) -> None:
    """Make `--dist loadgroup` honour `xdist_group` marks under pytest >= 9.

    pytest-xdist (3.8) puts a test in its group by appending `@group` to `item._nodeid`; pytest 9
    keeps the node id in `item._id` (a `NodeId`), so the suffix is lost and every worker ran the
    module fixtures of a group once each. Setting the id the way xdist means it to be restores the
    grouping; with an xdist that already did it (or without xdist) this changes nothing.
    """
    if not getattr(config.option, "loadgroup", False):  # set on xdist workers under --dist loadgroup
        return
    names = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                    for m in item.iter_markers("xdist_group")})
    if not names:
        return
    suffix = "@" + "_".join(names)
    if item.nodeid.endswith(suffix):
        return
    try:
        from _pytest.nodeid import NodeId
    except ImportError:  # pytest < 9: xdist's own `_nodeid` rewrite works
        return
    item._id = NodeId.parse(item.nodeid + suffix)
