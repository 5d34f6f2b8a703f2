"""NLP layer: one analyzer interface over stanza (official models) and an offline analyzer.

Extraction only sees `Analyzer.analyze(clean) -> list[AnalyzedSentence]`; tokens are syntactic
words (clitics split) with offsets into the original article text.
"""
from __future__ import annotations

from .base import Analyzer, OfflineAnalyzer, get_analyzer, split_sentences

__all__ = ["Analyzer", "OfflineAnalyzer", "get_analyzer", "split_sentences"]
