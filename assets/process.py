"""Group `process`: `clean_articles` -> {`analyses`, `article_dates`} -> `events`, by day.

Each asset runs one stage function of `pipelines.process` (the ones `process_articles` chains; a
test checks the assets give the same events), isolated per article: an article that fails a stage
stays in the day's list as a `Quarantined` (stage, reason, origin, line), the later stages pass it
on, and the warehouse load puts it in the `quarantine` table while the rest of the day loads.
`analyses` and `article_dates` only need the clean articles, so the multiprocess executor runs them
side by side.
"""

from collections import Counter
from typing import Any, Mapping

import dagster as dg
from dagster import AssetExecutionContext

from assets.common import DAILY, flat, md, options, output, quarantine_meta, report_checks, snippet, specs
from assets.resources import Caches, Warehouse
from pipelines.isolation import split_quarantined
from pipelines.nlp import get_analyzer
from pipelines.nlp.cache import nlp_cache_path
from pipelines.process import Outcome, analyze_each, clean_each, dates_each, extract_each
from pipelines.records import AnalyzedSentence, Article, Quarantined, TemporalExpression
from pipelines.warehouse.checks import event_checks


def clean_articles(context: AssetExecutionContext, raw_articles: dict[str, list[Article]]):
    cleaned = {k: clean_each(arts) for k, arts in raw_articles.items()}
    done, failed = split_quarantined(flat(cleaned))
    body = sum(r.end - r.start for c in done for r in c.regions)
    return output(context, cleaned, {
        "dagster/row_count": len(done),
        "body_chars": body,
        "removed_chars": sum(len(c.article.text) for c in done) - body,
        "removed_blocks": sum(len(c.removed) for c in done),
        **quarantine_meta(failed),
        "preview": md([{"article_id": c.article_id, "regions": len(c.regions),
                        "body_chars": sum(r.end - r.start for r in c.regions),
                        "removed": ", ".join(sorted({why for _, why in c.removed}))[:60]} for c in done]),
    })


def analyses(context: AssetExecutionContext, clean_articles: dict[str, list], duckdb_warehouse: Warehouse,
             caches: Caches):
    # Analyses are cached by sentence hash beside the warehouse ($MARSAD_NLP_CACHE overrides),
    # so re-materialising unchanged articles does no NLP work.
    analyzer = get_analyzer(cache=nlp_cache_path(duckdb_warehouse.file))
    analysed = analyze_each(analyzer, flat(clean_articles))
    out: dict[str, list[list[AnalyzedSentence] | Quarantined]] = {}
    i = 0
    for k, cleans in clean_articles.items():
        out[k] = analysed[i:i + len(cleans)]
        i += len(cleans)
    docs, failed = split_quarantined(analysed)
    sentences = [s for doc in docs for s in doc]
    return output(context, out, {
        "dagster/row_count": len(sentences),
        "analyzer": getattr(analyzer, "name", type(analyzer).__name__),
        "articles": len(docs),
        **quarantine_meta(failed),
        "tokens": sum(len(s.tokens) for s in sentences),
        "preview": md([{"article_id": s.sentence.article_id, "sentence": s.sentence.index,
                        "tokens": len(s.tokens), "text": snippet(s.sentence.text)} for s in sentences]),
        **_cache_stats(analyzer), **caches.metadata(),
    })


def _cache_stats(analyzer: Any) -> dict[str, Any]:
    """Hit/miss counts of the analysis cache (`pipelines.nlp.cache.CachedAnalyzer`), if any."""
    stats = getattr(analyzer, "stats", None)
    return stats.as_metadata() if hasattr(stats, "as_metadata") else {}


def article_dates(context: AssetExecutionContext, clean_articles: dict[str, list]):
    out = {k: [dates_each(c) for c in cleans] for k, cleans in clean_articles.items()}
    docs, failed = split_quarantined(flat(out))
    found: list[TemporalExpression] = [d for doc in docs for d in doc]
    return output(context, out, {
        "dagster/row_count": len(found),
        **quarantine_meta(failed),
        "resolved": sum(d.value is not None for d in found),
        "by_precision": dg.MetadataValue.json(dict(Counter(str(d.precision) for d in found))),
        "preview": md([{"text": d.text, "value": d.value, "precision": d.precision, "source": d.source}
                       for d in found]),
    })


def events(
    context: AssetExecutionContext,
    clean_articles: dict[str, list],  # per article: its value, or its Quarantined (Dagster types no unions)
    analyses: dict[str, list],
    article_dates: dict[str, list],
    caches: Caches,
):
    # each article within its time budget; one that fails (here or before) is passed on quarantined
    out: dict[str, list[Outcome]] = {
        k: [extract_each(c, sents, dates) for c, sents, dates in zip(cleans, analyses[k], article_dates[k], strict=True)]
        for k, cleans in clean_articles.items()}
    results, failed = split_quarantined(flat(out))
    evs = [(r, e) for r in results for e in r.events]
    yield output(context, out, {
        "dagster/row_count": len(evs),
        **quarantine_meta(failed), **caches.metadata(),
        "by_type": dg.MetadataValue.json(dict(Counter(e.event_type for _, e in evs).most_common())),
        "by_modality": dg.MetadataValue.json(dict(Counter(e.modality for _, e in evs))),
        "preview": md([{"article_id": r.article.article_id, "type": e.event_type, "modality": e.modality,
                        "trigger": e.trigger.text, "actor": e.actor.text if e.actor else "",
                        "location": e.location.name if e.location else "",
                        "quantities": ", ".join(f"{q.value} {q.role or ''}" for q in e.quantities),
                        "date": e.date.value if e.date else ""} for r, e in evs]),
    })
    # the checks the warehouse load runs again before loading: a day that fails one blockingly
    # never reaches the `warehouse` step
    yield from report_checks(context, {k: event_checks(split_quarantined(v)[0]) for k, v in out.items()})


def build(versions: Mapping[str, str]) -> list[dg.AssetsDefinition]:
    """The group's assets with the given code versions (`assets.versions.code_versions()`)."""
    def asset(fn, description: str, **extra: Any) -> dg.AssetsDefinition:
        return dg.asset(**options("process", versions, fn.__name__), **DAILY, description=description, **extra)(fn)

    return [
        asset(clean_articles, "Articles with site furniture (read-also blocks, related links, newsletter boxes) "
                              "removed; body regions keep offsets into the original text."),
        asset(analyses, "Sentences and tokens (lemma, POS, dependencies, NER when the analyzer provides "
                        "them) with offsets into the original text.",
              # On Kubernetes (MARSAD_EXECUTOR=k8s) this step gets its own, larger pod; elsewhere unused.
              op_tags={"dagster-k8s/config": {"container_config": {"resources": {
                  "requests": {"cpu": "2", "memory": "4Gi"}, "limits": {"memory": "8Gi"}}}}}),
        asset(article_dates, "Temporal expressions (Gregorian and Hijri, relative to publication) resolved to "
                             "day/week/month/year values."),
        asset(events, "PLOVER events with modality, actors, target, location, quantities and date.",
              check_specs=specs("events")),
    ]
