"""The same articles through Dagster: `dagster.materialize` of the project's assets.

Writes the articles as one JSONL file in a fresh landing folder, points the resources at it and at
a fresh warehouse (the `build_resources` the code location uses), then materialises every
partitioned asset over the range of publication days in ONE run (the range tags a backfill with a
single-run policy uses), and the unpartitioned assets (charts) after it. Returns wall seconds for
the whole thing, Dagster's own bookkeeping included: that overhead is what this figure measures
against `bench.run`'s plain-function pipeline.
"""
from __future__ import annotations

import json
import os
import time
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Sequence

from pipelines.records import Article

RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"


def write_landing(articles: Sequence[Article], landing: Path) -> Path:
    """The articles as corpus-style JSONL records (what the ingest asset reads)."""
    landing.mkdir(parents=True, exist_ok=True)
    path = landing / "bench.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for a in articles:
            fh.write(json.dumps({
                "id": a.article_id, "source": a.source, "url": a.url, "title": a.title,
                "published": a.published.isoformat() if a.published else None,
                "abstract": a.abstract, "text": a.text,
            }, ensure_ascii=False) + "\n")
    return path


def day_range(articles: Sequence[Article]) -> tuple[str, str]:
    """First and last partition day the articles fall on (undated ones land today)."""
    today = datetime.now(timezone.utc).date()
    days = [a.published or today for a in articles] or [today]
    return min(days).isoformat(), max(days).isoformat()


def run_dagster(articles: Sequence[Article], workdir: Path) -> float:
    """Materialise all assets for `articles` in a fresh landing folder and warehouse; wall seconds."""
    import dagster as dg

    workdir = Path(workdir) / "dagster"
    landing = workdir / "landing"
    write_landing(articles, landing)
    env = {
        "MARSAD_LANDING_DIR": str(landing),
        "MARSAD_WAREHOUSE": str(workdir / "warehouse.duckdb"),
        "MARSAD_STAGE_DIR": str(workdir / "stages"),
        "DAGSTER_HOME": str(workdir / "home"),
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    Path(env["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
    try:
        from assets.definitions import build_assets, build_resources
        from assets.versions import current_code_versions

        assets = build_assets(current_code_versions())
        resources = build_resources(env["MARSAD_LANDING_DIR"], env["MARSAD_WAREHOUSE"])
        partitioned = [a for a in assets if a.partitions_def is not None]
        others = [a for a in assets if a.partitions_def is None]
        first, last = day_range(articles)
        t = time.perf_counter()
        with dg.DagsterInstance.ephemeral() as instance:
            res = dg.materialize(partitioned, resources=resources, instance=instance,
                                 tags={RANGE_START: first, RANGE_END: last})
            if not res.success:
                raise RuntimeError("dagster run over the partitioned assets failed")
            if others:
                res = dg.materialize(others, resources=resources, instance=instance)
                if not res.success:
                    raise RuntimeError("dagster run over the unpartitioned assets failed")
        return time.perf_counter() - t
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
