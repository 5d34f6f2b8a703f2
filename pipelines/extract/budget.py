"""A time budget for one article's extraction.

Extraction is linear in an article's length (sentences are bounded, `pipelines.nlp.sentences`), but a
hostile or broken article can still be very long; past its budget the article is given up and
quarantined ("too slow", stage "extract") and the run goes on. The budget is cooperative:
`check()` runs between sentences and between the article-level steps, each of which is bounded,
so an article stops shortly after its deadline, in any thread, without signals.

`MARSAD_ARTICLE_TIME_BUDGET_SECONDS` sets it (default 60 s, about 2 MB of unpunctuated text on
the build machine; real articles take milliseconds); 0 turns it off.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from pipelines.isolation import StageFailure
from pipelines.settings import Settings

ENV = "MARSAD_ARTICLE_TIME_BUDGET_SECONDS"
DEFAULT_SECONDS = Settings.article_time_budget_seconds

_deadline: ContextVar[tuple[float, float] | None] = ContextVar("marsad_extract_deadline", default=None)


class TooSlow(StageFailure):
    """The article's extraction passed its time budget (its message is the quarantine reason)."""


def budget_seconds() -> float | None:
    """The configured budget in seconds (None: no budget)."""
    return Settings.from_env().article_time_budget_seconds


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Within the block, `check()` raises `TooSlow` once `seconds` have passed (None: never)."""
    token = _deadline.set((time.monotonic() + seconds, seconds) if seconds else None)
    try:
        yield
    finally:
        _deadline.reset(token)


def check() -> None:
    """Raise `TooSlow` when the current budget is spent."""
    current = _deadline.get()
    if current is not None and time.monotonic() > current[0]:
        raise TooSlow(f"too slow: extraction passed its {current[1]:g} s budget ({ENV})")
