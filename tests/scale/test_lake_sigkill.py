"""A load into the DuckLake SIGKILLed around its commit leaves the lake consistent; re-running it
gives the rows of an undisturbed load.

The writer is a child process running `load_partitions` (the `warehouse` step's call) with a
marker written just before COMMIT and a random pause; the parent kills it a random moment after
the marker, so kills land before, during and after the commit. After each kill the lake holds
whole days only and no orphan rows; finally every day is re-loaded and the tables equal those of
one load into a fresh single-file warehouse.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from bench.scale import lake_location
from pipelines.warehouse import lake

from .lakecheck import DAY_COUNTS, ORPHANS, day_counts, problems, table

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.xdist_group("scale")

WRITER = r"""
import os, pickle, sys, time
from pathlib import Path
import pipelines.warehouse.load as L
target, batches, marker, pause = sys.argv[1], sys.argv[2], Path(sys.argv[3]), float(sys.argv[4])
by_day = pickle.loads(Path(batches).read_bytes())
original = L._load
def _load(con, frames, days):
    stats = original(con, frames, days)
    marker.write_text("commit")  # COMMIT follows
    time.sleep(pause)
    return stats
L._load = _load
L.load_partitions(target, by_day)
print("committed")
"""


def processed_days(tmp_path: Path) -> dict[str, list]:
    from pipelines.ingest import IngestSettings, read_landing
    from pipelines.process import process_articles

    samples = REPO / "samples"
    files = sorted(p.name for p in samples.glob("*.txt"))[:4]
    articles = read_landing(samples, IngestSettings.from_env(samples, default_quarantine=False), files).articles
    by_day: dict[str, list] = {}
    for result in process_articles(articles):
        by_day.setdefault(result.clean.article.published.isoformat(), []).append(result)
    return by_day


def test_sigkill_around_commit_leaves_the_lake_consistent(pg_port, tmp_path, monkeypatch):
    import pickle

    monkeypatch.setenv("MARSAD_LAKE_DATA_PATH", str(tmp_path / "lake") + "/")
    location = lake_location(pg_port)
    by_day = processed_days(tmp_path)
    ref_db = tmp_path / "reference.duckdb"
    from pipelines.warehouse import load_partitions

    load_partitions(ref_db, by_day, publish=False)
    with duckdb.connect(str(ref_db), read_only=True) as ref:
        reference = day_counts(ref.execute(DAY_COUNTS).fetchall())
        expected = {n: table(ref, n) for n in ("events", "event_mentions", "articles", "event_quantities")}

    rng = random.Random(18)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    landed = {"before or during commit": 0, "after commit": 0}
    for cycle, (day, results) in enumerate(sorted(by_day.items())):
        batch, marker = tmp_path / f"batch{cycle}.pickle", tmp_path / f"marker{cycle}"
        batch.write_bytes(pickle.dumps({day: results}))
        child = subprocess.Popen([sys.executable, "-c", WRITER, location, str(batch), str(marker),
                                  str(rng.uniform(0.0, 0.1))], env=env, stdout=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        assert marker.exists(), "the writer never reached its commit"
        time.sleep(rng.uniform(0.0, 0.4))  # the commit takes ~0.1-0.3 s here
        child.send_signal(signal.SIGKILL)
        out = child.communicate()[0]
        con = lake.connect_reader(location)
        try:
            days = day_counts(con.execute(DAY_COUNTS).fetchall())
            assert not problems(days, con.execute(ORPHANS).fetchone()[0], reference)
        finally:
            con.close()
        landed["after commit" if day in days else "before or during commit"] += 1
        assert day in days or b"committed" not in out  # reported committed => it is in the lake

    from pipelines.warehouse import load_partitions as reload

    reload(location, by_day)  # the re-run of every killed load
    con = lake.connect_reader(location)
    try:
        for name, rows in expected.items():
            assert table(con, name) == rows, f"{name} after kills and re-runs differs from an undisturbed load"
    finally:
        con.close()
    print(f"kills landed: {landed}")
