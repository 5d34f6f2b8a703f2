"""The offline analyzer: rules + our lexicons, no models (`OfflineAnalyzer`), and its version.

`StanzaAnalyzer` (stanza's official Arabic models) is in stanza_analyzer.py; `get_analyzer()`
(analyzers.py) picks one; sentence splitting and the interface are in sentences.py.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from pipelines.caching import resource
from pipelines.nlp.offline import tag_entities, tokenize
from pipelines.nlp.sentences import SentenceAnalyzer
from pipelines.records import AnalyzedSentence, Sentence
from pipelines.versioning import Version


class OfflineAnalyzer(SentenceAnalyzer):
    """Rules + lexicons: clitic segmentation, verb lemmas, gazetteer entities. No parse (head=None)."""

    name = "offline"

    def __init__(self, entities: bool = True) -> None:
        self.entities = entities
        self.version = offline_version()

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


@resource
def offline_version() -> str:
    """Changes when our lexicons or the analyzer's code change, so cached analyses are redone."""
    here = Path(__file__).resolve().parent
    version = Version().files([*(here / "lexicons").glob("*.yaml"), here / "offline.py", here / "base.py",
                               here / "sentences.py"])
    try:
        import wordfreq

        version.text(getattr(wordfreq, "__version__", "wordfreq"))
    except ImportError:
        version.text("no-wordfreq")
    return version.digest()
