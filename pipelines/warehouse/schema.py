"""Schema from `sql/`: numbered migrations recorded in `schema_version`, then views.

DDL lives only in `sql/migrations/NNN_name.sql` (applied once each, in order, inside a transaction)
and `sql/views/*.sql` (re-created on every run so a view edit needs no migration).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

import duckdb

from pipelines.settings import Settings

_MIGRATION = re.compile(r"^(\d{3})_[\w-]+\.sql$")


def sql_dir() -> Path:
    """`sql/` of the repo (editable install); `MARSAD_SQL_DIR` overrides it."""
    path = Settings.from_env().sql_dir or Path(__file__).resolve().parents[2] / "sql"
    if not (path / "migrations").is_dir():
        raise FileNotFoundError(f"no sql/migrations under {path} (set MARSAD_SQL_DIR)")
    return path


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """ROLLBACK after a failure. A COMMIT that failed (a DuckLake commit that lost a race) has already
    ended the transaction: then there is nothing to roll back, and the caller re-raises the cause."""
    try:
        con.execute("ROLLBACK")
    except duckdb.TransactionException:
        pass


def migrations(root: Path | None = None) -> list[tuple[int, str, Path]]:
    root = root or sql_dir()
    out = []
    for p in sorted((root / "migrations").iterdir()):
        m = _MIGRATION.match(p.name)
        if m:
            out.append((int(m.group(1)), p.stem, p))
    versions = [v for v, _, _ in out]
    if len(set(versions)) != len(versions):
        raise ValueError(f"duplicate migration numbers in {root / 'migrations'}")
    return out


def apply_migrations(con: duckdb.DuckDBPyConnection, root: Path | None = None,
                     translate: Callable[[str], str] | None = None) -> list[str]:
    """Bring the schema up to date and (re)create the views; returns the migrations applied.

    `translate` rewrites each migration for another engine (the DuckLake backend's `lake_ddl`)."""
    root = root or sql_dir()
    translate = translate or (lambda ddl: ddl)
    con.execute(translate(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    ))
    done = {v for (v,) in con.execute("SELECT version FROM schema_version").fetchall()}
    applied = []
    for version, name, path in migrations(root):
        if version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(translate(path.read_text(encoding="utf-8")))
            con.execute(
                "INSERT INTO schema_version VALUES (?, ?, current_timestamp::TIMESTAMP)", [version, name]
            )
            con.execute("COMMIT")
        except BaseException:
            rollback(con)
            raise
        applied.append(name)
    refresh_type_quality(con)
    apply_views(con, root)
    return applied


QUALITY = Path(__file__).resolve().parents[1] / "extract" / "lexicons" / "quality.tsv"
_QUALITY_COLUMNS = ("event_type", "core_events", "true_records", "false_records", "missed",
                    "blind_precision", "blind_recall")


def read_type_quality(path: Path = QUALITY) -> list[tuple]:
    """Rows of the shipped per-type quality table (header line, then one line per type)."""
    rows = []
    lines = [l for l in path.read_text(encoding="utf-8").splitlines() if l.strip() and not l.startswith("#")]
    for n, line in enumerate(lines[1:], 2):
        parts = line.split("\t")
        if len(parts) != len(_QUALITY_COLUMNS):
            raise ValueError(f"{path.name} row {n}: want {len(_QUALITY_COLUMNS)} tab-separated fields")
        rows.append((parts[0], *map(int, parts[1:5]), *map(float, parts[5:])))
    return rows


def refresh_type_quality(con: duckdb.DuckDBPyConnection, path: Path = QUALITY) -> None:
    """Replace `type_quality` with the table shipped beside the extractor's weights."""
    rows = read_type_quality(path) if path.exists() else []
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM type_quality")
        if rows:
            con.executemany(f"INSERT INTO type_quality VALUES ({', '.join('?' * len(_QUALITY_COLUMNS))})", rows)
        con.execute("COMMIT")
    except BaseException:
        rollback(con)
        raise


def view_files(root: Path | None = None) -> list[Path]:
    root = root or sql_dir()
    return sorted((root / "views").glob("*.sql"))


def apply_views(con: duckdb.DuckDBPyConnection, root: Path | None = None) -> None:
    """Views are `CREATE OR REPLACE VIEW` files, applied in name order (prefix to order dependencies)."""
    for path in view_files(root):
        con.execute(path.read_text(encoding="utf-8"))
