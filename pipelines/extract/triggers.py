"""Trigger lexicon lookup: which PLOVER event a word or phrase of a sentence signals.

Owned by the trigger-lexicon work (issue 4). Interface used by `events.py`:
`find_triggers(sentence) -> list[TriggerMatch]` (offsets into the original article text).
"""
from __future__ import annotations

from dataclasses import dataclass

from pipelines.records import AnalyzedSentence


@dataclass(frozen=True, slots=True)
class TriggerMatch:
    event_type: str  # PLOVER type, upper case
    mode: str | None  # e.g. "aerial", "arrest", "demo"
    start: int
    end: int
    text: str
    entry: str  # lexicon entry id (lemma/stem key) that fired
    weight: float = 1.0  # how strongly this entry signals an event (0..1)


def find_triggers(sentence: AnalyzedSentence) -> list[TriggerMatch]:
    """Stub until the trigger lexicon lands."""
    return []
