"""NLP layer: one analyzer interface over stanza (official models) and an offline analyzer.

Extraction only sees `Analyzer.analyze(clean) -> list[AnalyzedSentence]`; tokens are syntactic
words (clitics split) with offsets into the original article text. Inside the package the imports
run one way: analyzers (`get_analyzer`) -> cache, stanza_analyzer -> base (offline analyzer) ->
sentences (interface, splitting) and offline (tokenizer).
"""
from __future__ import annotations

from .analyzers import get_analyzer
from .base import OfflineAnalyzer
from .sentences import Analyzer, split_sentences

__all__ = ["Analyzer", "OfflineAnalyzer", "get_analyzer", "split_sentences"]
