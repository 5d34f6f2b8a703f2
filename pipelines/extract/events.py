"""Assemble events from triggers, arguments, quantities and dates.

Per sentence:
1. triggers (`triggers.find_triggers`) each get a modality (`modality.classify_modality`);
2. triggers of the same PLOVER type and modality in one sentence become one event (Arabic news
   repeats the same strike as "غارة ... القصف ... الهجوم");
3. casualty, arrest, deployment and crowd counts (`quantities`) are attached to the event of the
   matching type whose trigger is nearest; a count with no such event is itself the evidence of one
   ("قتل 16 مدنيا", "أسفر عن مقتل", "لقي مصرعه" report an ASSAULT without an attack noun), with the
   modality of its own cue word;
4. an event resting on nothing but a weak nominal trigger (a bare "الهجوم" that refers back to an
   attack reported elsewhere) is dropped: it is background, not a report - unless a verb of
   happening stands before it ("تتواصل الاحتجاجات"، "اندلعت الاشتباكات");
5. actor/target/location come from `arguments`, the date from `temporal.event_date`; the confidence
   adds up the evidence used, and `explain` lists the lexicon entries and rules that fired;
6. the assessor (`assessor.py`), a model learned from labelled sentences, weighs that evidence and
   demotes asserted ASSAULT/PROTEST mentions that the sentence does not report as news;
7. with the whole article in view, models learned from coded articles take over: the detector
   (`detector.py`) adds candidates no lexicon entry found, the judge (`judge.py`) decides which
   candidates are real reported acts (its probability is the `confidence`), the ranker (`ranker.py`)
   picks actor, target and place, and `coref.py` gives the records of one act one `event_id`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Sequence

import yaml

from pipelines.caching import resource
from pipelines.extract import budget
from pipelines.extract.arguments import SentenceView, find_arguments
from pipelines.extract.assessor import default_assessor
from pipelines.extract.coref import assign_event_ids
from pipelines.extract.detector import ENTRY as DETECTOR_ENTRY
from pipelines.extract.detector import Detector, default_detector
from pipelines.extract.judge import default_judge
from pipelines.extract.mentions import ArticleMentions
from pipelines.extract.ranker import default_ranker
from pipelines.extract.modality import ModalityDecision, classify_modality, is_verbal_noun_entry
from pipelines.extract.quantities import LEXICONS, QuantityMention, find_quantity_mentions
from pipelines.extract.quantities import lexicon as quantity_lexicon
from pipelines.extract.triggers import ALSO_SUFFIX, TriggerMatch, find_triggers
from pipelines.gazetteer import find_places
from pipelines.records import (
    ActorMention, AnalyzedSentence, CleanArticle, Event, Place, Quantity, Span, TemporalExpression,
)
from pipelines.temporal import event_date, lead_date, times_within
from pipelines.text import normalize

# Which event type a counted role belongs to, and the mode it implies when it creates the event.
ROLE_EVENT: dict[str, tuple[str, str | None]] = {
    "killed": ("ASSAULT", None),
    "injured": ("ASSAULT", None),
    "abducted": ("ASSAULT", "abduct"),
    "launched": ("ASSAULT", None),
    "detained": ("COERCE", "arrest"),
    "deployed": ("MOBILIZE", "troops"),
}
# Attached when such an event exists, never creates one: people displaced by fighting; a crowd
# counts only beside a protest word ("شارك 500 طالب في المسابقة" is no demonstration).
ATTACH_ONLY = {"displaced": "ASSAULT", "participants": "PROTEST"}
MIN_EVIDENCE = 0.6  # below this an event is background, not a report (dev true events start at 0.86)
# Attack words are also the vocabulary of commentary, so an ASSAULT needs a little more evidence:
# chosen on held-out batches 1-6 (false positives on keyword sentences -10 %, recall -2 %).
MIN_EVIDENCE_BY_TYPE = {"ASSAULT": 0.7}
_DATELINE_END = re.compile(r"\(|–|—| - |:")
_DEFINITE = re.compile(r"^(?:و|ف)?(?:ال|بال|لل)")


@dataclass
class _Group:
    event_type: str
    modality: str
    triggers: list[TriggerMatch] = field(default_factory=list)
    modality_rules: list[str] = field(default_factory=list)
    quantities: list[QuantityMention] = field(default_factory=list)
    from_quantity: bool = False


def _shift_quantity(m: QuantityMention, by: int) -> QuantityMention:
    q = m.quantity
    sq = Quantity(q.text, q.start + by, q.end + by, q.value, q.value_max, q.role, q.noun)
    sh = lambda x: x + by if x >= 0 else x  # noqa: E731
    return QuantityMention(sq, sh(m.noun_start), sh(m.noun_end), m.subset, m.vague, m.rule,
                           sh(m.cue_start), sh(m.cue_end))


def dateline_place(text: str, published=None) -> Place | None:
    """The place of a dateline ("دبي، الإمارات (CNN) –", "بيروت - "), used only as a fallback."""
    head = text[:120]
    m = _DATELINE_END.search(head)
    if not m or m.start() > 80:
        return None
    places = find_places(head[:m.start()])
    return places[0] if places else None


@resource(maxsize=4)
def _cause_words(key: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """(single words, phrases) of one list of roles_causes.yaml (accident | conflict)."""
    with open(LEXICONS / "roles_causes.yaml", encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    forms = [normalize(w) for w in data[key]]
    return frozenset(w for w in forms if " " not in w), tuple(f" {w} " for w in forms if " " in w)


def _mentions_cause(key: str, sentence_text: str) -> bool:
    words, phrases = _cause_words(key)
    norm = f" {normalize(sentence_text)} "
    return any(p in norm for p in phrases) or any(any(st in words for st in _stems(w)) for w in sentence_text.split())


@resource
def _outcome_words() -> frozenset[str]:
    """Killed/injured cue words of the quantity lexicon: a trigger that is one reports an outcome."""
    lex = quantity_lexicon()
    return frozenset(w for table in (lex.cues_before, lex.cues_after) for w, roles in table.items()
                     if roles & {"killed", "injured"}) | frozenset(
        w for w, r in lex.inherent.items() if r in ("killed", "injured"))


def _stems(word: str) -> tuple[str, ...]:
    w = normalize(word)
    out = [w]
    for p in ("وال", "فال", "بال", "لل", "ال", "و", "ف", "ب", "ل"):
        if w.startswith(p) and len(w) - len(p) >= 2:
            out.append(w[len(p):])
    return tuple(out)


# Multi-word trigger entries that report deaths/injuries without naming an attack.
_OUTCOME_PHRASES = frozenset({"اسفر_عن_مقتل", "ادى_الى_مقتل", "لقي_مصرعه", "اودى_بحياة", "حصد_ارواح", "سقوط_قتلى"})


def _outcome_only(g: _Group, also: frozenset[str] = frozenset()) -> bool:
    """The ASSAULT rests only on outcome words (مقتل، قتلى، لقي مصرعه) or counts, no attack word
    (`also`: more words that do not name an attack)."""
    if g.event_type != "ASSAULT":
        return False
    outcome = _outcome_words() | also
    for t in g.triggers:
        words = t.text.split()
        if t.entry in _OUTCOME_PHRASES:
            continue  # "أسفر ... عن مقتل" names the deaths, not what caused them
        if not words or not any(st in outcome for st in _stems(words[0])) and not t.entry.startswith("quantity:"):
            return False  # an attack word (غارة, قصف, هجوم) is there
    return True


def _accidental(g: _Group, sentence_text: str) -> bool:
    """Deaths or an explosion reported without an attack word, in a sentence that names an accident
    or disaster ("مقتل مدرب في حادث تحطم مروحية", "انفجار أسطوانة غاز"): not an assault."""
    return _outcome_only(g, _cause_words("ambiguous_triggers")[0]) and _mentions_cause("accident", sentence_text)


# Entries that also name a protest by words alone (a government's or an official's).
_VERBAL_PROTEST_ENTRIES = frozenset({"احتجاج", "احتجاجا_على"})


def _official_protest(g: _Group, sentence_text: str) -> bool:
    """"استدعت الخارجية السفير احتجاجا على ...": a diplomatic protest (ACCUSE/REJECT in PLOVER),
    not people demonstrating - unless a count of participants says a crowd was there."""
    return (g.event_type == "PROTEST" and not g.quantities
            and all(t.entry in _VERBAL_PROTEST_ENTRIES for t in g.triggers)
            and _mentions_cause("official_protest", sentence_text))


# Verbs that report an event going on or breaking out: with one of these right before it, a
# definite noun is the subject of a report ("تتواصل الاحتجاجات", "اندلعت الاشتباكات"), not a
# reference back to an event told elsewhere.
_HAPPENING = frozenset(normalize(w) for w in """
تتواصل يتواصل تواصلت تواصل تستمر يستمر استمرت استمر اندلعت اندلع تندلع يندلع تجددت تجدد تتجدد
يتجدد تصاعدت تتصاعد امتدت تمتد اتسعت تتسع عمت تعم خرجت انطلقت تنطلق دارت تدور احتدمت تحتدم
""".split())


# Verbs that report a named event as news when they stand before its noun: it happened, it was
# suffered, it was announced ("وقع الهجوم"، "تعرضت لهجوم"، "أعلن الجيش مقتل"، "أفاد المرصد بسقوط").
_REPORTING = _HAPPENING | frozenset(normalize(w) for w in """
وقع وقعت يقع تقع حدث حدثت يحدث تحدث شهد شهدت يشهد تشهد هز هزت يهز تهز جرت تجري جري يجري
شن شنت يشن تشن شنوا نفذ نفذت ينفذ تنفذ نفذوا تعرض تعرضت يتعرض تتعرض تعرضوا خلف خلفت اوقع اوقعت
طال طالت سقط سقطت استهدف استهدفت نظم نظمت ينظم تنظم نظموا شارك شاركت يشارك تشارك شاركوا
اعلن اعلنت يعلن تعلن اكد اكدت يؤكد تؤكد افاد افادت يفيد تفيد ذكر ذكرت يذكر تذكر اورد اوردت
نقل نقلت رصد رصدت سجل سجلت وثق وثقت تحدث تحدثت اشار اشارت ادي ادت اسفر اسفرت
تبني تبنت يتبني تتبني استخدم استخدمت استخدموا حصول وقوع شمل شملت استمر استمرت
اطلق اطلقت اطلقوا يطلق تطلق القي القت القوا يلقي تلقي امطر امطرت امطروا رشق رشقت رشقوا
تزال يزال زالت مازالت مازال لاتزال لايزال بدا بدات بداوا يبدا تبدا كثف كثفت كثفوا يكثف تكثف صعد صعدت يصعد تصعد واصل واصلت
واصلوا يواصل يواصلون استانف استانفت نفذت نفذوا
""".split())
_NOMINAL_KINDS = frozenset({"noun"})


def own_times(s: AnalyzedSentence, dates: Sequence[TemporalExpression]) -> list[TemporalExpression]:
    """The time expressions the sentence itself holds ("الجمعة"، "أمس"), not the publication date."""
    return times_within(s.sentence.start, s.sentence.end, dates)


def _day_in_sentence(s: AnalyzedSentence, dates: Sequence[TemporalExpression]) -> bool:
    """The sentence names its own time ("الجمعة"، "أمس"), not just the publication date."""
    return bool(own_times(s, dates))


def _unreported_nominal(g: _Group, s: AnalyzedSentence, dates: Sequence[TemporalExpression]) -> bool:
    """An attack that rests only on nouns no verb reports: "الهجوم" as the topic of a
    condemnation, "هجماتهم" in an analysis, "الغارات" behind a diplomatic row. A noun counts as
    reported when a count or a day stands in its sentence, when a verb of happening or reporting
    governs it earlier in its clause ("وقع انفجار"، "تعرضت الناقلة لهجوم"، "أعلن الجيش مقتل"), or
    when it is the subject of a verb right after it ("الغارات تسببت"، "القتلى الذين سقطوا").

    Attack nouns are what news uses to refer back to an attack told elsewhere; protests are reported
    with nouns ("مظاهرات في البصرة"), so a protest noun is background only when it also stands after a
    preposition (`_protest_only_in_prepositions`). Held-out sentences: this halves the false
    positives on keyword sentences for about a tenth of the recall."""
    if g.event_type == "PROTEST":
        return _protest_only_in_prepositions(g, s, dates)
    if g.event_type != "ASSAULT" or g.from_quantity or any(m.quantity.role not in ATTACH_ONLY for m in g.quantities):
        return False  # (people displaced by "هجوم القوات" do not make the attack news)
    if _day_in_sentence(s, dates):
        return False
    sent = s.sentence
    for t in g.triggers:
        if t.kind not in _NOMINAL_KINDS:
            return False
        if _reported_before(sent.text[: max(0, t.start - sent.start)]) or _verb_after(s, t.end) \
                or _told_with_object(t, sent.text, sent.start):
            return False
    return True


_PREP_WORDS = frozenset(normalize(w) for w in "في على عن حول خلال ضد من الى بين اثناء".split())


def _protest_only_in_prepositions(g: _Group, s: AnalyzedSentence, dates: Sequence[TemporalExpression]) -> bool:
    """Protest nouns that only stand after a preposition ("دعمها للتظاهرات"، "مشاركته في الاحتجاجات"،
    "تعليق على المظاهرات") with no count, day, or verb telling them: the topic of another story."""
    if g.quantities or g.from_quantity:
        return False
    if _day_in_sentence(s, dates):
        return False
    sent = s.sentence
    for t in g.triggers:
        if t.kind != "noun" or t.entry.endswith(ALSO_SUFFIX):
            return False
        before = sent.text[: max(0, t.start - sent.start)].split()[-1:]
        in_pp = t.prefix.lstrip("وف")[:1] in ("ب", "ل") or (before and _word_in(before[0], _PREP_WORDS))
        if not in_pp or _reported_before(sent.text[: max(0, t.start - sent.start)]) or _verb_after(s, t.end):
            return False
    return True


def _generic_present(g: _Group, s: AnalyzedSentence, dates: Sequence[TemporalExpression]) -> bool:
    """An attack told only by imperfect verbs, with no count and no day: "يقتل النظام شعبه"،
    "جيشها يستهدف فقط مسلحين"، "يشنون هجمات" - what someone does, not what happened."""
    if g.event_type != "ASSAULT" or g.quantities or g.from_quantity:
        return False
    if _day_in_sentence(s, dates):
        return False
    return bool(g.triggers) and all(t.kind == "imperf" for t in g.triggers)


_CLAUSE_END = re.compile(r"[.،,:;؛!?؟\"«»()]")


def _word_in(word: str, words: frozenset[str]) -> bool:
    """The word, or the word without a leading و/ف, is in `words` (normalised)."""
    n = normalize(word)
    return n in words or n[:1] in "وف" and n[1:] in words


def _reported_before(left: str, window: int = 12) -> bool:
    clause = _CLAUSE_END.split(left)[-1].split()[-window:]
    return any(_word_in(w, _REPORTING) for w in clause)


def _verb_after(s: AnalyzedSentence, end: int, reach: int = 3) -> bool:
    following = [t for t in s.tokens if t.start >= end][:reach]
    for tok in following:
        if tok.upos == "PUNCT":
            return False
        if tok.upos in ("VERB", "AUX"):
            return True
    return False


def _is_weak_nominal(t: TriggerMatch, sentence_text: str = "", sentence_start: int = 0) -> bool:
    """A definite verbal noun ("الهجوم", "بالهجوم"): often a reference back, not a report -
    unless a verb of happening or reporting stands just before it ("تتواصل الاثنين الاحتجاجات"،
    "ووقع الهجوم"، "أكدت المصادر الغارة")."""
    if t.entry.endswith(ALSO_SUFFIX) or not (_DEFINITE.match(normalize(t.text)) and " " not in t.text.strip()):
        return False  # an `also` event rests on its verb ("فرقت الشرطة المتظاهرين")
    before = sentence_text[: max(0, t.start - sentence_start)].split()[-2:]
    return not any(_word_in(w, _REPORTING) for w in before)


WEAK_TRIGGER = 0.5  # below this a trigger needs a participant, place, count or date to be a report


# Nouns naming the people protesting: as the subject of a verb ("يطالب المتظاهرون"، "المحتجون
# حاولوا اقتحام") they say a protest is going on, though no protest noun is there.
_PARTICIPANT_ENTRIES = frozenset({"متظاهرين", "محتجين"})
PARTICIPANTS_ACTING = 0.7
TOLD_BY_VERB = 0.7
_PARTICIPANT_EXPLAIN = tuple(f"trigger:{e} " for e in _PARTICIPANT_ENTRIES)


_NOT_OBJECT_LAM = frozenset(normalize(w) for w in "لا لم لن لكن لكنه لكنها لدي له لها لهم لهما لي لنا لذلك لان لانه ليس ليست".split())


def _told_with_object(t: TriggerMatch, sentence_text: str, sentence_start: int, reach: int = 4) -> bool:
    """A verbal noun with its object after ل: "قصف القوات التركية للمدينة"، "استهداف الطيران لمواقع
    المسلحين" - the noun phrase tells the whole act, as a clause would."""
    if not is_verbal_noun_entry(t.entry):
        return False
    after = sentence_text[max(0, t.end - sentence_start):].split()[:reach]
    for w in after:
        n = normalize(w)
        n = n[1:] if n[:1] in "وف" and len(n) > 2 else n
        if _CLAUSE_END.search(w):
            return n.startswith("ل") and len(n) > 3 and n not in _NOT_OBJECT_LAM
        if n.startswith("ل") and len(n) > 3 and n not in _NOT_OBJECT_LAM:
            return True
    return False


_STORMING_ENTRIES = frozenset({"اقتحام"})
# Words that qualify the act named just before them share its modality, within so many words: the
# weapon of an attack ("مقتل 60 برصاص الجيش"), the grievance of a protest ("دعت لإضراب ... احتجاجا على").
_DEPENDENT_REACH = {**dict.fromkeys(("رصاص", "قذيفة", "صاروخ", "هاون", "سلاح_كيماوي", "غاز_سام", "قنبلة", "رشاش",
                                     "مدفعية", "طيران_حربي", "طائرة_مسيرة", "برميل_متفجر", "غاز_مسيل"), 2),
                    "احتجاجا_على": 12}


def _protesters_storming(groups: list[_Group], triggers: Sequence[TriggerMatch]) -> list[_Group]:
    """"اقتحم المتظاهرون مبنى المحافظة": protesters storming a building riot (PROTEST/riot), they do
    not assault - unless someone was hurt (a count keeps it an ASSAULT)."""
    if not any(t.entry in _PARTICIPANT_ENTRIES for t in triggers):
        return groups
    out: list[_Group] = []
    for g in groups:
        if g.event_type == "ASSAULT" and not g.quantities and all(t.entry in _STORMING_ENTRIES for t in g.triggers):
            riot = [replace(t, event_type="PROTEST", mode="riot") for t in g.triggers]
            into = next((o for o in out + groups if o is not g and o.event_type == "PROTEST"
                         and o.modality == g.modality), None)
            rule = "type:PROTEST:riot.protesters_storming"
            if into is not None:
                into.triggers.extend(riot)
                into.modality_rules.append(rule)
                continue
            g = _Group("PROTEST", g.modality, riot, g.modality_rules + [rule])
        out.append(g)
    return out


def _verb_before(s: AnalyzedSentence, start: int) -> bool:
    before = [t for t in s.tokens if t.end <= start and t.upos != "CCONJ"][-1:]
    return bool(before) and before[0].upos in ("VERB", "AUX")


# Protesters who only speak ("يقول المتظاهرون إنهم سيواصلون") report an intention, not an action.
_SPEECH = frozenset(normalize(w) for w in """
قال قالت قالوا يقول تقول يقولون اكد اكدت اكدوا يؤكد يؤكدون اضاف اضافت اضافوا يضيف صرح صرحوا
اعلن اعلنوا يعلن يعلنون اعتبر اعتبروا يعتبر يعتبرون راي راوا يري يرون هدد هددوا يهدد يهددون توعد توعدوا
""".split())


def _participants_acting(g: _Group, s: AnalyzedSentence | None) -> bool:
    return s is not None and g.event_type == "PROTEST" and any(
        t.entry in _PARTICIPANT_ENTRIES and (_verb_before(s, t.start) or _verb_after(s, t.end, 2))
        and not _speech_next_to(s, t) for t in g.triggers)


def _speech_next_to(s: AnalyzedSentence, t: TriggerMatch) -> bool:
    near = [k for k in s.tokens if k.end <= t.start and k.upos != "CCONJ"][-1:] + \
        [k for k in s.tokens if k.start >= t.end][:2]
    return any(k.upos in ("VERB", "AUX") and _word_in(k.text, _SPEECH) for k in near)


def _trigger_strength(g: _Group, sentence_text: str = "", sentence_start: int = 0,
                      s: AnalyzedSentence | None = None) -> float:
    w = max((t.weight for t in g.triggers), default=0.0)
    if g.from_quantity:
        w = max(w, 0.75)
    if _participants_acting(g, s):
        return max(w, PARTICIPANTS_ACTING)
    if any(t.kind == "noun" and _reported_before(sentence_text[: max(0, t.start - sentence_start)])
           for t in g.triggers):
        # "ووقع الهجوم"، "هز انفجار عنيف"، "تعرضت ناقلة نفط لهجوم": a verb of happening tells it happened
        w = max(w, TOLD_BY_VERB)
    if g.event_type == "PROTEST" and s is not None and any(
            _verb_before(s, t.start) or _verb_after(s, t.end) for t in g.triggers):
        return w  # "أدت الاحتجاجات إلى استقالة الحكومة"، "الاحتجاجات بدأت الأربعاء": told by a verb
    if g.triggers and all(_is_weak_nominal(t, sentence_text, sentence_start) for t in g.triggers) \
            and not g.from_quantity:
        w *= 0.6
    return w


def _evidence(g: _Group, has_actor: bool, has_target: bool, has_location: bool, has_date: bool,
              sentence_text: str = "", sentence_start: int = 0, s: AnalyzedSentence | None = None) -> float:
    w = _trigger_strength(g, sentence_text, sentence_start, s)
    if w < WEAK_TRIGGER and not (g.quantities or has_actor or has_target or has_location or has_date):
        return 0.0  # "مسيرة غير طويلة زمنيا": a weak word with nothing concrete around it
    score = w
    if g.quantities:
        score += 0.25
    score += 0.1 * has_actor + 0.08 * has_target + 0.05 * has_location + 0.03 * has_date
    if len(g.triggers) > 1:
        score += 0.05
    return score


def _pseudo_trigger(m: QuantityMention, event_type: str, mode: str | None, text: str) -> TriggerMatch:
    if m.cue_start >= 0:
        s, e = m.cue_start, m.cue_end
    else:
        s, e = m.quantity.start, m.quantity.end
    return TriggerMatch(event_type, mode, s, e, text[s:e], f"quantity:{m.quantity.role}", 0.75)


def _nearest_group(groups: list[_Group], etype: str, modality: str, pos: int) -> _Group | None:
    best = None
    for g in groups:
        if g.event_type != etype or g.modality != modality:
            continue
        d = min(abs(t.start - pos) for t in g.triggers)
        if best is None or d < best[0]:
            best = (d, g)
    return best[1] if best else None


def extract_events(
    clean: CleanArticle,
    sentences: Sequence[AnalyzedSentence],
    dates: Sequence[TemporalExpression],
    assess: bool = True,
    judge: bool = True,
    rank: bool = True,
    detect: "bool | Detector" = True,
) -> list[Event]:
    """Events of one article (offsets into the original article text).

    `assess=False` leaves out the learned assessor (`assessor.py`), `judge=False` the article-level
    judge (`judge.py`), `rank=False` the role ranker (`ranker.py`) and `detect=False` the sentence
    detector (`detector.py`; a `Detector` uses that one instead of the shipped one): their training
    recipes need the events as the steps before them leave them."""
    published = clean.article.published
    mentions, fallback_place = article_mentions(clean, sentences)
    article = _ArticleContext(
        clean, dates, lead_date(clean.article.text, published, dates) if sentences else None,
        mentions, fallback_place,
        (detect if isinstance(detect, Detector) else default_detector()) if detect else None)
    events: list[Event] = []
    for position, s in enumerate(sentences):
        budget.check()  # sentences are bounded (nlp.sentences.MAX_SENTENCE_CHARS): one costs little
        found = _sentence_events(s, position, article)
        if assess and found:
            found = default_assessor().assess(found, s.sentence.text, s.sentence.start, own_times(s, dates))
        events.extend(found)
    model = default_judge() if judge else None
    if model is not None:
        budget.check()
        events = model.judge(events, sentences, dates, published, article.detector)
    ranker = default_ranker() if rank else None
    if ranker is not None and events:
        budget.check()
        events = ranker.rank(events, sentences, mentions, fallback_place)
    budget.check()
    return assign_event_ids(events, share_roles=rank)  # roles are shared once the ranker has chosen them


@dataclass(frozen=True)
class _ArticleContext:
    """What every sentence of one article is read against."""
    clean: CleanArticle
    dates: Sequence[TemporalExpression]
    lead: TemporalExpression | None  # the article's lead date (`temporal.lead_date`)
    mentions: ArticleMentions
    fallback_place: Place | None  # the dateline place
    detector: Detector | None

    @property
    def text(self) -> str:
        return self.clean.article.text

    @property
    def published(self):
        return self.clean.article.published


def _sentence_events(s: AnalyzedSentence, position: int, article: _ArticleContext) -> list[Event]:
    """Steps 1-5 of the module docstring for one sentence: its candidate events before the models."""
    sent = s.sentence
    triggers = _sentence_triggers(s, position, article)
    quantities = [_shift_quantity(m, sent.start) for m in find_quantity_mentions(sent.text)]
    counted = [m for m in quantities if m.quantity.role and not m.subset and not m.vague]
    if not triggers and not counted:
        return []
    actors, places = article.mentions.of(position)
    groups, decided = _group_triggers(s, triggers, article.published)
    _attach_counts(groups, counted, decided, s, article)
    groups = _protesters_storming(groups, triggers)
    _demote_background(groups, sent.text)
    view = SentenceView.build(s)
    assembled = [_assemble(g, counted, view, s, actors, places, article.fallback_place, article.dates,
                           article.published, article.lead, article.text, article.clean)
                 for g in groups]
    return _drop_argument_triggers([e for e in assembled if e is not None])


def _sentence_triggers(s: AnalyzedSentence, position: int, article: _ArticleContext) -> list[TriggerMatch]:
    """The lexicon's triggers, then the ones the sentence detector proposes beside them."""
    sent = s.sentence
    triggers = find_triggers(s)
    if article.detector is None:
        return triggers
    mentions = article.mentions
    proposals = article.detector.propose(
        sent.text, position, frozenset(t.event_type for t in triggers),
        lambda: [(m.start - sent.start, m.end - sent.start) for found in mentions.of(position) for m in found])
    return triggers + [TriggerMatch(p.event_type, None, sent.start + p.start, sent.start + p.end,
                                    sent.text[p.start:p.end], DETECTOR_ENTRY, p.probability)
                       for p in proposals]


def _modality_rule(md: ModalityDecision, with_cue: bool = True) -> str:
    """The `explain` line of a modality decision."""
    return (f"modality:{md.modality}" + (f":{md.rule}" if md.rule else "")
            + (f" cue '{md.cue}'" if with_cue and md.cue else ""))


def _group_triggers(s: AnalyzedSentence, triggers: Sequence[TriggerMatch], published
                    ) -> tuple[list[_Group], dict[tuple[int, int], ModalityDecision]]:
    """Steps 1-2: each trigger's modality, in reading order; one group per type and modality.

    Also returns each trigger span's decision, which the counts next to it share."""
    groups: list[_Group] = []
    previous: tuple[TriggerMatch, ModalityDecision] | None = None
    decided: dict[tuple[int, int], ModalityDecision] = {}
    for t in sorted(triggers, key=lambda t: t.start):
        md = _trigger_modality(s, t, previous, published)
        previous = (t, md)
        decided[(t.start, t.end)] = md
        g = next((g for g in groups if g.event_type == t.event_type and g.modality == md.modality), None)
        if g is None:
            g = _Group(t.event_type, md.modality)
            groups.append(g)
        g.triggers.append(t)
        g.modality_rules.append(_modality_rule(md))
    return groups, decided


def _trigger_modality(s: AnalyzedSentence, t: TriggerMatch,
                      previous: tuple[TriggerMatch, ModalityDecision] | None, published) -> ModalityDecision:
    """`classify_modality`, corrected by the trigger's neighbours in the sentence."""
    sent = s.sentence
    md = classify_modality(s, t, published)
    if md.rule == "hist.time_reference" and (_verb_after(s, t.end, 1) or _told_with_object(t, sent.text, sent.start)):
        md = ModalityDecision("asserted", None, "default")  # "بعد هجوم شنه مسلحون": told by its own verb
    reach = _DEPENDENT_REACH.get(t.entry, 0)
    if (reach and previous is not None and previous[1].modality != "asserted"
            and md.modality == "asserted" and previous[0].event_type == t.event_type
            and len(sent.text[previous[0].end - sent.start:t.start - sent.start].split()) <= reach):
        md = previous[1]  # "بعد يوم من مقتل 60 فلسطينيا برصاص الجيش": the weapon of that killing
    return md


def _attach_counts(groups: list[_Group], counted: Sequence[QuantityMention],
                   decided: dict[tuple[int, int], ModalityDecision], s: AnalyzedSentence,
                   article: _ArticleContext) -> None:
    """Step 3: each count joins the nearest group of its type, or is itself the evidence of a new one."""
    for m in counted:
        role = m.quantity.role
        if role in ROLE_EVENT:
            etype, mode = ROLE_EVENT[role]
        elif role in ATTACH_ONLY:
            etype, mode = ATTACH_ONLY[role], None
        else:
            continue
        pseudo = _pseudo_trigger(m, etype, mode, article.text)
        # the count's cue word is often a trigger itself ("مقتل 60"): it shares that decision
        md = next((d for (a, b), d in decided.items() if a < pseudo.end and pseudo.start < b), None) \
            or classify_modality(s, pseudo, article.published)
        g = _nearest_group(groups, etype, md.modality, m.quantity.start)
        if g is None and role in ATTACH_ONLY:
            continue
        if g is None:
            g = _Group(etype, md.modality, [pseudo], [_modality_rule(md, with_cue=False)], from_quantity=True)
            groups.append(g)
        g.quantities.append(m)


def _demote_background(groups: Sequence[_Group], sentence_text: str) -> None:
    """An asserted attack or protest told as a war's toll or a court case is background."""
    for g in groups:
        if g.modality != "asserted" or g.event_type not in ("ASSAULT", "PROTEST"):
            continue
        if _outcome_only(g) and _mentions_cause("conflict", sentence_text):
            g.modality = "historical"  # a war's cumulative toll is background
            g.modality_rules.append("modality:historical:background.war_toll")
        elif _mentions_cause("legal", sentence_text):  # also "بتهمة التظاهر": charged with protesting
            g.modality = "historical"  # a court case about a past act
            g.modality_rules.append("modality:historical:background.legal")


def article_mentions(clean: CleanArticle, sentences: Sequence[AnalyzedSentence]
                     ) -> tuple[ArticleMentions, Place | None]:
    """The article's mentions (found on demand) and its dateline place, the fallback location."""
    fallback_place = dateline_place(clean.article.text) if sentences else None
    extra = (fallback_place.country,) if fallback_place and fallback_place.country else ()
    return ArticleMentions(clean, sentences, extra), fallback_place


def _entry_of(explain_line: str) -> str:
    """The lexicon entry id of an explain line "trigger:<entry> TYPE/mode ..."."""
    return explain_line[len("trigger:"):].split(" ", 1)[0]


def _drop_argument_triggers(events: list[Event]) -> list[Event]:
    """A trigger inside the actor or target of another event is a participant, not an event:
    "إطلاق النار على المتظاهرين" reports shooting, not a protest; "غارات للتحالف" no alliance."""
    out = []
    paired = {_entry_of(x).removesuffix(ALSO_SUFFIX) for e in events for x in e.explain
              if x.startswith("trigger:") and ALSO_SUFFIX + " " in x}  # one phrase, two events
    for e in events:
        if any(x.startswith(_PARTICIPANT_EXPLAIN) for x in e.explain):
            out.append(e)  # "يطالب المتظاهرون": the protesters are the actor of the demand and a protest
            continue
        inside = any(o is not e and o.modality == "asserted" and not e.quantities
                     and not any(x.startswith("trigger:") and _entry_of(x).removesuffix(ALSO_SUFFIX) in paired
                                 for x in e.explain)
                     and any(a is not None and a.start < e.trigger.end and e.trigger.start < a.end
                             for a in (o.target, o.actor))
                     for o in events)
        if not inside:
            out.append(e)
    return out


def _assemble(g: _Group, sentence_counts: list[QuantityMention], view: SentenceView, s: AnalyzedSentence,
              actors: list[ActorMention],
              places: list[Place], fallback_place: Place | None, dates: Sequence[TemporalExpression],
              published, lead, text: str, clean: CleanArticle) -> Event | None:
    sent = s.sentence
    primary = max(g.triggers, key=lambda t: (t.weight, -t.start))  # the strongest, then the first
    spans = [(primary.start, primary.end)] + [(t.start, t.end) for t in g.triggers if t is not primary]
    def victim_spans(ms: list[QuantityMention]) -> list[tuple[int, int]]:
        return [(m.noun_start, m.noun_end) for m in ms
                if m.quantity.role in ("killed", "injured", "abducted", "detained") and m.noun_start >= 0]

    args = find_arguments(view, spans, g.event_type, actors, places, victim_spans(g.quantities), fallback_place,
                          not_actors=victim_spans(sentence_counts))
    date = event_date(primary.start, sent.start, _date_window_end(sent.text, sent.start, primary.end),
                      dates, published, lead, text=text)
    has_sentence_date = date is not None and date.source not in ("published",) and sent.start <= date.start < sent.end
    evidence = _evidence(g, args.actor is not None, args.target is not None,
                         args.location is not None and "location:dateline" not in args.rules, has_sentence_date,
                         sent.text, sent.start, s)
    if g.modality == "asserted" and _generic_present(g, s, dates):
        g.modality = "historical"
        g.modality_rules.append("modality:historical:background.generic_present")
    if g.modality == "asserted" and _unreported_nominal(g, s, dates):
        g.modality = "historical"
        g.modality_rules.append("modality:historical:background.unreported_noun")
    explain = [f"trigger:{t.entry} {t.event_type}/{t.mode or '-'} '{t.text}' weight {t.weight:.2f}"
               + (f" {t.kind}" if t.kind else "") + (f" prefix {t.prefix}" if t.prefix else "") for t in g.triggers]
    explain += sorted(set(g.modality_rules))
    explain += [f"quantity:{m.quantity.value} {m.quantity.role} ({m.rule})" for m in g.quantities]
    explain += args.rules
    if date is not None:
        explain.append(f"date:{date.source}:{date.rule or '-'}")
    explain.append(f"evidence:{evidence:.2f}")
    if evidence < MIN_EVIDENCE_BY_TYPE.get(g.event_type, MIN_EVIDENCE) or _accidental(g, sent.text) \
            or _official_protest(g, sent.text):
        return None
    mode = primary.mode or next((t.mode for t in g.triggers if t.mode), None)
    quantities = _dedupe([m.quantity for m in g.quantities])
    return Event(
        doc_id=clean.article_id,
        sentence_index=sent.index,
        event_type=g.event_type,
        trigger=Span(primary.text, primary.start, primary.end),
        modality=g.modality,  # type: ignore[arg-type]
        mode=mode,
        actor=args.actor,
        actors=args.actors,
        target=args.target,
        location=args.location,
        quantities=quantities,
        date=date,
        confidence=max(0.05, min(0.98, evidence / 1.5)),
        explain=explain,
        locations=args.locations,
    )


_RELATIVE_AFTER_COMMA = re.compile(r"[،,]\s*و?(?:الذي|التي|الذين|اللذين|اللتين|اللواتي)\s")


def _date_window_end(sentence_text: str, sentence_start: int, trigger_end: int) -> int:
    """Where the dates that can belong to the event stop: a non-restrictive relative clause after the
    trigger ("... تنظيم داعش، الذي سيطر في عام 2014") has its own time."""
    m = _RELATIVE_AFTER_COMMA.search(sentence_text, max(0, trigger_end - sentence_start))
    return sentence_start + m.start() if m else sentence_start + len(sentence_text)


def _dedupe(qs: list[Quantity]) -> list[Quantity]:
    seen = set()
    out = []
    for q in sorted(qs, key=lambda q: q.start):
        if (q.start, q.end) in seen:
            continue
        seen.add((q.start, q.end))
        out.append(q)
    return out
