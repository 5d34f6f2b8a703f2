"""Which mention is the actor, the target, the place? Candidates ranked per role by a learned model.

The argument rules (`arguments.py`) pick one filler per role from the sentence's clause patterns.
The ranker sees that pick beside every other candidate: the actor and place mentions of the event's
sentence, of the sentences just before and after it and of the lead sentence (news names the
attacker once and then says "وقال" or "الغارات"), the dateline place and the article's main country;
for actor and target also the capitals those sentences name, as their governments ("قالت موسكو",
"اتهمت طهران"), and the person names the name tagger finds there (`pipelines/nlp/names.py`); a title
and the name after it are one mention ("الرئيس الفرنسي إيمانويل ماكرون"); for the place also places
the gazetteer does not list, named after a place noun ("قرية المشابيح"). Each candidate gets
features (who proposed it, its side of and distance from the trigger and how the trigger was read
(verb or noun), the word before it and its own clitic, whether it shares the trigger's clause, its
sector or geographic precision, how often the article names it), each also crossed with the event
type and the role; a logistic model per role scores them and the best one fills the role. Fitted on
our coded articles by `python -m pipelines.extract.training.articles.train` beside the judge (a
candidate is right when the scorer would count it right: the coded span, name or code); weights in
`lexicons/ranker.tsv`. Before weights exist the rules' picks stand.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

from pipelines.caching import resource
from pipelines.extract import budget
from pipelines.extract.arguments import NP_STOP, SentenceView, Word
from pipelines.extract.mentions import ArticleMentions
from pipelines.gazetteer.index import load_index
from pipelines.learn import bucket, sigmoid, weight_rows
from pipelines.records import ActorMention, AnalyzedSentence, Event, Place
from pipelines.text import normalize

WEIGHTS = Path(__file__).with_name("lexicons") / "ranker.tsv"
ROLES = ("actor", "target", "location")
_CLITICS = "وفبلك"
MIN_FILL = 0.1
_VICTIM_ROLES = frozenset({"killed", "injured", "detained", "abducted"})
_SUBSET = frozenset(normalize(w) for w in ("بينهم", "منهم", "بينها", "منها", "بينهن", "وبينهم", "ومنهم"))  # a role the rules left empty is filled only by a candidate at least this likely


@dataclass(frozen=True)
class RoleCandidate:
    role: str
    value: ActorMention | Place
    origin: str  # rules | sentence | previous | lead | dateline


def _key(v) -> tuple[int, int]:
    return (v.start, v.end)


def candidates(e: Event, role: str, mentions: ArticleMentions, position: int,
               dateline: Place | None) -> list[RoleCandidate]:
    """The rules' pick first, then the other mentions of the sentence, the one before and the lead;
    for the place also the dateline's and the first mention of the article's main country."""
    out: list[RoleCandidate] = []
    seen: set[tuple[int, int]] = set()

    def add(v, origin, pos=position):
        if v is not None and role != "location":
            v = _titled(v, mentions, pos)
        if v is not None and _key(v) not in seen and not (v.start <= e.trigger.start < v.end):
            seen.add(_key(v))
            out.append(RoleCandidate(role, v, origin))

    add(getattr(e, role), "rules")
    for origin, pos in (("sentence", position), ("previous", position - 1), ("lead", 0), ("next", position + 1)):
        if pos < 0 or pos >= len(mentions.sentences) or (origin == "lead" and position <= 1):
            continue
        actors, places = mentions.of(pos)
        for v in (places if role == "location" else actors):
            add(v, origin, pos)
        if role != "location":
            for p in places:
                add(_government(p), origin + "+capital")
            for person in mentions.persons(pos):
                add(person, origin + "+person")
    if role == "location":
        add(dateline, "dateline")
        add(mentions.main_place(), "article")
    return out


def _titled(v: ActorMention | Place, mentions: ArticleMentions, position: int) -> ActorMention | Place:
    """A title and the person's name after it are one mention ("الرئيس الفرنسي إيمانويل ماكرون",
    "وزير الخارجية الأمريكي مايك بومبيو"): the title's code, the span of both."""
    if not isinstance(v, ActorMention) or v.sector == "person":
        return v
    text = mentions.clean.article.text
    for p in mentions.persons(position):
        if 0 <= p.start - v.end <= 2 and not text[v.end:p.start].strip():
            return replace(v, text=text[v.start:p.end], end=p.end)
    return v


def _local(origin: str) -> bool:
    """Proposed in the event's own sentence (by the rules, or as a mention there)."""
    return origin.split("+", 1)[0] in ("rules", "sentence")


def _government(p: Place) -> ActorMention | None:
    """A capital named as an actor stands for its government ("رفضت موسكو"): "<ISO3> GOV"."""
    capital = load_index().capitals.get(p.country or "")
    if capital is None or p.geonameid is None or capital.geonameid != p.geonameid:
        return None
    return ActorMention(p.text, p.start, p.end, f"{p.country} GOV", p.country, f"{p.name} (government)", "GOV")


def _name(v: ActorMention | Place) -> str:
    """What the article calls the same entity: an actor's code, a place's name."""
    return (v.code if isinstance(v, ActorMention) else v.name) or normalize(v.text)


def _trigger_form(e: Event) -> str:
    """How the lexicon read the trigger: "perf", "imperf", "noun" … (from its `trigger:` explanation)."""
    for x in e.explain:
        if x.startswith("trigger:"):
            parts = x.split(" weight ", 1)
            return parts[1].split()[1] if len(parts) == 2 and len(parts[1].split()) > 1 else "-"
    return "-"


def _word_before(view: SentenceView, start: int) -> str:
    i = view.word_before(start)
    return view.words[i].norm if i >= 0 else "^"


def candidate_features(e: Event, c: RoleCandidate, view: SentenceView, article_text: str,
                       frequency: dict[str, int], local: bool = False) -> dict[str, float]:
    """`local`: the event's own sentence offers candidates for the role (a mention further away then
    has to beat them)."""
    v = c.value
    f: dict[str, float] = {"bias": 1.0, "origin=" + c.origin: 1.0}
    if local and not _local(c.origin):
        f["origin=" + c.origin + "+local"] = 1.0
    if getattr(e, c.role) is not None and getattr(e, c.role).start == v.start:  # (a title may have grown its name)
        f["picked"] = 1.0
        rule = next((x.split(" ", 1)[0].split(":")[1] for x in e.explain if x.startswith(c.role + ":")), None)
        if rule:  # which argument rule picked it ("target:casualties", "actor:agent_verb")
            f["rule=" + rule] = 1.0
    first = normalize(v.text.split()[0]) if v.text.split() else ""
    if first[:1] in _CLITICS and len(first) > 3:
        f["clitic=" + first[0]] = 1.0
    if first.startswith(("ال", "وال", "بال", "لل", "فال")):
        f["definite"] = 1.0
    if any(q.role in _VICTIM_ROLES and q.start <= v.start <= q.end + 12 for q in e.quantities):
        f["counted"] = 1.0  # the noun of the event's own toll ("مقتل 12 مدنيا")
    if _local(c.origin):
        words = view.words
        i = view.word_before(v.start)
        if any(words[k].norm in _SUBSET for k in range(max(0, i - 2), i + 1)):
            f["subset"] = 1.0  # "بينهم 14 طفلا": part of the victims, not the target
        tw = view.word_at(e.trigger.start)
        cw = view.word_at(v.start)
        side = "before" if v.start < e.trigger.start else "after"
        dist = bucket(abs(cw - tw), (1, 3, 6, 12))
        f["side=" + side] = 1.0
        f["dist=" + dist] = 1.0
        form = _trigger_form(e)  # a verb's subject follows it, a noun's agent is its genitive or adjective
        f[f"form={form}|{side}|{dist}"] = 1.0
        f["prev=" + _word_before(view, v.start)] = 1.0
        if 0 <= cw < len(words) and 0 <= tw < len(words) and view.clause_of[cw] == view.clause_of[tw]:
            f["same_clause"] = 1.0
    if isinstance(v, Place):
        f["prec=" + (v.precision or "-")] = 1.0
        if e.actor is not None and e.actor.country and v.country == e.actor.country:
            f["actor_country"] = 1.0
    else:
        f["sector=" + (v.sector or "-")] = 1.0
        f["coded" if v.code else "uncoded"] = 1.0
        if c.role == "target" and e.actor is not None and e.actor.code and v.code == e.actor.code:
            f["same_as_actor"] = 1.0
    f["freq=" + bucket(frequency.get(_name(v), 0), (1, 2, 4))] = 1.0
    typed = {f"{c.role}|{e.event_type}|{k}": x for k, x in f.items() if not k.startswith("prev=")}
    f = {f"{c.role}|{k}": x for k, x in f.items()}
    f.update(typed)
    return f


@dataclass(frozen=True)
class Ranker:
    weights: dict[str, float]

    def score(self, feats: dict[str, float]) -> float:
        return sigmoid(sum(self.weights.get(k, 0.0) * v for k, v in feats.items()))

    def rank(self, events: Sequence[Event], sentences: Sequence[AnalyzedSentence], mentions: ArticleMentions,
             dateline: Place | None) -> list[Event]:
        return [self.rank_one(e, c) for e, c in zip(events, role_tables(events, sentences, mentions, dateline))]

    def rank_one(self, e: Event, table: dict[str, list[tuple[RoleCandidate, dict[str, float]]]]) -> Event:
        changes: dict[str, object] = {}
        notes = []
        for role, cands in table.items():
            taken = changes.get("actor", e.actor) if role == "target" else None
            cands = [(c, f) for c, f in cands  # whoever acts is not acted on
                     if taken is None or not (c.value.start < taken.end and taken.start < c.value.end)]
            if not cands:
                continue
            best, p = max(((c, self.score(f)) for c, f in cands), key=lambda x: x[1])
            if getattr(e, role) is None and p < MIN_FILL:
                continue  # nobody likely enough to name where the rules named nobody
            if getattr(e, role) is None or _key(getattr(e, role)) != _key(best.value):
                changes[role] = best.value
                notes.append(f"ranker:{role} {best.origin} '{best.value.text}' p={p:.2f}")
        if not changes:
            return e
        if "location" in changes:
            changes["locations"] = [changes["location"], *[p for p in e.locations if _key(p) != _key(changes["location"])]]
        if "actor" in changes:
            changes["actors"] = [changes["actor"]]
        return replace(e, explain=[*e.explain, *notes], **changes)


def role_tables(events: Sequence[Event], sentences: Sequence[AnalyzedSentence], mentions: ArticleMentions,
                dateline: Place | None) -> list[dict[str, list[tuple[RoleCandidate, dict[str, float]]]]]:
    """Per event, per role: the candidates with their features (the recipe labels these)."""
    position = {s.sentence.index: i for i, s in enumerate(sentences)}
    text = mentions.clean.article.text
    frequency: dict[str, int] = {}
    for i in range(len(sentences)):
        if any(e.sentence_index == sentences[i].sentence.index for e in events) or i == 0:
            actors, places = mentions.of(i)
            for v in (*actors, *places):
                frequency[_name(v)] = frequency.get(_name(v), 0) + 1
    views: dict[int, SentenceView] = {}
    out = []
    for e in events:
        budget.check()  # a long article has many events: the article's time budget holds here too
        pos = position[e.sentence_index]
        if pos not in views:
            views[pos] = SentenceView.build(sentences[pos])
        table = {}
        for role in ROLES:
            cands = candidates(e, role, mentions, pos, dateline)
            if role == "location":
                cands += _unlisted_places(views[pos], text, cands, mentions.context)
            local = any(_local(c.origin) for c in cands)
            table[role] = [(c, candidate_features(e, c, views[pos], text, frequency, local)) for c in cands]
        out.append(table)
    return out


_PLACE_NOUNS = frozenset(normalize(w) for w in (
    "مدينة", "بلدة", "قرية", "حي", "مخيم", "ضاحية", "منطقة", "مديرية", "ناحية", "قضاء", "مطار", "ميناء",
    "معبر", "جبل", "وادي"))
_NAME_HEADS = frozenset(normalize(w) for w in ("آل", "أبو", "بني", "بيت", "تل", "عين", "بئر", "دير", "كفر", "شعب", "رأس"))
_CLITIC_PREFIXES = ("وب", "ب", "و", "ف", "ل")
# Words after a place noun that do not name it ("مديرية أمن", "منطقة شرق", "منطقة غير ...").
_NOT_NAMES = frozenset(normalize(w) for w in ("أمن", "غير", "شرق", "غرب", "شمال", "جنوب", "وسط", "كل", "بعض"))


def _unlisted_places(view: SentenceView, text: str, taken: list[RoleCandidate],
                     context: Sequence[str]) -> list[RoleCandidate]:
    """Places the gazetteer does not list, named after a place noun ("مديرية شدا", "قرية المشابيح",
    "مخيم الفلاح"): the noun and the name (two words when the name starts "آل", "أبو", "بني" …), in
    the article's main country. The ranker weighs them like any mention of the sentence."""
    words = view.words
    spans = [(c.value.start, c.value.end) for c in taken]
    country = context[0] if context else None
    out = []
    for i, w in enumerate(words[:-1]):
        if not _place_noun(w, text) or not _place_name(words[i + 1]) or view.clause_of[i + 1] != view.clause_of[i]:
            continue
        last = i + 2 if words[i + 1].norm in _NAME_HEADS and i + 2 < len(words) else i + 1
        a, b = words[i].start, words[last].end
        if any(x < b and a < y for x, y in spans):
            continue
        name = text[words[i + 1].start:b]
        out.append(RoleCandidate("location", Place(text[a:b], a, b, name, country, precision="city"),
                                 "sentence+unlisted"))
    return out


def _place_noun(w: Word, text: str) -> bool:
    """An indefinite place noun in construct before its name ("مدينة حلب", "وبقرية المشابيح"): not
    "المنطقة" (a noun then its adjective or the next clause) and not "بلده" (his country), which only
    normalisation makes look like "بلدة"."""
    for p in ("", *_CLITIC_PREFIXES):
        if w.norm.startswith(p) and w.norm[len(p):] in _PLACE_NOUNS:
            return not (w.norm.endswith("ه") and text[w.end - 1] != "ة")
    return False


def _place_name(w: Word) -> bool:
    """A word that can name a place: not a function word, a time word or a direction."""
    return w.norm.isalpha() and (len(w.norm) > 2 or w.norm in _NAME_HEADS) and w.norm not in NP_STOP \
        and w.norm not in _NOT_NAMES


def parse_weights(text: str) -> Ranker:
    """`feature<TAB>weight` lines; `#` comments."""
    return Ranker({name: value for (name,), value in weight_rows(text, 2, "ranker")})


@resource
def default_ranker() -> Ranker | None:
    return parse_weights(WEIGHTS.read_text(encoding="utf-8")) if WEIGHTS.exists() else None
