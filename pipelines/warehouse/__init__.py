"""The DuckDB warehouse: schema (sql/), loading, deduplicated events, read-only SQL, export, charts.

Public interface:
* `load_results(db_path, results, quarantined=(), partition_key=None) -> LoadStats`
* `load_partitions(db_path, {partition_key: results}, quarantined=()) -> LoadStats` (many days,
  one transaction, one re-clustering; `load_results` is its one-day case)
* `connect_readonly(db_path)`, `run_readonly_sql(db_path, sql) -> (columns, rows)`
* `apply_migrations(con)`, `snapshot_path(db_path)`, `publish_snapshot(db_path)`
* `export_warehouse(db_path, out_dir, fmt)`
"""
from __future__ import annotations

from .export import export_warehouse
from .load import (DayCounts, LoadStats, WarehouseBusy, load_partitions, load_results, publish_snapshot,
                   rebuild_events, snapshot_path, writer_lock)
from .readonly import ReadOnlyViolation, connect_readonly, run_readonly_sql
from .schema import apply_migrations, sql_dir

__all__ = [
    "DayCounts", "LoadStats", "ReadOnlyViolation", "apply_migrations", "connect_readonly", "export_warehouse",
    "load_partitions", "load_results", "publish_snapshot", "rebuild_events", "run_readonly_sql", "snapshot_path", "sql_dir",
    "WarehouseBusy", "writer_lock",
]
