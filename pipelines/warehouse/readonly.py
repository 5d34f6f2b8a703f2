"""Read-only SQL for analysts (`marsad sql`): the published snapshot, locked down and bounded.

Readers only ever open the published snapshot (`x.snapshot.duckdb`), never the writer's file:
before the first load is published there is nothing to query (`NothingToQuery`), and a reader can
never hold a lock the writer needs.

Two independent guards: (1) the snapshot is attached read-only, then external access is disabled
and the configuration locked (no ATTACH, COPY/EXPORT to files, INSTALL/LOAD, read_csv/read_parquet/glob
or files outside the warehouse, and no `SET` to undo it); (2) each statement is parsed before
anything runs and refused unless it is a plain read (SELECT/WITH/DESCRIBE/SHOW/SUMMARIZE, or an
EXPLAIN [ANALYZE] of one), so the user gets a clear message rather than a DuckDB internal error.

Bounds (`SqlLimits`, from `MARSAD_SQL_*`): a time limit (a timer interrupts the query), a memory
limit and a thread count set before the configuration is locked, no spilling to disk, and results
fetched in chunks up to a row cap, so no query can take the machine down.
"""
from __future__ import annotations

import os
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

import duckdb

from pipelines.settings import Settings
from pipelines.warehouse import lake
from pipelines.warehouse.load import snapshot_path

# Applied after the snapshot is attached, in this order (lock_configuration last).
LOCKDOWN = (
    "SET enable_external_access = false",
    "SET allow_community_extensions = false",
    "SET lock_configuration = true",
)
_ALLOWED = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
_FILE_FUNCTIONS = re.compile(
    r"\b(read_\w+|\w+_scan|glob|sniff_csv|parquet_\w+|iceberg_\w+|delta_\w+|query_table|query"
    r"|postgres_\w+|mysql_\w+|sqlite_\w+)\s*\(",  # a lake's catalog server: no raw SQL on it
    re.IGNORECASE)
# Whitespace and comments between tokens.
_GAP = re.compile(r"(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*", re.DOTALL)
_WORD = re.compile(r"[A-Za-z_]+")


class ReadOnlyViolation(ValueError):
    """A statement that would write, or reach outside the warehouse."""


class NothingToQuery(FileNotFoundError):
    """No snapshot has been published yet (never loaded, or the first load is running or was killed)."""


class SqlLimitExceeded(RuntimeError):
    """A query ran past the time limit or needed more memory than the limit."""


@dataclass(frozen=True)
class SqlLimits:
    """Bounds of one `marsad sql` query. `max_rows=None` means uncapped (trusted callers only)."""

    timeout_seconds: float = 30.0
    memory_limit: str = "2GB"
    threads: int = 2
    max_rows: int | None = 10_000

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SqlLimits:
        """`MARSAD_SQL_TIMEOUT_SECONDS`, `MARSAD_SQL_MEMORY_LIMIT`, `MARSAD_SQL_THREADS`, `MARSAD_SQL_MAX_ROWS`."""
        return cls.of(Settings.from_env(env))

    @classmethod
    def of(cls, settings: Settings) -> SqlLimits:
        return cls(timeout_seconds=settings.sql_timeout_seconds, memory_limit=settings.sql_memory_limit,
                   threads=settings.sql_threads, max_rows=settings.sql_max_rows)

    def settings(self) -> tuple[str, ...]:
        """Applied before the lockdown (which then forbids changing them)."""
        return (f"SET memory_limit = '{self.memory_limit}'", f"SET threads = {int(self.threads)}",
                "SET temp_directory = ''")  # over the memory limit a query fails; it never fills the disk


def resolve_read_path(db_path: str | os.PathLike) -> Path:
    """The published snapshot of `db_path`. Never the writer's file: without a snapshot, NothingToQuery."""
    snap = snapshot_path(db_path)
    if snap.exists():
        return snap
    raise NothingToQuery(
        f"nothing to query yet: no load of {db_path} has been published ({snap} does not exist; "
        f"run `marsad load` or `make demo`, or wait for the running first load to finish)")


def connect_readonly(db_path: str | os.PathLike, limits: SqlLimits | None = None) -> duckdb.DuckDBPyConnection:
    """A locked-down read-only connection to the warehouse snapshot (with `limits`' memory and threads).

    The snapshot is ATTACHed READ_ONLY to a private in-memory database rather than opened with
    `duckdb.connect(path)`: DuckDB caches one instance per path per process, so a second
    `connect(path)` would reuse a still-open instance and keep seeing an old, replaced snapshot.
    """
    if lake.is_lake(db_path):
        return _connect_lake(str(db_path), limits)
    path = resolve_read_path(db_path)
    con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False,
                                             "autoload_known_extensions": False})
    try:
        con.execute(f"ATTACH '{_quote(path)}' AS warehouse (READ_ONLY)")
        con.execute("USE warehouse")
        for setting in (limits or SqlLimits.from_env()).settings() + LOCKDOWN:
            con.execute(setting)
    except duckdb.Error as exc:
        con.close()
        raise RuntimeError(f"cannot open {path} read-only: {exc}") from exc
    return con


def _connect_lake(location: str, limits: SqlLimits | None) -> duckdb.DuckDBPyConnection:
    """The lake's last committed snapshot, locked down like a snapshot file: its extensions are loaded
    and the catalog attached before external access is turned off; files only under its data folder."""
    try:
        con = lake.connect_reader(location)
    except duckdb.Error as exc:
        raise NothingToQuery(f"nothing to query yet: cannot open the lake {location} ({exc})") from exc
    try:
        if not lake.has_warehouse(con):
            raise NothingToQuery(f"nothing to query yet: no load has been committed to {location}")
        for setting in (limits or SqlLimits.from_env()).settings() + lake.lockdown(con) + LOCKDOWN:
            con.execute(setting)
    except BaseException:
        con.close()
        raise
    return con


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


def check_statements(con: duckdb.DuckDBPyConnection, sql: str) -> list[Any]:
    """Parse `sql`; refuse anything but plain reads, with a message that says why."""
    statements = _parse(con, sql)
    if not statements:
        raise ReadOnlyViolation("no SQL statement given")
    for st in statements:
        _check(con, st)
    return statements


def _parse(con: duckdb.DuckDBPyConnection, sql: str) -> list[Any]:
    try:
        return con.extract_statements(sql)
    except duckdb.Error as exc:
        raise ReadOnlyViolation(f"cannot parse SQL: {exc}") from exc


def _check(con: duckdb.DuckDBPyConnection, st: Any) -> None:
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
    if st.type == duckdb.StatementType.EXPLAIN:
        _check_explained(con, st.query)


def _check_explained(con: duckdb.DuckDBPyConnection, query: str) -> None:
    """EXPLAIN [ANALYZE] [(options)] <statement>: the statement must pass the same check.

    EXPLAIN ANALYZE runs its statement. The prefix is ambiguous (`EXPLAIN (SELECT 1)` vs
    `EXPLAIN (FORMAT json) SELECT 1`), so every way of reading it is tried: any reading that parses
    to a refused statement refuses, and if none parses to exactly one statement, it is refused too.
    """
    explained = [_parse_quietly(con, rest) for rest in _explain_remainders(query)]
    explained = [sts[0] for sts in explained if sts is not None and len(sts) == 1]
    if not explained:
        raise ReadOnlyViolation("refused: cannot tell which statement this EXPLAIN explains; "
                                "`marsad sql` explains plain SELECT statements only")
    for st in explained:
        try:
            _check(con, st)
        except ReadOnlyViolation as exc:
            raise ReadOnlyViolation(f"{exc} (checked inside EXPLAIN)") from exc


def _parse_quietly(con: duckdb.DuckDBPyConnection, sql: str) -> list[Any] | None:
    try:
        return con.extract_statements(sql) if sql.strip() else None
    except duckdb.Error:
        return None


def _explain_remainders(query: str) -> list[str]:
    """Every text that may follow the EXPLAIN prefix of `query` (keyword ANALYZE, option group)."""
    pos = _GAP.match(query).end()
    word = _WORD.match(query, pos)
    if not word or word.group().upper() != "EXPLAIN":
        return []
    remainders, frontier = [], [word.end()]
    while frontier:
        pos = _GAP.match(query, frontier.pop()).end()
        remainders.append(query[pos:])
        word = _WORD.match(query, pos)
        if word and word.group().upper() in ("ANALYZE", "ANALYSE"):
            frontier.append(word.end())
        if query.startswith("(", pos):
            end = _group_end(query, pos)
            if end is not None:
                frontier.append(end)
    return remainders


def _group_end(text: str, start: int) -> int | None:
    """Index after the parenthesised group opening at `start` (quotes and comments skipped)."""
    depth, i = 0, start
    while i < len(text):
        c = text[i]
        if c in "'\"":
            close = text.find(c, i + 1)
            if close < 0:
                return None
            i = close + 1
            continue
        if text.startswith(("--", "/*"), i):
            i = _GAP.match(text, i).end()
            continue
        depth += {"(": 1, ")": -1}.get(c, 0)
        i += 1
        if depth == 0:
            return i
    return None


class ReadonlyResult:
    """The last statement's result: `columns`, rows fetched in chunks up to `limits.max_rows`."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection, limits: SqlLimits):
        self._cursor, self.limits = cursor, limits
        self.columns = [d[0] for d in cursor.description] if cursor.description else []
        self.truncated = False  # set once the chunks are read: there were more than max_rows rows

    def chunks(self, size: int = 1000) -> Iterator[list[tuple]]:
        cap, got = self.limits.max_rows, 0
        while cap is None or got < cap:
            with _bounded(self.limits):
                rows = self._cursor.fetchmany(size if cap is None else min(size, cap - got))
            if not rows:
                return
            got += len(rows)
            yield rows
        with _bounded(self.limits):
            self.truncated = bool(self._cursor.fetchmany(1))


@contextmanager
def _bounded(limits: SqlLimits) -> Iterator[None]:
    """DuckDB's errors for our bounds, as the user's clear message."""
    try:
        yield
    except duckdb.InterruptException as exc:
        raise SqlLimitExceeded(
            f"query exceeded {limits.timeout_seconds:g} s (MARSAD_SQL_TIMEOUT_SECONDS) and was stopped; "
            f"narrow it (WHERE, LIMIT) or raise the limit") from exc
    except duckdb.OutOfMemoryException as exc:
        raise SqlLimitExceeded(
            f"query needs more than {limits.memory_limit} of memory (MARSAD_SQL_MEMORY_LIMIT) and was "
            f"stopped; narrow it or aggregate first") from exc


@contextmanager
def readonly_query(db_path: str | os.PathLike, sql: str, limits: SqlLimits | None = None) -> Iterator[ReadonlyResult]:
    """Run read-only SQL on the warehouse snapshot within `limits`; yields the last statement's result.

    The time limit covers running and fetching: a timer interrupts the connection when it expires.
    """
    limits = limits or SqlLimits.from_env()
    con = connect_readonly(db_path, limits)
    timer = threading.Timer(limits.timeout_seconds, _interrupt, [con])
    timer.daemon = True
    try:
        statements = check_statements(con, sql)
        timer.start()
        cur = None
        for st in statements:
            try:
                with _bounded(limits):
                    cur = con.execute(st.query)
            except duckdb.PermissionException as exc:  # the lockdown: second guard
                raise ReadOnlyViolation(f"refused by the read-only connection: {exc}") from exc
            except duckdb.InvalidInputException as exc:
                if "read-only" not in str(exc):
                    raise
                raise ReadOnlyViolation(f"refused by the read-only connection: {exc}") from exc
        assert cur is not None
        yield ReadonlyResult(cur, limits)
    finally:
        timer.cancel()
        con.close()


def _interrupt(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.interrupt()
    except duckdb.Error:  # the query finished and the connection closed meanwhile
        pass


def run_readonly_sql(db_path: str | os.PathLike, sql: str,
                     limits: SqlLimits | None = None) -> tuple[list[str], list[tuple]]:
    """Run read-only SQL on the warehouse snapshot; returns the last statement's columns and rows.

    More rows than `limits.max_rows` is an error here (a caller wanting a preview streams with
    `readonly_query` and reads `truncated`).
    """
    with readonly_query(db_path, sql, limits) as result:
        rows = [row for chunk in result.chunks() for row in chunk]
        if result.truncated:
            raise SqlLimitExceeded(f"more than {result.limits.max_rows} rows (MARSAD_SQL_MAX_ROWS); "
                                   f"add a LIMIT or aggregate")
        return result.columns, rows
