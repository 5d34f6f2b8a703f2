"""Places and actors: gazetteer (GeoNames + our supplement) and the actor dictionary.

Interface:
* `find_places(text, context_countries=())` -> list[Place]   (offsets into `text`)
* `find_actors(text, on=None, context_countries=())` -> list[ActorMention]   (offsets into `text`)
* `article_countries(text)` -> ISO3 codes the article is about, most mentioned first; pass it as
  `context_countries` when resolving one sentence of that article.
* `place_at(text, start, end, ...)`, `actor_at(text, start, end, ...)` -> the entity overlapping a span.
* `places_table()`, `actors_table()` -> dimension rows for the warehouse.
"""
from __future__ import annotations

from pipelines.gazetteer.actors import actor_at, actors_table, find_actors
from pipelines.gazetteer.places import article_countries, find_places, place_at, places_table

__all__ = ["find_places", "find_actors", "article_countries", "place_at", "actor_at",
           "places_table", "actors_table"]
