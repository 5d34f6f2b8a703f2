"""Event extraction: PLOVER triggers, modality, arguments, quantities.

Interface:
* `extract_events(clean, sentences, dates)` -> list[Event]
  `sentences` come from the analyzer; `dates` from the temporal layer over the whole article text.
"""
from __future__ import annotations

from .events import extract_events

__all__ = ["extract_events"]
