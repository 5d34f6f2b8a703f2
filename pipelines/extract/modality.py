"""Modality of an event mention: asserted | negated | hypothetical | future | historical.

Owned by the trigger-lexicon work (issue 4). Interface used by `events.py`:
`classify_modality(sentence, trigger, published=None) -> ModalityDecision`.

Most sentences that mention violence do not report violence that happened: they deny it, warn of
it, suppose it or recall it. A cue (`lexicons/modality.yaml`) only governs the clause it stands in,
so the sentence is first cut into clauses (punctuation, comma + و, فيما، بينما، في حين، لكن، بعد أن،
relative pronouns, "وقال"...). Then each cue is checked against its scope:
* narrow particles (لم، لا، لن، دون، عدم، قد + imperfect) must stand just before the trigger, with
  only light verbs between ("لم تشهد المدينة أي قصف"), so "لم يعلن أحد مسؤوليته عن الهجوم" stays
  asserted;
* clause cues (نفى، هدد، حذر، إذا، في حال، يعتزم...) may be anywhere earlier in the clause; a
  denial reaches through a relative clause ("نفى الأنباء التي تحدثت عن قصف") but not past a word
  saying only involvement is denied ("نفى مسؤوليته عن الهجوم" -> the attack is asserted);
* post cues follow the trigger (هجوم محتمل، الهجوم المرتقب), "around" cues may be on either side
  (منذ 2011، العام الماضي، عار عن الصحة), "right" cues govern the rest of the sentence (يذكر أن).
A cue may be restricted to some triggers (`only_entries`, `skip_types`, `nominal_only`): "منذ ..."
dates a toll to the past but says a protest is still going on; "قضية/ملابسات/مسؤولية + noun" makes
a mention the topic of talk, while a verb (قتل، هاجم) after such a word still reports.
Without a publication date, an event dated by its year alone ("في 2013"، "يوليو 2013") is
historical: reports of current events give the day.
When several cues govern a trigger, negated > hypothetical > future > historical.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple


from pipelines.caching import memo, resource
from pipelines.extract.triggers import LEXICON_DIR, TriggerMatch, default_lexicon, read_lexicon_file
from pipelines.records import AnalyzedSentence
from pipelines.text import NormalizedText, normalize, normalize_with_offsets

MODALITIES = ("asserted", "negated", "hypothetical", "future", "historical")
_PRIORITY = {"negated": 0, "hypothetical": 1, "future": 2, "historical": 3}
SCOPES = frozenset({"narrow", "clause", "post", "around", "right"})


@dataclass(frozen=True, slots=True)
class ModalityDecision:
    modality: str  # asserted | negated | hypothetical | future | historical
    cue: str | None = None  # the cue word that decided it
    rule: str = ""


class ModalityLexiconError(ValueError):
    """The modality cue file is malformed."""


@dataclass(frozen=True)
class Cue:
    id: str
    modality: str
    scope: str
    words: frozenset[str]
    phrases: tuple[tuple[str, ...], ...]
    window: int = 12
    max_gap: int | None = None
    all_prefixes: bool = False
    suffix: bool = False
    needs_imperfect: bool = False
    unless_next: frozenset[str] = frozenset()  # a word right after the cue that cancels it
    unless_prev: frozenset[str] = frozenset()  # a word right before the cue that cancels it
    needs_object_marker: bool = False  # governs only what follows إلى/على or a ب/ل clitic
    # Restrictions on the trigger a cue may govern (empty = any):
    only_entries: frozenset[str] = frozenset()  # lexicon entry ids ("quantity:killed" for counts)
    skip_types: frozenset[str] = frozenset()  # PLOVER types the cue does not apply to
    nominal_only: bool = False  # only a noun trigger ("مسؤولية الهجوم", not "هاجم")

    def applies_to(self, trigger: TriggerMatch) -> bool:
        if self.only_entries and trigger.entry not in self.only_entries:
            return False
        if trigger.event_type in self.skip_types:
            return False
        return not self.nominal_only or trigger.kind == "noun"


_CONJ = ("و", "ف")
_ALL_PREFIXES = ("و", "ف", "ب", "ل", "ك", "ال", "وال", "بال", "لل", "وب", "ول", "فب", "فل", "ولل", "وبال", "فال")
_PRON = ("ه", "ها", "هم", "هما", "هن", "كم", "نا", "ي")

# Light verbs that may stand between a negation particle and the trigger: "لم تشهد المدينة قصفا".
_LIGHT = frozenset(normalize(w) for w in """
يتم تتم يجر تجر يجري تجري يعد تعد يكن تكن يكون تكون يقع تقع يحدث تحدث يسجل تسجل يشهد تشهد
يتعرض تتعرض يتعرضوا يقم تقم يقوموا ينفذ تنفذ يصدر تصدر يرد ترد تشن يشن يبد تبد يطلق تطلق يلجا تلجا
يوجد توجد
""".split())
# Perfect verbs that start with ت (forms V/VI) - "قد تعرض" is perfect, not "may".
_T_PERFECT = frozenset(normalize(w) for w in """
تعرض تعرضت تعرضوا تمكن تمكنت تمكنوا تسبب تسببت تبني تبنت تلقي تلقت تدخل تدخلت تظاهر تظاهروا
تقدم تقدمت تراجع تراجعت توقف توقفت تحول تحولت تصاعد تصاعدت تجاوز تجاوزت تم تمت توجه توجهت
تولي تولت تبادل تبادلت تعاون تعاونت توصل توصلت
""".split())
_KANA = frozenset(normalize(w) for w in "كان كانت كانوا كانا".split())
# A denial with one of these between it and the trigger denies involvement, not the event.
_INVOLVEMENT = frozenset(normalize(w) for w in
                         "مسؤوليه مسئوليه تورط ضلوع علاقه صله مشاركه دور يد تبني".split())
# "دعا إلى وقف القصف": the shelling is going on; the call is to stop it.
_STOPPING = frozenset(normalize(w) for w in "وقف ايقاف انهاء توقف وقفا لوقف لانهاء بوقف".split())

_HARD_PUNCT = frozenset(".!?؟؛;:")
_QUOTES = frozenset('"«»“”„\'')
_COMMAS = frozenset("،,")
_BOUNDARY_WORDS = frozenset(normalize(w) for w in """
فيما بينما لكن ولكن لكنه لكنها لكنهم بيد بعدما عقب اثر جراء حيث كما اذ ثم
وقال وقالت واكد واكدت واضاف واضافت واوضح واوضحت وتابع وتابعت واشار واشارت وذكر وذكرت واعلن
واعلنت مضيفا مضيفه مؤكدا مؤكده موضحا مشيرا مشيره
""".split())
_BOUNDARY_BEFORE_AN = frozenset(normalize(w) for w in "بعد قبل غير الا".split())  # + أن
_RELATIVE = frozenset(normalize(w) for w in
                      "الذي التي الذين اللذين اللتين اللذان اللتان اللواتي اللاتي".split())
_WORD_OR_PUNCT = re.compile(r"[\w\u0621-\u064A\u0671-\u06D3]+|[^\w\s]")
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")


# ----------------------------------------------------------------------------------------- lexicon

def _norm_list(v: object, where: str) -> list[str]:
    if v is None:
        return []
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list):
        raise ModalityLexiconError(f"{where}: expected a list of strings")
    return [normalize(str(x)).strip() for x in v]


def load_cues(path: Path | None = None) -> list[Cue]:
    path = path or LEXICON_DIR / "modality.yaml"
    doc = read_lexicon_file(path, "cues", ModalityLexiconError)
    cues = []
    for d in doc["cues"]:
        where = f"{path}:{d.get('id')}"
        if d.get("modality") not in _PRIORITY:
            raise ModalityLexiconError(f"{where}: modality must be one of {sorted(_PRIORITY)}")
        if d.get("scope") not in SCOPES:
            raise ModalityLexiconError(f"{where}: scope must be one of {sorted(SCOPES)}")
        words = frozenset(_norm_list(d.get("words"), where))
        phrases = tuple(tuple(p.split()) for p in _norm_list(d.get("phrases"), where))
        if not words and not phrases:
            raise ModalityLexiconError(f"{where}: give words or phrases")
        cues.append(Cue(
            id=str(d["id"]), modality=d["modality"], scope=d["scope"], words=words, phrases=phrases,
            window=int(d.get("window", 12)),
            max_gap=int(d["max_gap"]) if d.get("max_gap") is not None else None,
            all_prefixes=d.get("prefixes") == "all", suffix=bool(d.get("suffix", False)),
            needs_imperfect=bool(d.get("needs_imperfect", False)),
            unless_next=frozenset(_norm_list(d.get("unless_next"), where)),
            unless_prev=frozenset(_norm_list(d.get("unless_prev"), where)),
            needs_object_marker=bool(d.get("needs_object_marker", False)),
            only_entries=frozenset(str(x) for x in (d.get("only_entries") or ())),
            skip_types=frozenset(str(x).upper() for x in (d.get("skip_types") or ())),
            nominal_only=bool(d.get("nominal_only", False)),
        ))
    return cues


@resource
def default_cues() -> tuple[Cue, ...]:
    return tuple(load_cues())


@resource
def _cue_index() -> tuple[dict[str, list[Cue]], dict[str, list[Cue]]]:
    """word -> cues having that word; first phrase word -> cues having such a phrase."""
    by_word: dict[str, list[Cue]] = {}
    by_first: dict[str, list[Cue]] = {}
    for c in default_cues():
        for w in c.words:
            by_word.setdefault(w, []).append(c)
        for p in c.phrases:
            if c not in by_first.get(p[0], []):
                by_first.setdefault(p[0], []).append(c)
    return by_word, by_first


# ---------------------------------------------------------------------------------------- analysis

class _W(NamedTuple):
    text: str
    start: int
    end: int
    is_word: bool


@dataclass(frozen=True, slots=True)
class _CueHit:
    cue: Cue
    first: int  # word indices, inclusive
    last: int


@dataclass(frozen=True)
class _Analysis:
    words: tuple[_W, ...]
    hard: tuple[int, ...]  # clause id per word (hard boundaries only)
    full: tuple[int, ...]  # clause id per word (hard boundaries + relative pronouns)
    hits: tuple[_CueHit, ...]
    ends: tuple[int, ...] = ()  # word end offsets, for bisection


@memo(100_000)
def _readings(word: str, all_prefixes: bool, suffix: bool) -> frozenset[str]:
    """The word and what it reads as with conjunctions/prepositions (and pronoun suffixes) peeled."""
    out = {word}
    for p in (_ALL_PREFIXES if all_prefixes else _CONJ):
        if word.startswith(p) and len(word) - len(p) >= 2:
            out.add(word[len(p):])
    if suffix:
        for w in list(out):
            for s in _PRON:
                if w.endswith(s) and len(w) - len(s) >= 3:
                    out.add(w[: -len(s)])
                    if w[: -len(s)].endswith("ت"):
                        out.add(w[: -len(s) - 1] + "ه")
    return frozenset(out)


def _strip_conj(word: str) -> str:
    return word[1:] if word[:1] in ("و", "ف") and len(word) > 3 else word


def _is_in(word: str, words: frozenset[str]) -> bool:
    """The word is in `words` as written or after one و/ف ("وفي"، but also "فبراير" as itself)."""
    return word in words or word[:1] in ("و", "ف") and word[1:] in words


def _is_imperfect(word: str) -> bool:
    w = _strip_conj(word)
    if w in _T_PERFECT or w.endswith(("ت", "وا")) and not w.startswith(("ي", "ن")):
        return False
    return len(w) >= 3 and w[0] in "يتن"


def _clauses(words: list[_W]) -> tuple[list[int], list[int]]:
    hard, full = [], []
    h = f = 0
    n = len(words)
    for i, w in enumerate(words):
        t = w.text
        nxt = words[i + 1].text if i + 1 < n else ""
        boundary = rel = False
        if not w.is_word:
            if t in _HARD_PUNCT:
                boundary = True
            elif t in _COMMAS and (nxt[:1] in ("و", "ف") and len(nxt) > 3 or nxt in _BOUNDARY_WORDS):
                boundary = True
        elif t in _BOUNDARY_WORDS:
            boundary = True
        elif t in ("في", "وفي") and nxt == "حين":
            boundary = True
        elif _strip_conj(t) in _BOUNDARY_BEFORE_AN and nxt in ("ان", "انه", "انها", "ما"):
            boundary = True
        elif _strip_conj(t) in _RELATIVE or t in _RELATIVE:
            rel = True
        if boundary:
            h += 1
            f += 1
        elif rel:
            f += 1
        hard.append(h)
        full.append(f)
    return hard, full


def _compared(words, hard, at: int, reach: int = 8) -> bool:
    """A superlative shortly before word `at`, in its clause ("أعنف هجوم منذ"، "أكثر الأيام دموية
    منذ حرب 2014"): the period after it is a comparison, not the event's date."""
    return any(_strip_conj(words[k].text) in _SUPERLATIVE and hard[k] == hard[at]
               and words[k + 1].text not in ("من", "عن")  # "أكثر من 500": a count
               for k in range(max(0, at - reach), at))


def _compared_since(words, hard, at: int) -> bool:
    """A year after "superlative ... منذ" ("أكثر الأيام دموية منذ حرب سنة 2014")."""
    for m in range(max(0, at - 4), at):
        # ("الأكبر على المحافظة التي بقيت بمنأى عن النزاع، منذ اندلاعه في العام 2011": a long clause)
        if _strip_conj(words[m].text) == "منذ" and _compared(words, hard, m, reach=16):
            return True
    return False


@memo(scope="text")
def _analyze(norm: str) -> _Analysis:
    words = [_W(m.group(), m.start(), m.end(), m.group()[0].isalnum() or m.group()[0] == "_")
             for m in _WORD_OR_PUNCT.finditer(norm)]
    hard, full = _clauses(words)
    by_word, by_first = _cue_index()
    hits: list[_CueHit] = []
    consumed: set[int] = set()
    # phrases first: "لم يستبعد" must not also read as the particle "لم"
    for i, w in enumerate(words):
        if not w.is_word:
            continue
        for first in _readings(w.text, True, False):
            for cue in by_first.get(first, ()):
                for p in cue.phrases:
                    if p[0] != first or i + len(p) > len(words):
                        continue
                    if all(words[i + k].text == p[k] or _strip_conj(words[i + k].text) == p[k]
                           for k in range(1, len(p))):
                        hits.append(_CueHit(cue, i, i + len(p) - 1))
                        consumed.update(range(i, i + len(p)))
    for i, w in enumerate(words):
        if not w.is_word or i in consumed:
            continue
        seen: set[str] = set()
        for reading in _readings(w.text, True, True):
            for cue in by_word.get(reading, ()):
                if cue.id in seen:
                    continue
                if reading not in _readings(w.text, cue.all_prefixes, cue.suffix):
                    continue
                seen.add(cue.id)
                hits.append(_CueHit(cue, i, i))
    # "منذ 2011": a year after منذ dates the event to the past; "منذ إعلان نيته ... نهاية 2013"
    # (a year a few words on, same clause) makes a running total over years
    for i, w in enumerate(words[:-1]):
        if _strip_conj(w.text) != "منذ":
            continue
        if _YEAR.match(words[i + 1].text):
            hits.append(_CueHit(_SINCE_YEAR, i, i + 1))
            continue
        for k in range(i + 2, min(len(words), i + 9)):
            if hard[k] != hard[i]:
                break
            if _YEAR.match(words[k].text) and not any(words[m].text.isdigit() and not _YEAR.match(words[m].text)
                                                      for m in range(k - 2, k)):
                hits.append(_CueHit(_SINCE_YEAR_LATER, i, i))
                break
    # "أكثر الأيام دموية منذ حرب 2014"، "أعنف هجوم منذ بداية الحرب"، "أكبر المظاهرات في السنوات
    # الأخيرة": a superlative before منذ/a past period compares a current event with the past
    hits = [h for h in hits if not (h.cue.id.startswith(("hist.since", "hist.last_year"))
                                    and _compared(words, hard, h.first))]
    return _Analysis(tuple(words), tuple(hard), tuple(full), tuple(hits), tuple(w.end for w in words))


_SINCE_YEAR = Cue("hist.since_year", "historical", "around", frozenset(), (), max_gap=8)
_SUPERLATIVE = frozenset(normalize(w) for w in """
اكثر اعنف اكبر اسوا ادمي اشد اول اخطر اعلي اعلى اوسع افدح اقوي اضخم الاكثر الاعنف الاكبر الاسوا الاشد
الاول الاخطر الاعلي الاعلى الاوسع الاقوي الاضخم الادمي
""".split())
_SINCE_YEAR_LATER = Cue("hist.since_year", "historical", "around", frozenset(), (), max_gap=8,
                        skip_types=frozenset({"PROTEST"}))  # a protest "منذ ..." is still going on
_PAST_YEAR = Cue("hist.past_year", "historical", "around", frozenset(), (), max_gap=6)
_BARE_YEAR = Cue("hist.bare_year", "historical", "around", frozenset(), (), max_gap=6)
# Words before a year that date an event by its year alone ("في 2013"، "عام 2011"، "يوليو 2013").
_YEAR_LEAD = frozenset(normalize(w) for w in """
عام العام سنة السنة في خلال مطلع أواخر أوائل منتصف نهاية بداية
عامي منذ
يناير فبراير مارس أبريل ابريل مايو يونيو يوليو أغسطس اغسطس سبتمبر أكتوبر اكتوبر نوفمبر ديسمبر
كانون الثاني شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين الأول
""".split())
# A year after the trigger, in its clause, may stand further off: "قتل 1700 أسير من كتيبة ... في
# معسكر سبايكر في يونيو 2014" (the place and month come between).
_YEAR_AFTER_GAP = 11
_BARE_MONTH = Cue("hist.bare_month", "historical", "around", frozenset(), ())
_TIMELINE = Cue("hist.timeline_entry", "historical", "right", frozenset(), ())


def _is_timeline_entry(words) -> bool:
    """The sentence opens with a date and a colon: "- 17 آذار/مارس:"، "18 سبتمبر 2016:"."""
    head = [w for w in words[:8] if w.text not in ("-", "–", "—", "•", "*")]
    if len(head) < 3 or not head[0].text.isdigit() or not _is_in(head[1].text, _MONTHS):
        return False
    return any(w.text == ":" for w in head[2:6])
_MONTHS = frozenset(normalize(w) for w in """
يناير فبراير مارس أبريل ابريل مايو يونيو يوليو أغسطس اغسطس سبتمبر أكتوبر اكتوبر نوفمبر ديسمبر
شباط آذار نيسان أيار حزيران تموز أيلول
""".split())  # (كانون/تشرين/آب are also ordinary words; the Gregorian name usually stands beside them)
_MONTH_LEAD = frozenset(normalize(w) for w in "في خلال مطلع أواخر أوائل منتصف نهاية بداية شهر منذ".split())
_PLUPERFECT = Cue("hist.pluperfect", "historical", "narrow", frozenset(), ())
_RECENT_DAY = frozenset(normalize(w) for w in """
أمس البارحة اليوم الليلة الأحد الإثنين الاثنين الثلاثاء الأربعاء الخميس الجمعة السبت
""".split())
_DESCRIPTIVE = Cue("hist.descriptive", "historical", "narrow", frozenset(), ())
_PURPOSE_LAM = Cue("fut.purpose_lam", "future", "narrow", frozenset(), ())
# Words after which ل + verbal noun is what happened to someone, not a purpose.
_UNDERGO = frozenset(normalize(w) for w in """
تعرض تعرضت تعرضوا تعرضا يتعرض تتعرض يتعرضون تعرضه تعرضها تعرضهم ضحيه ضحايا عرضه هدفا هدف
التصدي تصدي تصدت تصدى يتصدى تتصدى صد يصد تصد ادانته ادانتها ادانتهم ادانه استنكاره ردا
""".split())
# "استخدمت الشرطة الغاز لتفريق المتظاهرين": force already used for a purpose - the act is done.
_USED = frozenset(normalize(w) for w in "استخدم استخدمت استخدموا استعمل استعملت استعملوا".split())
_SA_PREFIX = Cue("fut.sa_prefix", "future", "narrow", frozenset(), ())
_SA_GOVERNOR = Cue("fut.sa_governor", "future", "narrow", frozenset(), ())
# a count whose verb is future: "عدد العسكريين المنتشرين في الجنوب سيرتفع إلى 10000 عنصر"
_SA_COUNT = Cue("fut.sa_count", "future", "narrow", frozenset(), ())
_COUNT_CUE_GAP = 8  # words from a count's cue word to its future verb
_VERB_COUNT_GAP = 3  # words from that verb to the number it sets ("سيرتفع إلى نحو 10000")
# Words that look like سـ + imperfect but are nouns or numbers ("ستين" sixty, "سيول" floods).
_NOT_SA_VERBS = frozenset({"ستين", "سنين", "سيول", "ستار", "سيناريو", "سيارات", "سيدات", "ستون"})


def _is_number(word: str) -> bool:
    """Digits in any digit system ("10000", "١٠٠٠٠", "2,500")."""
    return any(c.isdigit() for c in word)


def _is_sa_future_verb(word: str) -> bool:
    """سـ + imperfect ("سيتوصل", "ستشن", "سنرد"): a future verb, not a noun that starts with س."""
    w = _strip_conj(word)
    return (len(w) >= 4 and w[0] == "س" and w not in _NOT_SA_VERBS
            and not w.endswith(("ه", "ا", "ء", "ات")) and _is_imperfect(w[1:]))


_OBJECT_MARKERS = frozenset({"الي", "علي", "لل", "ل"})


def _has_object_marker(words: tuple[_W, ...]) -> bool:
    """إلى/على, or a definite noun with ل/ب attached ("تدعو للتظاهر", "طالبوا بالإفراج")."""
    for w in words:
        t = _strip_conj(w.text)
        if t in _OBJECT_MARKERS or t.startswith(("لل", "بال")) and len(t) > 4:
            return True
    return False


def _governs(hit: _CueHit, a: _Analysis, ti: int, tj: int, prefix: str = "") -> bool:
    cue, words = hit.cue, a.words
    if hit.last >= ti and hit.first <= tj:
        return False  # the cue is the trigger itself ("هدد" as a THREATEN trigger)
    if cue.unless_next and hit.last + 1 < len(words) and words[hit.last + 1].text in cue.unless_next:
        return False
    if cue.unless_prev and hit.first > 0 and words[hit.first - 1].text in cue.unless_prev:
        return False
    same_hard = a.hard[hit.first] == a.hard[ti] if hit.first < ti else a.hard[hit.last] == a.hard[tj]
    if cue.scope == "right":
        return hit.last < ti
    if not same_hard:
        return False
    same_full = (a.full[hit.first] == a.full[ti]) if hit.first < ti else (a.full[hit.last] == a.full[tj])
    if cue.scope == "narrow":
        if hit.last >= ti:
            return False
        between = words[hit.last + 1:ti]
        if len(between) > (cue.max_gap if cue.max_gap is not None else 2) or not same_full:
            return False
        if any(not w.is_word and w.text not in _QUOTES for w in between):
            return False
        between = [w for w in between if w.is_word]  # "قد تشهد «معارك طاحنة»": quotes do not count
        if cue.needs_imperfect:
            nxt = words[hit.last + 1].text if hit.last + 1 < len(words) else ""
            if not _is_imperfect(nxt):
                return False
        # only light verbs or non-verbs may stand between the particle and the trigger
        for w in between:
            t = _strip_conj(w.text)
            if t not in _LIGHT and _is_imperfect(w.text) and not cue.needs_imperfect:
                return False
        return True
    if cue.scope == "clause":
        if hit.last >= ti or ti - hit.last - 1 > cue.window:
            return False
        if not same_full and cue.modality != "negated":
            return False
        between = {r for w in words[hit.last + 1:ti] for r in _readings(w.text, True, True)}
        if cue.id == "neg.denial" and between & _INVOLVEMENT:
            return False
        if cue.modality in ("future", "hypothetical") and between & _STOPPING:
            return False
        if cue.needs_object_marker and not (_has_object_marker(words[hit.last + 1:ti])
                                            or prefix.lstrip("وف")[:1] in ("ب", "ل")):
            return False
        return True
    if cue.scope == "post":
        return hit.first > tj and hit.first - tj - 1 <= (cue.max_gap or 2) and same_full
    if cue.scope == "around":
        if cue.max_gap is None:
            return True
        dist = hit.first - tj - 1 if hit.first > tj else ti - hit.last - 1
        return dist <= cue.max_gap
    return False


def _word_index(a: _Analysis, pos: int) -> int:
    i = bisect_right(a.ends, pos)
    return min(i, len(a.words) - 1)


@memo(None)
def is_verbal_noun_entry(entry: str) -> bool:
    """The entry is an act someone does (it has a verb: قتل، شن هجوم، استهداف), not a thing (غارة)."""
    return any(e.id == entry and e.has_verb for e in default_lexicon().entries)


def classify_modality(sentence: AnalyzedSentence, trigger: TriggerMatch,
                      published: date | None = None) -> ModalityDecision:
    """Decide whether the trigger's event is asserted, negated, hypothetical, future or historical.

    `published` (optional) lets an explicit earlier year ("في عام 2014") mark the event historical.
    """
    scope = _TriggerScope.of(sentence, trigger)
    if scope is None:
        return ModalityDecision("asserted", None, "default")
    for rule in _CUE_RULES:
        rule(scope)
    if published is None:
        _undated_background(scope)
    else:
        _earlier_year(scope, published)
    return scope.decision()


@dataclass
class _TriggerScope:
    """A trigger in its analysed sentence, and the cues found to govern it so far."""
    trigger: TriggerMatch
    text: str  # the sentence as written
    nt: NormalizedText
    a: _Analysis  # of the normalised sentence
    ti: int  # index of the trigger's first word
    tj: int  # ... and of its last
    found: list[tuple[int, int, Cue, str]] = field(default_factory=list)  # (priority, distance, cue, cue text)

    @classmethod
    def of(cls, sentence: AnalyzedSentence, trigger: TriggerMatch) -> "_TriggerScope | None":
        """None for a sentence without words."""
        text = sentence.sentence.text
        base = sentence.sentence.start
        if not (base <= trigger.start <= trigger.end <= base + len(text)):
            raise ValueError(f"trigger span {trigger.start}-{trigger.end} is outside the sentence "
                             f"{base}-{base + len(text)}")
        nt = normalize_with_offsets(text)
        ls = nt.to_normalized(trigger.start - base)
        le = max(ls + 1, nt.to_normalized(trigger.end - base))
        a = _analyze(nt.text)
        if not a.words:
            return None
        ti = _word_index(a, ls)
        return cls(trigger, text, nt, a, ti, max(ti, _word_index(a, le - 1)))

    def add(self, cue: Cue, first: int, last: int) -> None:
        """Words `first`..`last` are a cue: its distance is counted from the nearer end of the trigger."""
        a, nt = self.a, self.nt
        dist = self.ti - last if last < self.ti else first - self.tj
        ctext = self.text[nt.index[a.words[first].start]: nt.index[a.words[last].end - 1] + 1]
        self.found.append((_PRIORITY[cue.modality], abs(dist), cue, ctext))

    def has(self, cue: Cue) -> bool:
        return any(c is cue for _p, _d, c, _t in self.found)

    def decision(self) -> ModalityDecision:
        """The strongest modality found (negated > hypothetical > future > historical), then the nearest cue."""
        if not self.found:
            return ModalityDecision("asserted", None, "default")
        _p, _d, cue, ctext = sorted(self.found, key=lambda f: (f[0], f[1]))[0]
        return ModalityDecision(cue.modality, ctext, cue.id)


def _lexicon_cues(r: _TriggerScope) -> None:
    """The cues of `lexicons/modality.yaml` whose scope reaches the trigger."""
    for hit in r.a.hits:
        if hit.cue.applies_to(r.trigger) and _governs(hit, r.a, r.ti, r.tj, r.trigger.prefix):
            r.add(hit.cue, hit.first, hit.last)


def _future_prefix(r: _TriggerScope) -> None:
    """سـ attached to the trigger verb: "ستشن", "وسيقصف" (the matcher says which clitics it peeled)."""
    if r.trigger.prefix in ("س", "وس", "فس"):
        r.found.append((_PRIORITY["future"], 0, _SA_PREFIX, r.trigger.text[: len(r.trigger.prefix)]))


def _is_count_cue(trigger: TriggerMatch) -> bool:
    return trigger.entry.startswith("quantity:")


def _object_of_future_verb(r: _TriggerScope) -> None:
    """A verbal-noun trigger that is the object of a future verb: "سيتوصل إلى اتفاق", "ستشن هجوما";
    a count's cue word after its future verb: "سينشر 3000 جندي"."""
    a, ti = r.a, r.ti
    if r.trigger.kind == "noun" or _is_count_cue(r.trigger):
        for k in range(ti - 1, max(-1, ti - 4), -1):
            if a.hard[k] != a.hard[ti]:
                break
            if _is_sa_future_verb(a.words[k].text):
                r.add(_SA_GOVERNOR, k, k)
                break


def _count_before_future_verb(r: _TriggerScope) -> None:
    """A count's cue word before the future verb that sets the number: "عدد العسكريين المنتشرين في
    الجنوب سيرتفع إلى 10000 عنصر" is a troop level to come, not one reported."""
    a, tj = r.a, r.tj
    if not _is_count_cue(r.trigger):
        return
    for k in range(tj + 1, min(len(a.words), tj + 1 + _COUNT_CUE_GAP)):
        if a.hard[k] != a.hard[tj] or _is_number(a.words[k].text):
            break
        if _is_sa_future_verb(a.words[k].text) and any(
                _is_number(w.text) for w in a.words[k + 1:k + 2 + _VERB_COUNT_GAP]):
            r.add(_SA_COUNT, k, k)
            break


def _purpose_lam(r: _TriggerScope) -> None:
    """Purpose ل on a verbal noun: "أرسل طائرات لقصف المدينة"، "لشن هجمات" - what is meant, not done
    ("تعرضت لقصف"، "ضحية لهجوم": ل after a word of undergoing marks what happened)."""
    a, ti, trigger = r.a, r.ti, r.trigger
    if trigger.kind == "noun" and trigger.prefix.lstrip("وف") == "ل" and is_verbal_noun_entry(trigger.entry):
        prev = _strip_conj(a.words[ti - 1].text) if ti > 0 and a.words[ti - 1].is_word else ""
        used = any(_strip_conj(w.text) in _USED for w in a.words[max(0, ti - 6):ti])
        if prev not in _UNDERGO and not used:
            r.add(_PURPOSE_LAM, ti, ti)


def _after_relative_pronoun(r: _TriggerScope) -> None:
    """An imperfect verb right after a relative pronoun describes who someone is, not what happened:
    "الميليشيا التي تقاتل دعما لدمشق"، "الإرهابيين الذين يشنون هجمات"."""
    a, ti = r.a, r.ti
    if r.trigger.kind == "imperf" and ti > 0 and _strip_conj(a.words[ti - 1].text) in _RELATIVE:
        r.add(_DESCRIPTIVE, ti - 1, ti - 1)


def _pluperfect_qad(r: _TriggerScope) -> None:
    """Pluperfect "وكانت القوات قد قصفت": قد + perfect just before the trigger, كان earlier in the clause."""
    a, ti = r.a, r.ti
    for k in range(max(0, ti - 3), ti):
        w = a.words[k]
        if _strip_conj(w.text) == "قد" and a.hard[k] == a.hard[ti]:
            nxt = a.words[k + 1].text if k + 1 < len(a.words) else ""
            if _is_imperfect(nxt):
                continue
            for m in range(max(0, k - 8), k):
                if _strip_conj(a.words[m].text) in _KANA and a.hard[m] == a.hard[k]:
                    r.add(_PLUPERFECT, m, k)
                    break


def _pluperfect_kana(r: _TriggerScope) -> None:
    """"وكان مسلحون هاجموا ...": a past كان with a perfect verb as the trigger, no قد needed."""
    a, ti = r.a, r.ti
    if r.trigger.kind == "perf" and not r.has(_PLUPERFECT):
        for m in range(max(0, ti - 6), ti):
            w = a.words[m]
            if _strip_conj(w.text) in _KANA and a.full[m] == a.full[ti]:
                r.add(_PLUPERFECT, m, m)
                break


def _recent_pluperfect(r: _TriggerScope) -> None:
    """"وكانت الاحتجاجات بدأت الأربعاء": a pluperfect dated by a recent day tells this week's news."""
    a, ti = r.a, r.ti
    if r.has(_PLUPERFECT) and any(
            _strip_conj(w.text) in _RECENT_DAY and a.hard[k] == a.hard[ti] for k, w in enumerate(a.words)):
        r.found[:] = [f for f in r.found if f[2] is not _PLUPERFECT]


# In this order: the pluperfect rules look at what the ones before them found.
_CUE_RULES = (_lexicon_cues, _future_prefix, _object_of_future_verb, _count_before_future_verb, _purpose_lam,
              _after_relative_pronoun, _pluperfect_qad, _pluperfect_kana, _recent_pluperfect)


def _undated_background(r: _TriggerScope) -> None:
    """No publication date to compare with: a sentence that dates anything by its year is telling
    background (a timeline, an anniversary, an old campaign) - reports of current events give the
    day or say "أمس". Held-out sentences agree: 3 of ~130 such sentences report an event."""
    a, tj = r.a, r.tj
    for k, w in enumerate(a.words):
        if not _YEAR.match(w.text) or k == 0 or _compared_since(a.words, a.hard, k):
            continue
        lead = [x.text for x in a.words[max(0, k - 3):k] if x.is_word]
        if k == tj + 1:
            nxt = a.words[k + 1] if k + 1 < len(a.words) else None
            if nxt is not None and nxt.is_word and nxt.text.endswith(("ا", "ين")):
                continue  # "تحييد 1931 إرهابيا": a count, not a year
            r.add(_BARE_YEAR, k, k)  # "احتجاجات 2011"، "حرب 2006": the event named by its year
            continue
        if not lead or not _is_in(lead[-1], _YEAR_LEAD):
            continue
        r.add(_BARE_YEAR, k, k)
    # a timeline entry "17 آذار/مارس: إسرائيل تعلن ..." tells an earlier step of a story
    if _is_timeline_entry(a.words):
        r.add(_TIMELINE, 0, 0)
    # ... and so is one dated by its month alone ("في أيار/مايو"، "في نيسان الماضي"): no day given
    for k, w in enumerate(a.words):
        prev = a.words[k - 1].text if k > 0 else ""
        if _is_in(w.text, _MONTHS) and _is_in(prev, _MONTH_LEAD):
            r.add(_BARE_MONTH, k, k)


def _earlier_year(r: _TriggerScope, published: date) -> None:
    """An explicit year before the publication year, near the trigger in its clause ("في عام 2014")."""
    a, ti, tj = r.a, r.ti, r.tj
    for k, w in enumerate(a.words):
        if _YEAR.match(w.text) and int(w.text) < published.year and a.hard[k] == a.hard[ti] \
                and not _compared_since(a.words, a.hard, k):
            dist = k - tj - 1 if k > tj else ti - k - 1
            if 0 <= dist <= (_YEAR_AFTER_GAP if k > tj else _PAST_YEAR.max_gap or 6):
                r.add(_PAST_YEAR, k, k)
