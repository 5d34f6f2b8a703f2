"""The analyzer interface, sentence splitting, the offline analyzer and `get_analyzer()`.

Extraction only sees `Analyzer.analyze(clean) -> list[AnalyzedSentence]`: sentences of the
article's body regions, tokens = syntactic words (clitics split) with offsets into the original
article text. Two implementations: `OfflineAnalyzer` (rules + our lexicons, no models) and
`StanzaAnalyzer` (stanza's official Arabic models, see stanza_analyzer.py). `get_analyzer()` picks
stanza when `MARSAD_STANZA_DIR` holds the official models, else the offline analyzer.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Protocol, Sequence

from pipelines.nlp.offline import tag_entities, tokenize
from pipelines.records import AnalyzedSentence, CleanArticle, Sentence
from pipelines.versioning import Version

log = logging.getLogger("marsad.nlp")

# A sentence ends at . ! ? ؟ … (plus closing quotes/brackets) followed by space or the end, and
# at every line break. ، and ؛ separate clauses inside a sentence and never end one.
_SENT_END = re.compile(r"(?:[.!?؟…]+[\"'»”’)\]]*)(?=\s|$)|\n")
# Words that take an abbreviation period: single letters (د. = doctor, م. = metre/AD, ق.م, J.),
# and common titles and Latin abbreviations.
_ABBREVIATIONS = frozenset({
    "د", "م", "ق", "ص", "ج", "أ", "ب", "هـ", "ت", "ش", "Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Jr",
    "Sr", "Inc", "Ltd", "Co", "vs", "etc", "No", "U.S", "U.N", "U.K", "e.g", "i.e", "Gen", "Col", "Lt",
})
_LAST_WORD = re.compile(r"([\w.]+)$")
# The longest sentence: a longer run without sentence punctuation (hostile or broken input, e.g.
# 48 KB without a full stop or a line break) is cut into pieces of at most this many characters,
# at the last clause separator (، ؛ , ;) of the window's second half, else at its last space, else
# at the bound. Argument search is polynomial in a sentence's length, so without this bound its
# cost grows with the article's length, not linearly. Above every real sentence: the longest of
# the 7,628-article corpus (and of the dev articles) has 2,215 characters (452 words).
MAX_SENTENCE_CHARS = 2500
_CLAUSE_SEPARATORS = "،؛,;"


class Analyzer(Protocol):
    """What the pipeline needs from an analyzer (both implementations and the cache provide it)."""

    name: str
    version: str

    def analyze(self, clean: CleanArticle) -> list[AnalyzedSentence]: ...

    def analyze_many(self, cleans: Sequence[CleanArticle]) -> list[list[AnalyzedSentence]]: ...

    def analyze_sentences(self, sentences: Sequence[Sentence]) -> list[AnalyzedSentence]: ...


def split_sentences(clean: CleanArticle) -> list[Sentence]:
    """Split the body regions of an article into sentences (offsets into the original text).

    A sentence never crosses a region boundary; periods in decimals ("3.5") and after
    abbreviations ("د. أحمد") do not end sentences.
    """
    text = clean.article.text
    out: list[Sentence] = []
    for region in clean.regions:
        pos = region.start
        for m in _SENT_END.finditer(text, region.start, region.end):
            if m.group() != "\n" and m.group()[0] == "." and _is_abbreviation(text, pos, m.start()):
                continue
            _append(out, clean.article_id, text, pos, m.end())
            pos = m.end()
        _append(out, clean.article_id, text, pos, region.end)
    return out


def _is_abbreviation(text: str, sent_start: int, dot: int) -> bool:
    m = _LAST_WORD.search(text, sent_start, dot)
    if not m or m.end() != dot:
        return False
    word = m.group(1)
    if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
        return True
    return "." in word and all(len(p) <= 2 for p in word.split("."))  # U.S. / ق.م.


def _append(out: list[Sentence], article_id: str, text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE_CHARS:
        cut = _cut(text, start, start + MAX_SENTENCE_CHARS)
        _append(out, article_id, text, start, cut)
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        out.append(Sentence(article_id, len(out), start, end, text[start:end]))


def _cut(text: str, start: int, bound: int) -> int:
    """Where to end a piece of an over-long run [start, bound): after the last clause separator
    of the window's second half, else at its last space, else at the bound."""
    half = start + (bound - start) // 2
    sep = max(text.rfind(c, half, bound - 1) for c in _CLAUSE_SEPARATORS)
    if sep >= 0:
        return sep + 1
    for k in range(bound - 1, half, -1):
        if text[k].isspace():
            return k
    return bound


class _SentenceAnalyzer:
    """Shared plumbing: articles -> sentences -> `analyze_sentences` (one batch for many articles)."""

    name = "base"
    version = "0"

    def analyze_sentences(self, sentences: Sequence[Sentence]) -> list[AnalyzedSentence]:
        raise NotImplementedError

    def analyze(self, clean: CleanArticle) -> list[AnalyzedSentence]:
        return self.analyze_many([clean])[0]

    def analyze_many(self, cleans: Sequence[CleanArticle]) -> list[list[AnalyzedSentence]]:
        per_article = [split_sentences(c) for c in cleans]
        flat = self.analyze_sentences([s for sents in per_article for s in sents])
        out: list[list[AnalyzedSentence]] = []
        k = 0
        for sents in per_article:
            out.append(flat[k:k + len(sents)])
            k += len(sents)
        return out


class OfflineAnalyzer(_SentenceAnalyzer):
    """Rules + lexicons: clitic segmentation, verb lemmas, gazetteer entities. No parse (head=None)."""

    name = "offline"

    def __init__(self, entities: bool = True) -> None:
        self.entities = entities
        self.version = _offline_version()

    def analyze_sentences(self, sentences: Sequence[Sentence]) -> list[AnalyzedSentence]:
        out = []
        for s in sentences:
            tokens = tokenize(s.text, s.start)
            if self.entities and tokens:
                spans = entity_spans(s.text, s.start)
                if spans:
                    tokens = tag_entities(tokens, spans)
            out.append(AnalyzedSentence(s, tuple(tokens), self.name))
        return out


def entity_spans(text: str, base: int = 0) -> list[tuple[int, int, str]]:
    """Gazetteer places (LOC) and dictionary actors (ORG) in `text`, as original offsets."""
    from pipelines.gazetteer import find_actors, find_places

    spans = [(p.start + base, p.end + base, "LOC") for p in find_places(text)]
    spans += [(a.start + base, a.end + base, "ORG") for a in find_actors(text)]
    return spans


@lru_cache(maxsize=1)
def _offline_version() -> str:
    """Changes when our lexicons or the analyzer's code change, so cached analyses are redone."""
    here = Path(__file__).resolve().parent
    version = Version().files([*(here / "lexicons").glob("*.yaml"), here / "offline.py", here / "base.py"])
    try:
        import wordfreq

        version.text(getattr(wordfreq, "__version__", "wordfreq"))
    except ImportError:
        version.text("no-wordfreq")
    return version.digest()


_announced = False


@lru_cache(maxsize=2)
def _stanza_analyzer(model_dir: str) -> Analyzer:
    """Loading the official models takes seconds and ~1 GB: one instance per process."""
    from pipelines.nlp.stanza_analyzer import StanzaAnalyzer

    log.info("NLP: using stanza's official Arabic models from %s", model_dir)
    return StanzaAnalyzer(Path(model_dir))


def get_analyzer(cache: bool | str | Path = False) -> Analyzer:
    """stanza when MARSAD_STANZA_DIR holds the official Arabic models, else the offline analyzer.

    `cache=True` wraps it in the analysis cache at its default location (or at the path given).
    """
    global _announced
    from pipelines.nlp.models import describe_choice

    choice = describe_choice()
    analyzer: Analyzer
    if choice.name == "stanza":
        analyzer = _stanza_analyzer(str(choice.stanza_dir))
    else:
        if not _announced:
            log.warning("NLP: using the offline analyzer (rules + lexicons, no dependency parse): %s",
                        choice.reason)
            _announced = True
        analyzer = OfflineAnalyzer()
    if cache:
        from pipelines.nlp.cache import CachedAnalyzer, default_cache_path

        analyzer = CachedAnalyzer(analyzer, default_cache_path() if cache is True else Path(cache))
    return analyzer
