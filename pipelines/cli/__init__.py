"""`marsad` command line: every command lives in this package, one module per command group.

The `extract` and `dates` contracts are fixed (the evaluation scorer and users rely on them):
one JSON object per line on stdout; diagnostics on stderr. Exit status (the README's table):
0 the input was read (bad lines reported, skipped and counted in one "N lines skipped" line);
1 `extract` read the input but some articles failed at a stage (reported and counted; the others
are printed); 2 nothing could be read (missing or undecodable input, every record line bad) or a
usage error. `--input -` reads standard input with the same reader.

Modules: `docs` (extract, dates), `warehouse` (sql, export, load, charts), `models` (models
status|download|train-ner), `quarantine` (quarantine list), `gazetteer` (gazetteer
build|places|actors). Each has `register(subparsers)`; the domain packages below never import this
one.

Settings: `main` reads `Settings.from_env()` once (a bad `MARSAD_*` value is a usage error, exit 2)
and hands it to the command as `args.settings`; commands pass it, or its values, down.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from pipelines.cli import docs
from pipelines.cli.common import CliError, warn
from pipelines.cli.docs import read_input_docs
from pipelines.settings import Settings

__all__ = ["CliError", "build_parser", "main", "read_input_docs"]

# Command groups beside extract/dates: module path -> has `register(subparsers)`.
COMMAND_MODULES = (
    "pipelines.cli.warehouse",  # sql, export, load, charts
    "pipelines.cli.models",  # models status|download|train-ner
    "pipelines.cli.quarantine",  # quarantine list
    "pipelines.cli.gazetteer",  # gazetteer build|places|actors
)
CORE_COMMANDS = ("extract", "dates")


def build_parser(areas: bool = True) -> argparse.ArgumentParser:
    """The full parser; `areas=False` leaves out the other command groups (only extract and dates)."""
    parser = argparse.ArgumentParser(prog="marsad", description="Arabic news -> conflict events")
    parser.add_argument("--sentence-level", action="store_true",
                        help="extract with the rules and the sentence assessor only, without the sentence "
                             "detector, article-level judge and role ranker (what the sentence-level held-out set measures)")
    sub = parser.add_subparsers(dest="command", required=True)
    docs.register(sub)
    if areas:
        for module in COMMAND_MODULES:
            importlib.import_module(module).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # `extract`/`dates` are the hot, scripted path (the scorer calls them): skip the other groups.
    verb = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(areas=verb not in CORE_COMMANDS)
    args = parser.parse_args(argv)
    try:
        args.settings = _settings()
        return int(args.func(args) or 0)
    except CliError as exc:
        warn(str(exc))
        return 2
    except BrokenPipeError:
        return 0


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ValueError as exc:  # a bad MARSAD_* value, named in the message
        raise CliError(str(exc)) from exc
