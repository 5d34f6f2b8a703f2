"""Quantities: numbers (digits, Arabic-Indic, words, duals, approximations) with their role.

Interface: `find_quantities(text) -> list[Quantity]` (offsets into `text`).
"""
from __future__ import annotations

from pipelines.records import Quantity


def find_quantities(text: str) -> list[Quantity]:
    """Stub until the quantity parser lands."""
    return []
