"""Arabic temporal layer: find and resolve date expressions (dateparser underneath).

Interface:
* `find_dates(text, published)` -> list[TemporalExpression] with offsets into `text`.
* `dateline_date(text, published)` -> the article's dateline/lead date, if any.
* `event_date(trigger_start, sentence_start, sentence_end, dates, published, lead_date)` -> the
  date an event takes (sentence date, else lead date, else publication date).
* `times_within(start, end, dates)` -> the expressions a span holds itself (not the publication date).
"""
from __future__ import annotations

from pipelines.temporal.events import dateline_date, event_date, lead_date, times_within
from pipelines.temporal.finder import find_dates

__all__ = ["find_dates", "dateline_date", "lead_date", "event_date", "times_within"]
