"""What the asset checks verify, as plain functions over records and the warehouse.

Each returns a list of problems (small dicts, shown in the check's metadata); an empty list means
the check passes. The Dagster side (severity, blocking) lives with the assets.
"""
from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Iterable, Sequence

import duckdb

from pipelines.extract.triggers import PLOVER_TYPES
from pipelines.process import ArticleResult
from pipelines.warehouse import apply_migrations
from pipelines.warehouse.frames import date_window

# Modalities that report something as having happened: its date cannot be after publication.
PAST_MODALITIES = frozenset({"asserted", "negated", "historical"})
# A report can be dated a day "ahead" of its publication timestamp across time zones.
DATE_SLACK = timedelta(days=1)

# Largest believable figure per role in one news report. Totals of long wars and refugee counts are
# large (Syria: ~500k killed, ~13M displaced), so the ceilings only catch misread numbers (phone
# numbers, years, concatenated digits), not big events.
QUANTITY_CEILINGS: dict[str | None, int] = {
    "killed": 2_000_000,
    "injured": 5_000_000,
    "detained": 2_000_000,
    "abducted": 1_000_000,
    "displaced": 30_000_000,
    "deployed": 5_000_000,
    "participants": 20_000_000,
    "launched": 1_000_000,
    None: 100_000_000,
}

MAX_PROBLEMS_SHOWN = 20

# The date and quantity checks judge single extractions, and on real news a few per thousand events
# are misread (a future date in a subordinate clause, "11 million displaced" read as killed). Those
# are listed as a warning; the check blocks (ERROR) when the failure is systematic — at least
# SYSTEMATIC_MIN events and more than SYSTEMATIC_SHARE of the day's events — which is what a broken
# resolver or number parser looks like. Type and offset checks block on any failure: they are
# invariants, not judgements.
SYSTEMATIC_MIN = 3
SYSTEMATIC_SHARE = 0.05


def is_systematic(n_problems: int, n_events: int) -> bool:
    return n_problems >= SYSTEMATIC_MIN and n_problems > SYSTEMATIC_SHARE * max(n_events, 1)


def _spans(event: Any) -> Iterable[tuple[str, Any]]:
    yield "trigger", event.trigger
    for name in ("actor", "target", "location"):
        value = getattr(event, name)
        if value is not None:
            yield name, value
    for i, a in enumerate(event.actors):
        yield f"actors[{i}]", a
    for i, q in enumerate(event.quantities):
        yield f"quantities[{i}]", q
    if event.date is not None and event.date.text:  # a date taken from the publication has no span
        yield "date", event.date


def event_type_problems(results: Sequence[ArticleResult]) -> list[dict]:
    """Every event has a PLOVER type in upper case."""
    return [
        {"article": r.article.article_id, "sentence": e.sentence_index, "event_type": e.event_type}
        for r in results for e in r.events
        if not e.event_type or e.event_type not in PLOVER_TYPES
    ]


def evidence_offset_problems(results: Sequence[ArticleResult]) -> list[dict]:
    """Every evidence span lies inside its article's original text and slices to its own text."""
    out = []
    for r in results:
        text = r.article.text
        for e in r.events:
            for field, span in _spans(e):
                ok = 0 <= span.start < span.end <= len(text) and text[span.start:span.end] == span.text
                if not ok:
                    out.append({
                        "article": r.article.article_id, "sentence": e.sentence_index, "field": field,
                        "start": span.start, "end": span.end, "span_text": span.text,
                        "text_there": text[max(span.start, 0):max(span.end, 0)][:80],
                    })
    return out


def future_date_problems(results: Sequence[ArticleResult]) -> list[dict]:
    """Events reported as having happened are not dated after the article's publication."""
    out = []
    for r in results:
        published: date | None = r.article.published
        if published is None:
            continue
        for e in r.events:
            if e.date is None or e.modality not in PAST_MODALITIES:
                continue
            first, _ = date_window(e.date.value, e.date.precision)
            if first is not None and first > published + DATE_SLACK:
                out.append({
                    "article": r.article.article_id, "sentence": e.sentence_index, "event_type": e.event_type,
                    "modality": e.modality, "date": e.date.value, "date_text": e.date.text,
                    "published": published.isoformat(),
                })
    return out


def quantity_problems(results: Sequence[ArticleResult]) -> list[dict]:
    """Counts are non-negative, ranges are ordered, and no figure exceeds its role's ceiling."""
    out = []
    for r in results:
        for e in r.events:
            for q in e.quantities:
                ceiling = QUANTITY_CEILINGS.get(q.role, QUANTITY_CEILINGS[None])
                why = None
                if q.value < 0:
                    why = "negative"
                elif q.value_max is not None and q.value_max < q.value:
                    why = "value_max < value"
                elif max(q.value, q.value_max or 0) > ceiling:
                    why = f"above {ceiling:,} for role {q.role}"
                if why:
                    out.append({
                        "article": r.article.article_id, "sentence": e.sentence_index, "text": q.text,
                        "value": q.value, "value_max": q.value_max, "role": q.role, "why": why,
                    })
    return out


# --------------------------------------------------------------------------- warehouse


def expected_schema() -> dict[str, dict[str, str]]:
    """{table: {column: type}} that `sql/` defines, read from a scratch in-memory database."""
    con = duckdb.connect(":memory:")
    try:
        apply_migrations(con)
        return _schema(con)
    finally:
        con.close()


def _schema(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    rows = con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
    ).fetchall()
    out: dict[str, dict[str, str]] = {}
    for table, column, dtype in rows:
        out.setdefault(table, {})[column] = dtype
    return out


def schema_problems(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Tables and views match what `sql/` declares (names, columns, types)."""
    want, have = expected_schema(), _schema(con)
    out = []
    for table, columns in want.items():
        if table not in have:
            out.append({"table": table, "problem": "missing"})
            continue
        for column, dtype in columns.items():
            got = have[table].get(column)
            if got != dtype:
                out.append({"table": table, "column": column, "expected": dtype, "found": got})
    return out


# (child table, child column, parent table, parent column); NULL children are allowed.
FOREIGN_KEYS: tuple[tuple[str, str, str, str], ...] = (
    ("sentences", "article_id", "articles", "article_id"),
    ("event_mentions", "article_id", "articles", "article_id"),
    ("event_mentions", "event_id", "events", "event_id"),
    ("event_mentions", "location_key", "locations", "location_key"),
    ("event_mentions", "actor_code", "actors", "actor_code"),
    ("event_quantities", "mention_id", "event_mentions", "mention_id"),
    ("event_quantities", "article_id", "articles", "article_id"),
    ("events", "anchor_mention", "event_mentions", "mention_id"),
)


def orphan_problems(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Rows whose reference points at nothing (the warehouse declares no FK constraints, so that a
    partition can be replaced in any order; this check is the constraint)."""
    out = []
    for child, ccol, parent, pcol in FOREIGN_KEYS:
        n, example = con.execute(
            f'SELECT count(*), any_value(c."{ccol}") FROM "{child}" c'
            f' WHERE c."{ccol}" IS NOT NULL AND NOT EXISTS'
            f' (SELECT 1 FROM "{parent}" p WHERE p."{pcol}" = c."{ccol}")'
        ).fetchone()
        if n:
            out.append({"reference": f"{child}.{ccol} -> {parent}.{pcol}", "orphans": n, "example": example})
    return out


# --------------------------------------------------------------------------- landing folder


def newest_file_age_hours(landing_dir: Path, now: float | None = None) -> float | None:
    """Hours since the most recent file in the landing folder was written (None when empty)."""
    now = time.time() if now is None else now
    newest = None
    for p in Path(landing_dir).rglob("*"):
        if p.is_file() and not p.name.startswith("."):
            m = p.stat().st_mtime
            newest = m if newest is None or m > newest else newest
    return None if newest is None else max(0.0, (now - newest) / 3600)


def md_table(rows: Sequence[dict], limit: int = MAX_PROBLEMS_SHOWN) -> str:
    """A markdown table of the first `limit` rows (check and preview metadata)."""
    if not rows:
        return "_none_"
    cols = list(dict.fromkeys(k for r in rows[:limit] for k in r))

    def cell(v: Any) -> str:
        return str(v).replace("|", "\\|").replace("\n", " ")[:120]

    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(cell(r.get(c, "")) for c in cols) + " |" for r in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"\n… and {len(rows) - limit} more")
    return "\n".join(lines)
