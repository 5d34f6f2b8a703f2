"""What every asset module shares: the asset options defined once, outputs with data versions,
metadata tables, check results per day, and the transient/permanent failure rule.

The assets live in one module per group (`assets.ingest`, `assets.process`, `assets.warehouse`);
`assets.definitions.build_assets` puts them together.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import dagster as dg
from dagster import AssetExecutionContext

from assets.partitions import daily_partitions
from pipelines.records import Quarantined
from pipelines.versioning import version_of
from pipelines.warehouse import checks
from pipelines.warehouse.checks import Check, CheckResult, checks_of

WAREHOUSE_POOL = "duckdb_warehouse"
WAREHOUSE_SNAPSHOT = dg.AssetKey("warehouse_snapshot")
DATA_VERSION_TAG = "dagster/data_version"
# Transient failures (a file still being copied in, a DuckDB lock held by a reader outside Dagster):
# retry with exponential backoff. Non-transient ones raise `dg.Failure(allow_retries=False)`.
RETRY = dg.RetryPolicy(max_retries=3, delay=2, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS)
# A backfill launches one run per month of days; a single day re-runs alone.
BACKFILL = dg.BackfillPolicy.multi_run(max_partitions_per_run=31)
PREVIEW_ROWS = 10

SEVERITY = {checks.ERROR: dg.AssetCheckSeverity.ERROR, checks.WARN: dg.AssetCheckSeverity.WARN}


# Every asset but the unpartitioned charts and snapshot: partitioned by day, backfilled a month per run.
DAILY: dict[str, Any] = dict(partitions_def=daily_partitions, backfill_policy=BACKFILL)


def options(group: str, versions: Mapping[str, str], name: str, kind: str = "python") -> dict[str, Any]:
    """Keyword arguments every asset (and every output of the ingest multi-asset) takes: its group,
    its code version (`versions[name]`, see `assets.versions`) and its kind."""
    return dict(group_name=group, code_version=versions[name], kinds={kind})


# --------------------------------------------------------------------------- outputs and metadata


def fingerprint(value: Any) -> str:
    """Content hash of a stage output. `repr` of the records is deterministic across processes
    (pickle bytes are not: they depend on which equal strings happen to be the same object)."""
    return version_of(repr(value))


def output(context: AssetExecutionContext, by_day: Mapping[str, Any], metadata: dict, **kw: Any) -> dg.Output:
    """Output with a content data version when the run covers one day.

    With a data version, a re-run that produces the same data (e.g. after a lexicon edit that
    changes nothing here) does not make the downstream assets stale. A range run records one
    event per day but Dagster takes a single data version, so it is left to Dagster's default.
    """
    keys = list(by_day)
    version = dg.DataVersion(fingerprint(by_day[keys[0]])) if len(keys) == 1 else None
    metadata = {"partitions": ", ".join(keys) if len(keys) <= 5 else f"{keys[0]} … {keys[-1]} ({len(keys)})",
                **metadata}
    return dg.Output(dict(by_day), metadata=metadata, data_version=version, **kw)


def flat(by_day: Mapping[str, list]) -> list:
    return [x for day in by_day.values() for x in day]


def quarantine_meta(failed: list[Quarantined]) -> dict[str, Any]:
    """Metadata on the articles that failed a stage (they load into the warehouse's `quarantine`)."""
    return {"quarantined_articles": len(failed),
            "quarantined": md([{"article_id": q.article_id, "origin": q.origin, "line": q.line,
                                "stage": q.stage, "reason": snippet(q.reason, 120)} for q in failed])}


def md(rows: Sequence[dict], limit: int = PREVIEW_ROWS) -> dg.MetadataValue:
    return dg.MetadataValue.md(md_table(rows, limit))


def md_table(rows: Sequence[dict], limit: int = PREVIEW_ROWS) -> str:
    """A markdown table of the first `limit` rows (check and preview metadata)."""
    if not rows:
        return "_none_"
    cols = list(dict.fromkeys(k for r in rows[:limit] for k in r))

    def cell(v: Any) -> str:
        return str(v).replace("|", "\\|").replace("\n", " ")[:120]

    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(cell(r.get(c, "")) for c in cols) + " |" for r in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"\n… and {len(rows) - limit} more")
    return "\n".join(lines)


def snippet(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n] + "…"


# --------------------------------------------------------------------------- checks


def spec(check: Check) -> dg.AssetCheckSpec:
    """The Dagster spec of a library check (`pipelines.warehouse.checks.CHECKS`) on a daily asset,
    partitioned like it: each execution is stored once, with its day (without `partitions_def`,
    Dagster stores a "skipped" row with the day and a result row without it)."""
    return dg.AssetCheckSpec(check.name, asset=check.asset, description=check.description, blocking=check.blocking,
                             partitions_def=daily_partitions)


def specs(asset: str) -> list[dg.AssetCheckSpec]:
    return [spec(c) for c in checks_of(asset)]


def report_checks(context: AssetExecutionContext, by_day: Mapping[str, Sequence[CheckResult]]):
    """Report the checks the library ran (`pipelines.warehouse.checks`), `{day: [result of each
    check]}`, as this asset's checks: each check's result for each day of the run, stored as one
    row with its day."""
    for i in range(len(next(iter(by_day.values()), []))):
        yield from _report_check(context, {day: results[i] for day, results in by_day.items()})


def _report_check(context: AssetExecutionContext, by_day: Mapping[str, CheckResult]):
    """A one-day run yields an `AssetCheckResult` (Dagster attaches the day). A run over several days
    (a backfill) yields one `AssetCheckEvaluation` per day with its partition: an `AssetCheckResult`
    would be stored once without a day, and every day of the range would stay "planned". Dagster
    blocks on a failed blocking evaluation the same way as on a failed result."""
    def metadata(r: CheckResult) -> dict[str, Any]:
        return {"problems": len(r.problems), "examples": md(r.problems), **r.meta}

    check = next(iter(by_day.values())).check
    if len(by_day) == 1:
        (r,) = by_day.values()
        yield dg.AssetCheckResult(check_name=check.name, asset_key=check.asset, passed=r.passed,
                                  severity=SEVERITY[r.severity], metadata=metadata(r))
        return
    key = dg.AssetCheckKey(dg.AssetKey(check.asset), check.name)
    output_name = next(o for o, s in context.assets_def.check_specs_by_output_name.items() if s.key == key)
    for day, r in by_day.items():
        yield dg.AssetCheckEvaluation(asset_key=key.asset_key, check_name=check.name, passed=r.passed,
                                      severity=SEVERITY[r.severity], metadata=metadata(r),
                                      blocking=check.blocking, partition=day)
    yield dg.Output(None, output_name=output_name)  # what an AssetCheckResult also emits: the check's step output


class transient_only:
    """Let `transient` exceptions through (RetryPolicy retries them); turn any other into a Failure
    that is not retried, so a bug fails at once instead of after four attempts."""

    def __init__(self, *transient: type[BaseException]):
        self.transient = transient

    def __enter__(self) -> None:
        return None

    def __exit__(self, typ, exc, tb) -> bool:
        if exc is None or isinstance(exc, self.transient) or isinstance(exc, dg.Failure):
            return False
        raise dg.Failure(f"{typ.__name__}: {exc}", allow_retries=False) from exc
