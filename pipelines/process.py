"""The domain pipeline as plain functions: Article -> CleanArticle -> analysis -> dates -> events.

The CLI, the Dagster assets and the benchmark all call these, so there is one way to process an
article. Nothing here imports Dagster.

Each stage runs per article in isolation (`pipelines.isolation`): an article whose cleaning,
analysis, dates or extraction raises, or whose extraction passes its time budget, becomes a
`Quarantined` record with the stage and the reason, and the rest of the batch goes on.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Iterable, Iterator, Sequence, Union

from pipelines.caching import RunCaches
from pipelines.clean import clean_article
from pipelines.extract import budget, extract_events
from pipelines.isolation import isolated, split_quarantined
from pipelines.nlp import Analyzer, get_analyzer
from pipelines.records import AnalyzedSentence, Article, CleanArticle, Event, Quarantined, TemporalExpression
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

Outcome = Union[ArticleResult, Quarantined]  # what processing makes of one article


def clean_each(articles: Iterable[Article]) -> list[CleanArticle | Quarantined]:
    """Stage "clean" of each article, isolated."""
    return [isolated("clean", a, clean_article, a) for a in articles]


def analyze_each(analyzer: Analyzer, cleans: Sequence[CleanArticle | Quarantined]
                 ) -> list[list[AnalyzedSentence] | Quarantined]:
    """Stage "nlp": the clean articles analysed in one batch (a failed one stays a `Quarantined`).
    When the batch fails, each article is analysed alone so that only the one that fails is lost."""
    ok = [c for c in cleans if isinstance(c, CleanArticle)]
    try:
        done: list[list[AnalyzedSentence] | Quarantined] = [list(s) for s in analyzer.analyze_many(ok)] if ok else []
    except Exception:  # noqa: BLE001 - found again, article by article, below
        done = [isolated("nlp", c.article, lambda c=c: list(analyzer.analyze_many([c])[0])) for c in ok]
    it = iter(done)
    return [c if isinstance(c, Quarantined) else next(it) for c in cleans]


def dates_each(clean: CleanArticle | Quarantined) -> list[TemporalExpression] | Quarantined:
    """Stage "dates" of one article, isolated (a quarantined article stays quarantined)."""
    return clean if isinstance(clean, Quarantined) else isolated("dates", clean.article, article_dates, clean)


def extract_each(clean: CleanArticle | Quarantined, sentences: list[AnalyzedSentence] | Quarantined,
                 dates: list[TemporalExpression] | Quarantined, seconds: float | None = None,
                 **options: Any) -> Outcome:
    """Stage "extract" of one article within its time budget (`seconds`, default
    `$MARSAD_ARTICLE_TIME_BUDGET_SECONDS`): its `ArticleResult`, or the `Quarantined` of the first
    stage it failed. `options` go to `extract_events`."""
    for earlier in (clean, sentences, dates):
        if isinstance(earlier, Quarantined):
            return earlier
    limit = budget.budget_seconds() if seconds is None else seconds

    def run() -> ArticleResult:
        with budget.time_budget(limit):
            return ArticleResult(clean, list(sentences), list(dates),
                                 extract_events(clean, sentences, dates, **options))

    return isolated("extract", clean.article, run)


def chunks(items: Iterable, size: int = CHUNK) -> Iterator[list]:
    """Consecutive lists of at most `size` items."""
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def process_articles(articles: Iterable[Article], analyzer: Analyzer | None = None,
                     chunk: int = CHUNK, assess: bool = True, judge: bool = True,
                     rank: bool = True, detect=True, seconds: float | None = None) -> list[Outcome]:
    """Run every stage on a batch of articles, `chunk` articles at a time: one outcome per article,
    in order, its `ArticleResult` or, when a stage failed for it, its `Quarantined` (stage, reason,
    origin, line); the other articles go on (see `split_quarantined`).

    The analyzer sees a whole chunk at once (stanza batches its sentences), and extraction runs
    right after on the same chunk: the per-sentence memos (normalisation, gazetteer scans) hold the
    chunk's sentences, whatever its size, so analysis and extraction share that work, and are
    emptied after it (`pipelines.caching.RunCaches`: the run in progress, or one opened and closed
    here; its `stats()` count each memo's hits and misses).
    Each article's extraction has a time budget (`seconds`, default
    `$MARSAD_ARTICLE_TIME_BUDGET_SECONDS`; past it the article is quarantined as too slow).
    `assess=False` gives the rules' events without the learned assessor, `judge=False` without the
    article-level judge, `rank=False` without the role ranker, `detect=False` without the sentence
    detector (or a `Detector` to use instead of the shipped one): for their training recipes.
    """
    analyzer = analyzer or get_analyzer()
    out: list[Outcome] = []
    with RunCaches.current() as caches:
        for batch in chunks(articles, chunk):
            cleans = clean_each(batch)
            analyses = analyze_each(analyzer, cleans)
            for clean, sentences in zip(cleans, analyses):
                out.append(extract_each(clean, sentences, dates_each(clean), seconds,
                                        assess=assess, judge=judge, rank=rank, detect=detect))
            caches.chunk_done()
    return out
