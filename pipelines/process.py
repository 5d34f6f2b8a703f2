"""The domain pipeline as plain functions: Article -> CleanArticle -> analysis -> dates -> events.

The CLI, the Dagster assets and the benchmark all call these, so there is one way to process an
article. Nothing here imports Dagster.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice
from typing import Iterable, Iterator, Sequence

from pipelines.clean import clean_article
from pipelines.extract import extract_events
from pipelines.nlp import Analyzer, get_analyzer
from pipelines.records import AnalyzedSentence, Article, CleanArticle, Event, TemporalExpression
from pipelines.temporal import find_dates


@dataclass
class ArticleResult:
    """Everything extracted from one article."""

    clean: CleanArticle
    sentences: list[AnalyzedSentence]
    dates: list[TemporalExpression]
    events: list[Event] = field(default_factory=list)

    @property
    def article(self) -> Article:
        return self.clean.article


def article_dates(clean: CleanArticle) -> list[TemporalExpression]:
    """Temporal expressions in the article's body regions (offsets into the original text)."""
    text = clean.article.text
    out: list[TemporalExpression] = []
    for r in clean.regions:
        for d in find_dates(text[r.start:r.end], clean.article.published):
            out.append(_shift(d, r.start))
    return out


def _shift(d: TemporalExpression, by: int) -> TemporalExpression:
    if by == 0:
        return d
    return TemporalExpression(d.text, d.start + by, d.end + by, d.value, d.precision, d.source, d.rule)


CHUNK = 64  # articles analysed then extracted together


def chunks(items: Iterable, size: int = CHUNK) -> Iterator[list]:
    """Consecutive lists of at most `size` items."""
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def process_articles(articles: Iterable[Article], analyzer: Analyzer | None = None,
                     chunk: int = CHUNK, assess: bool = True, judge: bool = True,
                     rank: bool = True, detect=True) -> list[ArticleResult]:
    """Run every stage on a batch of articles, `chunk` articles at a time.

    The analyzer sees a whole chunk at once (stanza batches its sentences), and extraction runs
    right after on the same chunk, so the per-sentence caches (normalisation, gazetteer scans) still
    hold the chunk's sentences: analysis and extraction share that work instead of redoing it.
    `assess=False` gives the rules' events without the learned assessor, `judge=False` without the
    article-level judge, `rank=False` without the role ranker, `detect=False` without the sentence
    detector (or a `Detector` to use instead of the shipped one): for their training recipes.
    """
    analyzer = analyzer or get_analyzer()
    results = []
    for batch in chunks(articles, chunk):
        cleans: Sequence[CleanArticle] = [clean_article(a) for a in batch]
        analyses = analyzer.analyze_many(cleans)
        for clean, sentences in zip(cleans, analyses):
            dates = article_dates(clean)
            events = extract_events(clean, sentences, dates, assess=assess, judge=judge, rank=rank, detect=detect)
            results.append(ArticleResult(clean, list(sentences), dates, events))
    return results
