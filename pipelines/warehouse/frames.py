"""ArticleResults -> column-oriented tables (polars) matching the warehouse schema.

Rows are gathered in Python once and handed to DuckDB as Arrow in bulk (no row-by-row INSERTs).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterable, Sequence

import polars as pl

from pipelines.isolation import isolated
from pipelines.records import ActorMention, Article, Event, Place, Quarantined

ROLES = ("killed", "injured", "detained", "abducted", "displaced", "deployed", "participants", "launched")


def short_hash(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]


def content_hash(text: str) -> str:
    """`articles.content_hash`: what the landing sensor compares to tell a file's content is loaded."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


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
                     "first_bytes": pl.Binary, "stage": pl.Utf8, "article_id": pl.Utf8}


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
    sources: dict[str, Article] = field(default_factory=dict)  # article id -> the article the rows are of

    def without(self, reasons: dict[str, str], stage: str) -> "Frames":
        """These tables without the given articles' rows, each quarantined at `stage` with its reason."""
        if not reasons:
            return self
        keep = ~pl.col("article_id").is_in(list(reasons))
        added = quarantine_frame(Quarantined.of_article(self.sources[a], stage, why) for a, why in reasons.items())
        return Frames(self.articles.filter(keep), self.sentences.filter(keep), self.mentions.filter(keep),
                      self.quantities.filter(keep),
                      pl.concat([self.quarantine, added]).unique(["quarantine_id"], keep="first", maintain_order=True),
                      {a: art for a, art in self.sources.items() if a not in reasons})


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


@dataclass
class ArticleRows:
    """The rows one article adds to the warehouse: all of them are loaded, or none."""

    article: Article
    row: dict
    sentences: list[dict]
    mentions: list[dict]
    quantities: list[dict]

    def tables(self) -> tuple[tuple[str, list[dict], dict], ...]:
        """(table, rows, schema) for each table the article writes."""
        return (("articles", [self.row], ARTICLE_SCHEMA), ("sentences", self.sentences, SENTENCE_SCHEMA),
                ("event_mentions", self.mentions, MENTION_SCHEMA),
                ("event_quantities", self.quantities, QUANTITY_SCHEMA))


def article_rows(res, partition_day_of) -> ArticleRows:
    """One processed article's rows. Raises when they contradict themselves (an event of another
    article); values that do not fit the warehouse's types are found by `unstorable`."""
    art = res.clean.article
    mentions, quantities = [], []
    used: dict[str, int] = {}
    for ev in res.events:
        if ev.doc_id != art.article_id:
            raise ValueError(f"event doc_id {ev.doc_id!r} does not match article {art.article_id!r}")
        base = short_hash(art.article_id, ev.sentence_index, ev.event_type.upper(),
                          ev.trigger.start, ev.trigger.end)
        k = used.get(base, 0)
        used[base] = k + 1
        mid = f"m-{base}" if k == 0 else f"m-{base}-{k}"
        mentions.append(mention_row(ev, mid))
        for qi, q in enumerate(ev.quantities):
            quantities.append({
                "mention_id": mid, "quantity_index": qi, "article_id": art.article_id, "text": q.text,
                "start": q.start, "end": q.end, "value": int(q.value),
                "value_max": int(q.value_max) if q.value_max is not None else None,
                "role": q.role, "noun": q.noun or None,
            })
    sentences = [{"article_id": art.article_id, "sentence_index": s.sentence.index, "start": s.sentence.start,
                  "end": s.sentence.end, "text": s.sentence.text} for s in res.sentences]
    row = {
        "article_id": art.article_id, "source": art.source or None, "url": art.url or None,
        "title": art.title or None, "published": art.published, "partition_day": partition_day_of(art),
        "origin": art.origin or None, "fmt": art.fmt or None, "abstract": art.abstract or None,
        "text": art.text, "content_hash": content_hash(art.text),
        "n_sentences": len(res.sentences), "n_mentions": len(mentions),
    }
    return ArticleRows(art, row, sentences, mentions, quantities)


def unstorable(rows: ArticleRows) -> str | None:
    """Why one article's rows cannot be stored (the first value a warehouse column cannot hold:
    a count past 64 bits, an offset past 32, an unencodable string), or None."""
    for table, table_rows, schema in rows.tables():
        for column, dtype in schema.items():
            values = [r[column] for r in table_rows]
            try:
                pl.Series(column, values, dtype=dtype, strict=True)
                continue
            except Exception:  # noqa: BLE001 - polars raises several kinds; the bad value is found below
                pass
            for v in values:
                try:
                    pl.Series(column, [v], dtype=dtype, strict=True)
                except Exception:  # noqa: BLE001
                    return f"{table}.{column}: cannot store {_shown(v)} as {dtype}"
            return f"{table}.{column}: cannot store its values as {dtype}"
    return None


def _shown(v: object, n: int = 60) -> str:
    text = storable_text(repr(v))
    return text if len(text) <= n else text[:n - 1] + "…"


def storable_text(s: str) -> str:
    """`s` as text the warehouse can store (lone surrogates, e.g. from undecodable file names, escaped)."""
    return s.encode("utf-8", "backslashreplace").decode("utf-8")


def _table_frames(built: Sequence[ArticleRows]) -> tuple[pl.DataFrame, ...]:
    return (
        to_frame([r.row for r in built], ARTICLE_SCHEMA),
        to_frame([x for r in built for x in r.sentences], SENTENCE_SCHEMA).unique(
            ["article_id", "sentence_index"], keep="first", maintain_order=True),
        to_frame([x for r in built for x in r.mentions], MENTION_SCHEMA),
        to_frame([x for r in built for x in r.quantities], QUANTITY_SCHEMA),
    )


def quarantine_frame(quarantined: Iterable[Quarantined]) -> pl.DataFrame:
    """The `quarantine` rows (one per distinct entry: re-loads add nothing)."""
    quar = []
    for q in quarantined:
        fb = bytes(q.first_bytes or b"")
        origin, reason = storable_text(q.origin), storable_text(q.reason)
        article_id = storable_text(q.article_id) if q.article_id is not None else None
        # entries of the landing reader keep the id they always had; an article's failure adds its id
        key = (origin, q.line, reason, fb.hex()) + ((q.stage, article_id) if q.stage != "ingest" else ())
        quar.append({"quarantine_id": "q-" + short_hash(*key), "origin": origin, "line": q.line,
                     "reason": reason, "first_bytes": fb, "stage": q.stage, "article_id": article_id})
    return to_frame(quar, QUARANTINE_SCHEMA).unique(["quarantine_id"], keep="first", maintain_order=True)


def build_frames(results: Sequence, quarantined: Iterable[Quarantined], partition_day_of) -> Frames:
    """Tables for one load. `partition_day_of(article)` gives the article's partition day.

    Stage "frame": an article whose rows cannot be built or stored is quarantined with the reason
    (`unstorable`) and the others load; an article is either fully in the tables or not at all.
    `results` may hold `Quarantined` outcomes (`pipelines.process`): they join `quarantined`.
    """
    quarantined = list(quarantined)
    built: list[ArticleRows] = []
    seen: set[str] = set()
    for res in results:
        if isinstance(res, Quarantined):
            quarantined.append(res)
            continue
        art = res.clean.article
        if art.article_id in seen:  # identical article twice in one batch: stored once
            continue
        seen.add(art.article_id)
        rows = isolated("frame", art, article_rows, res, partition_day_of)
        (quarantined if isinstance(rows, Quarantined) else built).append(rows)
    try:
        tables = _table_frames(built)
    except Exception:  # noqa: BLE001 - some article's values do not fit: find it, load the others
        good = []
        for rows in built:
            problem = unstorable(rows)
            if problem is None:
                good.append(rows)
            else:
                quarantined.append(Quarantined.of_article(rows.article, "frame", problem))
        tables = _table_frames(good)
        built = good
    return Frames(*tables, quarantine_frame(quarantined), {r.article.article_id: r.article for r in built})
