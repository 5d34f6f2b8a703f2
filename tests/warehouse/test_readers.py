"""Readers never touch the writer's file (issue 19): nothing to query before the first publish,
and a reader running from before the first load on never makes a load fail."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.warehouse import connect_readonly, load_results, publish_snapshot, run_readonly_sql, snapshot_path
from pipelines.warehouse.load import connect_writer
from pipelines.warehouse.readonly import NothingToQuery

from .builders import sample_results

WORKER = ["-m", "tests.warehouse.concurrency_worker"]  # run from the repo (PYTHONPATH)
REPO = Path(__file__).resolve().parents[2]


def killed_first_load(db: Path) -> None:
    """What a first load killed after creating the file leaves: the writer's file, no snapshot."""
    connect_writer(db).close()


@pytest.mark.parametrize("state", ["never loaded", "first load killed"])
def test_nothing_to_query_before_the_first_publish(tmp_path, capsys, state):
    db = tmp_path / "w.duckdb"
    if state == "first load killed":
        killed_first_load(db)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(NothingToQuery, match="nothing to query yet"):
        connect_readonly(db)
    assert main(["sql", "--warehouse", str(db), "SELECT 1"]) == 2
    assert "nothing to query yet" in capsys.readouterr().err
    assert main(["quarantine", "list", "--warehouse", str(db)]) == 2
    assert "nothing to query yet" in capsys.readouterr().err
    for command in ("export", "charts"):
        assert main([command, "--warehouse", str(db), str(tmp_path / "out")]) == 2
        assert "nothing to query yet" in capsys.readouterr().err
    # no file was created (no .wal, no lock), and the writer's file was not opened: it is still
    # free for a writer, which takes DuckDB's exclusive lock
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    load_results(db, sample_results())
    assert run_readonly_sql(db, "SELECT count(*) FROM events")[1] == [(6,)]


def test_a_held_reader_never_blocks_the_writer(tmp_path):
    db, results = tmp_path / "w.duckdb", sample_results()
    load_results(db, results[:2])
    held = connect_readonly(db)
    try:
        load_results(db, results[2:])
        # the held session keeps its complete old snapshot; a new one sees the new load
        assert held.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
        assert run_readonly_sql(db, "SELECT count(*) FROM articles")[1] == [(len(results),)]
    finally:
        held.close()


def test_stale_publish_temp_files_are_removed(warehouse):
    snap = snapshot_path(warehouse)
    stale = snap.with_name(f".{snap.name}.999999.tmp")
    stale.write_bytes(b"half a copy")  # a publisher killed while copying
    publish_snapshot(warehouse)
    assert not stale.exists()


def test_reader_loop_from_before_the_first_load_never_fails_the_load(tmp_path):
    """`marsad sql` in a loop, started before a killed first load and running through five loads
    (closed and reopened between batches, as `marsad load` does): no load fails on a file lock."""
    db, flag = tmp_path / "w.duckdb", tmp_path / "done"
    killed_first_load(db)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    reader = subprocess.Popen([sys.executable, *WORKER, "sql_loop", str(db), str(flag)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        time.sleep(1.5)  # the reader is polling before any load starts
        results = sample_results()
        for batch in range(5):
            load_results(db, results[batch::5], publish=False)
            time.sleep(0.1)
        publish_snapshot(db)
        time.sleep(0.5)
    finally:
        flag.touch()
        out, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err
    outcomes = json.loads(out)
    # before the first publish the reader is told there is nothing to query; after it, it reads
    assert all(kind == "ok" or "nothing to query yet" in kind for kind in outcomes), outcomes
    assert outcomes.get("ok", 0) >= 1 and len(outcomes) == 2, outcomes
