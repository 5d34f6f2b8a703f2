"""A run over a range of days loads the warehouse once: one transaction, all days or none."""
from __future__ import annotations

import json
import os

import dagster as dg
import duckdb

import pipelines.warehouse.load as load_mod
from assets.definitions import build_defs
from assets.resources import Warehouse
from tests.dagster.landing_fixture import DAYS, INGEST_DAY, INGEST_MTIME, RECORDS
from pipelines.warehouse import snapshot_path

RANGE = {"dagster/asset_partition_range_start": DAYS[0], "dagster/asset_partition_range_end": INGEST_DAY}
RUN_DAYS = ["2024-03-10", "2024-03-11", "2024-03-12", "2024-03-13"]
TABLES = ("articles", "sentences", "event_mentions", "event_quantities", "events", "quarantine")


def _range_run(landing, warehouse_path, instance):
    """What a backfill of DAYS[0]..INGEST_DAY launches: one run over the four days."""
    defs = build_defs(landing_dir=str(landing), warehouse_path=str(warehouse_path))
    daily = [k for a in defs.assets if a.partitions_def for k in a.keys]
    return dg.materialize(list(defs.assets), selection=daily, instance=instance, resources=defs.resources,
                          tags=RANGE, raise_on_error=False)


def _dump(db) -> dict[str, list]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}


def test_a_range_run_loads_all_its_days_in_one_call(landing, warehouse_path, instance, monkeypatch):
    real, calls = Warehouse.load, []

    def recorded(self, by_day, *args, **kwargs):
        calls.append(list(by_day))
        return real(self, by_day, *args, **kwargs)

    monkeypatch.setattr(Warehouse, "load", recorded)
    result = _range_run(landing, warehouse_path, instance)
    assert result.success
    assert calls == [RUN_DAYS]
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        days = dict(con.execute("SELECT article_id, partition_day::VARCHAR FROM articles").fetchall())
        quarantined = con.execute("SELECT origin FROM quarantine").fetchall()
    assert days["fx-strike"] == "2024-03-10" and days["fx-protest"] == "2024-03-11"
    assert days["fx-undated"] == INGEST_DAY  # undated: keyed by the day its file landed
    assert quarantined == [("broken.jsonl",)]
    mats = result.asset_materializations_for_node("warehouse")
    assert sorted(m.partition for m in mats) == RUN_DAYS
    loads = mats[0].metadata["loads"].value
    assert all(day in loads for day in RUN_DAYS)  # one row per day of the run


def test_a_failing_range_run_leaves_every_day_as_it_was(landing, warehouse_path, instance, monkeypatch):
    assert _range_run(landing, warehouse_path, instance).success
    before, snap_before = _dump(warehouse_path), snapshot_path(warehouse_path).read_bytes()

    # A correction of three days (2024-03-10 changed, -11 withdrawn, -13 emptied), and a failure
    # once the last day's rows are replaced: loads that commit day by day would keep the first two.
    reports = landing / "reports.jsonl"
    changed = dict(RECORDS[0], text=RECORDS[0]["text"] + " وقال شهود إن الغارة دمرت منزلين.")
    reports.write_text(json.dumps(changed, ensure_ascii=False) + "\n", encoding="utf-8")
    (landing / "undated.jsonl").unlink()
    os.utime(reports, (INGEST_MTIME, INGEST_MTIME))

    real = load_mod.rebuild_dimensions

    def disk_full_after_the_last_day(con):
        if not con.execute("SELECT count(*) FROM articles WHERE article_id = 'fx-undated'").fetchone()[0]:
            raise RuntimeError("disk full")
        return real(con)

    monkeypatch.setattr(load_mod, "rebuild_dimensions", disk_full_after_the_last_day)
    result = _range_run(landing, warehouse_path, instance)
    assert not result.success
    assert not any(e.event_type_value == "STEP_RESTARTED" for e in result.all_events)  # a bug: no retry
    assert _dump(warehouse_path) == before
    assert snapshot_path(warehouse_path).read_bytes() == snap_before

    monkeypatch.undo()
    assert _range_run(landing, warehouse_path, instance).success  # the same run, once fixed
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles WHERE article_id IN ('fx-protest', 'fx-undated')"
                           ).fetchone()[0] == 0
        assert con.execute("SELECT text LIKE '%منزلين.' FROM articles WHERE article_id = 'fx-strike'"
                           ).fetchone() == (True,)
