"""`marsad extract` and `marsad dates`: articles in, one JSON object per line out.

The contracts are fixed (the evaluation scorer and users rely on them); see `pipelines.cli` for the
exit statuses. `--input -` reads standard input with the same reader as a file.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import Iterator

from pipelines.cli.common import CliError, emit, warn
from pipelines.ingest import IngestSettings, read_jsonl, read_jsonl_stream
from pipelines.ingest.core import NO_RECORDS, parse_published, read_page
from pipelines.ingest.encoding import EMPTY_FILE
from pipelines.records import Article
from pipelines.settings import Settings

STDIN = "-"


def read_input_docs(path: Path | str, settings: Settings | None = None) -> Iterator[Article]:
    """Read `{"id","text","published"?,"title"?}` lines with the landing reader (same limits, line
    and id rules); `-` reads standard input. Each bad line is reported on stderr and skipped, then
    one summary line says how many were; records of equal text under other ids are all kept.
    CliError (exit 2) when nothing could be read: the input cannot be opened or decoded, or every
    record line is bad. An empty input (no lines, or blank lines only) gives nothing, no error."""
    # The user named this file: a link they give is theirs to follow; it must still be a regular
    # file (a FIFO is reported, not waited on). No Arabic check, no file-age rule, no quarantine folder.
    limits = replace(IngestSettings.from_env(settings=settings), require_arabic=False, min_age_seconds=0.0,
                     quarantine_dir=None)
    name = str(path)
    try:
        if name == STDIN:
            result = read_jsonl_stream(sys.stdin.buffer, STDIN, limits)
        else:
            result = read_jsonl(Path(path).resolve(), limits)
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from exc
    skipped = 0
    for q in result.quarantined:
        if q.line is None and q.reason in (EMPTY_FILE, NO_RECORDS):
            return  # nothing to extract
        if q.line is None:
            raise CliError(f"cannot read {path}: {q.reason}")
        warn(f"{path}:{q.line}: skipped: {q.reason}")
        skipped += 1
    if skipped:
        warn(f"{path}: {skipped} line{'s' if skipped > 1 else ''} skipped, {len(result.articles)} read")
        if not result.articles:
            raise CliError(f"cannot read {path}: every record line is bad")
    yield from result.articles


def load_docs(args: argparse.Namespace) -> list[Article]:
    if args.input:
        return list(read_input_docs(args.input, args.settings))
    if not args.file:
        raise CliError("give an article FILE or --input DOCS.jsonl")
    path = Path(args.file)
    if path.suffix == ".jsonl":
        return list(read_input_docs(path, args.settings))
    try:  # same encoding detection and page parsing as the landing folder
        art = read_page(path.resolve(), path.name)
    except (OSError, ValueError) as exc:
        raise CliError(f"cannot read {path}: {exc}") from exc
    published = parse_published(args.published) if args.published else art.published
    # doc_id is the file name; offsets are into the file's text.
    return [Article(path.name, art.text, art.title, published, art.source, art.url, path.name, art.fmt)]


def cmd_extract(args: argparse.Namespace) -> int:
    from pipelines.nlp import get_analyzer
    from pipelines.process import process_articles
    from pipelines.records import Quarantined

    docs = load_docs(args)
    whole = not args.sentence_level
    failed = 0
    analyzer = get_analyzer(settings=args.settings)
    for result in process_articles(docs, analyzer, judge=whole, rank=whole, detect=whole,
                                   seconds=args.settings.article_time_budget_seconds):
        if isinstance(result, Quarantined):  # reported, skipped; the other articles go on
            warn(f"{result.article_id}: failed at {result.stage}: {result.reason}")
            failed += 1
            continue
        for ev in result.events:
            emit(ev.to_json(explain=args.explain))
    if failed:
        warn(f"{failed} article{'s' if failed > 1 else ''} failed, {len(docs) - failed} extracted")
    return 1 if failed else 0


def cmd_dates(args: argparse.Namespace) -> int:
    from pipelines.temporal import find_dates

    for doc in load_docs(args):
        for d in find_dates(doc.text, doc.published):
            emit({"doc_id": doc.article_id, **d.to_json()})
    return 0


def _add_doc_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", nargs="?", help="one article (.txt page or .jsonl)")
    p.add_argument("--input", help="JSONL, one {id, text, published?, title?} per line; - reads standard input")
    p.add_argument("--published", help="publication date YYYY-MM-DD for a single FILE")


def register(sub: argparse._SubParsersAction) -> None:
    """Add `extract` and `dates` to the `marsad` parser."""
    p = sub.add_parser("extract", help="extract events, one JSON object per line")
    _add_doc_args(p)
    p.add_argument("--explain", action="store_true", help="add which lexicon entry and rule fired")
    p.set_defaults(func=cmd_extract)
    p = sub.add_parser("dates", help="temporal expressions, one JSON object per line")
    _add_doc_args(p)
    p.set_defaults(func=cmd_dates)
