"""Does a sentence report its event as news? A logistic model over the evidence the rules used.

The rules decide the modality a sentence marks: negation, condition, future, and the background cues
they can name ("منذ 2011"، "بعد الهجوم"). What they approximate poorly is the unmarked difference
between an attack reported as news and one mentioned in commentary, a claim, a generic statement or
another story's background: on keyword-bearing held-out sentences, about a quarter of the non-events
came out asserted. The assessor weighs everything the rules saw (lexicon entries, modality cues,
arguments, counts, dates) together with the cue words of our own lexicons before and after the
trigger, and demotes an asserted event it judges to be background to `historical`. It never asserts
what the rules did not, and it only judges the types it was trained for.

The weights (`lexicons/assessor.tsv`) are fitted by `python -m pipelines.extract.training.heldout.train_assessor` on our
labelled held-out sentences; its feature names are our rule ids, lexicon entries and lexicon words.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

from pipelines.caching import resource
from pipelines.learn import weight_rows
from pipelines.records import Event, TemporalExpression
from pipelines.text import ARABIC_WORD_RE, normalize

WEIGHTS = Path(__file__).with_name("lexicons") / "assessor.tsv"
DEMOTED_RULE = "modality:historical:assessor.background"
_QUOTES = ('"', "«", "»", "“", "”")
# Our labellers read tear gas and dispersal as coercion, a narrower ASSAULT than PLOVER's crowd-control
# mode that the product follows: the model's verdict is noted on such events but does not demote them.
NOT_JUDGED_MODES = frozenset({"crowd-control"})
_COUNTED_ROLES = frozenset({"killed", "injured", "abducted", "detained", "participants"})  # people hit or taking part
_LENGTH_SCALE = 400  # characters: sentence length enters as min(len, 400) / 400


def features(events: Sequence[Event], other_events: int, sentence_text: str, sentence_start: int,
             times: Sequence[TemporalExpression] = ()) -> dict[str, float]:
    """Features of the events of one type in one sentence, as the rules left them: read from each
    event's `explain` lines (the record of the lexicon entries and rules used), its arguments and counts.

    `other_events` counts the sentence's events of other types; `times` are the time expressions the
    sentence itself holds (found with or without a publication date); offsets are into the article."""
    f: dict[str, float] = {"bias": 1.0, "rules_asserted": float(any(e.modality == "asserted" for e in events))}
    evidence = 0.0
    for e in events:
        f[f"mod={e.modality}"] = 1.0
        for line in e.explain:
            kind = line.split(":", 1)[0]
            if kind == "trigger":
                head = line.split(" ", 2)
                f[head[0]] = 1.0  # "trigger:<entry>"
                f["mode=" + head[1]] = 1.0
            elif kind == "modality":
                f[line.split(" ", 1)[0]] = 1.0
            elif kind == "quantity":
                f["q_role=" + line.split(" ", 2)[1]] = 1.0
            elif kind == "evidence":
                evidence = max(evidence, float(line.split(":", 1)[1]))
            elif kind == "date":  # "date:explicit:year_cued+since": the source, and whether it opens a span
                _, source, rule = (line.split(":", 2) + ["", ""])[:3]
                f["date=" + source + ("+since" if rule.endswith("+since") else "")] = 1.0
            elif kind == "assessor":
                continue
            else:  # argument and type rules: "actor:agent_verb:شنتها" -> "arg=actor:agent_verb"
                f["arg=" + ":".join(line.split(" ", 1)[0].split(":")[:2])] = 1.0
        for name, value in (("has_actor", e.actor), ("has_target", e.target), ("has_loc", e.location)):
            if value is not None:
                f[name] = 1.0
    f["ev"] = evidence
    for t in times:
        f[f"time={t.source}:{t.rule or '-'}"] = 1.0
    counted = any(q.role in _COUNTED_ROLES for e in events for q in e.quantities)
    if counted:  # a toll with its own time is the mark of a specific, reported event
        f["count+time" if times else "count-no-time"] = 1.0
    f["n_events"] = float(min(3, len(events)))
    f["n_other"] = float(min(3, other_events))
    f["len"] = min(len(sentence_text), _LENGTH_SCALE) / _LENGTH_SCALE
    if any(q in sentence_text for q in _QUOTES):
        f["quote"] = 1.0
    first_trigger = min(e.trigger.start for e in events) - sentence_start
    counts = [(q.start - sentence_start, q.end - sentence_start) for e in events for q in e.quantities]
    for m in ARABIC_WORD_RE.finditer(sentence_text):
        if any(a <= m.start() < b for a, b in counts):
            continue  # "ما لا يقل عن 16" is a count, not a negation
        side = "b=" if m.start() < first_trigger else "a="
        for word in _word_forms(normalize(m.group())):
            f["w=" + word] = 1.0
            f[side + word] = 1.0
    return f


def _word_forms(word: str) -> tuple[str, ...]:
    """The word, and without a leading conjunction (و/ف) when it has one: "وقال" also counts as "قال"."""
    if len(word) > 3 and word[0] in "وف":
        return word, word[1:]
    return (word,)


@dataclass(frozen=True)
class Assessor:
    """A logistic model per event type: weights by feature name and the probability it demotes below."""
    weights: dict[str, dict[str, float]]
    thresholds: dict[str, float]

    def probability(self, event_type: str, feats: dict[str, float]) -> float | None:
        """P(the sentence reports an event of this type as news); None for a type it was not trained for."""
        w = self.weights.get(event_type)
        if w is None:
            return None
        z = sum(w.get(k, 0.0) * v for k, v in feats.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def assess(self, events: Sequence[Event], sentence_text: str, sentence_start: int,
               times: Sequence[TemporalExpression] = ()) -> list[Event]:
        """The sentence's events, with asserted ones of a judged type demoted when the model says
        the sentence does not report them as news. Order is kept."""
        by_type: dict[str, list[Event]] = {}
        for e in events:
            by_type.setdefault(e.event_type, []).append(e)
        verdict: dict[str, float] = {}
        for etype, group in by_type.items():
            if etype not in self.weights or not any(e.modality == "asserted" for e in group):
                continue
            p = self.probability(etype, features(group, len(events) - len(group), sentence_text, sentence_start,
                                                      times))
            if p is not None:
                verdict[etype] = p
        out = []
        for e in events:
            p = verdict.get(e.event_type)
            if p is None:
                out.append(e)
                continue
            note = f"assessor:p={p:.2f} threshold {self.thresholds[e.event_type]:.2f}"
            if e.modality == "asserted" and p < self.thresholds[e.event_type] and e.mode not in NOT_JUDGED_MODES:
                e = replace(e, modality="historical", explain=[*e.explain, note, DEMOTED_RULE])
            else:
                e = replace(e, explain=[*e.explain, note])
            out.append(e)
        return out


def parse_weights(text: str) -> Assessor:
    """Reads `event_type<TAB>feature<TAB>weight` lines; `@threshold` is the demotion threshold; `#` comments."""
    weights: dict[str, dict[str, float]] = {}
    thresholds: dict[str, float] = {}
    for (etype, name), number in weight_rows(text, 3, "assessor"):
        if name == "@threshold":
            thresholds[etype] = number
        else:
            weights.setdefault(etype, {})[name] = number
    missing = sorted(set(weights) - set(thresholds))
    if missing:
        raise ValueError(f"assessor weights: no @threshold for {', '.join(missing)}")
    return Assessor(weights, thresholds)


@resource
def default_assessor() -> Assessor:
    return parse_weights(WEIGHTS.read_text(encoding="utf-8"))
