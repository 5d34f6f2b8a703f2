"""Places and actors: gazetteer (GeoNames + our supplement) and the actor dictionary.

Interface:
* `find_places(text, context_countries=())` -> list[Place]   (offsets into `text`)
* `find_actors(text, on=None)` -> list[ActorMention]         (offsets into `text`)
"""
from __future__ import annotations

from datetime import date
from typing import Iterable

from pipelines.records import ActorMention, Place


def find_places(text: str, context_countries: Iterable[str] = ()) -> list[Place]:
    """Stub until the gazetteer lands (issue 6)."""
    return []


def find_actors(text: str, on: date | None = None) -> list[ActorMention]:
    """Stub until the actor dictionary lands (issue 6)."""
    return []
