"""`make demo`: materialise every asset on the landing folder (default `samples/`) into the warehouse
(default `data/warehouse.duckdb`), then print events by type and month.

Runs go into the instance at $DAGSTER_HOME when it is set (`make demo` sets it), so `make ui`
afterwards shows the demo's materialisations, checks and metadata.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import dagster as dg

from assets.definitions import build_defs
from assets.partitions import register_days, split_by_day
from assets.resources import LandingFolder, default_landing_dir, default_warehouse_path

# Step-by-step DEBUG logs belong in the UI (`make ui`), not on the demo's terminal.
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}

EVENTS_BY_TYPE_AND_MONTH = (
    "SELECT month, event_type, sum(n_events)::INTEGER AS events"
    " FROM monthly_events_by_type_country GROUP BY ALL ORDER BY month, events DESC, event_type"
)


def demo_days(landing_dir: str) -> list[str]:
    """Partition keys (days) the landing folder's articles and quarantined files fall on."""
    landing = LandingFolder(path=landing_dir)
    result = landing.read()
    return sorted(split_by_day(result.articles, result.quarantined, landing.dir))


def materialize_all(
    landing_dir: str, warehouse_path: str, instance: dg.DagsterInstance, log=print
) -> list[dg.ExecuteInProcessResult]:
    """One in-process run per day present in the landing folder, then one for the charts.

    The days are registered as partitions first (what the landing sensor does for new files)."""
    defs = build_defs(landing_dir=landing_dir, warehouse_path=warehouse_path)
    assets = list(defs.assets or [])
    days = demo_days(landing_dir)
    register_days(instance, days)
    daily = [k for a in assets if a.partitions_def is not None for k in a.keys]
    results = []
    for day in days:
        t0 = time.perf_counter()
        result = dg.materialize(assets, selection=daily, partition_key=day, instance=instance,
                                resources=defs.resources, run_config=QUIET, raise_on_error=False)
        results.append(result)
        log(f"  {day}: {run_summary(result)} ({time.perf_counter() - t0:.1f}s)")
        if not result.success:
            _report_failure(result, log)
    if days and all(r.success for r in results):
        result = dg.materialize(assets, selection=["charts"], instance=instance, resources=defs.resources,
                                run_config=QUIET, raise_on_error=False)
        results.append(result)
        log(f"  charts: {run_summary(result)}")
        if not result.success:
            _report_failure(result, log)
    return results


def run_summary(result: dg.ExecuteInProcessResult) -> str:
    """'ok', 'ok, 1 warning: events.dates_not_future (2 problems)' or 'FAILED' (what `make demo`
    prints per run: a day whose non-blocking checks warned is not just "ok")."""
    if not result.success:
        return "FAILED"
    warned = [_check_label(c) for c in result.get_asset_check_evaluations()
              if not c.passed and c.severity == dg.AssetCheckSeverity.WARN]
    if not warned:
        return "ok"
    return f"ok, {len(warned)} warning{'s' if len(warned) > 1 else ''}: {', '.join(warned)}"


def _check_label(check) -> str:
    problems = check.metadata.get("problems")
    return (f"{check.asset_key.to_user_string()}.{check.check_name}"
            + (f" ({problems.value} problem{'' if problems.value == 1 else 's'})" if problems is not None else ""))


def _report_failure(result: dg.ExecuteInProcessResult, log) -> None:
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data.error:
            log(f"    {event.step_key}: {event.step_failure_data.error.message.strip()[:400]}")
    for check in result.get_asset_check_evaluations():
        if not check.passed:
            log(f"    check {_check_label(check)} failed")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--landing", default=default_landing_dir(), help="landing folder (MARSAD_LANDING_DIR)")
    p.add_argument("--warehouse", default=default_warehouse_path(), help="DuckDB file (MARSAD_WAREHOUSE)")
    args = p.parse_args(argv)

    from pipelines.warehouse import run_readonly_sql
    from pipelines.cli.warehouse import format_table

    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    print(f"Materialising every asset: {args.landing} -> {args.warehouse}")
    t0 = time.perf_counter()
    results = materialize_all(args.landing, args.warehouse, instance)
    ok = bool(results) and all(r.success for r in results)
    print(f"{len(results)} runs in {time.perf_counter() - t0:.1f}s{'' if ok else ' — some FAILED'}")
    if not Path(args.warehouse).exists():
        print("no warehouse was written", file=sys.stderr)
        return 1
    columns, rows = run_readonly_sql(args.warehouse, EVENTS_BY_TYPE_AND_MONTH)
    print("\nEvents by type and month:")
    print(format_table(columns, rows) if rows else "(no events)")
    total = run_readonly_sql(args.warehouse, "SELECT count(*) FROM articles")[1][0][0]
    print(f"\n{total} articles in {args.warehouse}; try `marsad sql \"SELECT * FROM events LIMIT 5\"` "
          "or `make ui`.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
