"""Writers of the DuckLake: two loads that commit at the same moment both land, as one writer
after the other would; a load SIGKILLed around its commit leaves the lake consistent, and re-running
it gives the rows of an undisturbed load.

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

from pipelines.warehouse import lake

from .lakecheck import DAY_COUNTS, ORPHANS, day_counts, problems, table

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.xdist_group("scale")

# A writer process: `load_partitions` of pickled days, writing `marker` just before its COMMIT, then
# pausing, or waiting until every file of `barrier` exists (all writers are at their COMMIT).
WRITER = r"""
import os, pickle, sys, time
from pathlib import Path
import pipelines.warehouse.load as L
from pipelines.warehouse import lake
target, batches, marker, pause = sys.argv[1], sys.argv[2], Path(sys.argv[3]), float(sys.argv[4])
barrier = [Path(p) for p in sys.argv[5:]]
by_day = pickle.loads(Path(batches).read_bytes())
original = L._load
def _load(con, frames, days):
    stats = original(con, frames, days)
    marker.write_text("commit")  # COMMIT follows
    deadline = time.monotonic() + 120
    while not all(p.exists() for p in barrier) and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(pause)
    return stats
L._load = _load
L.load_partitions(target, by_day)
print("committed", lake.conflicts_retried)
"""


def writer(location: str, tmp_path: Path, name: str, by_day: dict, pause: float,
           barrier: tuple[Path, ...] = ()) -> tuple[subprocess.Popen, Path]:
    import pickle

    batch, marker = tmp_path / f"{name}.pickle", tmp_path / f"{name}.marker"
    batch.write_bytes(pickle.dumps(by_day))
    child = subprocess.Popen([sys.executable, "-c", WRITER, location, str(batch), str(marker), str(pause),
                              *map(str, barrier)], env={**os.environ, "PYTHONPATH": str(REPO)},
                             stdout=subprocess.PIPE)
    return child, marker


def reference_of(by_day: dict, db: Path) -> tuple[dict, dict]:
    """Per-day counts and tables after one load of `by_day` into a fresh DuckDB file."""
    from pipelines.warehouse import load_partitions

    load_partitions(db, by_day, publish=False)
    with duckdb.connect(str(db), read_only=True) as ref:
        return (day_counts(ref.execute(DAY_COUNTS).fetchall()),
                {n: table(ref, n) for n in ("events", "event_mentions", "articles", "event_quantities")})


def assert_lake_equals(location: str, expected: dict) -> None:
    con = lake.connect_reader(location)
    try:
        for name, rows in expected.items():
            assert table(con, name) == rows, f"{name} differs from one load into a single file"
    finally:
        con.close()


@pytest.fixture(scope="module")
def by_day() -> dict[str, list]:
    """Four sample days, processed once."""
    from pipelines.ingest import IngestSettings, read_landing
    from pipelines.process import process_articles

    samples = REPO / "samples"
    files = sorted(p.name for p in samples.glob("*.txt"))[:4]
    articles = read_landing(samples, IngestSettings.from_env(samples, default_quarantine=False), files).articles
    by_day: dict[str, list] = {}
    for result in process_articles(articles):
        by_day.setdefault(result.clean.article.published.isoformat(), []).append(result)
    return by_day


def test_two_loads_committing_at_once_both_land(lake_at, tmp_path, by_day):
    location = lake_at
    days = sorted(by_day)
    _, expected = reference_of(by_day, tmp_path / "reference.duckdb")
    first = writer(location, tmp_path, "first", {days[0]: by_day[days[0]]}, 0.0)  # creates the lake
    assert first[0].wait(300) == 0
    markers = (tmp_path / "a.marker", tmp_path / "b.marker")
    a = writer(location, tmp_path, "a", {d: by_day[d] for d in days[1::2]}, 0.0, markers)
    b = writer(location, tmp_path, "b", {d: by_day[d] for d in days[2::2]}, 0.0, markers)
    outputs = [child.communicate(timeout=300)[0].split() for child, _ in (a, b)]
    assert [child.returncode for child, _ in (a, b)] == [0, 0], outputs
    # Both held an open transaction when either committed: exactly one lost the race and re-ran.
    assert sum(int(out[-1]) for out in outputs) >= 1, outputs
    assert_lake_equals(location, expected)


def test_sigkill_around_commit_leaves_the_lake_consistent(lake_at, tmp_path, by_day):
    location = lake_at
    reference, expected = reference_of(by_day, tmp_path / "reference.duckdb")
    rng = random.Random(18)
    landed = {"before or during commit": 0, "after commit": 0}
    for cycle, (day, results) in enumerate(sorted(by_day.items())):
        child, marker = writer(location, tmp_path, f"kill{cycle}", {day: results}, rng.uniform(0.0, 0.1))
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

    from pipelines.warehouse import load_partitions

    load_partitions(location, by_day)  # the re-run of every killed load
    assert_lake_equals(location, expected)
    print(f"kills landed: {landed}")
