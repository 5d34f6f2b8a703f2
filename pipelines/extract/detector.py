"""Which acts do a sentence's words tell that no lexicon entry found? The sentence detector.

The trigger lexicons miss acts told in words no entry lists ("وتعهد بالقضاء على"، "تورط"، "محذرا").
The detector is a logistic model per PLOVER type over the sentence's words (normalised, with and
without a leading و/ف) and its place in the article. Where it says a type is likely and the rules
proposed nothing of that type in the sentence, it proposes a candidate, named in `explain` as
`trigger:detector`, on the sentence word with the strongest weight for that type; the usual rules
then give it a modality, arguments and a date, and the judge decides on it like on any candidate.
Weights (`lexicons/detector.tsv`, the assessor's table format) are fitted by
`python -m pipelines.extract.training.articles.train` on our coded articles.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from pipelines.caching import resource
from pipelines.extract.assessor import _word_forms
from pipelines.extract.assessor import parse_weights as parse_table
from pipelines.learn import sigmoid
from pipelines.text import ARABIC_WORD_RE, normalize

WEIGHTS = Path(__file__).with_name("lexicons") / "detector.tsv"
ENTRY = "detector"


def features(text: str, rank: int) -> dict[str, float]:
    """The sentence's words and its rank in the article (0, 1, 2, 3 = later)."""
    f = {"bias": 1.0, f"rank={min(rank, 3)}": 1.0}
    for m in ARABIC_WORD_RE.finditer(text):
        for w in _word_forms(normalize(m.group())):
            f["w=" + w] = 1.0
    return f


@dataclass(frozen=True)
class Proposal:
    event_type: str
    probability: float
    start: int  # offsets into the sentence text
    end: int


@dataclass(frozen=True)
class Detector:
    weights: dict[str, dict[str, float]]
    thresholds: dict[str, float]

    def probability(self, event_type: str, feats: dict[str, float]) -> float:
        w = self.weights[event_type]
        return sigmoid(sum(w.get(k, 0.0) * v for k, v in feats.items()))

    def propose(self, text: str, rank: int, skip: frozenset[str] = frozenset(),
                names: Callable[[], Sequence[tuple[int, int]]] = tuple) -> list[Proposal]:
        """Types likely in the sentence (other than `skip`), each on its strongest word outside the
        `names` (spans of the sentence's actor and place mentions, asked for only when a type is
        likely: "الجيش" tells an attack's likelihood, but it is the attacker, not the act)."""
        feats = features(text, rank)
        likely = [(etype, w, p) for etype, w in self.weights.items() if etype not in skip
                  for p in [self.probability(etype, feats)] if p >= self.thresholds[etype]]
        if not likely:
            return []
        taken = names()
        words = [(m.start(), m.end(), _word_forms(normalize(m.group()))) for m in ARABIC_WORD_RE.finditer(text)
                 if not any(a < m.end() and m.start() < b for a, b in taken)]
        out = []
        for etype, w, p in likely:
            best = max(words, key=lambda x: max(w.get("w=" + f, 0.0) for f in x[2]), default=None)
            if best is not None and max(w.get("w=" + f, 0.0) for f in best[2]) > 0:
                out.append(Proposal(etype, p, best[0], best[1]))
        return out


def from_table(text: str) -> Detector:
    table = parse_table(text)
    return Detector(table.weights, table.thresholds)


@resource
def default_detector() -> Detector | None:
    return from_table(WEIGHTS.read_text(encoding="utf-8")) if WEIGHTS.exists() else None
