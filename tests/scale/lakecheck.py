"""What a consistent warehouse looks like, for the lake tests: whole days only, no orphan rows."""
from __future__ import annotations

import duckdb

DAY_COUNTS = ("SELECT a.partition_day::VARCHAR, count(DISTINCT a.article_id), count(m.mention_id)"
              " FROM articles a LEFT JOIN event_mentions m USING (article_id) GROUP BY 1")
ORPHANS = ("SELECT (SELECT count(*) FROM event_mentions WHERE event_id IS NOT NULL"
           "         AND event_id NOT IN (SELECT event_id FROM events))"
           " + (SELECT count(*) FROM (SELECT unnest(mention_ids) AS id FROM events)"
           "    WHERE id NOT IN (SELECT mention_id FROM event_mentions))")
KEYS = {"events": "event_id", "event_mentions": "mention_id", "articles": "article_id",
        "event_quantities": "mention_id, quantity_index"}


def day_counts(rows) -> dict[str, tuple[int, int]]:
    return {day: (articles, mentions) for day, articles, mentions in rows}


def problems(days: dict[str, tuple[int, int]], orphans: int, reference: dict[str, tuple[int, int]]) -> list[str]:
    """Why a state is not a union of whole committed days (empty: it is)."""
    out = [f"{day}: {got} (articles, mentions), whole day is {reference.get(day)}"
           for day, got in days.items() if reference.get(day) != got]
    if orphans:
        out.append(f"{orphans} orphan event/mention references")
    return out


def table(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple]:
    return con.execute(f"SELECT * FROM {name} ORDER BY {KEYS[name]}").fetchall()
