"""The scale-out configuration on this machine, driven from Python (tests/scale, `bench.run --backfill`).

A throw-away Postgres (`deploy/local/postgres.sh`), the Dagster daemon on the instance of
`deploy/local/dagster.yaml` (Postgres storage, queued run coordinator, two runs at once), the
warehouse as a DuckLake on that Postgres, runs submitted as `dagster job backfill` does, and the
peak resident memory of every process of the backfill (sampled from /proc).
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Mapping, Sequence

REPO = Path(__file__).resolve().parents[1]
PG_SCRIPT = REPO / "deploy" / "local" / "postgres.sh"
INSTANCE_YAML = REPO / "deploy" / "local" / "dagster.yaml"
BIN = Path(sys.executable).parent


class PostgresUnavailable(RuntimeError):
    """No Postgres server binaries here, or the server would not start."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def postgres() -> Iterator[int]:
    """A fresh Postgres cluster on a free loopback port (databases `dagster` and `lake`); its port."""
    folder = Path(tempfile.mkdtemp(prefix="marsad-pg-"))
    folder.chmod(0o755)  # run as root, the server runs as `postgres`, which must reach data/
    port = free_port()
    done = subprocess.run([str(PG_SCRIPT), "start", str(folder / "data"), str(port)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise PostgresUnavailable(done.stderr.strip() or f"postgres.sh exited {done.returncode}")
    try:
        yield port
    finally:
        subprocess.run([str(PG_SCRIPT), "stop", str(folder / "data")], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def lake_location(port: int, database: str = "lake") -> str:
    return f"ducklake:postgres:dbname={database} host=127.0.0.1 port={port} user=marsad"


def create_database(port: int, name: str) -> str:
    """A new, empty catalog database on the throw-away server (one lake per test); its name."""
    import psycopg2

    con = psycopg2.connect(host="127.0.0.1", port=port, user="marsad", dbname="postgres")
    try:
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
    finally:
        con.close()
    return name


def scale_env(port: int, work: Path, landing: Path) -> dict[str, str]:
    """The environment of every process of the scale-out configuration (as `deploy/local/scale.sh env`)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MARSAD_", "DAGSTER_"))}
    env.update({
        "DAGSTER_HOME": str(work / "dagster_home"), "MARSAD_PG_HOST": "127.0.0.1", "MARSAD_PG_PORT": str(port),
        "MARSAD_PG_USER": "marsad", "MARSAD_PG_PASSWORD": "", "MARSAD_PG_DAGSTER_DB": "dagster",
        "MARSAD_WAREHOUSE": lake_location(port), "MARSAD_LAKE_DATA_PATH": str(work / "lake") + "/",
        "MARSAD_LANDING_DIR": str(landing), "MARSAD_NLP_CACHE": str(work / "nlp_cache"),
        "MARSAD_STAGE_DIR": str(work / "stages"), "PYTHONPATH": str(REPO),
    })
    if "MARSAD_CACHE_DIR" in os.environ:
        env["MARSAD_CACHE_DIR"] = os.environ["MARSAD_CACHE_DIR"]
    (work / "dagster_home").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(INSTANCE_YAML, work / "dagster_home" / "dagster.yaml")
    return env


@contextmanager
def environ(env: Mapping[str, str]) -> Iterator[None]:
    """`env` as this process's environment for the block (Settings and the instance read it)."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextmanager
def daemon(env: Mapping[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """`dagster-daemon run` in its own process group (it, its code server and the runs it launches)."""
    with open(log, "ab") as out:
        proc = subprocess.Popen([str(BIN / "dagster-daemon"), "run", "-w", str(REPO / "workspace.yaml")],
                                cwd=REPO, env=dict(env), stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        yield proc
    finally:
        _stop_group(proc)


def _stop_group(proc: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def register_and_submit(env: Mapping[str, str], job: str, days: Sequence[str]) -> None:
    """Register the days as partitions, then queue one run per day (`dagster job backfill`)."""
    import dagster as dg

    from assets.partitions import register_days

    with environ(env), dg.DagsterInstance.get() as instance:
        register_days(instance, days)
    done = subprocess.run(
        [str(BIN / "dagster"), "job", "backfill", "-j", job, "-w", str(REPO / "workspace.yaml"),
         "--partitions", ",".join(days), "--noprompt"],
        cwd=REPO, env=dict(env), capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"dagster job backfill failed: {done.stderr[-2000:]}")


def wait_for_runs(env: Mapping[str, str], count: int, timeout: float) -> list:
    """Run records once `count` runs have finished (or `timeout` passed: then an error)."""
    import dagster as dg

    deadline = time.monotonic() + timeout
    with environ(env), dg.DagsterInstance.get() as instance:
        while True:
            records = instance.get_run_records()
            finished = [r for r in records if r.dagster_run.is_finished]
            if len(finished) >= count:
                return records
            if time.monotonic() > deadline:
                states = sorted(r.dagster_run.status.value for r in records)
                raise TimeoutError(f"{len(finished)}/{count} runs finished after {timeout:.0f}s: {states}")
            time.sleep(1.0)


def most_at_once(records: Sequence) -> int:
    """The most runs that were executing at the same moment (from their start and end times)."""
    edges = sorted([(r.start_time, 1) for r in records if r.start_time] +
                   [(r.end_time, -1) for r in records if r.end_time], key=lambda e: (e[0], e[1]))
    live = best = 0
    for _, step in edges:
        live += step
        best = max(best, live)
    return best


@dataclass
class PeakMemory:
    """Largest peak RSS (VmHWM) seen among the descendants of `root`, sampled in a thread."""

    root: int
    interval: float = 0.25
    peaks: dict[int, tuple[str, int]] = field(default_factory=dict)  # pid -> (command, peak kB)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> PeakMemory:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def largest(self) -> tuple[str, float]:
        """(command line, MB) of the process with the highest peak."""
        if not self.peaks:
            return "", 0.0
        command, kb = max(self.peaks.values(), key=lambda v: v[1])
        return command, kb / 1024.0

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            for pid in _descendants(self.root):
                kb = _hwm_kb(pid)
                if kb and kb > self.peaks.get(pid, ("", 0))[1]:
                    self.peaks[pid] = (_command(pid), kb)


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def _hwm_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _command(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()[:160]
    except OSError:
        return "?"
