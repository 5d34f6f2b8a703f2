"""What every command module shares: the user-facing error and the two output helpers."""
from __future__ import annotations

import json
import sys


class CliError(Exception):
    """An error reported to the user on stderr with exit status 2."""


def warn(msg: str) -> None:
    """One diagnostic line on stderr, prefixed `marsad: `."""
    print(f"marsad: {msg}", file=sys.stderr)


def emit(obj: dict) -> None:
    """One JSON object per line on stdout (Arabic kept as is)."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
