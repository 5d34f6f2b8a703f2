"""Assemble events from triggers, arguments, quantities and dates (stub until issue 4 lands)."""
from __future__ import annotations

from typing import Sequence

from pipelines.records import AnalyzedSentence, CleanArticle, Event, TemporalExpression


def extract_events(
    clean: CleanArticle,
    sentences: Sequence[AnalyzedSentence],
    dates: Sequence[TemporalExpression],
) -> list[Event]:
    return []
