"""Partitions by day, and which partition an article (or bad file) belongs to.

An article goes to its day by the library's one rule (`pipelines.days.partition_day`, the one the
warehouse load applies too): the day it was published, else the UTC day its file was last written
in the landing folder (stable: re-running the partition tomorrow finds the same articles, and
`marsad load` of the same folder gives the same days). Quarantined files have no date at all, so
they go to their file's day as well.
"""
from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable

import dagster as dg

from pipelines.days import DAY_FORMAT, partition_day, utc_day
from pipelines.ingest import landing_path
from pipelines.records import Article, Quarantined

# One partition per day that holds data, added as days are discovered (dynamic partitions), rather
# than a fixed daily calendar. A calendar has to start somewhere: started early (2010) the 16 days of
# the demo were lost on a 17-year bar shown "0% filled"; started at the first day present, it still
# runs to today, and an article older than the start (an archive delivered late) would fall outside
# it until the code location is reloaded with another start. Here the partitions are exactly the days
# the landing folder has fed, so the UI shows them filled and the Materialize dialog offers them.
# Everything that discovers days registers them before launching runs, from the same function
# (`split_by_day` / `article_day`): the landing sensor (in its SensorResult), `make demo`
# (`register_days`), and a backfill is just a selection of these keys. The runs themselves do not
# depend on the order of the keys (each asset takes {day: value}), so a day added late is fine.
# `marsad load` writes the warehouse without Dagster; the sensor registers the days it finds loaded
# there (see `assets.automation`) so they appear in the UI too.
PARTITIONS_NAME = "days"
daily_partitions = dg.DynamicPartitionsDefinition(name=PARTITIONS_NAME)



def ingest_day(landing_dir: Path, origin: str) -> date:
    """UTC day the file `origin` (relative to the landing folder) was last written (today when it
    is gone): the partition of its quarantine entries, as `Article.landed` is an undated article's."""
    path = landing_path(landing_dir, origin) if origin else None
    try:
        mtime = os.lstat(path).st_mtime if path else None  # a link's own time: nothing is followed
    except OSError:
        mtime = None
    return utc_day(mtime)


def article_day(article: Article) -> tuple[str, bool]:
    """(partition key, True when it is the landing day because the article has no date)."""
    return partition_day(article).strftime(DAY_FORMAT), article.published is None


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
        key, undated = article_day(a)
        days[key].articles.append(a)
        if undated:
            days[key].undated_ids.append(a.article_id)
    for q in quarantined:
        days[ingest_day(landing_dir, q.origin).strftime(DAY_FORMAT)].quarantined.append(q)
    return dict(days)


def register_days(instance: dg.DagsterInstance, keys: Iterable[str]) -> list[str]:
    """Add the days not yet known to the instance as partitions; returns the ones added."""
    new = unregistered_days(instance, keys)
    if new:
        instance.add_dynamic_partitions(PARTITIONS_NAME, new)
    return new


def unregistered_days(instance: dg.DagsterInstance, keys: Iterable[str]) -> list[str]:
    """The given days (sorted) that are not partitions yet."""
    known = set(instance.get_dynamic_partitions(PARTITIONS_NAME))
    return sorted(set(keys) - known)
