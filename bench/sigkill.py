"""SIGKILL survival with readers running (issue 19): `python -m bench.sigkill [--kills N] [--seed S]`.

Cycles run until N SIGKILLs have landed inside a load (a load that finishes before its kill does
not count). Each cycle starts in an empty folder. Reader threads run `marsad sql` (real subprocesses, one
after the other) from before the first load to after the last. The first load (batch A, no
warehouse and no snapshot yet) is killed with SIGKILL at a random point of its run; the warehouse
must open and hold no batch or all of A, the snapshot be absent or A; A is re-run to the end and
must give the reference rows. Then a second load (batch B: new articles, replaced articles,
quarantined inputs) is killed at a random point: the warehouse and snapshot must hold A or A+B;
B is re-run and must give the reference rows. Every answer a reader got must be one of the
published states (or "nothing to query yet"), and no writer may fail.

Also home of the loader child and fingerprints that tests/reliability/test_sigkill_load.py uses.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# Runs in the child: build a small synthetic batch, wait for "go", load it. No pickling, so the
# child imports only the records and the loader.
CHILD = r'''
import sys, time
from datetime import date
from pipelines.records import (Article, CleanArticle, Region, Sentence, AnalyzedSentence, Event, Span,
                               Quantity, Place, ActorMention, TemporalExpression, Quarantined)
from pipelines.warehouse.load import load_results

class Result:  # the fields load_results reads from an ArticleResult
    def __init__(self, clean, sentences, events):
        self.clean, self.sentences, self.events, self.dates = clean, sentences, events, []

def article(aid, i, variant):
    text = f"قتل {i + 3} مدنيين في غارة جوية على بلدة في ريف إدلب أمس ({variant} {i})."
    art = Article(aid, text, title="غارة", published=date(2024, 1 + i % 12, 1 + i % 27), source="fixture",
                  url=f"https://example.org/{aid}", origin="fixture.jsonl", fmt="jsonl")
    clean = CleanArticle(art, (Region(0, len(text)),))
    sent = AnalyzedSentence(Sentence(aid, 0, 0, len(text), text), ())
    s = text.index("غارة")
    q = text.index("مدنيين") - len(str(i + 3)) - 1
    ev = Event(aid, 0, "ASSAULT", Span("غارة", s, s + 4),
               actor=ActorMention("جوية", s + 5, s + 9, "SYR GOV MIL", "SYR"),
               location=Place("ريف إدلب", text.index("ريف"), text.index("ريف") + 8, "Idlib", "SYR",
                              lat=35.9, lon=36.6, precision="admin1"),
               quantities=[Quantity(str(i + 3), q, q + len(str(i + 3)), i + 3, role="killed")],
               date=TemporalExpression("أمس", text.index("أمس"), text.index("أمس") + 3, "2024-01-01", "day",
                                       "relative"),
               confidence=0.8)
    return Result(clean, [sent], [ev])

db, batch = sys.argv[1], sys.argv[2]
if batch == "A":
    results = [article(f"a-{i}", i, "أ") for i in range(30)]
    quarantined = [Quarantined("old.txt", "empty file")]
else:  # 30 new articles, 10 of A's replaced with new content, 2 new quarantined inputs
    results = [article(f"b-{i}", i, "ب") for i in range(30)] + [article(f"a-{i}", i + 50, "ج") for i in range(10)]
    quarantined = [Quarantined("bad.jsonl", "invalid JSON", b"{", 3), Quarantined("x.bin", "binary data", b"\x00")]
print("ready", flush=True)
if sys.stdin.readline().strip() != "go":
    sys.exit(1)
t0 = time.perf_counter()
load_results(db, results, quarantined)
print(f"done {time.perf_counter() - t0:.4f}", flush=True)
'''

# What "whole batches only" is judged on: the data, not the schema a killed first load may have
# half-migrated (a missing table counts as empty; the next load finishes the migrations).
DATA_TABLES = ("articles", "sentences", "event_mentions", "event_quantities", "events", "actors", "locations",
               "quarantine")
READER_QUERY = ("SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM event_mentions),"
                " (SELECT count(*) FROM events), (SELECT count(*) FROM quarantine),"
                " (SELECT coalesce(sum(killed), 0) FROM events)")
NOTHING_YET = "nothing to query yet"


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)}


def spawn(db: Path, batch: str, wait: bool = True) -> subprocess.Popen:
    """A loader child for `batch` ("A" or "B") that loads on "go"; `wait`: once it has imported."""
    p = subprocess.Popen([sys.executable, "-c", CHILD, str(db), batch], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
    return ready(p) if wait else p


def ready(p: subprocess.Popen) -> subprocess.Popen:
    assert p.stdout.readline().strip() == "ready", p.stderr.read()
    return p


def finish(p: subprocess.Popen) -> float:
    """Let a ready child load to the end; the load's seconds."""
    out, err = p.communicate("go\n", timeout=120)
    if p.returncode != 0:
        raise RuntimeError(f"load failed: {err.strip()[-500:]}")
    return float(out.split()[-1])


def run_to_end(db: Path, batch: str) -> float:
    """Load `batch` uninterrupted; the load's seconds."""
    return finish(spawn(db, batch))


def fingerprint(db: Path, tables: tuple[str, ...] | None = None) -> str:
    """Hash of the rows of `tables` (every base table when None; timestamps of the load excluded)."""
    import duckdb

    if not db.exists():
        return "absent"
    con = duckdb.connect(str(db))
    try:
        h = hashlib.sha256()
        present = [t for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_type = 'BASE TABLE' ORDER BY table_name").fetchall()]
        for t in present if tables is None else tables:
            if t not in present:
                h.update(f"{t}:0:[]".encode())
                continue
            cols = [c for c, typ in con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position", [t]).fetchall() if not typ.startswith("TIMESTAMP")]
            col_sql = ", ".join(f'"{c}"' for c in cols)
            rows = con.execute(f'SELECT {col_sql} FROM "{t}" ORDER BY ALL').fetchall()
            h.update(f"{t}:{len(rows)}:{rows!r}".encode())
        return h.hexdigest()
    finally:
        con.close()


def fingerprint_copy(state_dir: Path, scratch: Path, only: str | None = None,
                     tables: tuple[str, ...] | None = None) -> str:
    """Fingerprint a warehouse (or the file `only`) on a scratch copy: opening it may replay the WAL."""
    scratch.mkdir()
    try:
        if only:
            src = state_dir / only
            if not src.exists():
                return "absent"
            shutil.copy2(src, scratch / "w.duckdb")
        else:
            for f in state_dir.iterdir():
                if f.name in ("w.duckdb", "w.duckdb.wal"):
                    shutil.copy2(f, scratch / f.name)
        return fingerprint(scratch / "w.duckdb", tables)
    finally:
        shutil.rmtree(scratch)


def copy_state(src: Path, dst: Path) -> None:
    dst.mkdir(parents=True)
    for f in src.iterdir():
        shutil.copy2(f, dst / f.name)


class Readers:
    """`marsad sql` subprocesses run one after another by `n` threads until stopped."""

    def __init__(self, db: Path, n: int = 2):
        self.db, self.n = db, n
        self.states: Counter[tuple] = Counter()  # what successful queries saw
        self.errors: Counter[str] = Counter()  # failed queries, by kind
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._loop, daemon=True) for _ in range(n)]

    @property
    def queries(self) -> int:
        with self._lock:
            return sum(self.states.values()) + sum(self.errors.values())

    def _loop(self) -> None:
        # what the `marsad` console script runs (`python -m pipelines.cli` would not catch CliError)
        cmd = [sys.executable, "-c", "import sys; from pipelines.cli import main; sys.exit(main())",
               "sql", "--warehouse", str(self.db), "--format", "csv", READER_QUERY]
        while not self._stop.is_set():
            try:
                p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=_env())
                state = tuple(int(v) for v in p.stdout.splitlines()[1].split(",")) if p.returncode == 0 else None
                kind = _kind(p.stderr)
            except subprocess.TimeoutExpired:
                state, kind = None, "reader query ran over 120 s"
            except (IndexError, ValueError):
                state, kind = None, "unreadable output"
            with self._lock:
                if state is not None:
                    self.states[state] += 1
                else:
                    self.errors[kind] += 1

    def wait_for(self, queries: int, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while self.queries < queries and time.monotonic() < deadline:
            time.sleep(0.05)

    def __enter__(self) -> Readers:
        for t in self._threads:
            t.start()
        self.wait_for(1)  # a reader has run before the first load starts
        return self

    def __exit__(self, *exc) -> None:
        self.wait_for(self.queries + self.n)  # and readers run after the last load
        self._stop.set()
        for t in self._threads:
            t.join(timeout=120)


def _kind(stderr: str) -> str:
    if NOTHING_YET in stderr:
        return NOTHING_YET
    if "Could not set lock" in stderr:
        return "file lock"
    lines = stderr.strip().splitlines()
    return lines[-1][:120] if lines else "no message"


@dataclass
class Report:
    cycles: int = 0
    kills: int = 0  # SIGKILLs that landed while the load ran
    kills_first_load: int = 0
    finished_before_kill: int = 0
    outcomes: Counter = field(default_factory=Counter)  # "first load: none|A", "second load: A|A+B"
    reader_queries: int = 0
    reader_states: Counter = field(default_factory=Counter)
    reader_errors: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        errors = ", ".join(f"{k}: {n}" for k, n in sorted(self.reader_errors.items())) or "none"
        return (f"{self.cycles} cycles in {self.seconds:.0f} s: {self.kills} SIGKILLs landed "
                f"({self.kills_first_load} in a first load), {self.finished_before_kill} loads finished before "
                f"their kill; outcomes {dict(sorted(self.outcomes.items()))}; {self.reader_queries} reader "
                f"queries, errors by kind: {errors}; problems: {len(self.problems)}")


def run(workdir: Path, kills: int = 20, seed: int = 19, readers: int = 2) -> Report:
    """Run cycles under `workdir` until `kills` SIGKILLs landed; every violation is in `Report.problems`."""
    import duckdb

    from pipelines.warehouse import run_readonly_sql

    t0 = time.monotonic()
    workdir = Path(workdir)
    ref = workdir / "reference"
    ref.mkdir(parents=True)
    db_ref = ref / "w.duckdb"
    duckdb.connect(str(ref / "nothing.duckdb")).close()
    empty = fingerprint(ref / "nothing.duckdb", DATA_TABLES)  # a warehouse without a row
    durations, states, counts = {}, {}, {}
    with Readers(db_ref, readers):  # timed under the same load of readers as the killed runs
        for batch in ("A", "B"):
            durations[batch] = run_to_end(db_ref, batch)
            states[batch] = fingerprint_copy(ref, workdir / "scratch", tables=DATA_TABLES)
            counts[batch] = run_readonly_sql(db_ref, READER_QUERY)[1][0]
    rng = random.Random(seed)
    report = Report()
    for cycle in range(3 * kills):  # (a bound: each cycle lands one kill or two, almost always)
        if report.kills >= kills:
            break
        folder = workdir / f"cycle-{cycle}"
        folder.mkdir()
        db = folder / "w.duckdb"
        # every child of the cycle imports now, side by side, and waits for "go"
        children = {(batch, use): spawn(db, batch, wait=False) for batch in ("A", "B") for use in ("killed", "re-run")}
        try:
            for child in children.values():
                ready(child)
            rd = _cycle(report, cycle, db, children, readers, rng, durations, states, empty)
        finally:
            for child in children.values():
                if child.poll() is None:  # left waiting by a failure
                    child.kill()
                    child.communicate()
        report.reader_states.update(rd.states)
        report.reader_errors.update(rd.errors)
        shutil.rmtree(folder)
        report.cycles += 1
    report.reader_queries = sum(report.reader_states.values()) + sum(report.reader_errors.values())
    published = set(counts.values())
    for seen, n in report.reader_states.items():
        if seen not in published:
            report.problems.append(f"readers saw a half state {seen} {n} times (published: {sorted(published)})")
    for kind, n in report.reader_errors.items():
        if kind != NOTHING_YET:
            report.problems.append(f"readers failed {n} times: {kind}")
    report.seconds = time.monotonic() - t0
    return report


def _cycle(report: Report, cycle: int, db: Path, children: dict, readers: int, rng: random.Random,
           durations: dict, states: dict, empty: str) -> Readers:
    """One cycle in an empty folder: kill the first load, re-run it, kill the second, re-run it."""
    from pipelines.warehouse import snapshot_path

    folder, snap_name = db.parent, snapshot_path(db).name
    names = {empty: "none", "absent": "none", states["A"]: "A", states["B"]: "A+B"}
    scratch = folder.parent / "scratch"
    with Readers(db, readers) as rd:
            for step, batch, allowed, published in (
                    ("first load", "A", {"absent", empty, states["A"]}, {"absent", states["A"]}),
                    ("second load", "B", {states["A"], states["B"]}, {states["A"], states["B"]})):
                child = children[batch, "killed"]
                # over the whole load and a little past it; the very first kill within its first half,
                # so that every run kills a first load at least once
                delay = rng.uniform(0, durations[batch] * (0.5 if (cycle, batch) == (0, "A") else 1.3))
                child.stdin.write("go\n")
                child.stdin.flush()
                time.sleep(delay)
                child.send_signal(signal.SIGKILL)  # does nothing if the load already finished
                _, err = child.communicate(timeout=60)
                where = f"cycle {cycle}, {step} killed after {delay:.3f}s"
                if child.returncode == -signal.SIGKILL:
                    report.kills += 1
                    report.kills_first_load += batch == "A"
                elif child.returncode == 0:
                    report.finished_before_kill += 1
                else:
                    report.problems.append(f"{where}: the writer failed: {err.strip()[-300:]}")
                state = fingerprint_copy(folder, scratch, tables=DATA_TABLES)
                report.outcomes[f"{step}: {names.get(state, 'half')}"] += 1
                if state not in allowed:
                    report.problems.append(f"{where}: the warehouse holds a half batch")
                snap = fingerprint_copy(folder, scratch, only=snap_name, tables=DATA_TABLES)
                if snap not in published:
                    report.problems.append(f"{where}: the snapshot holds a half batch")
                try:
                    finish(children[batch, "re-run"])
                except RuntimeError as exc:
                    report.problems.append(f"{where}: the re-run failed: {exc}")
                    continue
                for what, only in (("warehouse", None), ("snapshot", snap_name)):
                    if fingerprint_copy(folder, scratch, only=only, tables=DATA_TABLES) != states[batch]:
                        report.problems.append(f"{where}: after the re-run the {what} differs from the reference")
                leftovers = [f.name for f in folder.iterdir() if f.name.endswith(".tmp")]
                if leftovers:
                    report.problems.append(f"{where}: temporary copies left: {leftovers}")
    return rd


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kills", type=int, default=20, help="SIGKILLs that must land inside a load")
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--readers", type=int, default=2, help="threads running `marsad sql` in a loop")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="marsad-sigkill-") as tmp:
        report = run(Path(tmp), args.kills, args.seed, args.readers)
    print(report.summary())
    for problem in report.problems:
        print("  " + problem)
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
