"""`marsad quarantine list`: the inputs ingest rejected.

The warehouse `quarantine` table is the record of every rejected input (the Dagster run loads it);
the quarantine folder holds the files themselves with a `.reason.txt`. `list` reads the table and,
with `--folder`, the folder instead (useful before anything was loaded).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipelines.cli.common import CliError


def register(sub: argparse._SubParsersAction) -> None:
    """Add this group's commands to the `marsad` parser."""
    q = sub.add_parser("quarantine", help="inputs that could not be loaded, with the reason")
    qsub = q.add_subparsers(dest="quarantine_command", required=True)
    p = qsub.add_parser("list", help="list quarantined inputs (newest first)")
    p.add_argument("--warehouse", default=None, help="DuckDB file (default: $MARSAD_WAREHOUSE or data/warehouse.duckdb)")
    p.add_argument("--folder", default=None, help="read a quarantine folder instead of the warehouse")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--limit", type=int, default=200)
    p.set_defaults(func=cmd_quarantine_list)


def _from_warehouse(db: str, limit: int) -> list[dict]:
    from pipelines.warehouse.readonly import connect_readonly

    try:
        con = connect_readonly(db)
    except (FileNotFoundError, RuntimeError) as exc:
        raise CliError(f"{exc} (or use --folder DIR)") from exc
    try:
        rows = con.execute(
            'SELECT origin, line, reason, first_bytes, "at", stage, article_id FROM quarantine'
            ' ORDER BY "at" DESC, origin, line LIMIT ?', [limit]).fetchall()
    finally:
        con.close()
    return [
        {"origin": o, "line": ln, "reason": r, "first_bytes": bytes(fb or b"").hex(), "at": str(at),
         "stage": stage, "article_id": aid}
        for o, ln, r, fb, at, stage, aid in rows
    ]


def _from_folder(folder: str, limit: int) -> list[dict]:
    from pipelines.ingest.core import read_quarantine_folder

    if not Path(folder).is_dir():
        raise CliError(f"quarantine folder not found: {folder}")
    entries = read_quarantine_folder(Path(folder))
    entries.sort(key=lambda e: e.get("quarantined_at", ""), reverse=True)
    return [
        {"origin": e.get("origin", ""), "line": None if e.get("line", "").startswith("(") else e.get("line"),
         "reason": e.get("reason", ""), "first_bytes": e.get("first_bytes", ""),
         "at": e.get("quarantined_at", ""), "file": e["file"]}
        for e in entries[:limit]
    ]


def cmd_quarantine_list(args: argparse.Namespace) -> int:
    if args.folder:
        rows = _from_folder(args.folder, args.limit)
    else:
        rows = _from_warehouse(args.warehouse or str(args.settings.warehouse), args.limit)
    out = sys.stdout
    if args.json:
        for r in rows:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
        return 0
    if not rows:
        out.write("nothing quarantined\n")
        return 0
    for r in rows:
        where = r["origin"] + (f":{r['line']}" if r["line"] not in (None, "") else "")
        preview = bytes.fromhex(r["first_bytes"])[:24].decode("utf-8", "replace") if r["first_bytes"] else ""
        stage = f"  [{r['stage']}{' ' + r['article_id'] if r.get('article_id') else ''}]" if r.get("stage") else ""
        out.write(f"{r['at'][:19]:<19}  {where}{stage}\n    reason: {r['reason']}\n")
        if preview.strip():
            out.write(f"    starts: {preview!r}\n")
    out.write(f"{len(rows)} quarantined input(s)\n")
    return 0
