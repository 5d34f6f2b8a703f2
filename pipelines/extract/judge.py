"""Is a candidate a real act of its type that the article reports as having happened? The judge.

The rules (triggers, modality cues, arguments, counts, dates) propose candidate events and record
why in `explain`; the sentence-level assessor weighs ASSAULT and PROTEST sentences. The judge decides
for every type, with the article in view: a logistic model over the rules' evidence (read from
`explain` by `assessor.features`), the candidate's place in the article (the lead sentence, the first
mention of its type, how often the type recurs), the gap between its date and the publication date,
and the type itself, each feature also crossed with the type. It was fitted on whole articles we
coded under the codebook (`python -m pipelines.extract.training.articles.train`), so its probability is the
record's `confidence`: the chance that it is a real, reported act of its type.

The judge decides every candidate the rules asserted, including those the sentence-level assessor
demoted (the assessor's probability is one of its features): at or above the threshold the record is
asserted (`modality:asserted:judge.reported` when that overrules the assessor), below it the record
is demoted to `historical` (`modality:historical:judge.not_reported`) and stays in the warehouse
with its confidence, outside the counts. What the rules' own cues marked negated, hypothetical,
future or background stands. A troop level (a MOBILIZE with its deployed count; see `troop_level`)
is never demoted, unless it is dated after the publication date (a level planned, not reported).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Sequence

from pipelines.caching import resource
from pipelines.extract import budget
from pipelines.extract.assessor import DEMOTED_RULE as ASSESSOR_DEMOTED
from pipelines.extract.assessor import features as sentence_features
from pipelines.extract.detector import Detector
from pipelines.extract.detector import features as detector_features
from pipelines.learn import bucket, sigmoid, weight_rows
from pipelines.records import AnalyzedSentence, Event, TemporalExpression
from pipelines.temporal import times_within
from pipelines.text import ARABIC_WORD_RE, normalize

WEIGHTS = Path(__file__).with_name("lexicons") / "judge.tsv"
DEMOTED_RULE = "modality:historical:judge.not_reported"
RESTORED_RULE = "modality:asserted:judge.reported"  # an assessor demotion the judge overrules
WORD_PREFIXES = ("w=", "b=", "a=", "tw=", "p1=", "n1=")  # sparse word features: kept when frequent


@dataclass(frozen=True)
class SentenceInfo:
    """What the judge reads of a candidate's sentence: its text, start, rank in the article and the
    time expressions it holds itself."""
    text: str
    start: int
    rank: int
    times: tuple[TemporalExpression, ...]


def _date_gap(e: Event, published: date | None) -> str:
    d = e.date
    if d is None:
        return "none"
    if d.source == "published":
        return "published"
    if published is None or not d.value:
        return "undated"
    try:
        y, m, dd = (list(map(int, d.value.split("-"))) + [1, 1])[:3] if "W" not in d.value else (0, 0, 0)
        if y == 0:
            return "week"
        days = (published - date(y, m, dd)).days
    except ValueError:
        return "undated"
    if days < 0:
        return "future"
    return bucket(days, (0, 1, 7, 30, 365))


def candidate_features(events: Sequence[Event], infos: dict[int, SentenceInfo],
                       published: date | None, detector: Detector | None = None) -> list[dict[str, float]]:
    """Features of each candidate of one article (same order). With a `detector`, each candidate
    also carries how likely the sentence detector finds its type in its sentence (`det_p`, and its
    bucket): the sentence's words as a whole, beside the one trigger the rules read."""
    by_type: dict[str, list[Event]] = {}
    for e in sorted(events, key=lambda e: e.trigger.start):
        by_type.setdefault(e.event_type, []).append(e)
    per_sentence: dict[int, int] = {}
    for e in events:
        per_sentence[e.sentence_index] = per_sentence.get(e.sentence_index, 0) + 1
    sentence_words: dict[int, dict[str, float]] = {}
    out = []
    for e in events:
        budget.check()  # a long article has many events: the article's time budget holds here too
        info = infos[e.sentence_index]
        f = sentence_features([e], per_sentence[e.sentence_index] - 1, info.text, info.start, info.times)
        same = by_type[e.event_type]
        f["sent=" + bucket(info.rank, (0, 1, 2, 5))] = 1.0
        f["type_rank=" + bucket(same.index(e), (0, 1))] = 1.0
        f["type_n=" + bucket(len(same), (1, 3))] = 1.0
        f["gap=" + _date_gap(e, published)] = 1.0
        if e.date is not None:
            f["prec=" + e.date.precision] = 1.0
        if e.actor is not None and e.actor.code:
            f["actor_coded"] = 1.0
        _trigger_features(f, e, info)
        assessed = next((x for x in e.explain if x.startswith("assessor:p=")), None)
        if assessed is not None:  # the sentence-level assessor's verdict is one piece of evidence
            f["assessor_p"] = float(assessed[len("assessor:p="):].split(" ", 1)[0])
        if detector is not None and e.event_type in detector.weights:
            if e.sentence_index not in sentence_words:
                sentence_words[e.sentence_index] = detector_features(info.text, info.rank)
            p = detector.probability(e.event_type, sentence_words[e.sentence_index])
            f["det_p"] = p
            f["det=" + bucket(int(p * 10), (0, 1, 3, 5, 7))] = 1.0
        typed = {f"{e.event_type}|{k}": v for k, v in f.items() if not k.startswith(WORD_PREFIXES)}
        f.update(typed)
        f["type=" + e.event_type] = 1.0
        out.append(f)
    return out


def _trigger_features(f: dict[str, float], e: Event, info: SentenceInfo) -> None:
    """How the main trigger was read (verb or noun, its clitics) and its neighbouring words: a word's
    sense and its report often show right beside it ("لمظاهرات" a purpose, "ضد المظاهرات" a topic)."""
    line = next((x for x in e.explain if x.startswith("trigger:")), "")
    words = line.rsplit("'", 1)[-1].split()  # "weight 0.75 perf prefix و"
    if len(words) >= 3:
        f["kind=" + words[2]] = 1.0
    if "prefix" in words:
        f["prefix=" + words[words.index("prefix") + 1]] = 1.0
    f["tw=" + normalize(e.trigger.text)] = 1.0
    local = e.trigger.start - info.start
    before = ARABIC_WORD_RE.findall(info.text[:max(0, local)])
    after = ARABIC_WORD_RE.findall(info.text[local + len(e.trigger.text):])
    if before:
        f["p1=" + normalize(before[-1])] = 1.0
    if after:
        f["n1=" + normalize(after[0])] = 1.0


def sentence_infos(sentences: Sequence[AnalyzedSentence], dates: Sequence[TemporalExpression]
                   ) -> dict[int, SentenceInfo]:
    infos = {}
    for rank, s in enumerate(sentences):
        sent = s.sentence
        infos[sent.index] = SentenceInfo(sent.text, sent.start, rank, tuple(times_within(sent.start, sent.end, dates)))
    return infos


def judged(e: Event) -> bool:
    """The judge decides what the rules asserted, including what the sentence-level assessor then
    demoted (its verdict is one of the judge's features); negation, condition, future and the rules'
    background cues stand."""
    return e.modality == "asserted" or (e.modality == "historical" and bool(e.explain)
                                         and e.explain[-1] == ASSESSOR_DEMOTED)


def troop_level(e: Event, published: date | None = None) -> bool:
    """A deployment with its troop count ("وتنشر الولايات المتحدة نحو 900 جندي في سوريا"). Coders read
    a standing troop level as a state, not an act, but analysts track troop levels by month (the
    `troop_movements` view), so the judge scores these and never demotes them. A count dated after
    the publication date ("10000 عنصر بحلول كانون الثاني المقبل") is a plan, not a level: not one."""
    return (e.event_type == "MOBILIZE" and any(q.role == "deployed" for q in e.quantities)
            and _date_gap(e, published) != "future")


@dataclass(frozen=True)
class Judge:
    weights: dict[str, float]
    threshold: float

    def probability(self, feats: dict[str, float]) -> float:
        return sigmoid(sum(self.weights.get(k, 0.0) * v for k, v in feats.items()))

    def judge(self, events: Sequence[Event], sentences: Sequence[AnalyzedSentence],
              dates: Sequence[TemporalExpression], published: date | None,
              detector: Detector | None = None) -> list[Event]:
        """Every candidate with its confidence; asserted ones below the threshold demoted. The
        `detector` must be the one the judge was fitted with (`det_p` features), or None."""
        if not events:
            return []
        feats = candidate_features(events, sentence_infos(sentences, dates), published, detector)
        out = []
        for e, f in zip(events, feats):
            p = self.probability(f)
            note = f"judge:p={p:.2f} threshold {self.threshold:.2f}"
            if not judged(e):
                e = replace(e, confidence=p, explain=[*e.explain, note])
            elif p >= self.threshold or troop_level(e, published):
                e = replace(e, modality="asserted", confidence=p,
                            explain=[*e.explain, note] + ([RESTORED_RULE] if e.modality != "asserted" else []))
            else:
                e = replace(e, modality="historical", confidence=p, explain=[*e.explain, note, DEMOTED_RULE])
            out.append(e)
        return out


def parse_weights(text: str) -> Judge:
    """`feature<TAB>weight` lines; `@threshold<TAB>p`; `#` comments."""
    weights: dict[str, float] = {}
    threshold = None
    for (name,), value in weight_rows(text, 2, "judge"):
        if name == "@threshold":
            threshold = value
        else:
            weights[name] = value
    if threshold is None or not 0.0 <= threshold <= 1.0 or math.isnan(threshold):
        raise ValueError("judge weights: no @threshold between 0 and 1")
    return Judge(weights, threshold)


@resource
def default_judge() -> Judge | None:
    """The shipped judge, or None before one has been fitted."""
    return parse_weights(WEIGHTS.read_text(encoding="utf-8")) if WEIGHTS.exists() else None
