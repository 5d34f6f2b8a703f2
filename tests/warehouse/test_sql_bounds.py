"""`marsad sql` is bounded (time, memory, rows), prints no terminal control characters, and its own
statement guard checks what EXPLAIN ANALYZE would run (issue 19)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from pipelines.warehouse import run_readonly_sql
from pipelines.warehouse.readonly import ReadOnlyViolation, SqlLimitExceeded, SqlLimits, check_statements

REPO = Path(__file__).resolve().parents[2]
# `marsad sql` in a child process that reports its peak memory on stderr (VmHWM: this process's
# own peak; ru_maxrss would carry over the forking pytest process's peak).
CHILD = ("import re, sys\nfrom pipelines.cli import main\ncode = main(sys.argv[1:])\n"
         "peak = re.search(r'VmHWM:\\s+(\\d+) kB', open('/proc/self/status').read()).group(1)\n"
         "print('maxrss_mb', int(peak) // 1024, file=sys.stderr)\nsys.exit(code)\n")


def marsad_sql(warehouse, sql, *options, **env) -> tuple[subprocess.CompletedProcess, float]:
    t0 = time.monotonic()
    done = subprocess.run([sys.executable, "-c", CHILD, "sql", "--warehouse", str(warehouse), *options, sql],
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(REPO), **env})
    return done, time.monotonic() - t0


def test_a_huge_count_stops_at_the_time_limit(warehouse):
    done, seconds = marsad_sql(warehouse, "SELECT count(*) FROM range(1000000000000::BIGINT)",
                               MARSAD_SQL_TIMEOUT_SECONDS="1")
    assert done.returncode == 2
    assert "query exceeded 1 s (MARSAD_SQL_TIMEOUT_SECONDS)" in done.stderr
    assert seconds < 15  # interpreter start-up + 1 s, on a busy machine


def test_a_huge_result_is_capped_and_memory_stays_small(warehouse):
    done, _ = marsad_sql(warehouse, "SELECT * FROM range(200000000::BIGINT)", "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["range", *map(str, range(10_000))]
    assert "truncated at 10000 rows (MARSAD_SQL_MAX_ROWS)" in done.stderr
    assert int(done.stderr.split("maxrss_mb")[1]) < 400


def test_a_query_needing_more_memory_than_the_limit_fails_clearly(warehouse, capsys, monkeypatch):
    monkeypatch.setenv("MARSAD_SQL_MEMORY_LIMIT", "64MB")
    assert main(["sql", "--warehouse", str(warehouse), "SELECT count(DISTINCT range) FROM range(100000000)"]) == 2
    assert "needs more than 64MB of memory (MARSAD_SQL_MEMORY_LIMIT)" in capsys.readouterr().err


@pytest.mark.parametrize("fmt, data_lines", [("table", slice(2, -1)), ("csv", slice(1, None)),
                                             ("json", slice(None))])
@pytest.mark.parametrize("n, truncated", [(5, False), (6, True), (500, True)])
def test_row_cap(warehouse, capsys, monkeypatch, fmt, data_lines, n, truncated):
    monkeypatch.setenv("MARSAD_SQL_MAX_ROWS", "5")
    assert main(["sql", "--warehouse", str(warehouse), "--format", fmt, f"SELECT * FROM range({n})"]) == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()[data_lines]) == 5
    assert ("truncated at 5 rows" in err) == truncated
    if fmt == "table":
        assert out.splitlines()[-1] == ("(5 rows, truncated)" if truncated else "(5 rows)")


def test_run_readonly_sql_refuses_to_truncate_silently(warehouse):
    limits = SqlLimits(max_rows=3)
    assert len(run_readonly_sql(warehouse, "FROM range(3)", limits)[1]) == 3
    with pytest.raises(SqlLimitExceeded, match="more than 3 rows"):
        run_readonly_sql(warehouse, "FROM range(4)", limits)


@pytest.mark.parametrize("env, message", [
    ({"MARSAD_SQL_TIMEOUT_SECONDS": "0"}, "MARSAD_SQL_TIMEOUT_SECONDS='0': give a positive float"),
    ({"MARSAD_SQL_TIMEOUT_SECONDS": "inf"}, "MARSAD_SQL_TIMEOUT_SECONDS='inf'"),
    ({"MARSAD_SQL_MAX_ROWS": "many"}, "MARSAD_SQL_MAX_ROWS='many': give a positive int"),
    ({"MARSAD_SQL_THREADS": "-1"}, "MARSAD_SQL_THREADS='-1'"),
    ({"MARSAD_SQL_MEMORY_LIMIT": "2GB'; SET x = '1"}, "give a size such as 2GB"),
])
def test_bad_limit_settings_are_reported(warehouse, capsys, monkeypatch, env, message):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["sql", "--warehouse", str(warehouse), "SELECT 1"]) == 2
    assert message in capsys.readouterr().err


def test_limits_come_from_the_environment():
    assert SqlLimits.from_env({}) == SqlLimits(30.0, "2GB", 2, 10_000)
    assert SqlLimits.from_env({"MARSAD_SQL_TIMEOUT_SECONDS": "2.5", "MARSAD_SQL_MEMORY_LIMIT": "512MB",
                               "MARSAD_SQL_THREADS": "1", "MARSAD_SQL_MAX_ROWS": "7"}) == SqlLimits(
        2.5, "512MB", 1, 7)


ESC = "chr(27) || '[2J' || chr(27) || ']0;owned' || chr(7)"  # clear screen, set the window title
HOSTILE = (f"SELECT {ESC} AS a, 'x' || chr(155) || '31m' AS b, 'ab' || chr(8238) || 'cd' AS c,"
           f" ['q' || chr(27) || '[1m'] AS d, 'قتل' || chr(13) || 'ok' AS e, 1 AS \"h\x1b[5m\"")
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\r")


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_control_characters_in_cells_are_escaped(warehouse, capsys, fmt):
    assert main(["sql", "--warehouse", str(warehouse), "--format", fmt, HOSTILE]) == 0
    out = capsys.readouterr().out.replace("\r\n", "\n")  # csv's own line ends
    assert not any(c in out for c in RAW), repr(out)
    if fmt == "json":  # lossless: the escapes are JSON's own
        assert json.loads(out) == {"a": "\x1b[2J\x1b]0;owned\x07", "b": "x\x9b31m", "c": "ab\u202ecd",
                                   "d": ["q\x1b[1m"], "e": "قتل\rok", "h\x1b[5m": 1}
    else:
        for shown in ("\\x1b[2J\\x1b]0;owned\\x07", "x\\x9b31m", "ab\\u202ecd", "q\\u001b[1m", "قتل ok",
                      "h\\x1b[5m"):
            assert shown in out


def test_control_characters_in_errors_are_escaped(warehouse, capsys):
    assert main(["sql", "--warehouse", str(warehouse), f"SELECT CAST({ESC} AS INTEGER)"]) == 2
    err = capsys.readouterr().err
    assert "SQL error" in err and "\\x1b[2J" in err and "\x1b" not in err


@pytest.mark.parametrize("sql", [
    "EXPLAIN ANALYZE INSERT INTO t VALUES (1)",
    "explain analyse delete from t",
    "EXPLAIN ANALYZE COPY t TO '/tmp/marsad-explain-copy.csv'",
    "EXPLAIN COPY t TO '/tmp/marsad-explain-copy.csv'",
    "EXPLAIN (ANALYZE) UPDATE t SET a = 2",
    "EXPLAIN (ANALYZE, FORMAT json) DELETE FROM t",
    "EXPLAIN ANALYZE (FORMAT json) INSERT INTO t SELECT 1",
    "/* hi */ EXPLAIN /* ( */ ANALYZE -- )\n DROP TABLE t",
    "EXPLAIN ANALYZE CREATE TABLE u AS SELECT 1",
    "EXPLAIN ANALYZE SELECT * FROM read_csv('/etc/passwd')",
    "SELECT 1; EXPLAIN ANALYZE DELETE FROM t",
])
def test_our_guard_checks_what_explain_would_run(sql):
    """On an open, writable connection: only our statement check stands between the SQL and the data."""
    con = duckdb.connect(":memory:")
    con.execute("CREATE TABLE t (a INTEGER)")
    # DuckDB 1.5 does not parse `EXPLAIN ANALYZE (FORMAT json) ...` at all (2.x does): refused either way.
    with pytest.raises(ReadOnlyViolation, match="refused: .*|cannot parse SQL"):
        check_statements(con, sql)
    assert con.execute("FROM t").fetchall() == []
    assert not Path("/tmp/marsad-explain-copy.csv").exists()


@pytest.mark.parametrize("sql", [
    "EXPLAIN SELECT 1", "EXPLAIN (SELECT 1)", "EXPLAIN ANALYZE SELECT count(*) FROM events",
    "EXPLAIN (FORMAT json) SELECT 1", "EXPLAIN ANALYZE (SELECT 1)", "explain /* c */ analyze FROM events",
])
def test_explain_of_a_read_is_allowed(warehouse, sql):
    columns, rows = run_readonly_sql(warehouse, sql)
    assert columns and rows


def test_explain_analyze_of_a_write_names_our_guard(warehouse, capsys):
    assert main(["sql", "--warehouse", str(warehouse), "EXPLAIN ANALYZE DELETE FROM events"]) == 2
    assert capsys.readouterr().err.strip() == (
        "marsad: refused: DELETE statements are not allowed; `marsad sql` is read-only (only "
        "SELECT/WITH/DESCRIBE/SHOW/EXPLAIN). Nothing was changed. (checked inside EXPLAIN)")
