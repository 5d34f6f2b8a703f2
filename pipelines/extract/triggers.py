"""Trigger lexicon lookup: which PLOVER event a word or phrase of a sentence signals.

Owned by the trigger-lexicon work (issue 4). Interface used by `events.py`:
`find_triggers(sentence) -> list[TriggerMatch]` (offsets into the original article text).

How matching works (no regex per entry, everything is dict lookups on normalised words):
* The lexicon (`lexicons/triggers*.yaml`) lists, per lemma, the perfect/imperfect 3ms verb, verbal
  nouns and literal forms. Conjugations, accusative (-ا) and dual forms are generated at load time,
  so an entry stays short and editable.
* A sentence is normalised (`pipelines.text`), cut into words, and every word is peeled of the
  clitics Arabic writes attached (و ف ب ل ك ال لل س and pronoun suffixes). Which prefixes a form
  accepts depends on its kind: "ال"/"ب" only go with nouns, "س" only with imperfect verbs; this is
  what keeps "سلم" from reading as "لم" and "القوات" from reading as a verb.
* Multi-word triggers ("أطلق النار", "شن ... غارة") are a head form plus a `tail` of following words,
  optionally after a `gap` of up to N free words. Where spans overlap, the longest wins.
* When an analyzer supplies lemmas (`Token.lemma`) for verbs, the lemma is looked up too, so forms
  the generator does not produce are still found.

An entry with `also: TYPE/mode` reports a second event from the same words: dispersing or crushing
a protest ("فرقت الشرطة المتظاهرين") is crowd control AND tells that the protest took place; the
second match covers the protest noun of the tail and its entry id ends in `ALSO_SUFFIX`.

A match covers whole words (clitics included, "وقصفت", "بالقصف"); `TriggerMatch.prefix` says which
clitics were peeled off the first word, so callers can tell a definite noun ("ال") or a future
verb ("س") without re-analysing. `weight` is the entry's reliability (verbs high, background nouns
low; `noun_weight`/`imperfect_weight` refine it per form).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, NamedTuple

import yaml

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 5x faster

from pipelines.caching import memo, resource
from pipelines.records import PLOVER_TYPES, AnalyzedSentence
from pipelines.text import NormalizedText, normalize, normalize_with_offsets

LEXICON_DIR = Path(__file__).resolve().parent / "lexicons"
# A "suppress" entry claims a span (so the longest-match rule removes weaker triggers inside it)
# but produces no event: sport metaphors, "إطلاق سراح" read as shooting, etc.
SUPPRESS = "NONE"
ALSO_SUFFIX = "+also"  # entry id suffix of the second event an entry's `also` adds

# Form kinds decide which clitics may be peeled off.
PERF, IMPERF, NOUN, OTHER = "perf", "imperf", "noun", "other"
_PREFIXES: tuple[tuple[str, frozenset[str]], ...] = (
    ("", frozenset({PERF, IMPERF, NOUN, OTHER})),
    ("و", frozenset({PERF, IMPERF, NOUN, OTHER})),
    ("ف", frozenset({PERF, IMPERF, NOUN, OTHER})),
    ("س", frozenset({IMPERF})),
    ("وس", frozenset({IMPERF})),
    ("فس", frozenset({IMPERF})),
    ("ل", frozenset({IMPERF, NOUN})),
    ("ول", frozenset({IMPERF, NOUN})),
    ("فل", frozenset({IMPERF, NOUN})),
    ("ب", frozenset({NOUN})),
    ("وب", frozenset({NOUN})),
    ("فب", frozenset({NOUN})),
    ("ك", frozenset({NOUN})),
    ("ال", frozenset({NOUN})),
    ("وال", frozenset({NOUN})),
    ("فال", frozenset({NOUN})),
    ("بال", frozenset({NOUN})),
    ("وبال", frozenset({NOUN})),
    ("فبال", frozenset({NOUN})),
    ("كال", frozenset({NOUN})),
    ("لل", frozenset({NOUN})),
    ("ولل", frozenset({NOUN})),
    ("فلل", frozenset({NOUN})),
)
# Third-person and 1pl pronoun suffixes only: news prose rarely says "you"/"me", and "ك"/"كم"/"ي"
# would read "هناك" as "هنأ" + ك and "الحكم" as "ألح" + كم.
_SUFFIXES = ("", "ه", "ها", "هم", "هما", "هن", "نا")
_WORD_OR_PUNCT = re.compile(r"[\w\u0621-\u064A\u0671-\u06D3]+|[^\w\s]")
_MIN_STEM = 3  # a peeled stem shorter than this only matches entries marked short_ok


class LexiconError(ValueError):
    """A trigger lexicon file is malformed; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class TriggerMatch:
    event_type: str  # PLOVER type, upper case
    mode: str | None  # e.g. "aerial", "arrest", "demo"
    start: int
    end: int
    text: str
    entry: str  # lexicon entry id (lemma/stem key) that fired
    weight: float = 1.0  # how strongly this entry signals an event (0..1)
    prefix: str = ""  # clitics written on the first word (normalised: "و", "بال", "س" ...)
    kind: str = ""  # how the head word was read: perf | imperf | noun | other (lemma, literal form)


@dataclass(frozen=True)
class TriggerEntry:
    """One lexicon entry after loading (forms normalised and expanded)."""

    id: str
    event_type: str
    mode: str | None
    weight: float
    noun_weight: float | None
    forms: dict[str, frozenset[str]]  # normalised form -> kinds (قصف is both verb and noun)
    tail: tuple[frozenset[str], ...] = ()
    gap: int = 0
    block: frozenset[str] = frozenset()
    short_ok: bool = False
    lemmas: frozenset[str] = frozenset()
    test: str = ""
    source_file: str = ""
    notes: str = ""
    hides: str | None = None  # suppress entries: the event type they keep from firing
    # A second event the same words report: "تفريق المتظاهرين" is the forces' crowd control AND
    # tells that a protest took place. (type, mode) or None.
    also: tuple[str, str | None] | None = None

    imperfect_weight: float | None = None

    @property
    def has_noun(self) -> bool:
        return any(NOUN in kinds for kinds in self.forms.values())

    @property
    def has_verb(self) -> bool:
        """The entry names an act someone does (a verb is among its forms), not only a thing."""
        return any(kinds & {PERF, IMPERF} for kinds in self.forms.values())

    def weight_for(self, kind: str) -> float:
        if kind == NOUN and self.noun_weight is not None:
            return self.noun_weight
        if kind == IMPERF and self.imperfect_weight is not None:
            return self.imperfect_weight
        return self.weight


@dataclass
class Lexicon:
    entries: list[TriggerEntry]
    by_form: dict[str, list[tuple[int, frozenset[str]]]] = field(default_factory=dict)  # form -> (entry, kinds)
    by_lemma: dict[str, list[int]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # file -> source/licence note
    hit_cache: dict[tuple[str, bool], list] = field(default_factory=dict, repr=False)  # word -> hits

    def __post_init__(self) -> None:
        for i, e in enumerate(self.entries):
            for form, kinds in e.forms.items():
                self.by_form.setdefault(form, []).append((i, kinds))
            if not e.tail:  # verb lemmas only: surface matching already handles the nouns
                for lem in e.lemmas:
                    self.by_lemma.setdefault(lem, []).append(i)


# ---------------------------------------------------------------------------------------- loading

def conjugate_perfect(p: str) -> list[str]:
    """Unvocalised 3rd-person (and 1pl) perfect forms of a verb given its 3ms form."""
    if p.endswith("ي"):  # defective: رمى -> رمت رموا رميا
        s = p[:-1]
        return [p, s + "ت", s + "وا", p + "ا", s + "تا", p + "نا", p + "ن"]
    if p.endswith("ا"):  # دعا -> دعت دعوا
        s = p[:-1]
        return [p, s + "ت", s + "وا", s + "تا", s + "ونا"]
    return [p, p + "ت", p + "وا", p + "ا", p + "تا", p + "ن", p + "نا", p + "تم"]


def conjugate_imperfect(i: str) -> list[str]:
    """3rd-person and 1pl imperfect forms (indicative, subjunctive/jussive plural) from the 3ms form."""
    if not i.startswith("ي"):
        raise LexiconError(f"imperfect form must start with ي: {i!r}")
    stem = i[1:]
    out: list[str] = []
    for pre in ("ي", "ت", "ن"):
        out.append(pre + stem)
    if stem.endswith("ي"):  # يرمي -> يرمون يرموا
        base = stem[:-1]
        out += ["ي" + base + "ون", "ت" + base + "ون", "ي" + base + "وا", "ت" + base + "وا",
                "ي" + stem + "ان", "ت" + stem + "ان"]
    elif stem.endswith("و"):  # يدعو -> يدعون
        base = stem[:-1]
        out += ["ي" + base + "ون", "ت" + base + "ون", "ي" + base + "وا", "ت" + base + "وا",
                "ي" + stem + "ان", "ت" + stem + "ان"]
    elif stem.endswith("ا"):  # يلقى written يلقا? rare; keep the base only
        pass
    else:
        out += ["ي" + stem + "ون", "ت" + stem + "ون", "ي" + stem + "وا", "ت" + stem + "وا",
                "ي" + stem + "ان", "ت" + stem + "ان", "ي" + stem + "ن"]
    return out


def decline_noun(n: str) -> list[str]:
    """A noun with its indefinite accusative and dual forms (the article and clitics are peeled)."""
    out = [n]
    if n.endswith("ه"):  # taa marbuta: غارة -> غارتين غارتان غارات
        out += [n[:-1] + "تين", n[:-1] + "تان", n[:-1] + "ات"]
    elif n.endswith("ي") and len(n) >= 3:  # nisba adjective: جوي -> جويا جوية جويين
        out += [n + "ا", n + "ه", n + "ين", n + "ون", n + "تين", n + "ات"]
    elif not n.endswith(("ا", "ي", "و")):
        out += [n + "ا", n + "ين", n + "ان"]
    return out


def _as_list(v: object) -> list[str]:
    if v is None:
        return []
    if isinstance(v, str):
        return [v]
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return list(v)
    raise LexiconError(f"expected a string or a list of strings, got {v!r}")


def _norm_word(w: str) -> str:
    w = normalize(w).strip()
    if not w or " " in w:
        raise LexiconError(f"a form must be one word: {w!r}")
    return w


def _parse_tail(raw: object) -> tuple[frozenset[str], ...]:
    """`tail` is a phrase string ("النار", "عن مقتل") or a list whose items are words or lists of
    alternatives (["عن", ["مقتل", "مصرع"]])."""
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = normalize(raw).split()
    if isinstance(raw, list):
        out = []
        for item in raw:
            alts = {f for a in _as_list(item) for f in decline_noun(_norm_word(a))}
            out.append(frozenset(alts))
        return tuple(out)
    raise LexiconError(f"bad tail: {raw!r}")


_KEYS = frozenset({"id", "type", "mode", "weight", "noun_weight", "verb", "perfect", "imperfect", "noun",
                   "forms", "verb_forms", "tail", "gap", "block", "short_ok", "lemma", "test", "notes",
                   "hides", "imperfect_weight", "also"})


def _entry_from_dict(d: dict, source_file: str) -> TriggerEntry:
    """One lexicon entry, checked: its keys and type, the surface forms its verbs and nouns take,
    its weights, the lemmas the dependency parse may confirm it by, and a second type (`also`)."""
    if not isinstance(d, dict) or "id" not in d:
        raise LexiconError(f"{source_file}: entry without id: {d!r}")
    eid = str(d["id"])
    where = f"{source_file}:{eid}"
    unknown = set(d) - _KEYS
    if unknown:
        raise LexiconError(f"{where}: unknown keys {sorted(unknown)} (typo?)")
    etype = str(d.get("type", "")).upper()
    if etype not in PLOVER_TYPES and etype != SUPPRESS:
        raise LexiconError(f"{where}: unknown event type {etype!r}")
    forms = _surface_forms(d)
    if not forms:
        raise LexiconError(f"{where}: no forms (give verb, noun or forms)")
    if int(d.get("gap", 0)) < 0 or (d.get("gap") and not d.get("tail")):
        raise LexiconError(f"{where}: gap needs a tail and must be >= 0")
    block = frozenset(_norm_word(b) for b in _as_list(d.get("block")))
    weight = float(d.get("weight", 0.7))
    noun_weight = d.get("noun_weight")
    if not 0.0 <= weight <= 1.0:
        raise LexiconError(f"{where}: weight must be within 0..1")
    return TriggerEntry(
        id=eid,
        event_type=etype,
        mode=d.get("mode") or None,
        weight=weight,
        noun_weight=float(noun_weight) if noun_weight is not None else None,
        forms=forms,
        tail=_parse_tail(d.get("tail")),
        gap=int(d.get("gap", 0)),
        block=block,
        short_ok=bool(d.get("short_ok", False)),
        lemmas=_lemmas(d, block),
        test=str(d.get("test") or ""),
        source_file=source_file,
        notes=str(d.get("notes", "")),
        hides=str(d["hides"]).upper() if d.get("hides") else None,
        imperfect_weight=float(d["imperfect_weight"]) if d.get("imperfect_weight") is not None else None,
        also=_also(d, where),
    )


def _surface_forms(d: dict) -> dict[str, frozenset[str]]:
    """Every form the entry's words take -> its kinds (perfect, imperfect, noun).

    `verb` lists perfect stems, conjugated; a later one in ي is an imperfect stem. `perfect` and
    `imperfect` give stems of one aspect, `noun` and `forms` (plurals, participles) are declined,
    `verb_forms` are taken as written."""
    forms: dict[str, frozenset[str]] = {}

    def add(form: str, kind: str) -> None:
        form = _norm_word(form)
        forms[form] = forms.get(form, frozenset()) | {kind}

    verbs = _as_list(d.get("verb"))
    for v in verbs:
        v = _norm_word(v)
        if v.startswith("ي") and len(verbs) > 1 and v != _norm_word(verbs[0]):
            for f in conjugate_imperfect(v):
                add(f, IMPERF)
        else:
            for f in conjugate_perfect(v):
                add(f, PERF)
    for v in _as_list(d.get("perfect")):
        for f in conjugate_perfect(_norm_word(v)):
            add(f, PERF)
    for v in _as_list(d.get("imperfect")):
        for f in conjugate_imperfect(_norm_word(v)):
            add(f, IMPERF)
    for n in _as_list(d.get("noun")):
        for f in decline_noun(_norm_word(n)):
            add(f, NOUN)
    for f in _as_list(d.get("forms")):
        for g in decline_noun(_norm_word(f)):
            add(g, NOUN)  # literal forms (plurals, participles) behave like nouns for clitics
    for f in _as_list(d.get("verb_forms")):
        add(f, PERF)
    return forms


def _lemmas(d: dict, block: frozenset[str]) -> frozenset[str]:
    """`lemma`, the first verb and the perfect stems, less the blocked words."""
    verbs = _as_list(d.get("verb"))
    lemma = d.get("lemma")
    lemmas = {_norm_word(lemma)} if lemma else set()
    if verbs:
        lemmas.add(_norm_word(verbs[0]))
    lemmas.update(_norm_word(v) for v in _as_list(d.get("perfect")))
    lemmas -= block
    return frozenset(lemmas)


def _also(d: dict, where: str) -> tuple[str, str | None] | None:
    """`also: TYPE` or `TYPE/mode`: the second event type a match reports."""
    if not d.get("also"):
        return None
    a_type, _, a_mode = str(d["also"]).partition("/")
    if a_type.upper() not in PLOVER_TYPES:
        raise LexiconError(f"{where}: 'also' must be TYPE or TYPE/mode, got {d['also']!r}")
    return a_type.upper(), a_mode or None


def read_lexicon_file(path: Path, key: str, error: type[Exception] | None = None) -> dict:
    """Parse one lexicon YAML file that must be a mapping holding a `key` list; `error` on anything else.

    Shared by the trigger and modality lexicons so both reject a broken file the same way.
    """
    error = error or LexiconError
    try:
        doc = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get(key), list):
        raise error(f"{path}: expected a mapping with a list under '{key}'")
    return doc


def load_lexicon(paths: Iterable[Path] | None = None) -> Lexicon:
    """Load and validate trigger lexicon files (default: every `lexicons/triggers*.yaml`)."""
    paths = sorted(LEXICON_DIR.glob("triggers*.yaml")) if paths is None else list(paths)
    entries: list[TriggerEntry] = []
    sources: dict[str, str] = {}
    seen: set[str] = set()
    for path in paths:
        doc = read_lexicon_file(path, "entries")
        sources[Path(path).name] = str(doc.get("source", ""))
        for raw in doc["entries"]:
            e = _entry_from_dict(raw, Path(path).name)
            if e.id in seen:
                raise LexiconError(f"{path}: duplicate entry id {e.id!r}")
            seen.add(e.id)
            entries.append(e)
    return Lexicon(entries, sources=sources)


@resource
def default_lexicon() -> Lexicon:
    """The packaged lexicon, loaded once per process."""
    return load_lexicon()


# ---------------------------------------------------------------------------------------- matching

@memo(200_000)
def peel(word: str) -> tuple[tuple[str, str, str], ...]:
    """Every (stem, prefix, suffix) reading of a normalised word, the unpeeled word first."""
    out: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for pre, _kinds in _PREFIXES:
        if not word.startswith(pre):
            continue
        rest = word[len(pre):]
        if len(rest) < 2:
            continue
        for suf in _SUFFIXES:
            if suf and (not rest.endswith(suf) or len(rest) - len(suf) < 2):
                continue
            stem = rest[: len(rest) - len(suf)] if suf else rest
            variants = [stem]
            if suf:
                if stem.endswith("ت"):
                    variants.append(stem[:-1] + "ه")  # غارتها -> غارة
                if stem.endswith("و"):
                    variants.append(stem + "ا")  # قتلوهم -> قتلوا
                if stem.endswith("ا"):
                    variants.append(stem[:-1] + "ي")  # أرداه -> أردى, ألقاه -> ألقى
            for v in variants:
                if (v, pre) not in seen:
                    seen.add((v, pre))
                    out.append((v, pre, suf))
    return tuple(out)


@memo(200_000)
def word_stems(word: str) -> frozenset[str]:
    """All stems a word may carry (used for tail words, where the kind is not checked)."""
    return frozenset(s for s, _p, _x in peel(word))


_KINDS_FOR_PREFIX: dict[str, frozenset[str]] = dict(_PREFIXES)
_KIND_ORDER = (PERF, IMPERF, NOUN, OTHER)


def _head_hits(lex: Lexicon, word: str, taa_marbuta: bool = False) -> list[tuple[int, str, str, int]]:
    key = (word, taa_marbuta)
    hit = lex.hit_cache.get(key)
    if hit is None:
        if len(lex.hit_cache) > 200_000:
            lex.hit_cache.clear()
        hit = lex.hit_cache[key] = _compute_head_hits(lex, word, taa_marbuta)
    return hit


def _compute_head_hits(lex: Lexicon, word: str, taa_marbuta: bool) -> list[tuple[int, str, str, int]]:
    """(entry index, kind, prefix, letters peeled) for every entry whose form this word can be.

    `taa_marbuta`: the original word ends in ة, which normalisation wrote as ه - so that final ه
    is not the pronoun suffix ("وزارة" is not و + زار + ه, "حركة" is not حرّك + ه).
    """
    hits: list[tuple[int, str, str, int]] = []
    bare = word[1:] if word[:1] in ("و", "ف") else word
    for stem, pre, suf in peel(word):
        if taa_marbuta and suf == "ه":
            continue
        found = lex.by_form.get(stem)
        if not found:
            continue
        peeled = bool(pre or suf)
        allowed = _KINDS_FOR_PREFIX[pre]
        for idx, kinds in found:
            kind = next((k for k in _KIND_ORDER if k in kinds and k in allowed), None)
            if kind is None:
                continue
            e = lex.entries[idx]
            if peeled and len(stem) < _MIN_STEM and not e.short_ok:
                continue
            if word in e.block or bare in e.block:
                continue
            hits.append((idx, kind, pre, len(word) - len(stem)))
    return hits


class _Word(NamedTuple):  # a NamedTuple: built for every word of every sentence, so kept cheap
    text: str  # normalised
    start: int  # normalised local offsets
    end: int
    is_word: bool


@memo(scope="text")
def _words(norm: str) -> tuple[_Word, ...]:
    out = []
    for m in _WORD_OR_PUNCT.finditer(norm):
        t = m.group()
        out.append(_Word(t, m.start(), m.end(), t[0].isalnum() or t[0] == "_"))
    return tuple(out)


_SOFT_PUNCT = frozenset('،,"«»()-–')  # may stand inside a gap: "وشن التنظيم، الجمعة، هجوما"


def _tail_end(lex_entry: TriggerEntry, words: tuple[_Word, ...], i: int) -> int | None:
    """Index of the last word of the tail when it follows word i.

    Up to `gap` free words may stand between head and tail; commas, quotes and brackets there are
    skipped (they do not count), any other punctuation ends the search.
    """
    tail = lex_entry.tail
    free = 0
    first = i + 1
    n = len(words)
    while first < n:
        w = words[first]
        if w.is_word:
            j = first
            for alts in tail:
                if j >= n or not words[j].is_word or not (word_stems(words[j].text) & alts):
                    break
                j += 1
            else:
                return j - 1
            free += 1
            if free > lex_entry.gap:
                return None
        elif w.text not in _SOFT_PUNCT:
            return None
        first += 1
    return None


def match_normalized(norm: str, lex: Lexicon | None = None,
                     lemmas: dict[int, list[str]] | None = None,
                     taa_marbuta: frozenset[int] = frozenset()) -> list[tuple[int, int, int, str, str]]:
    """Raw matches on a normalised string: (start, end, entry index, kind, prefix), resolved.

    `lemmas` maps a word index to analyzer lemmas of that word (already normalised);
    `taa_marbuta` holds the indices of words whose original spelling ends in ة.
    """
    lex = lex or default_lexicon()
    words = _words(norm)
    cands: list[tuple[int, int, int, str, frozenset[int], int, str]] = []
    for i, w in enumerate(words):
        if not w.is_word:
            continue
        hit_ids = set()
        for idx, kind, pre, peeled in _head_hits(lex, w.text, i in taa_marbuta):
            e = lex.entries[idx]
            start = w.start  # the span covers whole words; the clitics are in `prefix`
            if e.tail:
                j = _tail_end(e, words, i)
                if j is None:
                    continue
                used = frozenset([i, *range(j - len(e.tail) + 1, j + 1)])
                cands.append((start, words[j].end, idx, kind, used, peeled, pre))
            else:
                cands.append((start, w.end, idx, kind, frozenset([i]), peeled, pre))
            hit_ids.add(idx)
        if lemmas and i in lemmas:
            for lem in lemmas[i]:
                for idx in lex.by_lemma.get(lem, ()):
                    if idx not in hit_ids and w.text not in lex.entries[idx].block:
                        cands.append((w.start, w.end, idx, OTHER, frozenset([i]), 0, ""))
                        hit_ids.add(idx)
    # The reading that matches most words wins (free gap words do not count and stay free for
    # other triggers), then the higher weight, then the tighter span, then the earlier entry.
    # A reading with fewer letters peeled off beats one that needs more ("تظاهرة" is the noun, not
    # the verb "تظاهر" + pronoun).
    cands.sort(key=lambda c: (-len(c[4]), c[5], -lex.entries[c[2]].weight_for(c[3]),
                              c[1] - c[0], c[0], c[2]))
    taken: list[tuple[int, int, int, str, str]] = []
    used_words: set[int] = set()
    for s, e, idx, kind, used, _peeled, pre in cands:
        if used_words.isdisjoint(used):
            used_words |= used
            taken.append((s, e, idx, kind, pre))
    taken.sort()
    return taken


def _lemmas_by_word(sentence: AnalyzedSentence, nt: NormalizedText,
                    words: tuple[_Word, ...]) -> dict[int, list[str]]:
    """Normalised analyzer lemmas of verb tokens, by the index of the word they fall in."""
    out: dict[int, list[str]] = {}
    base = sentence.sentence.start
    for tok in sentence.tokens:
        # Only verbs: an analyzer's noun lemmas ("الأسر" -> أسرة/أسر) collide with verb roots.
        if not tok.lemma or (tok.upos is not None and tok.upos not in ("VERB", "AUX")):
            continue
        local = nt.to_normalized(tok.start - base)
        for i, w in enumerate(words):
            if w.start <= local < w.end:
                out.setdefault(i, []).append(normalize(tok.lemma))
                break
    return out


# Prepositions written as words: a verb cannot follow one, so an unvowelled قتل/قصف there is a noun.
# من is a preposition too ("بعد يوم من شن الهجمات"), except as "whoever" after كل/جميع ("كل من قتل").
_PREPOSITIONS = frozenset(normalize(w) for w in """
في من عن على الى حول خلال بعد قبل اثر عقب جراء بسبب ضد عبر رغم بين دون اثناء ازاء نحو مع قرب
""".split())
_WHOEVER_BEFORE = frozenset(normalize(w) for w in "كل لكل وكل جميع لجميع وجميع بعض".split())


def _after_preposition(norm: str, start: int) -> bool:
    before = norm[:start].split()[-2:]
    if not before:
        return False
    prep = before[-1][1:] if before[-1][:1] in "وف" and len(before[-1]) > 2 else before[-1]
    if prep == "من" and len(before) == 2 and before[0] in _WHOEVER_BEFORE:
        return False
    return prep in _PREPOSITIONS or before[-1] in _PREPOSITIONS


def find_triggers(sentence: AnalyzedSentence, lexicon: Lexicon | None = None) -> list[TriggerMatch]:
    """Trigger matches in one sentence, at most one per span, offsets into the article text."""
    lex = lexicon or default_lexicon()
    text = sentence.sentence.text
    nt = normalize_with_offsets(text)
    words = _words(nt.text)
    lemmas = _lemmas_by_word(sentence, nt, words) if any(t.lemma for t in sentence.tokens) else None
    taa = frozenset(i for i, w in enumerate(words)
                    if w.text.endswith("ه") and text[nt.index[w.end - 1]] == "ة")
    base = sentence.sentence.start
    out: list[TriggerMatch] = []
    for s, e, idx, kind, pre in match_normalized(nt.text, lex, lemmas, taa):
        entry = lex.entries[idx]
        if entry.event_type == SUPPRESS:
            continue
        if kind in (PERF, IMPERF) and not pre and _after_preposition(nt.text, s):
            if not entry.has_noun:
                continue  # no verb follows a preposition, and this entry names no noun either
            kind = NOUN  # "حول قتل إسرائيل للفلسطينيين": after a preposition قتل is the verbal noun
        os_, oe = nt.to_original(s, e)
        out.append(TriggerMatch(entry.event_type, entry.mode, base + os_, base + oe, text[os_:oe],
                                entry.id, entry.weight_for(kind), pre, kind))
        if entry.also:  # the second event rests on the last word (the protest noun of the tail)
            if entry.tail:
                last = next(w for w in reversed(words) if w.end <= e and w.is_word)
                os_, oe = nt.to_original(last.start, last.end)
            out.append(TriggerMatch(entry.also[0], entry.also[1], base + os_, base + oe, text[os_:oe],
                                    entry.id + ALSO_SUFFIX, entry.weight_for(kind), "", NOUN))
    return out
