"""Schema from `sql/`: numbered migrations recorded in `schema_version`, then views.

DDL lives only in `sql/migrations/NNN_name.sql` (applied once each, in order, inside a transaction)
and `sql/views/*.sql` (re-created on every run so a view edit needs no migration).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb

_MIGRATION = re.compile(r"^(\d{3})_[\w-]+\.sql$")


def sql_dir() -> Path:
    """`sql/` of the repo (editable install); `MARSAD_SQL_DIR` overrides it."""
    env = os.environ.get("MARSAD_SQL_DIR")
    path = Path(env) if env else Path(__file__).resolve().parents[2] / "sql"
    if not (path / "migrations").is_dir():
        raise FileNotFoundError(f"no sql/migrations under {path} (set MARSAD_SQL_DIR)")
    return path


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


def apply_migrations(con: duckdb.DuckDBPyConnection, root: Path | None = None) -> list[str]:
    """Bring the schema up to date and (re)create the views; returns the migrations applied."""
    root = root or sql_dir()
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    done = {v for (v,) in con.execute("SELECT version FROM schema_version").fetchall()}
    applied = []
    for version, name, path in migrations(root):
        if version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(path.read_text(encoding="utf-8"))
            con.execute(
                "INSERT INTO schema_version VALUES (?, ?, current_timestamp::TIMESTAMP)", [version, name]
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        applied.append(name)
    apply_views(con, root)
    return applied


def view_files(root: Path | None = None) -> list[Path]:
    root = root or sql_dir()
    return sorted((root / "views").glob("*.sql"))


def apply_views(con: duckdb.DuckDBPyConnection, root: Path | None = None) -> None:
    """Views are `CREATE OR REPLACE VIEW` files, applied in name order (prefix to order dependencies)."""
    for path in view_files(root):
        con.execute(path.read_text(encoding="utf-8"))
