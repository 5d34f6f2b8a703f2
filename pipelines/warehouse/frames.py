"""ArticleResults -> column-oriented tables (polars) matching the warehouse schema.

Rows are gathered in Python once and handed to DuckDB as Arrow in bulk (no row-by-row INSERTs).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Sequence

import polars as pl

from pipelines.records import ActorMention, Event, Place, Quarantined

ROLES = ("killed", "injured", "detained", "abducted", "displaced", "deployed", "participants", "launched")


def short_hash(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]


def date_window(value: str | None, precision: str | None) -> tuple[date | None, date | None]:
    """First and last day a normalised date value covers (None, None) when it cannot be read."""
    if not value:
        return None, None
    try:
        if precision == "day" or (precision is None and len(value) == 10):
            d = date.fromisoformat(value[:10])
            return d, d
        if precision == "week" or "-W" in value:
            year, week = value.split("-W")
            start = date.fromisocalendar(int(year), int(week[:2]), 1)
            return start, start + timedelta(days=6)
        if precision == "month" or len(value) == 7:
            y, m = int(value[:4]), int(value[5:7])
            start = date(y, m, 1)
            nxt = date(y + (m == 12), m % 12 + 1, 1)
            return start, nxt - timedelta(days=1)
        if precision == "year" or len(value) == 4:
            y = int(value[:4])
            return date(y, 1, 1), date(y, 12, 31)
    except (ValueError, IndexError):
        pass
    return None, None


def location_key(place: Place | None) -> str | None:
    if place is None:
        return None
    if place.geonameid is not None:
        return f"gn:{place.geonameid}"
    if place.name or place.country:
        return f"name:{place.name}|{place.country or ''}"
    return None


def _actor_struct(a: ActorMention) -> dict:
    return {"text": a.text, "start": a.start, "end": a.end, "code": a.code, "country": a.country,
            "name": a.name or None, "sector": a.sector}


_ACTOR_STRUCT = pl.List(pl.Struct({"text": pl.Utf8, "start": pl.Int32, "end": pl.Int32, "code": pl.Utf8,
                                   "country": pl.Utf8, "name": pl.Utf8, "sector": pl.Utf8}))

ARTICLE_SCHEMA = {
    "article_id": pl.Utf8, "source": pl.Utf8, "url": pl.Utf8, "title": pl.Utf8, "published": pl.Date,
    "partition_day": pl.Date, "origin": pl.Utf8, "fmt": pl.Utf8, "abstract": pl.Utf8, "text": pl.Utf8,
    "content_hash": pl.Utf8, "n_sentences": pl.Int32, "n_mentions": pl.Int32,
}
SENTENCE_SCHEMA = {"article_id": pl.Utf8, "sentence_index": pl.Int32, "start": pl.Int32, "end": pl.Int32,
                   "text": pl.Utf8}
MENTION_SCHEMA = {
    "mention_id": pl.Utf8, "article_id": pl.Utf8, "sentence_index": pl.Int32, "event_type": pl.Utf8,
    "mode": pl.Utf8, "modality": pl.Utf8, "confidence": pl.Float64,
    "trigger_text": pl.Utf8, "trigger_start": pl.Int32, "trigger_end": pl.Int32,
    "actor_text": pl.Utf8, "actor_start": pl.Int32, "actor_end": pl.Int32, "actor_code": pl.Utf8,
    "actor_name": pl.Utf8, "actor_country": pl.Utf8, "actor_sector": pl.Utf8, "actors": _ACTOR_STRUCT,
    "target_text": pl.Utf8, "target_start": pl.Int32, "target_end": pl.Int32, "target_code": pl.Utf8,
    "target_name": pl.Utf8, "target_country": pl.Utf8, "target_sector": pl.Utf8,
    "location_text": pl.Utf8, "location_start": pl.Int32, "location_end": pl.Int32, "location_key": pl.Utf8,
    "location_name": pl.Utf8, "country": pl.Utf8, "admin1": pl.Utf8, "lat": pl.Float64, "lon": pl.Float64,
    "geonameid": pl.Int64, "geo_precision": pl.Utf8,
    "date_text": pl.Utf8, "date_start_offset": pl.Int32, "date_end_offset": pl.Int32, "date_value": pl.Utf8,
    "date_precision": pl.Utf8, "date_source": pl.Utf8, "date_from": pl.Date, "date_to": pl.Date,
    "event_id": pl.Utf8, "act_id": pl.Utf8,
}
QUANTITY_SCHEMA = {
    "mention_id": pl.Utf8, "quantity_index": pl.Int32, "article_id": pl.Utf8, "text": pl.Utf8,
    "start": pl.Int32, "end": pl.Int32, "value": pl.Int64, "value_max": pl.Int64, "role": pl.Utf8,
    "noun": pl.Utf8,
}
QUARANTINE_SCHEMA = {"quarantine_id": pl.Utf8, "origin": pl.Utf8, "line": pl.Int32, "reason": pl.Utf8,
                     "first_bytes": pl.Binary}


def to_frame(rows: list[dict], schema: dict) -> pl.DataFrame:
    """Rows (dicts with every schema key) -> DataFrame with exactly the warehouse column types."""
    return pl.DataFrame(rows, schema=schema)


@dataclass
class Frames:
    articles: pl.DataFrame
    sentences: pl.DataFrame
    mentions: pl.DataFrame
    quantities: pl.DataFrame
    quarantine: pl.DataFrame


def mention_row(ev: Event, mention_id: str) -> dict:
    a, t, loc, d = ev.actor, ev.target, ev.location, ev.date
    actors = list(ev.actors)
    if a is not None and a not in actors:
        actors.insert(0, a)
    dfrom, dto = date_window(d.value, d.precision) if d else (None, None)
    return {
        "mention_id": mention_id, "article_id": ev.doc_id, "sentence_index": ev.sentence_index,
        "event_type": ev.event_type.upper(), "mode": ev.mode, "modality": ev.modality,
        "confidence": float(ev.confidence),
        "trigger_text": ev.trigger.text, "trigger_start": ev.trigger.start, "trigger_end": ev.trigger.end,
        "actor_text": a.text if a else None, "actor_start": a.start if a else None,
        "actor_end": a.end if a else None, "actor_code": a.code if a else None,
        "actor_name": (a.name or None) if a else None, "actor_country": a.country if a else None,
        "actor_sector": a.sector if a else None, "actors": [_actor_struct(x) for x in actors],
        "target_text": t.text if t else None, "target_start": t.start if t else None,
        "target_end": t.end if t else None, "target_code": t.code if t else None,
        "target_name": (t.name or None) if t else None, "target_country": t.country if t else None,
        "target_sector": t.sector if t else None,
        "location_text": loc.text if loc else None, "location_start": loc.start if loc else None,
        "location_end": loc.end if loc else None, "location_key": location_key(loc),
        "location_name": loc.name if loc else None, "country": loc.country if loc else None,
        "admin1": loc.admin1 if loc else None, "lat": loc.lat if loc else None,
        "lon": loc.lon if loc else None, "geonameid": loc.geonameid if loc else None,
        "geo_precision": loc.precision if loc else None,
        "date_text": d.text if d else None, "date_start_offset": d.start if d else None,
        "date_end_offset": d.end if d else None, "date_value": d.value if d else None,
        "date_precision": d.precision if d else None, "date_source": d.source if d else None,
        "date_from": dfrom, "date_to": dto, "event_id": None, "act_id": ev.event_id,
    }


def build_frames(results: Sequence, quarantined: Iterable[Quarantined], partition_day_of) -> Frames:
    """Tables for one load. `partition_day_of(article)` gives the article's partition day."""
    articles, sentences, mentions, quantities = [], [], [], []
    seen: set[str] = set()
    for res in results:
        art = res.clean.article
        if art.article_id in seen:  # identical article twice in one batch: stored once
            continue
        seen.add(art.article_id)
        used: dict[str, int] = {}
        n_mentions = 0
        for ev in res.events:
            if ev.doc_id != art.article_id:
                raise ValueError(f"event doc_id {ev.doc_id!r} does not match article {art.article_id!r}")
            base = short_hash(art.article_id, ev.sentence_index, ev.event_type.upper(),
                              ev.trigger.start, ev.trigger.end)
            k = used.get(base, 0)
            used[base] = k + 1
            mid = f"m-{base}" if k == 0 else f"m-{base}-{k}"
            mentions.append(mention_row(ev, mid))
            n_mentions += 1
            for qi, q in enumerate(ev.quantities):
                quantities.append({
                    "mention_id": mid, "quantity_index": qi, "article_id": art.article_id, "text": q.text,
                    "start": q.start, "end": q.end, "value": int(q.value),
                    "value_max": int(q.value_max) if q.value_max is not None else None,
                    "role": q.role, "noun": q.noun or None,
                })
        for s in res.sentences:
            sent = s.sentence
            sentences.append({"article_id": art.article_id, "sentence_index": sent.index,
                              "start": sent.start, "end": sent.end, "text": sent.text})
        articles.append({
            "article_id": art.article_id, "source": art.source or None, "url": art.url or None,
            "title": art.title or None, "published": art.published, "partition_day": partition_day_of(art),
            "origin": art.origin or None, "fmt": art.fmt or None, "abstract": art.abstract or None,
            "text": art.text, "content_hash": hashlib.sha1(art.text.encode("utf-8")).hexdigest(),
            "n_sentences": len(res.sentences), "n_mentions": n_mentions,
        })
    quar = []
    for q in quarantined:
        fb = bytes(q.first_bytes or b"")
        quar.append({"quarantine_id": "q-" + short_hash(q.origin, q.line, q.reason, fb.hex()),
                     "origin": q.origin, "line": q.line, "reason": q.reason, "first_bytes": fb})
    return Frames(
        to_frame(articles, ARTICLE_SCHEMA),
        to_frame(sentences, SENTENCE_SCHEMA).unique(["article_id", "sentence_index"], keep="first",
                                                               maintain_order=True),
        to_frame(mentions, MENTION_SCHEMA),
        to_frame(quantities, QUANTITY_SCHEMA),
        to_frame(quar, QUARANTINE_SCHEMA).unique(["quarantine_id"], keep="first", maintain_order=True),
    )
