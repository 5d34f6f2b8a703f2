"""Analyzer interface and the first, simple sentence splitter / tokenizer (to be deepened)."""
from __future__ import annotations

import re
from typing import Protocol, Sequence

from pipelines.records import AnalyzedSentence, CleanArticle, Sentence, Token

_SENT_END = re.compile(r"[.!?؟]+(?=\s|$)|\n+")
_TOKEN = re.compile(r"[\w\u0600-\u06FF]+|[^\w\s]", re.UNICODE)


class Analyzer(Protocol):
    name: str

    def analyze(self, clean: CleanArticle) -> list[AnalyzedSentence]: ...

    def analyze_many(self, cleans: Sequence[CleanArticle]) -> list[list[AnalyzedSentence]]: ...


def split_sentences(clean: CleanArticle) -> list[Sentence]:
    """Split the body regions of an article into sentences (offsets into the original text)."""
    text = clean.article.text
    out: list[Sentence] = []
    for region in clean.regions:
        pos = region.start
        chunk = text[region.start:region.end]
        for m in _SENT_END.finditer(chunk):
            end = region.start + m.end()
            _append(out, clean.article_id, text, pos, end)
            pos = end
        _append(out, clean.article_id, text, pos, region.end)
    return out


def _append(out: list[Sentence], article_id: str, text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(article_id, len(out), start, end, text[start:end]))


class SimpleAnalyzer:
    """Whitespace/punctuation tokenizer; placeholder until the offline analyzer lands."""

    name = "simple"

    def analyze(self, clean: CleanArticle) -> list[AnalyzedSentence]:
        result = []
        for s in split_sentences(clean):
            toks = tuple(
                Token(m.group(), s.start + m.start(), s.start + m.end()) for m in _TOKEN.finditer(s.text)
            )
            result.append(AnalyzedSentence(s, toks, self.name))
        return result

    def analyze_many(self, cleans: Sequence[CleanArticle]) -> list[list[AnalyzedSentence]]:
        return [self.analyze(c) for c in cleans]


def get_analyzer() -> Analyzer:
    return SimpleAnalyzer()
