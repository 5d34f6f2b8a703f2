"""The DuckLake backend: the same warehouse in a lake (a catalog database plus Parquet data files).

Selected by configuration alone: `MARSAD_WAREHOUSE=ducklake:<catalog>` (for example
`ducklake:postgres:dbname=lake host=127.0.0.1 port=55432 user=marsad`), data files under
`MARSAD_LAKE_DATA_PATH` (a folder standing in for object storage; remembered by the catalog once
the lake exists). Everything else is the single-file code: the migrations of `sql/` (with the
PRIMARY KEY constraints DuckLake does not enforce left out: the loader's delete-then-insert keeps
keys unique), the same load transaction and merge (`pipelines.warehouse.load`), the same views and
the same read-only guards for `marsad sql`.

Concurrency: many processes may load at once. Each load is one DuckLake transaction (all or
nothing: a writer that dies before its commit leaves only unreferenced Parquet files behind, which
no snapshot lists) and claims the lake's one-row `lake_commit` table, so two loads that overlap in
time always conflict at commit; the loser is rolled back and re-run from the new snapshot
(`retry_conflicts`). The merge (which reads other days' mentions) therefore sees every commit
before it, as with one writer, while the expensive part of every load runs in parallel. Readers
see the last committed snapshot, never part of a transaction, and need no published copy.
"""
from __future__ import annotations

import hashlib
import logging
import os
import random
import re
import time
from pathlib import Path
from typing import Callable, TypeVar

import duckdb

from pipelines.settings import Settings

PREFIX = "ducklake:"
ALIAS = "lake"
EXTENSIONS = {"ducklake": "ducklake", "postgres": "postgres_scanner"}  # package -> extension name
_T = TypeVar("_T")
_TABLE_KEY = re.compile(r",\s*PRIMARY\s+KEY\s*\([^)]*\)", re.IGNORECASE)
_COLUMN_KEY = re.compile(r"\bPRIMARY\s+KEY\b", re.IGNORECASE)
_CONFLICT = ("conflict", "Conflict")
log = logging.getLogger(__name__)
conflicts_retried = 0  # in this process: transactions that lost a commit race and were re-run


def is_lake(location: str | os.PathLike) -> bool:
    """True for a `ducklake:...` warehouse location, False for a DuckDB file."""
    return str(location).startswith(PREFIX)


def data_path(settings: Settings | None = None) -> Path | None:
    return (settings or Settings.from_env()).lake_data_path


def lake_ddl(sql: str) -> str:
    """A migration as DuckLake takes it: no PRIMARY KEY (a key column stays NOT NULL)."""
    return _COLUMN_KEY.sub("NOT NULL", _TABLE_KEY.sub("", sql))


def extension_file(package: str) -> Path:
    """The extension shipped in the `duckdb-extension-<package>` wheel, under its DuckDB name.

    The wheel names the postgres extension `postgres.duckdb_extension`, while DuckDB derives the
    entry point from the file name (`postgres_scanner_init`): a link with the right name is made in
    the cache folder.
    """
    import importlib

    module = importlib.import_module(f"duckdb_extension_{package}")
    shipped = Path(module.__file__).parent / "extensions" / f"v{duckdb.__version__}" / f"{package}.duckdb_extension"
    if not shipped.exists():
        raise RuntimeError(f"{shipped} missing: duckdb-extension-{package} must match duckdb=={duckdb.__version__}")
    name = EXTENSIONS[package]
    if name == package:
        return shipped
    folder = Settings.from_env().cache_dir / "duckdb_extensions" / f"v{duckdb.__version__}"
    link = folder / f"{name}.duckdb_extension"
    if not link.exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{name}.{os.getpid()}.tmp"
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(shipped)
        os.replace(tmp, link)
    return link


def _literal(text: str | os.PathLike) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def attach(con: duckdb.DuckDBPyConnection, location: str, *, read_only: bool = False) -> None:
    """Load the two extensions from their wheels (no network), attach the lake and make it current."""
    for package in EXTENSIONS:
        con.execute(f"LOAD {_literal(extension_file(package))}")
    options = ["READ_ONLY"] if read_only else []
    folder = data_path()
    if folder is not None and not read_only:
        Path(folder).mkdir(parents=True, exist_ok=True)
        options.append(f"DATA_PATH {_literal(str(folder).rstrip('/') + '/')}")
    suffix = f" ({', '.join(options)})" if options else ""
    con.execute(f"ATTACH {_literal(location)} AS {ALIAS}{suffix}")
    con.execute(f"USE {ALIAS}")


def new_connection() -> duckdb.DuckDBPyConnection:
    return duckdb.connect(":memory:", config={"autoinstall_known_extensions": False,
                                              "autoload_known_extensions": False})


def is_conflict(exc: BaseException) -> bool:
    """A commit that lost against a concurrent one (DuckLake's optimistic concurrency)."""
    return isinstance(exc, duckdb.Error) and any(word in str(exc) for word in _CONFLICT)


def retry_conflicts(fn: Callable[[], _T], attempts: int = 60) -> _T:
    """Run `fn` (a whole transaction, from its reads) until it commits without a conflict."""
    for attempt in range(attempts):
        try:
            return fn()
        except duckdb.Error as exc:
            if not is_conflict(exc) or attempt == attempts - 1:
                raise
            global conflicts_retried
            conflicts_retried += 1
            log.info("lake: a concurrent commit won; re-running this transaction (%s)", exc)
            time.sleep(min(2.0, 0.05 * 1.5 ** attempt) * (0.5 + random.random()))
    raise AssertionError("unreachable")


def claim_commit(con: duckdb.DuckDBPyConnection) -> None:
    """Inside a load transaction: touch the one-row `lake_commit`, so overlapping loads conflict."""
    con.execute("UPDATE lake_commit SET commits = commits + 1")


def connect_writer(location: str) -> duckdb.DuckDBPyConnection:
    """A writing connection to the lake with the schema migrated (and views, type_quality current)."""
    con = new_connection()
    try:
        attach(con, location)
        retry_conflicts(lambda: _prepare(con))
    except BaseException:
        con.close()
        raise
    return con


def _prepare(con: duckdb.DuckDBPyConnection) -> None:
    from pipelines.warehouse.schema import QUALITY, apply_migrations, rollback, view_files

    con.execute("CREATE TABLE IF NOT EXISTS lake_commit (commits BIGINT NOT NULL, schema_hash VARCHAR)")
    if con.execute("SELECT count(*) FROM lake_commit").fetchone()[0] == 0:
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("INSERT INTO lake_commit SELECT 0, NULL WHERE NOT EXISTS (FROM lake_commit)")
            claim_commit(con)  # two first writers conflict here instead of inserting two rows
            con.execute("COMMIT")
        except BaseException:
            rollback(con)
            raise
    digest = hashlib.sha256()
    for path in [*view_files(), QUALITY]:
        digest.update(path.name.encode() + b"\0" + (path.read_bytes() if path.exists() else b""))
    (stored,) = con.execute("SELECT schema_hash FROM lake_commit").fetchone()
    current = digest.hexdigest()[:16]
    if stored == current and _migrated(con):
        return
    apply_migrations(con, translate=lake_ddl)
    con.execute("UPDATE lake_commit SET schema_hash = ?", [current])


def _migrated(con: duckdb.DuckDBPyConnection) -> bool:
    from pipelines.warehouse.schema import migrations

    tables = {t for (t,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [ALIAS]).fetchall()}
    if "schema_version" not in tables:
        return False
    done = {v for (v,) in con.execute("SELECT version FROM schema_version").fetchall()}
    return all(v in done for v, _, _ in migrations())


def connect_reader(location: str) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the lake's last committed snapshot (trusted code: no lockdown)."""
    con = new_connection()
    try:
        attach(con, location, read_only=True)
    except BaseException:
        con.close()
        raise
    return con


def has_warehouse(con: duckdb.DuckDBPyConnection) -> bool:
    """The lake holds a loaded warehouse (the first load committed)."""
    return con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND table_name = 'articles'",
                       [ALIAS]).fetchone()[0] > 0


def lockdown(con: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    """What `marsad sql` applies to a lake connection: files only under the lake's data folder."""
    (folder,) = con.execute(f"SELECT value FROM {ALIAS}.options() WHERE option_name = 'data_path'").fetchone()
    return (f"SET allowed_directories = [{_literal(folder)}]",)
