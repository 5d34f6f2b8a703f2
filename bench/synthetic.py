"""Warehouse query speed: N synthetic events in the real schema, then every trend view timed.

    python -m bench.synthetic [--events 1000000]

Rows are generated inside DuckDB (range() + hash-based choices), so building 1M events takes
seconds. Each view in sql/views/ is timed as `SELECT * FROM view` fully materialised (best of 3).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from pipelines.warehouse import apply_migrations, sql_dir

TYPES = ["ASSAULT", "PROTEST", "MOBILIZE", "COERCE", "RETREAT", "AGREE", "ACCUSE", "REJECT"]
COUNTRIES = ["SYR", "IRQ", "YEM", "PSE", "ISR", "LBN", "LBY", "EGY", "TUR", "IRN", "SDN", "JOR"]
ACTORS = ["SYR GOV MIL", "ISR MIL", "TUR MIL", "RUS MIL", "USA MIL", "SAU MIL", "ISIL", "HOUTHI",
          "HEZBOLLAH", "HAMAS", "SDF", "IRQ GOV MIL", "PSE CVL", "IRN MIL"]


def _pick(options: list[str], col: str) -> str:
    arr = "[" + ", ".join(f"'{o}'" for o in options) + "]"
    return f"{arr}[1 + (hash({col}) % {len(options)})::INTEGER]"


def build(con: duckdb.DuckDBPyConnection, n: int) -> None:
    """Fill articles, event_mentions and events with n synthetic events (one mention each)."""
    n_articles = max(1, n // 5)
    con.execute(f"""
        INSERT INTO articles (article_id, source, url, title, published, partition_day, origin, fmt,
                              abstract, text, content_hash, n_sentences, n_mentions)
        SELECT 'a' || i, ['BBC','CNN','France24','SkyNews'][1 + i % 4], 'http://x/' || i, '',
               DATE '2018-01-01' + (i % 300)::INTEGER, DATE '2018-01-01' + (i % 300)::INTEGER,
               'synthetic', 'jsonl', '', 'نص', md5(i::VARCHAR), 5, 5
        FROM range({n_articles}) t(i)""")
    con.execute(f"""
        CREATE TEMP TABLE syn AS
        SELECT i, 'e' || i AS event_id, 'm' || i AS mention_id, 'a' || (i % {n_articles}) AS article_id,
               {_pick(TYPES, 'i')} AS event_type, {_pick(COUNTRIES, 'i + 7')} AS country,
               {_pick(ACTORS, 'i + 13')} AS actor_code,
               DATE '2018-01-01' + (hash(i + 3) % 1000)::INTEGER AS event_date
        FROM range({n}) t(i)""")
    con.execute("""
        INSERT INTO event_mentions (mention_id, article_id, sentence_index, event_type, modality,
                                    trigger_text, trigger_start, trigger_end, event_id)
        SELECT mention_id, article_id, 0, event_type, 'asserted', 'قصف', 0, 3, event_id FROM syn""")
    con.execute("""
        INSERT INTO events (event_id, event_type, event_date, date_value, time_precision, date_source,
                            month, country, actor_code, actor_name, killed, killed_max, injured,
                            injured_max, deployed, deployed_max, confidence, n_mentions, n_articles,
                            n_sources, anchor_mention, mention_ids, article_ids, source_urls, sources)
        SELECT event_id, event_type, event_date, strftime(event_date, '%Y-%m-%d'), 'day', 'explicit',
               strftime(event_date, '%Y-%m'), country, actor_code, actor_code,
               CASE WHEN event_type = 'ASSAULT' THEN i % 20 END, CASE WHEN event_type = 'ASSAULT' THEN i % 30 END,
               CASE WHEN event_type = 'ASSAULT' THEN i % 7 END, CASE WHEN event_type = 'ASSAULT' THEN i % 9 END,
               CASE WHEN event_type = 'MOBILIZE' THEN 100 + i % 900 END,
               CASE WHEN event_type = 'MOBILIZE' THEN 100 + i % 900 END,
               0.8, 1, 1, 1, mention_id, [mention_id], [article_id], ['http://x/'], ['BBC']
        FROM syn""")


# Lookup views (one row per event x article, not a trend) are timed the way they are used: for one
# event. Trend views are timed fully materialised.
LOOKUP_VIEWS = {"event_sources": "WHERE event_id = 'e123457'"}


def time_views(n: int, db_path: Path) -> dict[str, float]:
    con = duckdb.connect(str(db_path))
    apply_migrations(con)
    t = time.perf_counter()
    build(con, n)
    print(f"\nsynthetic warehouse: {n:,} events built in {time.perf_counter() - t:.1f}s")
    timings = {}
    for f in sorted((sql_dir() / "views").glob("*.sql")):
        view = f.stem
        best = float("inf")
        for _ in range(3):
            t = time.perf_counter()
            rows = con.sql(f"SELECT * FROM {view} {LOOKUP_VIEWS.get(view, '')}").to_arrow_table().num_rows
            best = min(best, time.perf_counter() - t)
        timings[view] = best
        flag = "ok" if best < 0.2 else "SLOW"
        kind = "lookup" if view in LOOKUP_VIEWS else "trend"
        print(f"  {view:<34} {kind:<6} {best * 1000:8.1f} ms  {rows:>9,} rows  {flag}")
    con.close()
    return timings


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--events", type=int, default=1_000_000)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as d:
        timings = time_views(args.events, Path(d) / "synthetic.duckdb")
    worst = max(timings.values()) if timings else 0.0
    print(f"SUMMARY: {len(timings)} views over {args.events:,} events, slowest {worst * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
