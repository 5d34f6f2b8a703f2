"""Group `ingest`: the landing folder read into `raw_articles` and `quarantine`, by day."""

from typing import Mapping

import dagster as dg
from dagster import AssetExecutionContext

from assets.common import DAILY, RETRY, flat, md, options, output, report_checks, snippet, specs
from assets.partitions import DayBatch, split_by_day
from assets.resources import LandingFolder
from pipelines.warehouse.checks import landing_check


def ingest(context: AssetExecutionContext, landing: LandingFolder):
    if not landing.dir.is_dir():
        raise dg.Failure(f"landing folder {landing.dir} does not exist (set MARSAD_LANDING_DIR)",
                         allow_retries=False)
    result = landing.read()
    days = split_by_day(result.articles, result.quarantined, landing.dir)
    batches = {k: days.get(k, DayBatch()) for k in context.partition_keys}
    articles = {k: b.articles for k, b in batches.items()}
    undated = [i for b in batches.values() for i in b.undated_ids]
    yield output(context, articles, {
        "dagster/row_count": sum(map(len, articles.values())),
        "undated_on_ingest_day": dg.MetadataValue.int(len(undated)),
        "undated_note": ("articles without a publication date are placed on the day their file "
                         f"landed: {', '.join(undated[:10]) or 'none here'}"),
        "landing_folder": dg.MetadataValue.path(str(landing.dir)),
        "landing_total_articles": len(result.articles),
        "preview": md([{"article_id": a.article_id, "published": a.published or "— (ingest day)",
                        "source": a.source, "title": snippet(a.title), "chars": len(a.text),
                        "origin": a.origin} for a in flat(articles)]),
    }, output_name="raw_articles")
    quarantined = {k: b.quarantined for k, b in batches.items()}
    yield output(context, quarantined, {
        "dagster/row_count": sum(map(len, quarantined.values())),
        "preview": md([{"origin": q.origin, "line": q.line, "reason": q.reason} for q in flat(quarantined)]),
    }, output_name="quarantine")
    yield from report_checks(context, dict.fromkeys(context.partition_keys, [landing_check(landing.dir)]))


def build(versions: Mapping[str, str]) -> list[dg.AssetsDefinition]:
    """The group's assets with the given code versions (`assets.versions.code_versions()`)."""
    return [dg.multi_asset(
        name="ingest",
        outs={
            "raw_articles": dg.AssetOut(
                **options("ingest", versions, "raw_articles"),
                description="Articles from the landing folder (.txt pages, .jsonl records) published on the "
                            "partition's day; undated articles go to the day their file landed.",
            ),
            "quarantine": dg.AssetOut(
                **options("ingest", versions, "raw_articles"),
                description="Landing files or lines that could not be read, with the reason, by the day "
                            "their file landed.",
            ),
        },
        check_specs=specs("raw_articles"),
        retry_policy=RETRY,
        **DAILY,
    )(ingest)]
