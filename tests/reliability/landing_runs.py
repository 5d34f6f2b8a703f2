"""Run one landing folder into a warehouse the two ways a user can: `marsad load` and Dagster."""
from __future__ import annotations

import signal
from contextlib import contextmanager
from pathlib import Path

import dagster as dg

from assets.definitions import build_defs
from assets.partitions import register_days
from pipelines.cli import main


def load_with_cli(landing: Path, db: Path, tmp_path: Path, day: str) -> None:
    """`marsad load FOLDER --warehouse DB` (every day of the folder)."""
    assert main(["load", str(landing), "--warehouse", str(db)]) == 0


def load_with_dagster(landing: Path, db: Path, tmp_path: Path, day: str) -> dg.ExecuteInProcessResult:
    """Materialize the daily assets of partition `day` on a test instance; the run must succeed."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    defs = build_defs(landing_dir=str(landing), warehouse_path=str(db))
    daily = [k for a in defs.assets if a.partitions_def is not None for k in a.keys]
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        register_days(instance, [day])  # what the landing sensor does as the files land
        result = dg.materialize(list(defs.assets), selection=daily, partition_key=day, instance=instance,
                                resources=defs.resources, raise_on_error=False)
    assert result.success
    return result


@contextmanager
def time_limit(seconds: int):
    """Fail instead of hanging (opening a FIFO for reading blocks until a writer comes)."""
    def expire(*_):
        raise TimeoutError(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
