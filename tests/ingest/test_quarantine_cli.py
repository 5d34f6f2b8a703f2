"""`marsad quarantine list`: from the warehouse table, or from the quarantine folder."""
from __future__ import annotations

import contextlib
import io
import json

import pytest

from pipelines.cli import main
from pipelines.ingest import IngestSettings, read_landing


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(argv)
    return rc, out.getvalue(), err.getvalue()


@pytest.fixture
def landing_with_bad_files(tmp_path):
    land = tmp_path / "landing"
    land.mkdir()
    (land / "empty.txt").write_bytes(b"")
    (land / "cut.jsonl").write_text('{"id": "1", "text": "قتل ثلاثة\n', encoding="utf-8")
    return land


def test_list_from_folder(landing_with_bad_files, tmp_path):
    qdir = tmp_path / "quarantine"
    read_landing(landing_with_bad_files, IngestSettings(quarantine_dir=qdir))
    rc, out, _ = run(["quarantine", "list", "--folder", str(qdir), "--json"])
    assert rc == 0
    rows = sorted((json.loads(line) for line in out.splitlines()), key=lambda r: r["origin"])
    assert [(r["origin"], r["line"]) for r in rows] == [("cut.jsonl", "1"), ("empty.txt", None)]
    assert "invalid JSON" in rows[0]["reason"] and rows[1]["reason"] == "empty file"
    rc, text, _ = run(["quarantine", "list", "--folder", str(qdir)])
    assert rc == 0 and "cut.jsonl:1" in text and "2 quarantined input(s)" in text


def test_list_from_warehouse(landing_with_bad_files, tmp_path):
    load = pytest.importorskip("pipelines.warehouse.load")
    result = read_landing(landing_with_bad_files)
    db = tmp_path / "w.duckdb"
    load.load_results(db, [], result.quarantined)
    rc, out, _ = run(["quarantine", "list", "--warehouse", str(db), "--json"])
    assert rc == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert {(r["origin"], r["line"]) for r in rows} == {("cut.jsonl", 1), ("empty.txt", None)}
    assert all(r["reason"] and r["at"] for r in rows)


def test_missing_warehouse_is_a_clean_error(tmp_path):
    rc, _, err = run(["quarantine", "list", "--warehouse", str(tmp_path / "none.duckdb")])
    assert rc == 2 and err.startswith("marsad: ") and "--folder" in err


def test_missing_folder_is_a_clean_error(tmp_path):
    rc, _, err = run(["quarantine", "list", "--folder", str(tmp_path / "nope")])
    assert rc == 2 and "not found" in err
