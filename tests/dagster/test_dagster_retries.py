"""Transient warehouse errors are retried with backoff; a bug fails at once."""
from __future__ import annotations

import dagster as dg
import duckdb

from assets.definitions import build_defs
from assets.resources import Warehouse
from tests.dagster.landing_fixture import DAYS


def _run(landing, warehouse_path, instance):
    defs = build_defs(landing_dir=str(landing), warehouse_path=str(warehouse_path))
    daily = [k for a in defs.assets if a.partitions_def for k in a.keys]
    return dg.materialize(list(defs.assets), selection=daily, partition_key=DAYS[0], instance=instance,
                          resources=defs.resources, raise_on_error=False)


def _restarts(result) -> int:
    return sum(1 for e in result.all_events if e.event_type_value == "STEP_RESTARTED" and e.step_key == "warehouse")


def test_a_lock_error_is_retried(landing, warehouse_path, instance, monkeypatch):
    real, calls = Warehouse.load, []

    def locked_once(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise duckdb.IOException('Could not set lock on file "warehouse.duckdb": Conflicting lock is held')
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Warehouse, "load", locked_once)
    result = _run(landing, warehouse_path, instance)
    assert result.success
    assert _restarts(result) == 1


def test_a_bug_is_not_retried(landing, warehouse_path, instance, monkeypatch):
    def broken(self, *args, **kwargs):
        raise KeyError("partition_day")

    monkeypatch.setattr(Warehouse, "load", broken)
    result = _run(landing, warehouse_path, instance)
    assert not result.success
    assert _restarts(result) == 0
