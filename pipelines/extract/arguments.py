"""Event arguments: actor (who acts), target (who is acted on), location (where).

`find_arguments(...)` works on one sentence. It takes the actor and place mentions the gazetteer found
in the sentence (resolution and codes come from `pipelines.gazetteer`) and decides which of them
fill which slot for one event, from the event's trigger spans.

Two ways to decide, best first:
* dependency relations, when the analyzer parsed the sentence (`Token.head/deprel`): the subject or
  agent of a verbal trigger is the actor, its object the target; a genitive/nisba modifier of a nominal
  trigger ("غارات التحالف", "غارة تركية") is the actor;
* clause-level patterns on the normalised words otherwise (Arabic news is formulaic): explicit agent
  markers ("من قبل X", "على يد X", "شنها X", "المنسوبة إلى X"), a nisba or genitive right after the
  trigger, a subject right after a verb (VSO) or right before it (SVO, not across "أن/إن", which
  separates a speaker from what is reported); targets after "استهدف", "ضد", "على", the victims of a
  casualty count, the genitive of "مقتل/اغتيال"; the location is the place governed by the trigger
  (preposition + place nearest it in its clause, finer places before their country), the dateline
  place only as a fallback.

All spans are in original article offsets.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Iterator, Sequence

from pipelines.records import ActorMention, AnalyzedSentence, Place
from pipelines.text import normalize, normalize_with_offsets

_WORD_RE = re.compile(r"[^\W\d_]+|\d+(?:[.,]\d+)*|[^\w\s]")
_STRONG_PUNCT = frozenset(".;؛:?؟!")
_CLAUSE_WORDS = frozenset(normalize(w) for w in ("فيما", "بينما", "حيث", "لكن", "ولكن", "وفيما", "وبينما"))
_REPORTING_COMPLEMENTISERS = frozenset(normalize(w) for w in ("أن", "إن", "بأن", "وأن", "وإن", "لأن"))
_PREPOSITIONS = frozenset(normalize(w) for w in (
    "في", "على", "ضد", "إلى", "من", "عن", "مع", "بين", "نحو", "قرب", "داخل", "خارج", "أمام", "لدى", "عند",
    "حول", "تجاه", "بحق", "بعد", "قبل", "خلال", "منذ", "جراء", "إثر", "بسبب", "عبر"))
# A place after one of these (or with the ب/في clitic) is where something happened.
_LOCATIVE = frozenset(normalize(w) for w in (
    "في", "ب", "على", "قرب", "داخل", "إلى", "أمام", "شمال", "جنوب", "شرق", "غرب", "شمالي", "جنوبي",
    "شرقي", "غربي", "بمدينة", "مدينة", "محافظة", "بمحافظة", "بلدة", "ببلدة", "منطقة", "بمنطقة",
    "قرية", "بقرية", "حي", "بحي", "ريف", "بريف", "قضاء", "مديرية", "بمديرية", "ولاية",
    "بولاية", "ضواحي", "أطراف", "محيط", "وسط", "بالقرب", "مدينتي", "بلدات", "مدن", "قرى", "مناطق"))
_NEAR = frozenset(normalize(w) for w in ("قرب", "بالقرب", "محيط", "أطراف", "ضواحي", "مقربة"))
_AGENT_MARKERS: tuple[tuple[str, ...], ...] = tuple(tuple(normalize(w).split()) for w in (
    "من قبل", "على يد", "على أيدي", "بيد", "المنسوبة إلى", "المنسوب إلى", "المنسوبة الى", "نسبت إلى",
    "بقيادة", "تقودها", "يقودها", "تبناه", "تبنتها", "تبناها",
))
# By first word, in the order above: one dict probe per word instead of a loop over every marker.
_AGENT_MARKERS_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _marker in _AGENT_MARKERS:
    _AGENT_MARKERS_BY_FIRST.setdefault(_marker[0], []).append(_marker)
_AGENT_VERBS = frozenset(normalize(w) for w in (
    "شنها", "شنته", "شنتها", "شنه", "نفذها", "نفذته", "نفذتها", "نفذه", "شنوها", "نفذوها", "تنفذها",
    "يشنها", "تشنها", "ارتكبها", "ارتكبته", "ارتكبتها", "أطلقها", "أطلقتها", "أطلقته", "قادها", "تقوده",
    "شنت", "شن", "نفذت", "نفذ", "ارتكبت", "ارتكب", "تشن", "يشن", "تنفذ", "ينفذ", "يرتكب", "ترتكب",
    "شنوا", "نفذوا",
))
_TARGETING = frozenset(normalize(w) for w in (
    "استهدف", "استهدفت", "تستهدف", "يستهدف", "استهدفوا", "طال", "طالت", "يطال", "تطال", "ضرب", "ضربت",
    "قصف", "قصفت", "هاجم", "هاجمت", "هاجموا", "داهم", "داهمت", "اقتحم", "اقتحمت", "استهدافه", "استهدفها", "أصاب", "أصابت",
))
_ON_TARGET = frozenset(normalize(w) for w in ("ضد", "على", "علي", "بحق", "تجاه", "لاستهداف", "باستهداف"))
_GAP_BREAKERS = frozenset(normalize(w) for w in (
    "الذي", "التي", "الذين", "استهدف", "استهدفت", "أصاب", "أصابت", "طال", "طالت", "أدى", "أدت", "أسفر",
    "أسفرت", "خلف", "خلفت", "ضد", "على", "إلى", "أن", "إن", "بأن"))
_VERBAL = frozenset(normalize(w) for w in (
    "استهدف", "استهدفت", "يستهدف", "تستهدف", "أصاب", "أصابت", "طال", "طالت", "ضربت", "قصفت", "هاجم", "هاجمت", "داهم", "داهمت", "اقتحم", "اقتحمت", "قتل", "قتلت", "اعتقل", "اعتقلت", "أطلق", "أطلقت"))
_KILLING_NOUNS = frozenset(normalize(w) for w in (
    "مقتل", "اغتيال", "إعدام", "اعتقال", "اختطاف", "خطف", "توقيف", "استهداف", "تصفية", "إصابة", "جرح",
    "لمقتل", "بمقتل", "ومقتل", "واغتيال", "باغتيال", "باعتقال", "واعتقال", "وإصابة"))
# Outcome words: what follows them is who suffered ("القتلى المدنيين", "أودى بحياة المدنيين").
_PATIENT_WORDS = _KILLING_NOUNS | frozenset(normalize(w) for w in (
    "قتلى", "القتلى", "قتيل", "ضحايا", "الضحايا", "جرحى", "الجرحى", "مصابين", "المصابين", "بحياة", "حياة",
    "مصرع", "مصرعه", "مصرعهم", "حتف", "حتفهم", "حتفه", "سقوط", "خسائر", "بصفوف", "صفوف"))
# A mention after one of these supports or suffers, it does not act ("بدعم روسي", "في صفوف الحوثيين").
_NOT_AGENT_BEFORE = frozenset(normalize(w) for w in (
    "بدعم", "بمساندة", "بإسناد", "مدعوما", "مدعومة", "مدعومين", "بمشاركة", "صفوف", "بصفوف", "لمصلحة",
    "بينهم", "منهم", "بينها", "ضد", "لصالح"))
_PRONOUN_COMPLEMENTISERS = frozenset(normalize(w) for w in (
    "إنه", "أنه", "إنها", "أنها", "إنهم", "أنهم", "بأنه", "بأنها", "بأنهم", "وإنه", "وأنه"))
_TIME_WORDS = frozenset(normalize(w) for w in (
    "مساء", "صباح", "فجر", "ظهر", "ليل", "ليلة", "يوم", "أمس", "اليوم", "الأحد", "الاثنين", "الثلاثاء",
    "الأربعاء", "الخميس", "الجمعة", "السبت", "الماضي", "الماضية", "فجأة", "مجددا", "أيضا", "كذلك"))
_NP_STOP = _PREPOSITIONS | _TIME_WORDS | frozenset(normalize(w) for w in (
    "الذي", "التي", "الذين", "اللذين", "اللتين", "و", "أو", "ثم", "كما", "إذ", "ما", "لا", "لم", "لن",
    "قد", "كان", "كانت", "أن", "إن", "بأن", "وفق", "حسب", "وفقا", "بينهم", "منهم"))
NP_STOP = _NP_STOP  # words that end a noun phrase (the ranker's place names stop there too)
# Types whose trigger is a transitive verb with its object after the subject (اتهمت إيران الولايات المتحدة).
_OBJECT_TYPES = frozenset({"ACCUSE", "COERCE", "REJECT", "THREATEN", "SANCTION", "REQUEST", "SUPPORT", "AID",
                           "AGREE", "CONSULT", "COOPERATE", "CONCEDE", "RETREAT"})


@dataclass(frozen=True, slots=True)
class Word:
    norm: str
    start: int  # original article offsets
    end: int
    index: int


@dataclass
class SentenceView:
    """A sentence cut into normalised words, with its clause boundaries (built once per sentence)."""

    sentence: AnalyzedSentence
    words: list[Word]
    clause_of: list[int]  # word index -> clause number
    _ends: list[int] | None = None

    @classmethod
    def build(cls, sentence: AnalyzedSentence) -> "SentenceView":
        s = sentence.sentence
        nt = normalize_with_offsets(s.text)
        words: list[Word] = []
        for m in _WORD_RE.finditer(nt.text):
            a, b = nt.to_original(m.start(), m.end())
            words.append(Word(m.group(), s.start + a, s.start + b, len(words)))
        clause_of = []
        clause = 0
        for w in words:
            if w.norm in _STRONG_PUNCT or w.norm in _CLAUSE_WORDS:
                clause += 1
            clause_of.append(clause)
        return cls(sentence, words, clause_of)

    def word_at(self, offset: int) -> int:
        """Index of the word containing (or first after) an original offset."""
        i = bisect_right(self.ends, offset)
        return min(i, len(self.words) - 1)

    def word_before(self, offset: int) -> int:
        """Index of the last word ending at or before an original offset (-1 if none)."""
        return bisect_right(self.ends, offset) - 1

    @property
    def ends(self) -> list[int]:
        if self._ends is None:
            self._ends = [w.end for w in self.words]
        return self._ends


@dataclass
class Arguments:
    actor: ActorMention | None = None
    actors: list[ActorMention] = field(default_factory=list)
    target: ActorMention | None = None
    location: Place | None = None
    locations: list[Place] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)


def _strip_clitics(w: str) -> str:
    for p in ("وبال", "وال", "فال", "بال", "لل", "ال", "و", "ف", "ب", "ل"):
        if w.startswith(p) and len(w) - len(p) >= 2:
            return w[len(p):]
    return w


def _mention_after(view: SentenceView, mentions: Sequence[ActorMention], word_idx: int,
                   max_gap: int, skip_time: bool = True) -> ActorMention | None:
    """An actor mention starting within `max_gap` words after word `word_idx` (no preposition or
    clause break between)."""
    words = view.words
    if word_idx + 1 >= len(words):
        return None
    gap = 0
    k = word_idx + 1
    while k < len(words) and gap <= max_gap:
        w = words[k]
        for m in mentions:
            if m.start <= w.start < m.end or w.start <= m.start < w.end:
                return m
        if w.norm in _STRONG_PUNCT or w.norm in _CLAUSE_WORDS or (w.norm in _PREPOSITIONS and w.norm != "من"):
            return None  # "مسلحون من بوكو حرام": a partitive does not end the search
        if w.norm == "،" and not skip_time:
            return None
        if w.norm in _GAP_BREAKERS or _strip_clitics(w.norm) in _GAP_BREAKERS:
            return None  # "قصف مدفعي استهدف مواقع لحماس": حماس is not the shooter
        if w.norm.startswith("ل") and not w.norm.startswith("لل"):
            return None  # "ضربة لاجتماع لحزب العمال": a dative phrase, the party is the target
        partitive_head = k + 1 < len(words) and words[k + 1].norm == "من"
        if not (skip_time and (w.norm in _TIME_WORDS or w.norm == "،")) and not partitive_head and w.norm != "من":
            gap += 1
        k += 1
    return None


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


_QUANTIFIERS = frozenset(normalize(w) for w in (
    "مجموعة", "جزء", "عدد", "بعض", "عشرات", "مئات", "آلاف", "أحد", "إحدى", "معظم", "غالبية", "أغلب", "كل"))
_QUOTES = frozenset('"«»“”\'')


def _noun_phrase(view: SentenceView, k: int, max_words: int = 5) -> tuple[int, int] | None:
    """Word range [k, end) of the noun phrase starting at word k ("مجموعة من النازحين" included)."""
    words = view.words
    while k < len(words) and words[k].norm in _QUOTES:
        k += 1
    if k >= len(words) or not words[k].norm[0].isalpha() or words[k].norm in _NP_STOP:
        return None
    end = k + 1
    quantified = words[k].norm in _QUANTIFIERS
    while end < len(words) and end - k < max_words + (3 if quantified else 0):
        w = words[end]
        if w.norm == "من" and quantified:
            end += 1
            continue
        if not w.norm[0].isalpha() or w.norm in _NP_STOP or w.norm.startswith("و"):
            break
        end += 1
    if quantified:
        # the group itself is the target: "مجموعة من النازحين" -> النازحين
        for j in range(k + 1, end):
            if words[j].norm == "من" and j + 1 < end:
                return j + 1, end
    return k, end


def _span_mention(view: SentenceView, rng: tuple[int, int], mentions: Sequence[ActorMention],
                  places: Sequence[Place] = ()) -> ActorMention:
    """The noun phrase as a mention; the code comes from an actor mention inside it, if any.
    The phrase stops before a place that is not its head ("مواقع عسكرية سورية بالقنيطرة")."""
    end = rng[1]
    for j in range(rng[0] + 1, rng[1]):
        w = view.words[j]
        if any(_overlaps(w.start, w.end, p.start, p.end) for p in places) and not any(
                _overlaps(w.start, w.end, m.start, m.end) for m in mentions):
            end = j
            break
    rng = (rng[0], end)
    a, b = view.words[rng[0]].start, view.words[rng[1] - 1].end
    text = view.sentence.sentence.text
    off = view.sentence.sentence.start
    inner = [m for m in mentions if _overlaps(m.start, m.end, a, b)]
    if inner:
        m = inner[0]
        a2, b2 = min(a, m.start), max(b, m.end)
        return ActorMention(text[a2 - off:b2 - off], a2, b2, m.code, m.country, m.name, m.sector)
    return ActorMention(text[a - off:b - off], a, b, None)


def _is_speaker(view: SentenceView, mention: ActorMention, trigger_word: int) -> bool:
    """True when a complementiser (أن/إن) stands between a mention before the trigger and the trigger:
    the mention is who reports, not who acts."""
    i = view.word_at(mention.end)
    for k in range(i, trigger_word):
        if view.words[k].norm in _REPORTING_COMPLEMENTISERS or view.words[k].norm in _PRONOUN_COMPLEMENTISERS:
            return True
    return False


def _dependency_actor(view: SentenceView, trig: tuple[int, int], mentions: Sequence[ActorMention]
                      ) -> tuple[ActorMention | None, ActorMention | None]:
    """Actor and target from a dependency parse, when the analyzer supplies one."""
    toks = view.sentence.tokens
    if not toks or all(t.head is None for t in toks):
        return None, None
    head_idx = None
    for i, t in enumerate(toks):
        if t.start < trig[1] and trig[0] < t.end:
            head_idx = i + 1
            break
    if head_idx is None:
        return None, None
    head_tok = toks[head_idx - 1]
    head_norm = normalize(head_tok.text)
    patient_head = head_norm in _PATIENT_WORDS or _strip_clitics(head_norm) in _PATIENT_WORDS
    actor = target = None
    for i, t in enumerate(toks):
        if t.head != head_idx or not t.deprel:
            continue
        rel = t.deprel
        span_mentions = [m for m in mentions if _overlaps(m.start, m.end, t.start, t.end)]
        if not span_mentions:
            # the dependent's own subtree may hold the mention (head noun of a multiword name)
            sub = _subtree(toks, i + 1)
            lo, hi = min(toks[j - 1].start for j in sub), max(toks[j - 1].end for j in sub)
            span_mentions = [m for m in mentions if _overlaps(m.start, m.end, lo, hi)]
        if not span_mentions:
            continue
        if rel in ("amod", "nmod", "nmod:poss") and patient_head:
            # "مقتل صالح الصماد": the genitive of an outcome noun is who suffered
            target = target or span_mentions[0]
        elif rel in ("nsubj", "obl:agent", "nmod:agent") or (
                rel in ("amod", "nmod", "nmod:poss") and actor is None and span_mentions[0].code):
            actor = actor or span_mentions[0]
        elif rel in ("obj", "nsubj:pass", "iobj") and target is None:
            target = span_mentions[0]
    return actor, target


def _subtree(toks, root: int) -> set[int]:
    out = {root}
    changed = True
    while changed:
        changed = False
        for i, t in enumerate(toks):
            if t.head in out and (i + 1) not in out:
                out.add(i + 1)
                changed = True
    return out


# What an argument rule finds: the mention and the `explain` line of the rule, or None.
_Found = tuple[ActorMention, str] | None


def _first_found(triggers: Sequence[tuple[int, int]], rules: Sequence, *context) -> _Found:
    """The first of `rules` that finds an argument, trying them on each trigger in turn (main first)."""
    for trig in triggers:
        for rule in rules:
            found = rule(*context, trig)
            if found is not None:
                return found
    return None


def find_actor(view: SentenceView, triggers: Sequence[tuple[int, int]], mentions: Sequence[ActorMention],
               rules: list[str], exclude: Sequence[tuple[int, int]] = ()) -> ActorMention | None:
    """Who acts, for an event with these trigger spans (first trigger first). Mentions inside
    `exclude` (the victims of a casualty count) are never the actor.

    The rules are tried pass by pass, each pass over every trigger: the dependency parse; an actor
    inside a multiword trigger; an agent marker or the word right after the trigger; a light verb,
    a complementiser or the subject before the trigger."""
    cands = [m for m in mentions if not any(_overlaps(m.start, m.end, a, b) for a, b in exclude)]
    if not cands:
        return None
    for rules_of_pass in _ACTOR_PASSES:
        found = _first_found(triggers, rules_of_pass, view, cands)
        if found is not None:
            rules.append(found[1])
            return found[0]
    return None


def _actor_by_dependency(view: SentenceView, cands: Sequence[ActorMention], trig: tuple[int, int]) -> _Found:
    dep_actor, _ = _dependency_actor(view, trig, cands)
    return (dep_actor, "actor:dependency") if dep_actor else None


def _actor_inside_trigger(view: SentenceView, cands: Sequence[ActorMention], trig: tuple[int, int]) -> _Found:
    """0) A multiword trigger with the actor inside it: "انسحاب الولايات المتحدة من الاتفاق"."""
    inner = [m for m in cands if trig[0] < m.start and m.end < trig[1]]
    return (inner[0], "actor:inside_trigger") if inner else None


def _actor_by_agent_marker(view: SentenceView, cands: Sequence[ActorMention], trig: tuple[int, int]) -> _Found:
    """1) Explicit agent markers (من قبل، على يد ...) or an agent verb after the trigger, in its clause."""
    words = view.words
    t_last = view.word_before(trig[1])
    clause = view.clause_of[view.word_at(trig[0])]
    for k in range(t_last + 1, min(len(words), t_last + 10)):
        if view.clause_of[k] != clause:
            break
        for marker in _AGENT_MARKERS_BY_FIRST.get(words[k].norm, ()):
            n = len(marker)
            if tuple(w.norm for w in words[k:k + n]) == marker:
                m = _mention_after(view, cands, k + n - 1, 2)
                if m:
                    return m, f"actor:marker:{' '.join(marker)}"
        if words[k].norm in _AGENT_VERBS and k > t_last:
            m = _mention_after(view, cands, k, 2)
            if m:
                return m, f"actor:agent_verb:{words[k].norm}"
    return None


def _actor_after_trigger(view: SentenceView, cands: Sequence[ActorMention], trig: tuple[int, int]) -> _Found:
    """2) Nisba or genitive right after the trigger: "غارة تركية", "قصف مدفعي تركي", "غارات التحالف"
    (not after "مقتل/اعتقال": their genitive is the victim)."""
    words = view.words
    t_first = view.word_at(trig[0])
    t_last = view.word_before(trig[1])
    if any(w.norm in _PATIENT_WORDS or _strip_clitics(w.norm) in _PATIENT_WORDS
           for w in (words[t_first], words[t_last])):
        return None
    if t_first > 0 and words[t_first - 1].norm in _PRONOUN_COMPLEMENTISERS:
        return None  # "تقول إنه يستهدف المقاتلين": the subject is the pronoun, what follows is the object
    verbal = any(w.norm in _VERBAL or (w.norm[:1] in "وف" and w.norm[1:] in _VERBAL)
                 for w in words[t_first:t_last + 1])
    # a verb's subject follows it at once; a noun's nisba/genitive may follow an adjective or two
    m = _mention_after(view, cands, t_last, 0 if verbal else 2, skip_time=verbal)
    if m and not _preceded_by_preposition(view, m):
        return m, "actor:after_trigger"
    return None


def _clause_words_before(view: SentenceView, t_first: int, reach: int) -> Iterator[int]:
    """The words before word `t_first` in its clause, nearest first, fewer than `reach` of them."""
    clause = view.clause_of[t_first]
    for k in range(t_first - 1, max(-1, t_first - reach), -1):
        if view.clause_of[k] != clause:
            return
        yield k


def _actor_by_light_verb(view: SentenceView, cands: Sequence[ActorMention], trig: tuple[int, int]) -> _Found:
    """3) A light verb before a nominal trigger: "شن الجيش الإسرائيلي ... هجوما"."""
    words = view.words
    for k in _clause_words_before(view, view.word_at(trig[0]), 8):
        if words[k].norm in _AGENT_VERBS or _strip_clitics(words[k].norm) in _AGENT_VERBS:
            m = _mention_after(view, cands, k, 2)
            if m and m.start < trig[0]:
                return m, f"actor:light_verb:{words[k].norm}"
    return None


def _subject_after_complementiser(view: SentenceView, cands: Sequence[ActorMention],
                                  trig: tuple[int, int]) -> _Found:
    """4a) "أن/إن + subject + verb": the noun right after the complementiser is the subject."""
    words = view.words
    t_first = view.word_at(trig[0])
    for k in _clause_words_before(view, t_first, 25):
        if words[k].norm in _REPORTING_COMPLEMENTISERS:
            m = next((m for m in cands if words[k].end <= m.start and k + 1 < len(words)
                      and m.start < words[k + 1].end and m.end <= trig[0]), None)
            if m is not None and not _undergoes(view, m, t_first):
                return m, "actor:subject_after_complementiser"
            break
    return None


def _subject_before(view: SentenceView, cands: Sequence[ActorMention], trig: tuple[int, int]) -> _Found:
    """4b) The subject before the trigger in its clause (SVO), not a speaker; the head of its coordination."""
    t_first = view.word_at(trig[0])
    clause = view.clause_of[t_first]
    best = None
    for m in cands:
        if m.end <= trig[0] and view.clause_of[view.word_at(m.start)] == clause:
            if (_is_speaker(view, m, t_first) or _preceded_by_preposition(view, m)
                    or _undergoes(view, m, t_first)):
                continue
            if best is None or m.start > best.start:
                best = m
    if best is not None and t_first - view.word_at(best.end) <= 12:
        return _chain_head(view, best, cands), "actor:subject_before"
    return None


_ACTOR_PASSES = ((_actor_by_dependency,), (_actor_inside_trigger,), (_actor_by_agent_marker, _actor_after_trigger),
                 (_actor_by_light_verb, _subject_after_complementiser, _subject_before))


_UNDERGO = frozenset(normalize(w) for w in (
    "تعرض", "تعرضت", "يتعرض", "تتعرض", "تعرضوا", "يتعرضون", "طالت", "طال"))


def _undergoes(view: SentenceView, m: ActorMention, trigger_word: int) -> bool:
    """"تعرضت دورية تركية لهجوم": the subject of تعرض is attacked, not attacking."""
    lo = max(0, view.word_at(m.start) - 3)
    return any(_strip_clitics(view.words[k].norm) in _UNDERGO or view.words[k].norm in _UNDERGO
               for k in range(lo, trigger_word))


def _chain_head(view: SentenceView, m: ActorMention, mentions: Sequence[ActorMention]) -> ActorMention:
    """The first of a coordination ("القوات الأميركية والبريطانية والفرنسية") ending in `m`."""
    text = view.sentence.sentence.text
    off = view.sentence.sentence.start
    head = m
    changed = True
    while changed:
        changed = False
        for p in mentions:
            if p.end <= head.start and head.start - p.end <= 4:
                gap = normalize(text[p.end - off:head.start - off]).replace("،", " ").split()
                if gap in (["و"], []) and (gap or normalize(text[head.start - off]) == "و"
                                           or text[p.end - off:head.start - off].strip() in ("و", "،")):
                    if _preceded_by_preposition(view, p):
                        return head  # "بين إيران وإسرائيل، التي شنت": only the last one acts
                    head = p
                    changed = True
                    break
    return head


def _preceded_by_preposition(view: SentenceView, m: ActorMention) -> bool:
    i = view.word_at(m.start)
    w = view.words[i]
    if w.start < m.start:  # clitic inside the word: "للتحالف" is a genitive, "بالجيش" is not an agent
        prefix = normalize(view.sentence.sentence.text[w.start - view.sentence.sentence.start:
                                                       m.start - view.sentence.sentence.start])
        return prefix.startswith(("ب", "وب", "في"))
    if i == 0:
        return False
    prev = view.words[i - 1].norm
    for k in range(i - 1, max(-1, i - 4), -1):  # "في صفوف ميليشيات الحوثيين الإيرانية"
        w = view.words[k].norm
        if not w[0].isalpha():
            break
        if w in _NOT_AGENT_BEFORE:
            return True
    return prev in _PREPOSITIONS and prev not in ("من",)


def _written_as_preposition(view: SentenceView, w: Word) -> bool:
    """"على" and the name "علي" are one word once normalised; the original spelling tells them apart."""
    if w.norm != "علي":
        return True
    off = view.sentence.sentence.start
    return view.sentence.sentence.text[w.start - off:w.end - off].endswith("ى")


def find_target(view: SentenceView, triggers: Sequence[tuple[int, int]], mentions: Sequence[ActorMention],
                victims: Sequence[tuple[int, int]], places: Sequence[Place], actor: ActorMention | None,
                rules: list[str], event_type: str, co_actors: Sequence[ActorMention] = ()) -> ActorMention | None:
    """Who or what is acted on (never the actor or one of its coordinated co-actors).

    Tried in order: the dependency parse; a targeting verb or a preposition of targeting near a
    trigger; the victims of a casualty count; the genitive of a killing noun or the object after
    the trigger."""
    search = _TargetSearch(view, triggers, mentions, places, actor,
                           [a for a in (actor, *co_actors) if a is not None], event_type)
    found = (_first_found(triggers, (_target_by_dependency,), search)
             or _first_found(triggers, (_target_of_targeting_verb, _target_after_preposition), search)
             or _victim_target(search, victims)
             or _first_found(triggers, (_target_genitive, _target_object_after), search))
    if found is None:
        return None
    rules.append(found[1])
    return found[0]


@dataclass
class _TargetSearch:
    """The sentence and what is known of one event while its target is looked for."""
    view: SentenceView
    triggers: Sequence[tuple[int, int]]
    mentions: Sequence[ActorMention]
    places: Sequence[Place]
    actor: ActorMention | None
    actor_list: list[ActorMention]  # the actor and its coordinated co-actors
    event_type: str

    def is_place(self, rng: tuple[int, int]) -> bool:
        """The phrase is a place: it starts with one ("دوما") or with a place noun ("بلدة معرة النعمان")."""
        head = self.view.words[rng[0]]
        if head.norm in _LOCATIVE or _strip_clitics(head.norm) in _LOCATIVE:
            return True
        return any(_overlaps(head.start, head.end, p.start, p.end) for p in self.places)

    def not_actor(self, m: ActorMention | None) -> bool:
        return m is not None and not any(_overlaps(m.start, m.end, a.start, a.end) for a in self.actor_list)


def _target_by_dependency(s: _TargetSearch, trig: tuple[int, int]) -> _Found:
    _, dep_target = _dependency_actor(s.view, trig, s.mentions)
    return (dep_target, "target:dependency") if s.not_actor(dep_target) else None


def _target_of_targeting_verb(s: _TargetSearch, trig: tuple[int, int]) -> _Found:
    """1) "استهدف(ت) X" anywhere near the trigger in its clause."""
    view, words, actor = s.view, s.view.words, s.actor
    t_first = view.word_at(trig[0])
    t_last = view.word_before(trig[1])
    clause = view.clause_of[t_first]
    lo, hi = max(0, t_first - 12), min(len(words), t_last + 12)
    for k in range(lo, hi):
        if view.clause_of[k] != clause or words[k].norm not in _TARGETING:
            continue
        j = k + 1
        while j < len(words) and (words[j].norm in _TIME_WORDS or words[j].norm == "،"):
            j += 1
        if actor is not None and j < len(words) and _overlaps(words[j].start, words[j].end, actor.start, actor.end):
            j = view.word_before(actor.end) + 1  # VSO: "استهدفت إسرائيل مواقع" -> the object follows the subject
        rng = _noun_phrase(view, j)
        if rng and not s.is_place(rng):
            m = _span_mention(view, rng, s.mentions, s.places)
            if s.not_actor(m) and not any(_overlaps(m.start, m.end, a, b) for a, b in s.triggers):
                return m, f"target:targeting_verb:{words[k].norm}"
    return None


def _target_after_preposition(s: _TargetSearch, trig: tuple[int, int]) -> _Found:
    """2) "ضد X" / "على X" after the trigger (not a place: "الغارات على دوما" is a location)."""
    view, words = s.view, s.view.words
    t_last = view.word_before(trig[1])
    clause = view.clause_of[view.word_at(trig[0])]
    for k in range(t_last + 1, min(len(words), t_last + 8)):
        if view.clause_of[k] != clause:
            break
        if words[k].norm in _ON_TARGET and _written_as_preposition(view, words[k]):
            if k + 1 < len(words) and words[k + 1].norm == "الاقل":
                continue  # "على الأقل" = at least
            rng = _noun_phrase(view, k + 1)
            if rng and not s.is_place(rng):
                m = _span_mention(view, rng, s.mentions, s.places)
                if s.not_actor(m):
                    return m, f"target:preposition:{words[k].norm}"
            break
    return None


def _victim_target(s: _TargetSearch, victims: Sequence[tuple[int, int]]) -> _Found:
    """3) The victims of a casualty count."""
    for a, b in victims:
        i, j = s.view.word_at(a), s.view.word_before(b)
        if j >= i:
            m = _span_mention(s.view, (i, j + 1), s.mentions)
            if s.not_actor(m):
                return m, "target:casualties"
    return None


def _target_genitive(s: _TargetSearch, trig: tuple[int, int]) -> _Found:
    """4) The genitive of a killing noun: "مقتل صالح الصماد", "اعتقال الناشط"."""
    view, words = s.view, s.view.words
    for k in (view.word_at(trig[0]), view.word_before(trig[1])):
        if words[k].norm in _KILLING_NOUNS:
            rng = _noun_phrase(view, k + 1, 4)
            if rng and not s.is_place(rng) and words[rng[0]].norm[0].isalpha():
                m = _span_mention(view, rng, s.mentions)
                if s.not_actor(m):
                    return m, "target:genitive"
    return None


def _target_object_after(s: _TargetSearch, trig: tuple[int, int]) -> _Found:
    """5) The first actor after the trigger that is not the actor (object of a verbal trigger),
    before any complementiser ("بعد أن أوصت الشرطة" starts another clause)."""
    if s.event_type not in _OBJECT_TYPES:
        return None
    view, words, actor = s.view, s.view.words, s.actor
    t_first = view.word_at(trig[0])
    t_last = view.word_before(trig[1])
    stop = next((w.start for w in words[t_last + 1:] if w.norm in _REPORTING_COMPLEMENTISERS),
                words[-1].end + 1)
    for m in sorted(s.mentions, key=lambda x: x.start):
        if (trig[1] <= m.start < stop and s.not_actor(m)
                and view.clause_of[view.word_at(m.start)] == view.clause_of[t_first]):
            if actor and actor.start > trig[1] and m.start < actor.start:
                continue
            return m, "target:object_after"
    return None


_FRONTING = frozenset(normalize(w) for w in ("في", "وفي", "ففي", "أما في", "وأما في"))


def _fronted_locative(view: SentenceView, pw: int) -> bool:
    """The place opens the sentence as "وفي X،" (a topic frame for everything after it)."""
    words = view.words
    if pw == 0 or pw > 3 or words[0].norm not in _FRONTING:
        return False
    return any(w.norm in ("،", ",") for w in words[pw + 1:pw + 4])


def find_locations(view: SentenceView, triggers: Sequence[tuple[int, int]], places: Sequence[Place],
                   mentions: Sequence[ActorMention], rules: list[str],
                   fallback: Place | None = None) -> list[Place]:
    """Places governed by the trigger, best first (location = the first).

    Each place is scored (`_location_score`: lower is better) by its distance to the nearest
    trigger, the preposition governing it and its precision; a place named twice is reported once,
    at its first mention."""
    # a place inside a longer actor name ("قوات سوريا الديمقراطية") is not a location
    cands = [p for p in places if not any(
        m.start <= p.start and p.end <= m.end and (m.end - m.start) > (p.end - p.start) for m in mentions)]
    if not cands:
        if fallback is not None:
            rules.append("location:dateline")
            return [fallback]
        return []
    countries_with_finer = {p.country for p in cands if p.precision != "country" and p.country}
    scored = [(_location_score(view, triggers, p, countries_with_finer), p.start, p) for p in cands]
    scored.sort(key=lambda x: (x[0], x[1]))
    first_mention: dict[tuple[str, str | None], Place] = {}
    for p in sorted(cands, key=lambda p: p.start):
        first_mention.setdefault((p.name, p.country), p)
    out: list[Place] = []
    seen = set()
    for _, _, p in scored:
        key = (p.name, p.country)
        if key in seen:
            continue
        seen.add(key)
        out.append(first_mention[key])  # one place, reported at its first mention
    rules.append("location:governed_nearest")
    return out


def _trigger_distance(view: SentenceView, triggers: Sequence[tuple[int, int]], pw: int) -> float | None:
    """Words from the place's word `pw` to the nearest trigger, with penalties for a comma, a
    reporting complementiser or a clause boundary between them, and for a trigger not the main one."""
    words = view.words
    best = None
    for n_trig, trig in enumerate(triggers):
        t_first = view.word_at(trig[0])
        t_last = view.word_before(trig[1])
        if pw > t_last:
            dist = (pw - t_last) * 0.8
            between = range(t_last + 1, pw)
        else:
            dist = max(0, t_first - pw)
            between = range(pw + 1, t_first)
        dist += sum(3 for k in between if words[k].norm == "،")
        # "قال مسؤول في دمشق إن انفجارا وقع في حلب": the speaker's place is not the event's
        dist += sum(10 for k in between if words[k].norm in _REPORTING_COMPLEMENTISERS)
        if view.clause_of[pw] != view.clause_of[t_first]:
            dist += 15
        if n_trig:
            dist += 5  # the main trigger governs the location first
        best = dist if best is None else min(best, dist)
    return best


def _location_score(view: SentenceView, triggers: Sequence[tuple[int, int]], p: Place,
                    countries_with_finer: set[str]) -> float:
    """How likely the place is the event's location (lower is better)."""
    words = view.words
    pw = view.word_at(p.start)
    best = _trigger_distance(view, triggers, pw)
    w = words[pw]
    prefix = normalize(view.sentence.sentence.text[w.start - view.sentence.sentence.start:
                                                   p.start - view.sentence.sentence.start])
    prev = words[pw - 1].norm if pw > 0 else ""
    governed = prefix in ("ب", "وب", "في", "وفي", "ل", "ال", "بال", "وبال", "ف") or prev in _LOCATIVE or (
        _strip_clitics(prev) in _LOCATIVE)
    score = best if best is not None else 50
    if _fronted_locative(view, pw):
        score -= 10  # "وفي البيضاء، لقي ...": a fronted place frames the whole sentence
    if prev in _NEAR or _strip_clitics(prev) in _NEAR:
        score += 2  # "في الغوطة الشرقية قرب دمشق": دمشق is a landmark, not the place
    elif governed:
        score -= 3
    if p.precision == "country" and p.country in countries_with_finer:
        score += 12  # "في محافظة الحديدة" says more than "في اليمن"
    elif p.precision == "country":
        score += 4
    elif p.precision == "region":
        score += 1
    return score


def find_arguments(view: SentenceView, triggers: Sequence[tuple[int, int]], event_type: str,
                   actors: Sequence[ActorMention], places: Sequence[Place],
                   victims: Sequence[tuple[int, int]] = (), fallback_place: Place | None = None,
                   not_actors: Sequence[tuple[int, int]] = ()) -> Arguments:
    """Fill actor/target/location for one event (trigger spans in original offsets, first = main).

    `victims`: the counted noun phrases of this event's casualty/arrest counts (target candidates);
    `not_actors`: spans that cannot be an actor (every victim phrase of the sentence)."""
    rules: list[str] = []
    # The victims (of a count, or the genitive of "مقتل/اعتقال") are never the actor.
    exclude = [_with_coordination(view, v) for v in (*victims, *not_actors)] + _genitive_victims(view, triggers)
    actor = find_actor(view, triggers, actors, rules, exclude=exclude)
    if actor is not None:
        actor = _with_apposition(view, actor, actors)
    compound = _compound(view, actor, actors) if actor else []
    target = find_target(view, triggers, actors, victims, places, actor, rules, event_type, compound)
    if target is not None and actor is not None and _overlaps(actor.start, actor.end, target.start, target.end):
        target = None
    taken = [m for m in (actor, target) if m is not None]
    places = [p for p in places if not any(_overlaps(p.start, p.end, m.start, m.end) for m in taken)]
    locations = find_locations(view, triggers, places, actors, rules, fallback_place)
    return Arguments(actor, compound, target, locations[0] if locations else None, locations, rules)


def _with_coordination(view: SentenceView, span: tuple[int, int]) -> tuple[int, int]:
    """A victim phrase and the nouns coordinated after it ("ثلاثة من رجال الأمن وامرأة وطفلين")."""
    words = view.words
    k = view.word_before(span[1]) + 1
    end = span[1]
    for _ in range(3):
        if k < len(words) and words[k].norm.startswith("و") and len(words[k].norm) > 2 \
                and words[k].norm[1:] not in _VERBAL and words[k].norm not in _TARGETING:
            end = words[k].end
            k += 1
            if k < len(words) and words[k].norm[:2] == "ال":
                end = words[k].end
                k += 1
        else:
            break
    return span[0], end


def _genitive_victims(view: SentenceView, triggers: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for a, b in triggers:
        k = view.word_before(b)
        if k >= 0 and view.words[k].norm in _KILLING_NOUNS:
            rng = _noun_phrase(view, k + 1, 3)
            if rng:
                out.append((view.words[rng[0]].start, view.words[rng[1] - 1].end))
    return out


def _with_apposition(view: SentenceView, actor: ActorMention, mentions: Sequence[ActorMention]) -> ActorMention:
    """"رئيس الحزب الديمقراطي الكردستاني، مسعود بارزاني،": a name in apposition joins the actor."""
    text = view.sentence.sentence.text
    off = view.sentence.sentence.start
    for m in mentions:
        if m.start > actor.end and m.start - actor.end <= 3 and text[actor.end - off:m.start - off].strip() in ("،", ","):
            after = text[m.end - off:m.end - off + 2].strip()
            if after[:1] in ("،", ",") and m.end < view.sentence.sentence.end:
                return ActorMention(text[actor.start - off:m.end - off], actor.start, m.end,
                                    m.code or actor.code, m.country or actor.country, m.name or actor.name,
                                    m.sector or actor.sector)
    return actor


def _compound(view: SentenceView, actor: ActorMention, mentions: Sequence[ActorMention]) -> list[ActorMention]:
    """The actor and the mentions coordinated with it ("القوات الأميركية والبريطانية والفرنسية",
    "جامعة الدول العربية ومصر والأردن")."""
    out = [actor]
    last_end = actor.end
    text = view.sentence.sentence.text
    off = view.sentence.sentence.start
    for m in sorted(mentions, key=lambda x: x.start):
        if m.start < last_end or m is actor:
            continue
        gap = normalize(text[last_end - off:m.start - off]).strip(" ،,")
        if gap in ("و", "او") or (m.start - last_end <= 3 and text[m.start - off:m.start - off + 1] == "و"):
            out.append(m)
            last_end = m.end
        elif gap == "" and text[last_end - off:m.start - off].strip() == "" and normalize(text[m.start - off]) == "و":
            out.append(m)
            last_end = m.end
        else:
            break
    return out
