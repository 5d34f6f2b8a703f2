"""Warehouse sub-commands: `marsad sql`, `marsad export`, `marsad load`, `marsad charts`."""
from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pipelines.cli.common import CliError, warn


# Characters a terminal acts on rather than shows: C0/C1 controls and DEL (escape sequences start
# with ESC or CSI), and the bidi embedding/override/isolate controls that reorder a printed line.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_AS_SPACE = {"\n": " ", "\r": " ", "\t": " "}


def _visible(text: str) -> str:
    """`text` safe to print: line breaks and tabs as spaces, other controls as `\\xNN`/`\\uNNNN`."""
    def escape(m: re.Match) -> str:
        c = m.group()
        return _AS_SPACE.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")

    return _UNSAFE.sub(escape, text)


def _json_line(obj: Any) -> str:
    """One JSON line, lossless, with no raw control character (JSON escapes them as `\\uNNNN`)."""
    text = json.dumps(obj, ensure_ascii=False, default=str)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _cell(v: Any) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, (list, dict, tuple)):
        return _visible(json.dumps(v, ensure_ascii=False, default=str))
    if isinstance(v, bytes):
        return v[:16].hex()
    return _visible(str(v))


def _width(s: str) -> int:
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def format_table(columns: list[str], rows: list[tuple], max_width: int = 60, truncated: bool = False) -> str:
    """A plain aligned text table (Arabic cells are printed as stored; the terminal shapes them;
    control characters escaped)."""
    columns = [_visible(c) for c in columns]
    cells = [[_cell(v) for v in row] for row in rows]
    cells = [[c if _width(c) <= max_width else c[: max_width - 1] + "…" for c in row] for row in cells]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(columns)]

    def line(values: list[str]) -> str:
        return " | ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths)).rstrip()

    out = [line(columns), "-+-".join("-" * w for w in widths)]
    out += [line(r) for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''}{', truncated' if truncated else ''})")
    return "\n".join(out)


def cmd_sql(args: argparse.Namespace) -> int:
    """Bounded (MARSAD_SQL_*): time and memory limits, at most MARSAD_SQL_MAX_ROWS rows printed."""
    import duckdb

    from pipelines.warehouse.readonly import ReadOnlyViolation, SqlLimits, readonly_query

    sql = args.query if args.query != "-" else sys.stdin.read()
    try:
        limits = SqlLimits.of(args.settings)
        with readonly_query(args.warehouse, sql, limits) as result:
            _write_result(result, args.format, args.max_width)
            truncated = result.truncated
    except duckdb.Error as exc:
        raise CliError(f"SQL error: {_visible(str(exc))}") from exc
    except (ReadOnlyViolation, FileNotFoundError, RuntimeError, ValueError) as exc:
        raise CliError(_visible(str(exc))) from exc
    if truncated:
        print(f"marsad: truncated at {limits.max_rows} rows (MARSAD_SQL_MAX_ROWS); add a LIMIT or aggregate",
              file=sys.stderr)
    return 0


def _write_result(result, fmt: str, max_width: int) -> None:
    """csv and json are streamed chunk by chunk; the table needs every (capped) row for its widths."""
    if fmt == "table":
        rows = [row for chunk in result.chunks() for row in chunk]
        print(format_table(result.columns, rows, max_width, truncated=result.truncated))
        return
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow([_visible(c) for c in result.columns])
    for chunk in result.chunks():
        if fmt == "json":
            sys.stdout.write("".join(_json_line(dict(zip(result.columns, row))) + "\n" for row in chunk))
        else:
            writer.writerows([[("" if v is None else _cell(v)) for v in row] for row in chunk])


def cmd_export(args: argparse.Namespace) -> int:
    from pipelines.warehouse.export import export_warehouse

    try:
        counts = export_warehouse(args.warehouse, args.dir, args.format)
    except FileNotFoundError as exc:
        raise CliError(str(exc)) from exc
    for table, n in counts.items():
        print(f"{table}: {n} rows -> {Path(args.dir) / table}")
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    """Ingest + process + load outside Dagster (same reader, settings and functions the assets use)."""
    from pipelines.ingest import IngestSettings, read_landing
    from pipelines.nlp import get_analyzer
    from pipelines.process import chunks, process_articles
    from pipelines.caching import RunCaches
    from pipelines.warehouse.checks import ChecksFailed
    from pipelines.warehouse.load import load_results, publish_snapshot

    path = Path(args.path)
    if path.is_dir():
        landing, files = path, None
    elif path.suffix == ".jsonl" and os.path.lexists(path):
        landing, files = path.parent, [path.name]  # one file of a folder, read as the folder would be
    else:
        raise CliError(f"{path}: give a landing folder or a .jsonl file")
    ingested = read_landing(landing, IngestSettings.from_env(landing, False, args.settings), files)
    articles, quarantined = ingested.articles, ingested.quarantined
    if ingested.pending:
        print(f"{len(ingested.pending)} file(s) pending (newer than MARSAD_MIN_FILE_AGE_SECONDS or still "
              f"being written), left for the next run: {', '.join(ingested.pending[:5])}", file=sys.stderr)
    if ingested.duplicates:
        print(f"{len(ingested.duplicates)} duplicate(s) of content loaded under another name or id", file=sys.stderr)
    if args.limit:
        articles = articles[: args.limit]
    batches = list(chunks(articles, args.batch_size)) or [[]]
    analyzer = get_analyzer(settings=args.settings)
    refused = loaded = 0
    with RunCaches.current():  # the memos serve the whole load, not one batch
        for i, batch in enumerate(batches):
            results = process_articles(batch, analyzer, seconds=args.settings.article_time_budget_seconds)
            try:
                stats = load_results(args.warehouse, results, () if loaded else quarantined,
                                     partition_key=args.partition_key, publish=False)
            except ChecksFailed as exc:  # every day of the batch refused; the other batches still load
                refused += 1
                warn(f"batch {i + 1}/{len(batches)}: {exc}")
                continue
            loaded += 1
            for day, result in stats.refused:  # that day's articles were not loaded; the rest were
                refused += 1
                warn(f"batch {i + 1}/{len(batches)}: {day} not loaded, a blocking check failed: {result}")
            print(f"batch {i + 1}/{len(batches)}: {stats.articles} articles, {stats.mentions} mentions, "
                  f"{stats.quarantined} quarantined -> {stats.total_events} events "
                  f"({stats.total_mentions} mentions, {stats.total_articles} articles) in {stats.seconds}s",
                  file=sys.stderr)
    if loaded:
        print(f"published {publish_snapshot(args.warehouse)}", file=sys.stderr)
    return 1 if refused else 0


def cmd_charts(args: argparse.Namespace) -> int:
    from pipelines.warehouse.charts import render_all

    try:
        paths = render_all(args.warehouse, Path(args.dir))
    except (FileNotFoundError, RuntimeError) as exc:
        raise CliError(str(exc)) from exc
    for name, path in paths.items():
        print(f"{name}: {path}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add this group's commands to the `marsad` parser."""
    wh = dict(default=None, help="warehouse file (default: $MARSAD_WAREHOUSE or data/warehouse.duckdb)")

    p = sub.add_parser("sql", help="run read-only SQL on the warehouse snapshot and print a table")
    p.add_argument("query", help="SQL (SELECT/WITH/DESCRIBE/SHOW/EXPLAIN); '-' reads stdin")
    p.add_argument("--warehouse", **wh)
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--max-width", type=int, default=60, help="truncate table cells to this width")
    p.set_defaults(func=_with_default(cmd_sql))

    p = sub.add_parser("export", help="write the warehouse as month-partitioned Parquet/CSV (hive layout)")
    p.add_argument("dir", help="output folder")
    p.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    p.add_argument("--warehouse", **wh)
    p.set_defaults(func=_with_default(cmd_export))

    p = sub.add_parser("load", help="ingest, process and load a landing folder or .jsonl file (no Dagster)")
    p.add_argument("path", help="landing folder, or one .jsonl file")
    p.add_argument("--warehouse", **wh)
    p.add_argument("--limit", type=int, default=0, help="only the first N articles")
    p.add_argument("--batch-size", type=int, default=500, help="articles per transaction")
    p.add_argument("--partition-key", default=None, help="replace exactly this day's partition (YYYY-MM-DD)")
    p.set_defaults(func=_with_default(cmd_load))

    p = sub.add_parser("charts", help="render trend charts (PNG) from the warehouse snapshot")
    p.add_argument("dir", help="output folder")
    p.add_argument("--warehouse", **wh)
    p.set_defaults(func=_with_default(cmd_charts))


def _with_default(func):
    def run(args: argparse.Namespace) -> int:
        if not args.warehouse:
            args.warehouse = str(args.settings.warehouse)
        return func(args)

    run.__doc__ = func.__doc__
    return run
