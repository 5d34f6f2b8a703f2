"""`marsad` command line.

The `extract` and `dates` contracts are fixed (the evaluation scorer and users rely on them):
one JSON object per line on stdout; diagnostics on stderr. Exit status (the README's table):
0 the input was read (bad lines reported, skipped and counted in one "N lines skipped" line);
1 `extract` read the input but some articles failed at a stage (reported and counted; the others
are printed); 2 nothing could be read (missing or undecodable input, every record line bad) or a
usage error. `--input -` reads standard input with the same reader. Other command groups register themselves from their own area's
`commands` module (`register(subparsers)`), so each area owns its commands.
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Iterator

from pipelines.ingest import IngestSettings, read_jsonl, read_jsonl_stream
from pipelines.ingest.core import NO_RECORDS, parse_published, read_page
from pipelines.ingest.encoding import EMPTY_FILE
from pipelines.records import Article

# Areas that add their own sub-commands: module path -> has `register(subparsers)`.
COMMAND_MODULES = (
    "pipelines.warehouse.commands",  # sql, export, load
    "pipelines.nlp.commands",  # models status|download|train-ner
    "pipelines.ingest.commands",  # quarantine list
    "pipelines.gazetteer.commands",  # gazetteer build|places|actors
)


class CliError(Exception):
    """An error reported to the user on stderr with exit status 2."""


def _warn(msg: str) -> None:
    print(f"marsad: {msg}", file=sys.stderr)


STDIN = "-"


def read_input_docs(path: Path | str) -> Iterator[Article]:
    """Read `{"id","text","published"?,"title"?}` lines with the landing reader (same limits, line
    and id rules); `-` reads standard input. Each bad line is reported on stderr and skipped, then
    one summary line says how many were; records of equal text under other ids are all kept.
    CliError (exit 2) when nothing could be read: the input cannot be opened or decoded, or every
    record line is bad. An empty input (no lines, or blank lines only) gives nothing, no error."""
    # The user named this file: a link they give is theirs to follow; it must still be a regular
    # file (a FIFO is reported, not waited on). No Arabic check, no file-age rule, no quarantine folder.
    settings = replace(IngestSettings.from_env(), require_arabic=False, min_age_seconds=0.0, quarantine_dir=None)
    name = str(path)
    try:
        if name == STDIN:
            result = read_jsonl_stream(sys.stdin.buffer, STDIN, settings)
        else:
            result = read_jsonl(Path(path).resolve(), settings)
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from exc
    skipped = 0
    for q in result.quarantined:
        if q.line is None and q.reason in (EMPTY_FILE, NO_RECORDS):
            return  # nothing to extract
        if q.line is None:
            raise CliError(f"cannot read {path}: {q.reason}")
        _warn(f"{path}:{q.line}: skipped: {q.reason}")
        skipped += 1
    if skipped:
        _warn(f"{path}: {skipped} line{'s' if skipped > 1 else ''} skipped, {len(result.articles)} read")
        if not result.articles:
            raise CliError(f"cannot read {path}: every record line is bad")
    yield from result.articles


def load_docs(args: argparse.Namespace) -> list[Article]:
    if args.input:
        return list(read_input_docs(args.input))
    if not args.file:
        raise CliError("give an article FILE or --input DOCS.jsonl")
    path = Path(args.file)
    if path.suffix == ".jsonl":
        return list(read_input_docs(path))
    try:  # same encoding detection and page parsing as the landing folder
        art = read_page(path.resolve(), path.name)
    except (OSError, ValueError) as exc:
        raise CliError(f"cannot read {path}: {exc}") from exc
    published = parse_published(args.published) if args.published else art.published
    # doc_id is the file name; offsets are into the file's text.
    return [Article(path.name, art.text, art.title, published, art.source, art.url, path.name, art.fmt)]


def _emit(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def cmd_extract(args: argparse.Namespace) -> int:
    from pipelines.process import process_articles

    from pipelines.records import Quarantined

    docs = load_docs(args)
    whole = not args.sentence_level
    failed = 0
    for result in process_articles(docs, judge=whole, rank=whole, detect=whole):
        if isinstance(result, Quarantined):  # reported, skipped; the other articles go on
            _warn(f"{result.article_id}: failed at {result.stage}: {result.reason}")
            failed += 1
            continue
        for ev in result.events:
            _emit(ev.to_json(explain=args.explain))
    if failed:
        _warn(f"{failed} article{'s' if failed > 1 else ''} failed, {len(docs) - failed} extracted")
    return 1 if failed else 0


def cmd_dates(args: argparse.Namespace) -> int:
    from pipelines.temporal import find_dates

    for doc in load_docs(args):
        for d in find_dates(doc.text, doc.published):
            _emit({"doc_id": doc.article_id, **d.to_json()})
    return 0


def _add_doc_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", nargs="?", help="one article (.txt page or .jsonl)")
    p.add_argument("--input", help="JSONL, one {id, text, published?, title?} per line; - reads standard input")
    p.add_argument("--published", help="publication date YYYY-MM-DD for a single FILE")


CORE_COMMANDS = ("extract", "dates")


def build_parser(areas: bool = True) -> argparse.ArgumentParser:
    """The full parser; `areas=False` leaves out the area command groups (their imports are heavy)."""
    parser = argparse.ArgumentParser(prog="marsad", description="Arabic news -> conflict events")
    parser.add_argument("--sentence-level", action="store_true",
                        help="extract with the rules and the sentence assessor only, without the sentence "
                             "detector, article-level judge and role ranker (what the sentence-level held-out set measures)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("extract", help="extract events, one JSON object per line")
    _add_doc_args(p)
    p.add_argument("--explain", action="store_true", help="add which lexicon entry and rule fired")
    p.set_defaults(func=cmd_extract)
    p = sub.add_parser("dates", help="temporal expressions, one JSON object per line")
    _add_doc_args(p)
    p.set_defaults(func=cmd_dates)
    if areas:
        for module in COMMAND_MODULES:
            importlib.import_module(module).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # `extract`/`dates` are the hot, scripted path (the scorer calls them): skip area imports.
    verb = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(areas=verb not in CORE_COMMANDS)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CliError as exc:
        _warn(str(exc))
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
