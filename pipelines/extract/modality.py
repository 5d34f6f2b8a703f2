"""Modality of an event mention: asserted | negated | hypothetical | future | historical.

Owned by the trigger-lexicon work (issue 4). Interface used by `events.py`:
`classify_modality(sentence, trigger) -> ModalityDecision`.
"""
from __future__ import annotations

from dataclasses import dataclass

from pipelines.extract.triggers import TriggerMatch
from pipelines.records import AnalyzedSentence


@dataclass(frozen=True, slots=True)
class ModalityDecision:
    modality: str  # asserted | negated | hypothetical | future | historical
    cue: str | None = None  # the cue word that decided it
    rule: str = ""


def classify_modality(sentence: AnalyzedSentence, trigger: TriggerMatch) -> ModalityDecision:
    """Stub until modality rules land."""
    return ModalityDecision("asserted")
