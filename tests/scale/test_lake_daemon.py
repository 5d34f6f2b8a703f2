"""The scale-out configuration, run: Postgres-backed Dagster daemon, runs two at a time, a DuckLake warehouse.

Six day partitions are queued as six runs (`dagster job backfill`); the daemon's queued run
coordinator (deploy/local/dagster.yaml, the file Docker and Kubernetes use) starts two at a time
and their `warehouse` steps commit to the lake concurrently. A reader polls the lake through
`marsad sql`'s read-only path the whole time. Afterwards the lake holds, row for row, what the
single-file warehouse holds after `marsad load` of the same landing folder.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from bench.scale import daemon, most_at_once, register_and_submit, scale_env, wait_for_runs
from pipelines.warehouse import lake
from pipelines.warehouse.readonly import NothingToQuery, SqlLimits, run_readonly_sql

from .lakecheck import DAY_COUNTS, ORPHANS, day_counts, problems, table

REPO = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("scale")]


def single_file_reference(landing: Path, work: Path) -> Path:
    """`marsad load` of the landing folder into a DuckDB file: what the lake must equal."""
    db = work / "reference" / "warehouse.duckdb"
    env = {"PATH": "/usr/bin:/bin", "MARSAD_WAREHOUSE": str(db), "MARSAD_NLP_CACHE": str(work / "ref_nlp"),
           "PYTHONPATH": str(REPO), "HOME": str(Path.home())}
    subprocess.run([str(Path(sys.executable).parent / "marsad"), "load", str(landing)], cwd=REPO, env=env,
                   check=True, capture_output=True, timeout=600)
    return db


class Reader(threading.Thread):
    """Polls the lake through `marsad sql`'s path until stopped; records every state it saw."""

    def __init__(self, location: str, reference: dict[str, tuple[int, int]]):
        super().__init__(daemon=True)
        self.location, self.reference = location, reference
        self.stop, self.reads, self.errors, self.seen = threading.Event(), 0, [], set()

    def run(self) -> None:
        limits = SqlLimits(timeout_seconds=60, max_rows=None)
        while not self.stop.wait(0.3):
            try:
                days = day_counts(run_readonly_sql(self.location, DAY_COUNTS, limits)[1])
                orphans = run_readonly_sql(self.location, ORPHANS, limits)[1][0][0]
            except NothingToQuery:
                if self.reads:  # once something was committed, it stays there
                    self.errors.append("the lake went back to nothing to query")
                continue
            except Exception as exc:  # noqa: BLE001 - any failure of a reader is what this test counts
                self.errors.append(f"{type(exc).__name__}: {exc}")
                continue
            self.reads += 1
            self.seen.add(len(days))
            self.errors += problems(days, orphans, self.reference)


def test_daemon_backfill_two_at_a_time_into_the_lake(pg_port, tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    for page in sorted((REPO / "samples").glob("*.txt"))[:6]:  # six days: a few minutes on 2 busy cores
        shutil.copy(page, landing / page.name)
    ref_db = single_file_reference(landing, tmp_path)
    with duckdb.connect(str(ref_db), read_only=True) as ref:
        reference = day_counts(ref.execute(DAY_COUNTS).fetchall())
        expected = {name: table(ref, name) for name in ("events", "event_mentions", "articles")}
    days = sorted(reference)
    assert len(days) >= 6 and expected["events"], "the fixture must span six days with events"

    env = scale_env(pg_port, tmp_path / "scale", landing)
    reader = Reader(env["MARSAD_WAREHOUSE"], reference)
    with daemon(env, tmp_path / "daemon.log"):
        register_and_submit(env, "marsad_day_job", days)
        reader.start()
        try:
            records = wait_for_runs(env, len(days), timeout=900)
        finally:
            reader.stop.set()
            reader.join()

    failed = [(r.dagster_run.tags.get("dagster/partition"), r.dagster_run.status.value) for r in records
              if r.dagster_run.status.value != "SUCCESS"]
    assert not failed, f"runs did not succeed: {failed}; daemon log: {(tmp_path / 'daemon.log').read_text()[-3000:]}"
    assert len(records) == len(days)
    assert most_at_once(records) == 2, "the queued coordinator runs exactly two at a time"
    assert not reader.errors, reader.errors[:5]
    assert reader.reads >= 5 and len(reader.seen) >= 3, (reader.reads, reader.seen)  # it saw the lake grow

    assert list((tmp_path / "scale" / "charts").glob("*.png")), "charts go beside the lake's data folder"
    con = lake.connect_reader(env["MARSAD_WAREHOUSE"])
    try:
        for name, rows in expected.items():
            assert table(con, name) == rows, f"{name} differs from the single-file warehouse"
        (commits,) = con.execute("SELECT commits FROM lake_commit").fetchone()
        assert commits >= len(days)  # one claimed commit per load, at least
    finally:
        con.close()
