"""Read-only SQL for analysts (`marsad sql`): the published snapshot, locked down.

Two independent guards: (1) the snapshot is attached read-only, then external access is disabled
and the configuration locked (no ATTACH, COPY/EXPORT to files, INSTALL/LOAD, read_csv/read_parquet/glob
or files outside the warehouse, and no `SET` to undo it); (2) each statement is checked before it
runs, so the user gets a clear message rather than a DuckDB internal error.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import duckdb

from pipelines.warehouse.load import snapshot_path

# Applied after the snapshot is attached, in this order (lock_configuration last).
LOCKDOWN = (
    "SET enable_external_access = false",
    "SET allow_community_extensions = false",
    "SET lock_configuration = true",
)
_ALLOWED = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
_FILE_FUNCTIONS = re.compile(
    r"\b(read_\w+|\w+_scan|glob|sniff_csv|parquet_\w+|iceberg_\w+|delta_\w+|query_table|query)\s*\(",
    re.IGNORECASE)


class ReadOnlyViolation(ValueError):
    """A statement that would write, or reach outside the warehouse."""


def resolve_read_path(db_path: str | os.PathLike) -> Path:
    """The published snapshot of `db_path` (or `db_path` itself when no snapshot exists yet)."""
    snap = snapshot_path(db_path)
    if snap.exists():
        return snap
    if Path(db_path).exists():
        return Path(db_path)
    raise FileNotFoundError(f"no warehouse at {db_path} (run `marsad load` or `make demo` first)")


def connect_readonly(db_path: str | os.PathLike) -> duckdb.DuckDBPyConnection:
    """A locked-down read-only connection to the warehouse snapshot.

    The snapshot is ATTACHed READ_ONLY to a private in-memory database rather than opened with
    `duckdb.connect(path)`: DuckDB caches one instance per path per process, so a second
    `connect(path)` would reuse a still-open instance and keep seeing an old, replaced snapshot.
    """
    path = resolve_read_path(db_path)
    con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False,
                                             "autoload_known_extensions": False})
    try:
        con.execute(f"ATTACH '{_quote(path)}' AS warehouse (READ_ONLY)")
        con.execute("USE warehouse")
        for setting in LOCKDOWN:
            con.execute(setting)
    except duckdb.Error as exc:
        con.close()
        raise RuntimeError(f"cannot open {path} read-only: {exc}") from exc
    return con


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


def check_statements(con: duckdb.DuckDBPyConnection, sql: str) -> list[Any]:
    """Parse `sql`; refuse anything but queries, with a message that says why."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise ReadOnlyViolation(f"cannot parse SQL: {exc}") from exc
    if not statements:
        raise ReadOnlyViolation("no SQL statement given")
    for st in statements:
        if st.type not in _ALLOWED:
            kind = st.type.name.replace("_", " ")
            raise ReadOnlyViolation(
                f"refused: {kind} statements are not allowed; `marsad sql` is read-only "
                f"(only SELECT/WITH/DESCRIBE/SHOW/EXPLAIN). Nothing was changed.")
        m = _FILE_FUNCTIONS.search(st.query)
        if m:
            raise ReadOnlyViolation(
                f"refused: {m.group(1)}() reads files or runs dynamic SQL; `marsad sql` only queries "
                f"the warehouse tables and views")
    return statements


def run_readonly_sql(db_path: str | os.PathLike, sql: str) -> tuple[list[str], list[tuple]]:
    """Run read-only SQL on the warehouse snapshot; returns the last statement's columns and rows."""
    con = connect_readonly(db_path)
    try:
        statements = check_statements(con, sql)
        cur = None
        for st in statements:
            try:
                cur = con.execute(st.query)
            except duckdb.PermissionException as exc:
                raise ReadOnlyViolation(f"refused by the read-only connection: {exc}") from exc
            except duckdb.InvalidInputException as exc:
                if "read-only" not in str(exc):
                    raise
                # e.g. EXPLAIN ANALYZE DELETE ...: the statement check passes EXPLAIN, the database stops it
                raise ReadOnlyViolation(f"refused: `marsad sql` is read-only ({exc})") from exc
        assert cur is not None
        columns = [d[0] for d in cur.description] if cur.description else []
        return columns, cur.fetchall()
    finally:
        con.close()
