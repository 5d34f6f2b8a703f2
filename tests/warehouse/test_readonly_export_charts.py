"""`marsad sql` safety, export layout, charts, and the CLI wiring."""
from __future__ import annotations

from datetime import datetime, timezone

import duckdb
import pytest

from pipelines.cli import main
from pipelines.warehouse import ReadOnlyViolation, connect_readonly, export_warehouse, run_readonly_sql
from pipelines.warehouse.charts import chart_pngs, monthly_events_png, shape_arabic


def count_events(db):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT count(*) FROM events").fetchone()[0]


@pytest.mark.parametrize("sql", [
    "DELETE FROM events",
    "select 1; DELETE FROM events",
    "UPDATE events SET killed = 0",
    "INSERT INTO actors VALUES ('X', 'x', NULL, NULL, 1)",
    "DROP TABLE events",
    "CREATE TABLE t AS SELECT 1",
    "ATTACH '/tmp/other.duckdb' AS o",
    "COPY events TO '/tmp/events.csv'",
    "EXPORT DATABASE '/tmp/dump'",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "PRAGMA enable_profiling",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/hostname')",
    "SELECT * FROM glob('/etc/*')",
    "SELECT * FROM parquet_scan('/tmp/x.parquet')",
    "SELECT * FROM query('DELETE FROM events')",
    "EXPLAIN ANALYZE DELETE FROM events",
])
def test_writes_and_file_access_are_refused(warehouse, sql):
    before = count_events(warehouse)
    with pytest.raises(ReadOnlyViolation, match="refused"):
        run_readonly_sql(warehouse, sql)
    assert count_events(warehouse) == before


def test_connection_itself_is_locked_down(warehouse):
    """Even without the statement check, the connection cannot write or read files."""
    con = connect_readonly(warehouse)
    try:
        for sql in ("DELETE FROM events", "SELECT * FROM '/etc/passwd'",
                    "SELECT * FROM read_csv('/etc/passwd')", "SET enable_external_access = true",
                    "ATTACH '/tmp/x.duckdb'"):
            with pytest.raises(duckdb.Error):
                con.execute(sql).fetchall()
    finally:
        con.close()
    assert count_events(warehouse) == 6


def test_cli_sql_refuses_delete_and_deletes_nothing(warehouse, capsys):
    assert main(["sql", "--warehouse", str(warehouse), "DELETE FROM events"]) == 2
    err = capsys.readouterr().err
    assert "refused" in err and "read-only" in err
    assert count_events(warehouse) == 6


def test_cli_sql_prints_table_json_csv(warehouse, capsys):
    assert main(["sql", "--warehouse", str(warehouse),
                 "SELECT event_type, count(*) AS n FROM events GROUP BY 1 ORDER BY 1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split("|")[0].strip() == "event_type" and out[-1] == "(4 rows)"
    assert "ASSAULT    | 3" in out
    assert main(["sql", "--warehouse", str(warehouse), "--format", "json",
                 "SELECT location_name, source_urls FROM events WHERE n_mentions = 2"]) == 0
    assert capsys.readouterr().out.strip() == (
        '{"location_name": "Douma", "source_urls": ["https://bbc.example/a1", "https://cnn.example/a2"]}')
    assert main(["sql", "--warehouse", str(warehouse), "--format", "csv",
                 "SELECT month, killed FROM casualties_by_month_actor"]) == 0
    assert capsys.readouterr().out.splitlines() == ["month,killed", "2018-03,8"]


def test_catalog_statements_are_allowed(warehouse):
    assert ("event_id",) in {(r[0],) for r in run_readonly_sql(warehouse, "DESCRIBE events")[1]}
    assert ("troop_movements",) in set(run_readonly_sql(warehouse, "SHOW TABLES")[1])


def test_cli_sql_reports_bad_sql_and_missing_warehouse(warehouse, tmp_path, capsys):
    assert main(["sql", "--warehouse", str(warehouse), "SELECT nope FROM events"]) == 2
    assert "SQL error" in capsys.readouterr().err
    assert main(["sql", "--warehouse", str(tmp_path / "none.duckdb"), "SELECT 1"]) == 2
    assert "nothing to query yet" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export_is_month_partitioned_hive(warehouse, tmp_path, fmt):
    out = tmp_path / "export"
    counts = export_warehouse(warehouse, out, fmt)
    assert counts["events"] == 6 and counts["event_mentions"] == 8
    months = sorted(p.name for p in (out / "events").iterdir())
    # the undated article's protest is dated by its ingest day (today)
    today = datetime.now(timezone.utc).date()
    assert set(months) == {"month=2018-03", "month=2018-04", "month=2018-05", "month=2018-06",
                           f"month={today:%Y-%m}"}
    reader = "read_parquet" if fmt == "parquet" else "read_csv"
    with duckdb.connect() as con:
        n, = con.execute(f"SELECT count(*) FROM {reader}('{out}/events/*/*.{fmt}', hive_partitioning=true) "
                         "WHERE month = '2018-03'").fetchone()
        assert n == 2
        n, = con.execute(f"SELECT count(*) FROM {reader}('{out}/event_mentions/*/*.{fmt}', "
                         "hive_partitioning=true)").fetchone()
        assert n == 8
    # exporting again replaces the earlier files rather than adding to them
    export_warehouse(warehouse, out, fmt)
    assert sum(1 for _ in (out / "events").rglob(f"*.{fmt}")) == len(months)


def test_cli_export_rejects_unknown_format(warehouse, tmp_path):
    with pytest.raises(SystemExit):
        main(["export", "--warehouse", str(warehouse), "--format", "xlsx", str(tmp_path)])


def test_charts_are_pngs(warehouse):
    pngs = chart_pngs(warehouse)
    assert set(pngs) == {"monthly_events", "casualties", "troop_movements"}
    assert all(p.startswith(b"\x89PNG\r\n\x1a\n") and len(p) > 5000 for p in pngs.values())
    assert monthly_events_png([]).startswith(b"\x89PNG")


def test_arabic_labels_are_shaped_and_visual_order():
    shaped = shape_arabic("قتلى")
    # presentation forms (U+FE70..U+FEFF), reversed for left-to-right drawing
    assert all(0xFE70 <= ord(c) <= 0xFEFF for c in shaped)
    assert shaped[-1] in "\ufedf\ufee0\ufed7\ufed8"  # the first letter (qaf, initial form) drawn last


def test_cli_charts_writes_files(warehouse, tmp_path, capsys):
    assert main(["charts", "--warehouse", str(warehouse), str(tmp_path / "c")]) == 0
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == [
        "casualties.png", "monthly_events.png", "troop_movements.png"]


def test_cli_load_jsonl_quarantines_bad_lines_and_is_idempotent(tmp_path, capsys):
    docs = tmp_path / "docs.jsonl"
    docs.write_text(
        '{"id": "d1", "source": "bbc", "url": "https://bbc.example/d1", "published": "2018-03-10",'
        ' "title": "غارة", "text": "قتل خمسة مدنيين في غارة جوية على مدينة دوما أمس."}\n'
        "this is not json\n"
        '{"id": "d2", "source": "cnn", "published": "2018-03-11",'
        ' "text": "تظاهر مئات الطلاب في القاهرة احتجاجا على رفع الرسوم."}\n', encoding="utf-8")
    db = tmp_path / "w.duckdb"
    for _ in range(2):
        assert main(["load", str(docs), "--warehouse", str(db)]) == 0
    capsys.readouterr()
    _, rows = run_readonly_sql(db, "SELECT article_id, source, partition_day FROM articles ORDER BY 1")
    assert [(a, s, str(d)) for a, s, d in rows] == [("d1", "bbc", "2018-03-10"), ("d2", "cnn", "2018-03-11")]
    _, rows = run_readonly_sql(db, "SELECT origin, line, reason LIKE 'bad JSONL line%' FROM quarantine")
    assert rows == [("docs.jsonl", 2, True)]


def test_cli_load_rejects_other_paths(tmp_path, capsys):
    (tmp_path / "x.csv").write_text("a,b\n")
    assert main(["load", str(tmp_path / "x.csv"), "--warehouse", str(tmp_path / "w.duckdb")]) == 2
    assert "landing folder or a .jsonl file" in capsys.readouterr().err


def test_cli_load_survives_a_count_past_64_bits(tmp_path, capsys):
    # a poison record once crashed the frame build (i128) and with it the whole batch
    docs = tmp_path / "docs.jsonl"
    docs.write_text(
        '{"id": "p1", "published": "2018-03-10", "text": "قتل 99999999999999999999999 شخصا في هجوم على دوما."}\n'
        '{"id": "p2", "published": "2018-03-10", "text": "قتل ٩٩٩٩٩٩٩٩٩٩٩٩٩٩٩٩٩٩٩٩٩٩ شخصا في هجوم."}\n'
        '{"id": "g1", "published": "2018-03-10", "text": "قتل خمسة مدنيين في غارة جوية على مدينة دوما أمس."}\n',
        encoding="utf-8")
    db = tmp_path / "w.duckdb"
    assert main(["load", str(docs), "--warehouse", str(db)]) == 0
    capsys.readouterr()
    _, rows = run_readonly_sql(db, "SELECT article_id FROM articles ORDER BY 1")
    assert [r[0] for r in rows] == ["g1", "p1", "p2"]
    _, rows = run_readonly_sql(db, "SELECT max(value) FROM event_quantities")
    assert rows == [(5,)]
