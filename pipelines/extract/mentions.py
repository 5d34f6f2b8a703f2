"""The actor and place mentions of an article's sentences, found once and shared.

The rules read a sentence's mentions to fill roles; the role ranker (`ranker.py`) also reads those
of the sentence before and of the lead. Mentions are found on demand, once per sentence, with the
article's countries as context; offsets are into the article text.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from pipelines.gazetteer import article_countries, find_actors, find_places
from pipelines.nlp.names import default_tagger
from pipelines.records import ActorMention, AnalyzedSentence, CleanArticle, Place


def _shift_places(places: Sequence[Place], by: int) -> list[Place]:
    return [Place(p.text, p.start + by, p.end + by, p.name, p.country, p.admin1, p.lat, p.lon,
                  p.geonameid, p.precision) for p in places]


def _shift_actors(actors: Sequence[ActorMention], by: int) -> list[ActorMention]:
    return [ActorMention(a.text, a.start + by, a.end + by, a.code, a.country, a.name, a.sector) for a in actors]


@dataclass
class ArticleMentions:
    clean: CleanArticle
    sentences: Sequence[AnalyzedSentence]
    extra_countries: tuple[str, ...] = ()
    _context: tuple[str, ...] | None = None
    _cache: dict[int, tuple[list[ActorMention], list[Place]]] = field(default_factory=dict)
    _persons: dict[int, list[ActorMention]] = field(default_factory=dict)
    _main: tuple[Place | None] | None = None  # main_place, once found (a 1-tuple: None is an answer)

    @property
    def context(self) -> tuple[str, ...]:
        """The article's countries, most mentioned first (computed when first needed)."""
        if self._context is None:
            text = self.clean.article.text
            body = " ".join(text[r.start:r.end] for r in self.clean.regions)
            self._context = tuple(article_countries(body, list(self.extra_countries)))
        return self._context

    def of(self, position: int) -> tuple[list[ActorMention], list[Place]]:
        """Actors and places of the sentence at `position` in `sentences`."""
        if position not in self._cache:
            sent = self.sentences[position].sentence
            published = self.clean.article.published
            self._cache[position] = (
                _shift_actors(find_actors(sent.text, published, context_countries=self.context), sent.start),
                _shift_places(find_places(sent.text, self.context), sent.start))
        return self._cache[position]

    def persons(self, position: int) -> list[ActorMention]:
        """Person names of the sentence at `position` that no actor or place mention covers (the
        name tagger, `pipelines/nlp/names.py`): uncoded actors, for the role ranker to weigh."""
        if position not in self._persons:
            tagger = default_tagger()
            sent = self.sentences[position].sentence
            actors, places = self.of(position)
            taken = [(m.start, m.end) for m in (*actors, *places)]
            self._persons[position] = [
                ActorMention(sent.text[a:b], sent.start + a, sent.start + b, None, None, sent.text[a:b], "person")
                for a, b in (tagger.spans(sent.text) if tagger else [])
                if not any(x < sent.start + b and sent.start + a < y for x, y in taken)]
        return self._persons[position]

    def main_place(self) -> Place | None:
        """The first place the article names in its main country (the country most mentioned), a
        country-level mention if there is one: where an article's acts happen when a sentence says
        nothing of it."""
        if self._main is None:
            self._main = (self._find_main_place(),)
        return self._main[0]

    def _find_main_place(self) -> Place | None:
        if not self.context:
            return None
        first = None
        for position in range(len(self.sentences)):
            for p in self.of(position)[1]:
                if p.country == self.context[0]:
                    if p.precision == "country":
                        return p
                    first = first or p
        return first

