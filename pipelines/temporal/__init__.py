"""Arabic temporal layer: find and resolve date expressions (dateparser underneath).

Interface:
* `find_dates(text, published)` -> list[TemporalExpression] with offsets into `text`.
"""
from __future__ import annotations

from datetime import date

from pipelines.records import TemporalExpression


def find_dates(text: str, published: date | None) -> list[TemporalExpression]:
    """Stub until the temporal layer lands (issue 3)."""
    return []
