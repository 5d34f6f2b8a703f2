"""Which day an article belongs to: its partition day in the warehouse and in Dagster.

An article belongs to the day it was published. One without a publication date belongs to its
*landing day*: the UTC day its file was last written in the landing folder, which the reader
records on the article (`Article.landed`, `pipelines.ingest`). Why that day and not "today" (what
`marsad load` used before): it is a property of the input, so the same folder gives the same days
whoever loads it and whenever (a Dagster partition re-run tomorrow finds the same articles; `marsad
load` and a Dagster materialisation of one folder give the same warehouse), and the landing sensor
can place an article on its day before any run. An article that did not come from a file (built
in code) has no landing day and takes today (UTC). A stored undated article keeps the day it was
first stored under (`pipelines.warehouse.load_partitions`).

Used by the warehouse load (`partition_day` of every article row) and by the Dagster partitions
(`assets.partitions`), so both ways of loading share this one rule.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from pipelines.records import Article

DAY_FORMAT = "%Y-%m-%d"


def utc_day(timestamp: float | None = None) -> date:
    """The UTC day of a POSIX time (a file's mtime); today (UTC) for None."""
    when = datetime.fromtimestamp(timestamp, timezone.utc) if timestamp is not None else datetime.now(timezone.utc)
    return when.date()


def partition_day(article: Article) -> date:
    """The article's day: published, else the day its file landed, else today (UTC)."""
    # getattr: records pickled before `landed` existed (old Dagster stage outputs) have no value
    return article.published or getattr(article, "landed", None) or utc_day()
