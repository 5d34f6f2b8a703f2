"""Group `warehouse`: the DuckDB `warehouse` (by day), its published `warehouse_snapshot` (observed)
and the trend `charts` drawn from it (unpartitioned)."""

import base64
from typing import Any, Mapping

import dagster as dg
from dagster import AssetExecutionContext
import duckdb

from assets.common import (
    DAILY, DATA_VERSION_TAG, RETRY, WAREHOUSE_POOL, WAREHOUSE_SNAPSHOT, md, options, report_checks, specs,
    transient_only,
)
from assets.resources import Warehouse
from pipelines.records import Quarantined
from pipelines.warehouse import snapshot_path

TREND_MONTHS_SHOWN = 120  # trend tables in the charts' metadata: ten years of months
TOTALS = ("articles", "event_mentions", "event_quantities", "events", "quarantine")


def warehouse(
    context: AssetExecutionContext,
    events: dict[str, list],  # per article: its ArticleResult or its Quarantined
    quarantine: dict[str, list[Quarantined]],
    duckdb_warehouse: Warehouse,
):
    keys = list(context.partition_keys)
    # All the run's days in one transaction (all or nothing) with one re-clustering and one
    # snapshot copy: per day, those cost as much for one article as for a month of them.
    with transient_only(duckdb.IOException):
        stats = duckdb_warehouse.load({k: events.get(k, []) for k in keys},
                                      [q for k in keys for q in quarantine.get(k, [])])
    day_rows, totals = _snapshot_totals(duckdb_warehouse, keys)
    yield dg.MaterializeResult(asset_key="warehouse", metadata={
        "dagster/row_count": day_rows,
        "database": dg.MetadataValue.path(duckdb_warehouse.path),
        "loads": md([{"day": day, **vars(counts)} for day, counts in stats.by_day.items()]),
        "load_seconds": stats.seconds,
        **totals,
    })
    _observe_snapshot(context, duckdb_warehouse)
    # the checks the load ran on what it committed (under the writer lock), reported for each day
    yield from report_checks(context, dict.fromkeys(keys, stats.warehouse_checks))


def _snapshot_totals(duckdb_warehouse: Warehouse, keys: list[str]) -> tuple[int, dict[str, int]]:
    """(rows of the run's days, table totals): display numbers, from the published snapshot (no
    lock, no contention with writers)."""
    with transient_only(duckdb.IOException, RuntimeError), duckdb_warehouse.read_snapshot() as con:
        counts = {f"total_{t}": con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TOTALS}
        day_rows = con.execute(  # the run's days need not be consecutive (dynamic partitions)
            "SELECT count(*) FROM articles WHERE partition_day::VARCHAR IN (SELECT unnest(?))", [keys],
        ).fetchone()[0]
    return day_rows, counts


def _observe_snapshot(context: AssetExecutionContext, duckdb_warehouse: Warehouse) -> None:
    """Whether what the charts read changed, recorded as the data version of `warehouse_snapshot`,
    so `charts` (unpartitioned) goes stale only when a chart would change. Dagster does not follow
    data versions from thousands of daily partitions into an unpartitioned asset."""
    with transient_only(duckdb.IOException, RuntimeError):
        snapshot_version = duckdb_warehouse.chart_data_version()
    context.log_event(dg.AssetObservation(
        asset_key=WAREHOUSE_SNAPSHOT, tags={DATA_VERSION_TAG: snapshot_version},
        metadata={"snapshot": dg.MetadataValue.path(str(snapshot_path(duckdb_warehouse.file))),
                  "after_partitions": ", ".join(context.partition_keys[:5])},
    ))


def warehouse_snapshot(context):
    yield dg.ObserveResult(asset_key=WAREHOUSE_SNAPSHOT,
                           data_version=dg.DataVersion(context.resources.duckdb_warehouse.chart_data_version()))


def charts(context: AssetExecutionContext, duckdb_warehouse: Warehouse):
    from pipelines.warehouse import charts as charting

    out_dir = duckdb_warehouse.home / "charts"
    with transient_only(duckdb.IOException, RuntimeError):
        version = duckdb_warehouse.chart_data_version()
        rendered = charting.render_charts(duckdb_warehouse.file)
    written = charting.write_pngs(rendered, out_dir)
    metadata: dict[str, Any] = {
        "dagster/row_count": len(written),
        "folder": dg.MetadataValue.path(str(out_dir)),
    }
    # Shown on the asset's page: each chart as an image inside markdown (the PNG inline, so the
    # UI needs no access to the folder), then its numbers month by month.
    for name, chart in rendered.items():
        metadata[name] = dg.MetadataValue.md(
            f"![{name}](data:image/png;base64,{base64.b64encode(chart.png).decode('ascii')})")
        metadata[f"{name}_table"] = md(chart.table, TREND_MONTHS_SHOWN)
    return dg.MaterializeResult(data_version=dg.DataVersion(version), metadata=metadata)


def build(versions: Mapping[str, str]) -> list[dg.AssetsDefinition]:
    """The group's assets with the given code versions (`assets.versions.code_versions()`)."""
    loaded = dg.asset(
        **options("warehouse", versions, "warehouse", kind="duckdb"), **DAILY,
        pool=WAREHOUSE_POOL, retry_policy=RETRY,
        check_specs=specs("warehouse"),
        description="The DuckDB warehouse (articles, sentences, event_mentions, event_quantities, events, "
                    "actors, locations, quarantine). Each day's load replaces exactly that day's rows; "
                    "all days of a run load in one transaction (all or nothing).",
    )(warehouse)
    snapshot = dg.multi_observable_source_asset(
        specs=[dg.AssetSpec(
            WAREHOUSE_SNAPSHOT, group_name="warehouse", kinds={"duckdb"},
            description="The warehouse's published read snapshot, versioned by the content of the rows "
                        "the charts read. Observed by every `warehouse` load (and by 'Observe' in the UI).",
        )],
        required_resource_keys={"duckdb_warehouse"},
    )(warehouse_snapshot)
    drawn = dg.asset(
        **options("warehouse", versions, "charts", kind="duckdb"),
        deps=[loaded, WAREHOUSE_SNAPSHOT], retry_policy=RETRY,
        description="Trend charts (monthly events by type, casualties, troop movements), shown on this "
                    "page with their monthly tables and written as PNG files, from the "
                    "warehouse's read snapshot (so no warehouse lock is needed). Stale when the chart "
                    "code or `warehouse_snapshot`'s data version changes.",
    )(charts)
    return [loaded, snapshot, drawn]
