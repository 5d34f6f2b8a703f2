"""Daily partitions by publication day, and which partition an article (or bad file) belongs to.

An article goes to the day it was published. One without a publication date goes to its *ingest
day*: the UTC day its file was last written in the landing folder. That day is stable (re-running
the partition tomorrow finds the same articles), unlike "today". Quarantined files have no date at
all, so they too go to their file's ingest day.
"""
from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterable

import dagster as dg

from pipelines.ingest import landing_path
from pipelines.records import Article, Quarantined

# First day of the partition range. Long enough for archives (the 2011 uprisings); override it
# with MARSAD_FIRST_DAY=YYYY-MM-DD for a shorter partition bar.
FIRST_DAY = os.environ.get("MARSAD_FIRST_DAY", "2010-01-01")

# end_offset=1: today's partition exists, so an undated article landing today has somewhere to go.
daily_partitions = dg.DailyPartitionsDefinition(start_date=FIRST_DAY, end_offset=1)

DAY_FORMAT = "%Y-%m-%d"


def ingest_day(landing_dir: Path, origin: str) -> date:
    """UTC day the file `origin` (relative to the landing folder) was last written."""
    path = landing_path(landing_dir, origin) if origin else None
    try:
        mtime = os.lstat(path).st_mtime if path else None  # a link's own time: nothing is followed
    except OSError:
        mtime = None
    when = datetime.fromtimestamp(mtime, timezone.utc) if mtime is not None else datetime.now(timezone.utc)
    return when.date()


def article_day(article: Article, landing_dir: Path) -> tuple[str, bool]:
    """(partition key, True when it is the ingest day because the article has no date)."""
    if article.published is not None:
        return article.published.strftime(DAY_FORMAT), False
    return ingest_day(landing_dir, article.origin).strftime(DAY_FORMAT), True


@dataclass
class DayBatch:
    """What one daily partition holds after ingest."""

    articles: list[Article] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    undated_ids: list[str] = field(default_factory=list)  # articles placed on their ingest day


def split_by_day(
    articles: Iterable[Article], quarantined: Iterable[Quarantined], landing_dir: Path
) -> dict[str, DayBatch]:
    """Group an ingest result by partition key."""
    days: dict[str, DayBatch] = defaultdict(DayBatch)
    for a in articles:
        key, undated = article_day(a, landing_dir)
        days[key].articles.append(a)
        if undated:
            days[key].undated_ids.append(a.article_id)
    for q in quarantined:
        days[ingest_day(landing_dir, q.origin).strftime(DAY_FORMAT)].quarantined.append(q)
    return dict(days)


def valid_keys(keys: Iterable[str]) -> tuple[list[str], list[str]]:
    """(keys inside the partition range, keys outside it) — e.g. dates before FIRST_DAY."""
    known = set(daily_partitions.get_partition_keys())
    inside, outside = [], []
    for k in sorted(set(keys)):
        (inside if k in known else outside).append(k)
    return inside, outside
