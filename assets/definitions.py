"""The Marsad code location: `dagster dev` (workspace.yaml), `dagster definitions validate`, tests.

Resources read `MARSAD_LANDING_DIR` (default `samples/`) and `MARSAD_WAREHOUSE` (default
`data/warehouse.duckdb`) when the location loads. Runs of `marsad_job` (backfills, UI launches) use the
multiprocess executor (`MARSAD_MAX_PROCESSES`, default: one process per core) so the NLP step and
the date step of a run work in parallel; the sensor's and schedule's one-day runs use
`marsad_day_job`, in one process (see `assets.automation`). Warehouse writes are serialised by the
`duckdb_warehouse` pool (dagster.yaml).
"""
from __future__ import annotations

import os
from typing import Mapping

import dagster as dg

from assets.automation import daily_schedule, landing_sensor, marsad_day_job, marsad_job
from assets.resources import (
    Caches, LandingFolder, PartitionedPickleIOManager, Warehouse, default_landing_dir, default_warehouse_path,
)
from assets import ingest, process, warehouse
from assets.versions import current_code_versions
from pipelines.settings import Settings


def _optional_str(path) -> str | None:
    return None if path is None else str(path)


def build_resources(landing_dir: str | None = None, warehouse_path: str | None = None) -> dict:
    return {
        "landing": LandingFolder(path=landing_dir or default_landing_dir()),
        "caches": Caches(),
        "duckdb_warehouse": Warehouse(path=warehouse_path or default_warehouse_path()),
        "io_manager": PartitionedPickleIOManager(base_dir=_optional_str(Settings.from_env().stage_dir)),
    }


def build_executor() -> dg.ExecutorDefinition:
    """How a run executes its steps, chosen by `MARSAD_EXECUTOR` (see deploy/README.md).

    * `multiprocess` (default): one process per step on this machine.
    * `k8s`: one Kubernetes pod per step (dagster-k8s `k8s_job_executor`); the NLP step asks for
      more CPU and memory through its `dagster-k8s/config` tag.
    * `docker`: one container per step (dagster-docker `docker_executor`).
    * `in_process`: every step in the run's own process (debugging; tests of the UI, where step
      processes would only add start-up time).
    """
    settings = Settings.from_env()
    kind = settings.executor
    max_processes = settings.max_processes or os.cpu_count() or 2
    if kind == "multiprocess":
        return dg.multiprocess_executor.configured({"max_concurrent": max_processes})
    if kind == "in_process":
        return dg.in_process_executor
    if kind == "k8s":
        from dagster_k8s import k8s_job_executor

        return k8s_job_executor.configured({"max_concurrent": max_processes})
    if kind == "docker":
        from dagster_docker import docker_executor

        return docker_executor
    raise ValueError(f"MARSAD_EXECUTOR={kind!r}: expected multiprocess, in_process, k8s or docker")


def build_assets(versions: Mapping[str, str]) -> list[dg.AssetsDefinition]:
    """Every asset, group by group (one module each), with the given code versions
    (`assets.versions.code_versions()`):

    raw_articles + quarantine -> clean_articles -> {analyses, article_dates} -> events -> warehouse -> charts

    Every partitioned asset receives and returns `{partition_key: value}`, so one run can cover one
    day (sensor, schedule, UI) or a range of days (backfills run up to a month per run, see
    `assets.common.BACKFILL`); `PartitionedPickleIOManager` stores each day separately.
    """
    return [*ingest.build(versions), *process.build(versions), *warehouse.build(versions)]


def build_defs(
    versions: Mapping[str, str] | None = None,
    landing_dir: str | None = None,
    warehouse_path: str | None = None,
) -> dg.Definitions:
    """Definitions with optional code-version and path overrides (tests build variants)."""
    return dg.Definitions(
        assets=build_assets(versions or current_code_versions()),
        jobs=[marsad_job, marsad_day_job],
        schedules=[daily_schedule],
        sensors=[landing_sensor],
        resources=build_resources(landing_dir, warehouse_path),
        executor=build_executor(),
    )


defs = build_defs()
