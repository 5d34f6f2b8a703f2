"""Reading the shipped weight tables: tab-separated fields, the weight last, `#` comments."""
from __future__ import annotations

from typing import Iterator


def weight_rows(text: str, fields: int, what: str) -> Iterator[tuple[list[str], float]]:
    """(the leading fields, the weight) of each line; a clear error names the line that is wrong."""
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != fields:
            raise ValueError(f"{what} weights line {n}: want {fields} tab-separated fields, got {len(parts)}")
        try:
            value = float(parts[-1])
        except ValueError:
            raise ValueError(f"{what} weights line {n}: weight {parts[-1]!r} is not a number") from None
        yield parts[:-1], value
