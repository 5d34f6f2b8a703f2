"""The assets: one thin wrapper per stage of `pipelines/`, partitioned by publication day.

raw_articles + quarantine -> clean_articles -> {analyses, article_dates} -> events -> warehouse -> charts

Every partitioned asset receives and returns `{partition_key: value}`, so one run can cover one
day (sensor, schedule, UI) or a range of days (backfills run up to a month per run, see
`BACKFILL`); `PartitionedPickleIOManager` stores each day separately. `analyses` and
`article_dates` only need the clean articles, so the multiprocess executor runs them side by side.
The stage functions are the ones `pipelines.process.process_articles` chains (a test checks the
assets give the same events), each isolated per article: an article that fails a stage stays in the
day's list as a `Quarantined` (stage, reason, origin, line), the later stages pass it on, and the
warehouse load puts it in the `quarantine` table while the rest of the day loads.
"""

import base64
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Mapping

import dagster as dg
from dagster import AssetExecutionContext
import duckdb

from assets import checks
from assets.partitions import DayBatch, daily_partitions, split_by_day
from assets.resources import LandingFolder, Warehouse
from pipelines.nlp import get_analyzer
from pipelines.nlp.cache import nlp_cache_path
from pipelines.isolation import split_quarantined
from pipelines.process import ArticleResult, Outcome, analyze_each, clean_each, dates_each, extract_each
from pipelines.warehouse import WarehouseBusy, snapshot_path
from pipelines.records import AnalyzedSentence, Article, CleanArticle, Quarantined, TemporalExpression

WAREHOUSE_POOL = "duckdb_warehouse"
WAREHOUSE_SNAPSHOT = dg.AssetKey("warehouse_snapshot")
DATA_VERSION_TAG = "dagster/data_version"
# Transient failures (a file still being copied in, a DuckDB lock held by a reader outside Dagster):
# retry with exponential backoff. Non-transient ones raise `dg.Failure(allow_retries=False)`.
RETRY = dg.RetryPolicy(max_retries=3, delay=2, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS)
# A backfill launches one run per month of days; a single day re-runs alone.
BACKFILL = dg.BackfillPolicy.multi_run(max_partitions_per_run=31)
PREVIEW_ROWS = 10
TREND_MONTHS_SHOWN = 120  # trend tables in the charts' metadata: ten years of months
LANDING_MAX_AGE_HOURS = 36.0

ERROR, WARN = dg.AssetCheckSeverity.ERROR, dg.AssetCheckSeverity.WARN


# --------------------------------------------------------------------------- helpers


def _fingerprint(value: Any) -> str:
    """Content hash of a stage output. `repr` of the records is deterministic across processes
    (pickle bytes are not: they depend on which equal strings happen to be the same object)."""
    return hashlib.sha256(repr(value).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _output(context: AssetExecutionContext, by_day: Mapping[str, Any], metadata: dict, **kw: Any) -> dg.Output:
    """Output with a content data version when the run covers one day.

    With a data version, a re-run that produces the same data (e.g. after a lexicon edit that
    changes nothing here) does not make the downstream assets stale. A range run records one
    event per day but Dagster takes a single data version, so it is left to Dagster's default.
    """
    keys = list(by_day)
    version = dg.DataVersion(_fingerprint(by_day[keys[0]])) if len(keys) == 1 else None
    metadata = {"partitions": ", ".join(keys) if len(keys) <= 5 else f"{keys[0]} … {keys[-1]} ({len(keys)})",
                **metadata}
    return dg.Output(dict(by_day), metadata=metadata, data_version=version, **kw)


def _flat(by_day: Mapping[str, list]) -> list:
    return [x for day in by_day.values() for x in day]


def _quarantine_meta(failed: list[Quarantined]) -> dict[str, Any]:
    """Metadata on the articles that failed a stage (they load into the warehouse's `quarantine`)."""
    return {"quarantined_articles": len(failed),
            "quarantined": _md([{"article_id": q.article_id, "origin": q.origin, "line": q.line,
                                 "stage": q.stage, "reason": _snippet(q.reason, 120)} for q in failed])}


def _md(rows: list[dict]) -> dg.MetadataValue:
    return dg.MetadataValue.md(checks.md_table(rows, PREVIEW_ROWS))


def _snippet(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n] + "…"


@dataclass
class _Verdict:
    """One day's outcome of one check."""

    problems: list[dict]
    severity: dg.AssetCheckSeverity = ERROR
    meta: dict[str, Any] = field(default_factory=dict)


def _checks(context: AssetExecutionContext, asset: str, name: str, by_day: Mapping[str, _Verdict]):
    """The check's result for each day of the run, each stored as one row with its day.

    A one-day run yields an `AssetCheckResult` (Dagster attaches the day). A run over several days
    (a backfill) yields one `AssetCheckEvaluation` per day with its partition: an `AssetCheckResult`
    would be stored once without a day, and every day of the range would stay "planned". Dagster
    blocks on a failed blocking evaluation the same way as on a failed result."""
    def metadata(v: _Verdict) -> dict[str, Any]:
        return {"problems": len(v.problems), "examples": _md(v.problems), **v.meta}

    if len(by_day) == 1:
        (v,) = by_day.values()
        yield dg.AssetCheckResult(check_name=name, asset_key=asset, passed=not v.problems, severity=v.severity,
                                  metadata=metadata(v))
        return
    key = dg.AssetCheckKey(dg.AssetKey(asset), name)
    output, spec = next((o, spec) for o, spec in context.assets_def.check_specs_by_output_name.items()
                        if spec.key == key)
    for day, v in by_day.items():
        yield dg.AssetCheckEvaluation(asset_key=key.asset_key, check_name=name, passed=not v.problems,
                                      severity=v.severity, metadata=metadata(v), blocking=spec.blocking,
                                      partition=day)
    yield dg.Output(None, output_name=output)  # what an AssetCheckResult also emits: the check's step output


def _spec(name: str, asset: str, description: str, blocking: bool = True) -> dg.AssetCheckSpec:
    """A check on a daily asset, partitioned like it: each execution is stored once, with its day
    (without `partitions_def`, Dagster stores a "skipped" row with the day and a result row without it)."""
    return dg.AssetCheckSpec(name, asset=asset, description=description, blocking=blocking,
                             partitions_def=daily_partitions)


# --------------------------------------------------------------------------- assets


def build_assets(versions: Mapping[str, str]) -> list[dg.AssetsDefinition]:
    """All assets, with the given code versions (`assets.versions.code_versions()`)."""

    @dg.multi_asset(
        name="ingest",
        outs={
            "raw_articles": dg.AssetOut(
                group_name="ingest", code_version=versions["raw_articles"], kinds={"python"},
                description="Articles from the landing folder (.txt pages, .jsonl records) published on the "
                            "partition's day; undated articles go to the day their file landed.",
            ),
            "quarantine": dg.AssetOut(
                group_name="ingest", code_version=versions["raw_articles"], kinds={"python"},
                description="Landing files or lines that could not be read, with the reason, by the day "
                            "their file landed.",
            ),
        },
        check_specs=[_spec(
            "landing_fresh", "raw_articles",
            f"A file arrived in the landing folder within {LANDING_MAX_AGE_HOURS:g} h (warning only: old "
            "data is not wrong data).", blocking=False,
        )],
        partitions_def=daily_partitions,
        backfill_policy=BACKFILL,
        retry_policy=RETRY,
    )
    def ingest(context: AssetExecutionContext, landing: LandingFolder):
        if not landing.dir.is_dir():
            raise dg.Failure(f"landing folder {landing.dir} does not exist (set MARSAD_LANDING_DIR)",
                             allow_retries=False)
        result = landing.read()
        days = split_by_day(result.articles, result.quarantined, landing.dir)
        batches = {k: days.get(k, DayBatch()) for k in context.partition_keys}
        articles = {k: b.articles for k, b in batches.items()}
        undated = [i for b in batches.values() for i in b.undated_ids]
        yield _output(context, articles, {
            "dagster/row_count": sum(map(len, articles.values())),
            "undated_on_ingest_day": dg.MetadataValue.int(len(undated)),
            "undated_note": ("articles without a publication date are placed on the day their file "
                             f"landed: {', '.join(undated[:10]) or 'none here'}"),
            "landing_folder": dg.MetadataValue.path(str(landing.dir)),
            "landing_total_articles": len(result.articles),
            "preview": _md([{"article_id": a.article_id, "published": a.published or "— (ingest day)",
                             "source": a.source, "title": _snippet(a.title), "chars": len(a.text),
                             "origin": a.origin} for a in _flat(articles)]),
        }, output_name="raw_articles")
        quarantined = {k: b.quarantined for k, b in batches.items()}
        yield _output(context, quarantined, {
            "dagster/row_count": sum(map(len, quarantined.values())),
            "preview": _md([{"origin": q.origin, "line": q.line, "reason": q.reason}
                            for q in _flat(quarantined)]),
        }, output_name="quarantine")
        age = checks.newest_file_age_hours(landing.dir)
        stale = age is None or age > LANDING_MAX_AGE_HOURS
        fresh = _Verdict([{"newest_file_age_hours": round(age, 2) if age is not None else None}] if stale else [],
                         WARN, {"newest_file_age_hours": round(age, 2) if age is not None else -1,
                                "max_age_hours": LANDING_MAX_AGE_HOURS})
        yield from _checks(context, "raw_articles", "landing_fresh", dict.fromkeys(context.partition_keys, fresh))

    @dg.asset(
        group_name="process", code_version=versions["clean_articles"], kinds={"python"},
        partitions_def=daily_partitions, backfill_policy=BACKFILL,
        description="Articles with site furniture (read-also blocks, related links, newsletter boxes) "
                    "removed; body regions keep offsets into the original text.",
    )
    def clean_articles(context: AssetExecutionContext, raw_articles: dict[str, list[Article]]):
        cleaned = {k: clean_each(arts) for k, arts in raw_articles.items()}
        flat, failed = split_quarantined(_flat(cleaned))
        body = sum(r.end - r.start for c in flat for r in c.regions)
        total = sum(len(c.article.text) for c in flat)
        return _output(context, cleaned, {
            "dagster/row_count": len(flat),
            "body_chars": body,
            "removed_chars": total - body,
            "removed_blocks": sum(len(c.removed) for c in flat),
            **_quarantine_meta(failed),
            "preview": _md([{"article_id": c.article_id, "regions": len(c.regions),
                             "body_chars": sum(r.end - r.start for r in c.regions),
                             "removed": ", ".join(sorted({why for _, why in c.removed}))[:60]} for c in flat]),
        })

    @dg.asset(
        group_name="process", code_version=versions["analyses"], kinds={"python"},
        partitions_def=daily_partitions, backfill_policy=BACKFILL,
        # On Kubernetes (MARSAD_EXECUTOR=k8s) this step gets its own, larger pod; elsewhere unused.
        op_tags={"dagster-k8s/config": {"container_config": {"resources": {
            "requests": {"cpu": "2", "memory": "4Gi"}, "limits": {"memory": "8Gi"}}}}},
        description="Sentences and tokens (lemma, POS, dependencies, NER when the analyzer provides "
                    "them) with offsets into the original text.",
    )
    def analyses(context: AssetExecutionContext, clean_articles: dict[str, list],
                 duckdb_warehouse: Warehouse):
        # Analyses are cached by sentence hash beside the warehouse ($MARSAD_NLP_CACHE overrides),
        # so re-materialising unchanged articles does no NLP work.
        analyzer = get_analyzer(cache=nlp_cache_path(duckdb_warehouse.file))
        flat: list[CleanArticle | Quarantined] = _flat(clean_articles)
        analysed = analyze_each(analyzer, flat)
        out: dict[str, list[list[AnalyzedSentence] | Quarantined]] = {}
        i = 0
        for k, cleans in clean_articles.items():
            out[k] = analysed[i:i + len(cleans)]
            i += len(cleans)
        docs, failed = split_quarantined(analysed)
        sentences = [s for doc in docs for s in doc]
        meta: dict[str, Any] = {
            "dagster/row_count": len(sentences),
            "analyzer": getattr(analyzer, "name", type(analyzer).__name__),
            "articles": len(docs),
            **_quarantine_meta(failed),
            "tokens": sum(len(s.tokens) for s in sentences),
            "preview": _md([{"article_id": s.sentence.article_id, "sentence": s.sentence.index,
                             "tokens": len(s.tokens), "text": _snippet(s.sentence.text)} for s in sentences]),
        }
        meta.update(_cache_stats(analyzer))
        return _output(context, out, meta)

    @dg.asset(
        group_name="process", code_version=versions["article_dates"], kinds={"python"},
        partitions_def=daily_partitions, backfill_policy=BACKFILL,
        description="Temporal expressions (Gregorian and Hijri, relative to publication) resolved to "
                    "day/week/month/year values.",
    )
    def article_dates(context: AssetExecutionContext, clean_articles: dict[str, list]):
        out = {k: [dates_each(c) for c in cleans] for k, cleans in clean_articles.items()}
        docs, failed = split_quarantined(_flat(out))
        found: list[TemporalExpression] = [d for doc in docs for d in doc]
        return _output(context, out, {
            "dagster/row_count": len(found),
            **_quarantine_meta(failed),
            "resolved": sum(d.value is not None for d in found),
            "by_precision": dg.MetadataValue.json(dict(Counter(str(d.precision) for d in found))),
            "preview": _md([{"text": d.text, "value": d.value, "precision": d.precision, "source": d.source}
                            for d in found]),
        })

    @dg.asset(
        group_name="process", code_version=versions["events"], kinds={"python"},
        partitions_def=daily_partitions, backfill_policy=BACKFILL,
        check_specs=[
            _spec("event_types", "events", "Every event has a PLOVER event type."),
            _spec("evidence_offsets", "events",
                  "Every evidence span (trigger, actors, target, location, quantities, date) lies inside "
                  "its article's original text and slices to the same text."),
            _spec("dates_not_future", "events",
                  "Events reported as having happened are not dated after publication (+1 day for "
                  "time zones); future and hypothetical statements are exempt. Blocks when systematic "
                  "(>= 3 events and > 5% of the day's events), warns on isolated misreadings."),
            _spec("quantities_plausible", "events",
                  "Quantities are non-negative, value <= value_max, and below a per-role ceiling. "
                  "Blocks when systematic (>= 3 events and > 5%), warns on isolated misreadings."),
        ],
        description="PLOVER events with modality, actors, target, location, quantities and date.",
    )
    def events(
        context: AssetExecutionContext,
        clean_articles: dict[str, list],  # per article: its value, or its Quarantined (Dagster types no unions)
        analyses: dict[str, list],
        article_dates: dict[str, list],
    ):
        # each article within its time budget; one that fails (here or before) is passed on quarantined
        out: dict[str, list[Outcome]] = {
            k: [extract_each(c, sents, dates) for c, sents, dates in zip(cleans, analyses[k], article_dates[k], strict=True)]
            for k, cleans in clean_articles.items()}
        results, failed = split_quarantined(_flat(out))
        evs = [(r, e) for r in results for e in r.events]
        yield _output(context, out, {
            "dagster/row_count": len(evs),
            **_quarantine_meta(failed),
            "by_type": dg.MetadataValue.json(dict(Counter(e.event_type for _, e in evs).most_common())),
            "by_modality": dg.MetadataValue.json(dict(Counter(e.modality for _, e in evs))),
            "preview": _md([{"article_id": r.article.article_id, "type": e.event_type, "modality": e.modality,
                             "trigger": e.trigger.text, "actor": e.actor.text if e.actor else "",
                             "location": e.location.name if e.location else "",
                             "quantities": ", ".join(f"{q.value} {q.role or ''}" for q in e.quantities),
                             "date": e.date.value if e.date else ""} for r, e in evs]),
        })
        results_by_day = {k: split_quarantined(v)[0] for k, v in out.items()}
        for name, find in (("event_types", checks.event_type_problems),
                           ("evidence_offsets", checks.evidence_offset_problems)):
            yield from _checks(context, "events", name, {k: _Verdict(find(rs)) for k, rs in results_by_day.items()})
        for name, find in (("dates_not_future", checks.future_date_problems),
                           ("quantities_plausible", checks.quantity_problems)):
            verdicts = {}
            for k, rs in results_by_day.items():  # systematic or isolated: judged within each day
                problems, n_events = find(rs), sum(len(r.events) for r in rs)
                systematic = checks.is_systematic(len(problems), n_events)
                verdicts[k] = _Verdict(problems, ERROR if systematic else WARN,
                                       {"events": n_events, "systematic": systematic})
            yield from _checks(context, "events", name, verdicts)

    @dg.asset(
        group_name="warehouse", code_version=versions["warehouse"], kinds={"duckdb"},
        partitions_def=daily_partitions, backfill_policy=BACKFILL,
        pool=WAREHOUSE_POOL, retry_policy=RETRY,
        check_specs=[
            _spec("schema", "warehouse", "Tables and columns match the DDL in sql/."),
            _spec("no_orphans", "warehouse", "Every reference (article, mention, event, place, actor) "
                                             "points at an existing row."),
        ],
        description="The DuckDB warehouse (articles, sentences, event_mentions, event_quantities, events, "
                    "actors, locations, quarantine). Each day's load replaces exactly that day's rows; "
                    "all days of a run load in one transaction (all or nothing).",
    )
    def warehouse(
        context: AssetExecutionContext,
        events: dict[str, list],  # per article: its ArticleResult or its Quarantined
        quarantine: dict[str, list[Quarantined]],
        duckdb_warehouse: Warehouse,
    ):
        keys = list(context.partition_keys)
        # All the run's days in one transaction (all or nothing) with one re-clustering and one
        # snapshot copy: per day, those cost as much for one article as for a month of them.
        with _transient_only(duckdb.IOException):
            stats = duckdb_warehouse.load({k: events.get(k, []) for k in keys},
                                          [q for k in keys for q in quarantine.get(k, [])])
        per_day = [{"day": day, **vars(counts)} for day, counts in stats.by_day.items()]
        # Display numbers come from the published snapshot (no lock, no contention with writers).
        with _transient_only(duckdb.IOException, RuntimeError), duckdb_warehouse.read_snapshot() as con:
            counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                      for t in ("articles", "event_mentions", "event_quantities", "events", "quarantine")}
            day_rows = con.execute(  # the run's days need not be consecutive (dynamic partitions)
                "SELECT count(*) FROM articles WHERE partition_day::VARCHAR IN (SELECT unnest(?))",
                [keys],
            ).fetchone()[0]
        # The checks judge what this load committed: the writer's file, read under the writer lock.
        with _transient_only(duckdb.IOException, WarehouseBusy), duckdb_warehouse.read_committed() as con:
            schema = checks.schema_problems(con)
            orphans = checks.orphan_problems(con) if not schema else []
        yield dg.MaterializeResult(
            asset_key="warehouse",
            metadata={
                "dagster/row_count": day_rows,
                "database": dg.MetadataValue.path(duckdb_warehouse.path),
                "loads": _md(per_day),
                "load_seconds": stats.seconds,
                **{f"total_{t}": n for t, n in counts.items()},
            },
        )
        # What the charts read changed or not: recorded as the data version of `warehouse_snapshot`,
        # so `charts` (unpartitioned) goes stale only when a chart would change. Dagster does not
        # follow data versions from thousands of daily partitions into an unpartitioned asset.
        with _transient_only(duckdb.IOException, RuntimeError):
            snapshot_version = duckdb_warehouse.chart_data_version()
        context.log_event(dg.AssetObservation(
            asset_key=WAREHOUSE_SNAPSHOT, tags={DATA_VERSION_TAG: snapshot_version},
            metadata={"snapshot": dg.MetadataValue.path(str(snapshot_path(duckdb_warehouse.file))),
                      "after_partitions": ", ".join(context.partition_keys[:5])},
        ))
        yield from _checks(context, "warehouse", "schema", dict.fromkeys(keys, _Verdict(schema)))
        yield from _checks(context, "warehouse", "no_orphans", dict.fromkeys(
            keys, _Verdict(orphans, meta={"skipped_because_schema_failed": bool(schema)})))

    @dg.multi_observable_source_asset(
        specs=[dg.AssetSpec(
            WAREHOUSE_SNAPSHOT, group_name="warehouse", kinds={"duckdb"},
            description="The warehouse's published read snapshot, versioned by the content of the rows "
                        "the charts read. Observed by every `warehouse` load (and by 'Observe' in the UI).",
        )],
        required_resource_keys={"duckdb_warehouse"},
    )
    def warehouse_snapshot(context):
        yield dg.ObserveResult(asset_key=WAREHOUSE_SNAPSHOT,
                               data_version=dg.DataVersion(context.resources.duckdb_warehouse.chart_data_version()))

    @dg.asset(
        group_name="warehouse", code_version=versions["charts"], kinds={"duckdb"},
        deps=[warehouse, WAREHOUSE_SNAPSHOT], retry_policy=RETRY,
        description="Trend charts (monthly events by type, casualties, troop movements), shown on this "
                    "page with their monthly tables and written as PNG files, from the "
                    "warehouse's read snapshot (so no warehouse lock is needed). Stale when the chart "
                    "code or `warehouse_snapshot`'s data version changes.",
    )
    def charts(context: AssetExecutionContext, duckdb_warehouse: Warehouse):
        from pipelines.warehouse import charts as charting

        out_dir = duckdb_warehouse.home / "charts"
        with _transient_only(duckdb.IOException, RuntimeError):
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
            metadata[f"{name}_table"] = dg.MetadataValue.md(checks.md_table(chart.table, TREND_MONTHS_SHOWN))
        return dg.MaterializeResult(data_version=dg.DataVersion(version), metadata=metadata)

    return [ingest, clean_articles, analyses, article_dates, events, warehouse, warehouse_snapshot, charts]


def _cache_stats(analyzer: Any) -> dict[str, Any]:
    """Hit/miss counts of the analysis cache (`pipelines.nlp.cache.CachedAnalyzer`), if any."""
    stats = getattr(analyzer, "stats", None)
    return stats.as_metadata() if hasattr(stats, "as_metadata") else {}


class _transient_only:
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

