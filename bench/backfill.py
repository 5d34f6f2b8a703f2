"""`python -m bench.run --backfill`: the corpus backfill through the daemon vs the library path.

Both in the same run, on the same landing folder (the corpus JSONL copied into a temporary folder,
or its first `--limit` articles): (1) `marsad load FOLDER` into a DuckDB file, one process;
(2) the scale-out configuration (`bench.scale`: Postgres, the daemon, two runs at once, DuckLake
warehouse), one `marsad_day_job` run per month of publication days. Printed: wall time,
articles/s, and the peak RSS of the largest process (the loader; for the daemon path, every
process under the daemon: its code server and the runs).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from bench.scale import BIN, REPO, PeakMemory, daemon, postgres, scale_env, wait_for_runs

JOB = "marsad_day_job"


def landing_from(corpus: Path, folder: Path, limit: int | None) -> dict[str, list[str]]:
    """Copy the corpus (or its first `limit` lines) into `folder`; publication days by month."""
    folder.mkdir(parents=True)
    months: dict[str, set[str]] = {}
    with open(corpus, encoding="utf-8") as src, open(folder / corpus.name, "w", encoding="utf-8") as dst:
        for n, line in enumerate(src):
            if limit is not None and n >= limit:
                break
            dst.write(line)
            day = (json.loads(line).get("published") or "")[:10]
            if len(day) == 10:
                months.setdefault(day[:7], set()).add(day)
    return {m: sorted(days) for m, days in sorted(months.items())}


def library_path(landing: Path, work: Path) -> tuple[float, float]:
    """`marsad load` in one process: (seconds, peak RSS MB)."""
    env = {**os.environ, "MARSAD_WAREHOUSE": str(work / "file" / "warehouse.duckdb"),
           "MARSAD_NLP_CACHE": str(work / "file_nlp"), "PYTHONPATH": str(REPO)}
    t0 = time.perf_counter()
    proc = subprocess.Popen([str(BIN / "marsad"), "load", str(landing)], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"marsad load exited {proc.returncode}")
    return time.perf_counter() - t0, usage.ru_maxrss / 1024.0


def daemon_path(landing: Path, work: Path, months: dict[str, list[str]]) -> tuple[float, str, float, int]:
    """One run per month through the daemon, two at a time: (seconds, largest process, its MB, runs)."""
    import dagster as dg

    from assets.partitions import register_days
    from bench.scale import environ

    with postgres() as port:
        env = scale_env(port, work / "scale", landing)
        with environ(env), dg.DagsterInstance.get() as instance:
            register_days(instance, [d for days in months.values() for d in days])
        with daemon(env, work / "daemon.log") as proc, PeakMemory(proc.pid) as memory:
            t0 = time.perf_counter()
            for days in months.values():
                tags = {"dagster/asset_partition_range_start": days[0], "dagster/asset_partition_range_end": days[-1]}
                subprocess.run([str(BIN / "dagster"), "job", "launch", "-j", JOB, "-w", str(REPO / "workspace.yaml"),
                                "--tags", json.dumps(tags)], cwd=REPO, env=env, check=True, capture_output=True)
            records = wait_for_runs(env, len(months), timeout=6 * 3600)
            seconds = time.perf_counter() - t0
    bad = [(r.dagster_run.tags.get("dagster/asset_partition_range_start"), r.dagster_run.status.value)
           for r in records if r.dagster_run.status.value != "SUCCESS"]
    if bad:  # measured all the same; the work folder is kept for the logs
        print(f"{len(bad)} run(s) did not succeed: {bad}; daemon log {work / 'daemon.log'}, "
              f"run logs under {work / 'scale' / 'dagster_home'}", flush=True)
    command, mb = memory.largest()
    return seconds, command, mb, len(records) - len(bad)


def run_backfill(corpus: Path, limit: int | None) -> None:
    """Both paths on the same landing folder; the work folder is kept when a run failed (its logs)."""
    work = Path(tempfile.mkdtemp(prefix="marsad-backfill-"))
    months = landing_from(corpus, work / "landing", limit)
    articles = sum(1 for _ in open(work / "landing" / corpus.name, encoding="utf-8"))
    print(f"backfill: {articles} articles, {len(months)} months, {sum(map(len, months.values()))} days; "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    lib_s, lib_mb = library_path(work / "landing", work)
    print(f"| library path (`marsad load`, 1 process) | {lib_s:8.1f} s | {articles / lib_s:6.1f} articles/s "
          f"| peak {lib_mb:6.0f} MB |", flush=True)
    dag_s, command, dag_mb, runs = daemon_path(work / "landing", work, months)
    print(f"| daemon, {runs}/{len(months)} month runs succeeded, 2 at a time, DuckLake | {dag_s:8.1f} s "
          f"| {articles / dag_s:6.1f} articles/s | peak {dag_mb:6.0f} MB ({command[:60]}) |", flush=True)
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if runs == len(months):
        shutil.rmtree(work, ignore_errors=True)
