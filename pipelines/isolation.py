"""One article's failure stays its own: a stage run for one article either gives its value or the
article's `Quarantined` entry (stage, reason, origin, line), and the rest of the batch goes on.

Used by the processing stages (`pipelines/process.py`, the Dagster assets through it) and by the
warehouse's frame build; light on purpose (the warehouse imports it without the extraction stack).
"""
from __future__ import annotations

import logging
from typing import Any, Callable, Iterable, TypeVar

from pipelines.records import Article, Quarantined

log = logging.getLogger("marsad.process")
T = TypeVar("T")


class StageFailure(Exception):
    """Raised to quarantine an article with exactly this message as the reason (e.g. "too slow")."""


def isolated(stage: str, article: Article, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | Quarantined:
    """`fn(*args, **kwargs)`, or, when it raises, `article` quarantined at `stage` with the reason.

    Whatever one article raises (a bug, hostile input, the time budget) becomes its quarantine entry,
    logged and loaded into the warehouse's `quarantine`; the other articles never see it.
    """
    try:
        return fn(*args, **kwargs)
    except StageFailure as exc:
        q = Quarantined.of_article(article, stage, str(exc))
    except Exception as exc:  # noqa: BLE001 - isolation is the point; the reason names the error
        q = Quarantined.of_article(article, stage, f"{type(exc).__name__}: {exc}")
    log.warning("article %s (%s) quarantined at %s: %s", article.article_id, article.origin or "-", q.stage,
                q.reason)
    return q


def split_quarantined(items: Iterable[T | Quarantined]) -> tuple[list[T], list[Quarantined]]:
    """A stage's per-article values (or outcomes): those that went through, and the quarantined."""
    went: list[T] = []
    quarantined: list[Quarantined] = []
    for x in items:
        (quarantined if isinstance(x, Quarantined) else went).append(x)
    return went, quarantined
