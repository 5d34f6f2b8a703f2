"""`marsad export`: the warehouse as month-partitioned Parquet or CSV files (hive layout).

`DIR/<table>/month=YYYY-MM/data_0.parquet` is what DuckLake, MotherDuck, Spark, Superset, R and
pandas read directly. Events are partitioned by event month, mentions/quantities/articles by the
month of their article's partition day. Dimensions and quarantine are single files.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from pipelines.warehouse import lake
from pipelines.warehouse.readonly import NothingToQuery, resolve_read_path

FORMATS = ("parquet", "csv")

PARTITIONED = {
    "events": "SELECT * FROM events",
    "event_mentions": "SELECT m.*, strftime(a.partition_day, '%Y-%m') AS month"
                      " FROM event_mentions m JOIN articles a USING (article_id)",
    "event_quantities": "SELECT q.*, m.event_id, strftime(a.partition_day, '%Y-%m') AS month"
                        " FROM event_quantities q JOIN event_mentions m USING (mention_id)"
                        " JOIN articles a ON a.article_id = q.article_id",
    "articles": "SELECT *, strftime(partition_day, '%Y-%m') AS month FROM articles",
}
SINGLE = {"actors": "SELECT * FROM actors", "locations": "SELECT * FROM locations",
          "quarantine": "SELECT * FROM quarantine"}


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _open_read(db_path: str | os.PathLike) -> duckdb.DuckDBPyConnection:
    """Our own process, trusted paths: the snapshot (or the lake's last commit) attached read-only,
    external access on for COPY TO."""
    if lake.is_lake(db_path):
        con = lake.connect_reader(str(db_path))
        if not lake.has_warehouse(con):
            con.close()
            raise NothingToQuery(f"nothing to query yet: no load has been committed to {db_path}")
        return con
    snapshot = resolve_read_path(db_path)
    con = duckdb.connect(":memory:")
    con.execute(f"ATTACH {_literal(snapshot)} AS warehouse (READ_ONLY)")
    con.execute("USE warehouse")
    return con


def export_warehouse(db_path: str | os.PathLike, out_dir: str | os.PathLike, fmt: str = "parquet") -> dict[str, int]:
    """Write every table under `out_dir` (replacing earlier exports of those tables); rows per table."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    con = _open_read(db_path)  # before anything is written: nothing to export, no folder
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    options = "FORMAT parquet, COMPRESSION zstd" if fmt == "parquet" else "FORMAT csv, HEADER true"
    counts: dict[str, int] = {}
    with con:
        for table, query in {**PARTITIONED, **SINGLE}.items():
            target = out / table
            if target.exists():
                shutil.rmtree(target)
            counts[table] = con.execute(f"SELECT count(*) FROM ({query})").fetchone()[0]
            if table in PARTITIONED:
                con.execute(f"COPY ({query}) TO {_literal(target)} ({options}, PARTITION_BY (month))")
            else:
                target.mkdir(parents=True)
                con.execute(f"COPY ({query}) TO {_literal(target / ('data.' + fmt))} ({options})")
    return counts
