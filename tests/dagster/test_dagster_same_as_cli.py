"""`marsad load FOLDER` and a Dagster materialisation of the same folder give the same warehouse.

Both ways go through the same library path: the same reader, stage functions, day rule for
undated articles (`pipelines.days`: the day the file landed) and data checks (run by
`pipelines.warehouse.load_partitions`). The folder holds good articles in both formats, an undated
record, and bad records (a cut JSON line, a bad id, an impossible date, a repeated id, a file that
is not Arabic, a file of an unsupported type).
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.demo import materialize_all
from tests.dagster.landing_fixture import INGEST_DAY, INGEST_MTIME, RECORDS, write_landing
from pipelines.cli import main

# Every column is compared except the quarantine's `at`: the time the row was first written, which
# two loads run one after the other cannot share.
TABLES = {
    "articles": ("article_id", ()),
    "event_mentions": ("mention_id", ()),
    "events": ("event_id", ()),
    "quarantine": ("quarantine_id", ("at",)),
}
BAD_LINES = [
    json.dumps({**RECORDS[0], "id": 1.5, "text": RECORDS[0]["text"] + " نص آخر"}, ensure_ascii=False),
    json.dumps({**RECORDS[1], "id": "too-old", "published": "1850-01-01"}, ensure_ascii=False),
    json.dumps({**RECORDS[1], "id": "fx-strike", "text": "نص مختلف تماما عن الغارة في إدلب وريفها الجنوبي"},
               ensure_ascii=False),
    '{"id": "cut", "text": "نص',
]


def _landing(folder: Path) -> Path:
    write_landing(folder)
    bad = {"bad-lines.jsonl": "\n".join(BAD_LINES) + "\n", "english.txt": "-\nTitle\n-\n" + "Plain English text. " * 20,
           "table.csv": "a,b\n1,2\n"}
    for name, text in bad.items():
        (folder / name).write_text(text, encoding="utf-8")
        os.utime(folder / name, (INGEST_MTIME, INGEST_MTIME))
    return folder


def _rows(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for table, (key, skip) in TABLES.items():
            columns = [c for (c,) in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
                [table]).fetchall() if c not in skip]
            selected = ", ".join(f'"{c}"' for c in columns)
            out[table] = con.execute(f'SELECT {selected} FROM "{table}" ORDER BY "{key}"').fetchall()
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> tuple[dict, dict]:
    tmp = tmp_path_factory.mktemp("same")
    landing = _landing(tmp / "landing")
    assert main(["load", str(landing), "--warehouse", str(tmp / "cli.duckdb")]) == 0
    (tmp / "home").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp / "home")) as instance:
        results = materialize_all(str(landing), str(tmp / "dagster.duckdb"), instance, log=lambda *_: None)
    assert results and all(r.success for r in results)
    return _rows(tmp / "cli.duckdb"), _rows(tmp / "dagster.duckdb")


@pytest.mark.parametrize("table", ["events", "event_mentions", "quarantine", "articles"])
def test_marsad_load_and_dagster_give_the_same_rows(both, table):
    cli, dagster = both
    assert cli[table], f"the fixture gives no {table} rows: the comparison would prove nothing"
    assert cli[table] == dagster[table]


def test_the_folder_holds_what_the_comparison_needs(both):
    cli, _ = both
    articles = {row[0]: row for row in cli["articles"]}
    assert "fx-undated" in articles and INGEST_DAY in map(str, articles["fx-undated"])  # the day its file landed
    reasons = " ".join(str(row) for row in cli["quarantine"])
    for origin in ("broken.jsonl", "bad-lines.jsonl", "english.txt", "table.csv"):
        assert origin in reasons
    assert len(cli["events"]) >= 3


def _break_extraction(monkeypatch, only: str | None = None) -> None:
    """Extraction gives an event outside its article's text (which `events.evidence_offsets` blocks),
    for every article or for the one named `only`; the others are extracted as usual."""
    import pipelines.process as process
    from pipelines.records import Event, Span

    real = process.extract_events

    def broken(clean, sentences, dates, **kw):
        if only is not None and clean.article_id != only:
            return real(clean, sentences, dates, **kw)
        n = len(clean.article.text)
        return [Event(clean.article_id, 0, "ASSAULT", Span("x", n + 5, n + 6))]

    monkeypatch.setattr(process, "extract_events", broken)


def test_marsad_load_refuses_a_batch_a_blocking_check_fails(tmp_path, monkeypatch, capsys):
    """The same checks as the assets' (`test_dagster_checks.py`), run by the load itself."""
    _break_extraction(monkeypatch)
    db = tmp_path / "cli.duckdb"
    assert main(["load", str(write_landing(tmp_path / "landing")), "--warehouse", str(db)]) == 1
    err = capsys.readouterr().err
    assert "events.evidence_offsets" in err and "nothing of this batch loaded" in err
    assert not db.exists()


def test_marsad_load_leaves_out_the_day_a_blocking_check_fails_and_loads_the_others(tmp_path, monkeypatch, capsys):
    """As daily Dagster runs give: the day of the broken extraction stays out, the other days load."""
    _break_extraction(monkeypatch, only="fx-strike")
    db = tmp_path / "cli.duckdb"
    assert main(["load", str(write_landing(tmp_path / "landing")), "--warehouse", str(db)]) == 1
    err = capsys.readouterr().err
    assert "2024-03-10 not loaded" in err and "events.evidence_offsets" in err
    with duckdb.connect(str(db), read_only=True) as con:
        days = {str(d) for (d,) in con.execute("SELECT DISTINCT partition_day FROM articles").fetchall()}
        quarantined = {o for (o,) in con.execute("SELECT origin FROM quarantine").fetchall()}
    assert "2024-03-10" not in days and {"2024-03-11", INGEST_DAY} <= days
    assert any("broken.jsonl" in o for o in quarantined)  # the reader's quarantine rows still land


def test_marsad_load_logs_a_check_that_warns(tmp_path, monkeypatch, caplog):
    import pipelines.process as process
    from pipelines.records import Event, Span, TemporalExpression

    def one_misdated(clean, sentences, dates, **_):
        text = clean.article.text
        end = text.index(" ")
        later = TemporalExpression("", 0, 0, "2031-01", "month", "explicit")
        return [Event(clean.article_id, 0, "ASSAULT", Span(text[:end], 0, end), date=later)]

    monkeypatch.setattr(process, "extract_events", one_misdated)
    with caplog.at_level(logging.WARNING, logger="marsad.checks"):
        assert main(["load", str(write_landing(tmp_path / "landing")), "--warehouse", str(tmp_path / "w.duckdb")]) == 0
    assert "events.dates_not_future: 1 problem (warn)" in caplog.text
