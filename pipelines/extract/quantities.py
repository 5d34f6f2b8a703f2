"""Quantities: numbers (digits, Arabic-Indic, words, duals, approximations) with their role.

Interface: `find_quantities(text) -> list[Quantity]` (offsets into `text`), and
`find_quantity_mentions(text)` which also gives the counted noun phrase (events use it for targets).

Why a hand-written parser: Arabic counts mix digits and words ("3 آلاف", "خمسة وعشرون", "نصف مليون"),
duals count by themselves ("جنديين"), and the counted noun, not the number, says whether a number is a
casualty count or a distance, an age or a date. Everything language-specific lives in three YAML
lexicons (numbers, counted nouns, role cues) so analysts can extend them without touching code.

Role rule, in order: a noun that *is* the outcome (قتيلا, جرحى, صواريخ); a verb right after the
counted noun phrase whose subject or relative-clause object it is ("43 مدنيا قتلوا", "30 امرأة
خطفهن التنظيم"); a running total after إلى/بلغ takes what its toll head names ("ارتفعت حصيلة القتلى
خلال 24 ساعة إلى 30"); the nearest cue before the number in its clause ("مقتل 62", "تنشر ... 900
جندي"), not across an agent phrase or group size ("على يد فريق من 12 عضوا"); a count coordinated
with the previous one (و, إلى جانب) inherits its role. Then vetoes: subsets ("بينهم 14 طفلا") get
no role so that nothing is counted twice; joint totals ("قتل وجرح 20", "بين قتيل وجريح") get none
(the gold counts killed and injured separately, never their sum); released or returned people
("أطلق سراح ثمانية من المعتقلين") are not detained/abducted/displaced; found or seized munitions are
not launched. Vague amounts (عشرات، الآلاف) are found only with `vague=True`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipelines.caching import memo, resource
from pipelines.records import Quantity
from pipelines.text import normalize, normalize_with_offsets

LEXICONS = Path(__file__).resolve().parent / "lexicons"

_TOKEN_RE = re.compile(r"(\d+(?:[.,]\d+)*)|([^\W\d_]+)|([^\w\s])")
_STRONG_BOUNDARY_PUNCT = frozenset(".;؛:?؟!")
_STRONG_BOUNDARY_WORDS = frozenset(normalize(w) for w in ("فيما", "بينما", "حيث", "لكن", "ولكن", "حين"))
# Clitic prefixes tried, longest first (conjunction + preposition + article).
_PREFIXES = tuple(normalize(p) for p in (
    "وبال", "وكال", "ولل", "فبال", "فلل", "وال", "فال", "بال", "كال", "لل", "وب", "ول", "فب", "فل",
    "وس", "ال", "و", "ف", "ب", "ل", "ك",
))
_AFTER_NOUN_COUNTS = {"واحد": 1, "واحده": 1, "واحدا": 1, "اثنين": 2, "اثنان": 2, "اثنتين": 2, "اثنتان": 2}
_NISBA_DUAL_MIN = 6  # shorter -يان words are nouns (بيان، عصيان، غليان)


def _is_nisba_dual(t: "_Tok") -> bool:
    w = t.norm
    for p in ("و", "ف"):
        if w.startswith(p) and len(w) > _NISBA_DUAL_MIN:
            w = w[1:]
            break
    return len(w) >= _NISBA_DUAL_MIN and w.endswith("يان") and not w.startswith("ال") and w[-4] not in "اوي"


_NUMBER_CLITICS = ("وب", "ول", "فب", "فل", "و", "ف", "ب", "ل")
_ROLES = ("killed", "injured", "detained", "abducted", "displaced", "deployed", "participants", "launched")
# The largest count a news report can plausibly give for one act (people displaced by a war run to tens
# of millions); a larger number is a typo, an ID or hostile input, not a count, and it could not be
# stored as a 64-bit warehouse value anyway.
MAX_COUNT = 100_000_000
# Which roles each class of counted noun can take.
_COMPATIBLE = {
    "person": {"killed", "injured", "detained", "abducted", "displaced", "participants"},
    "troops": {"killed", "injured", "detained", "abducted", "deployed"},
    "launched": {"launched"},
}
_STRONG_INHERENT = {"killed", "injured", "launched"}  # outcome nouns: no verb can change them
_NOT_A_NOUN = frozenset(normalize(w) for w in (
    "في", "على", "إلى", "عن", "مع", "بين", "حتى", "خلال", "منذ", "بعد", "قبل", "عند", "لدى", "أمس", "و",
    "أو", "ثم", "قد", "لا", "لم", "الذي", "التي", "الذين", "أن", "إن", "يوم", "على الأقل"))
# "يوما" (accusative) after a number counts days ("خلال 18 يوما"): it is looked up in not_counted.
_PRECEDING_WINDOW = 7
_TOLL_WINDOW = 25  # words between a toll head (حصيلة، عدد) and its إلى/بلغ
_TOLL_NAMING = 4  # words after the head that name what is counted ("عدد الفلسطينيين الذين قتلوا")
_VICTIM_ROLES = frozenset({"killed", "injured", "detained", "abducted"})
_OUTCOME_ROLES = frozenset({"killed", "injured", "detained", "abducted", "displaced"})
_OTHERS = frozenset(normalize(w) for w in ("آخر", "آخرون", "آخرين", "آخران", "آخرين", "أخرى", "أخريات"))
_HELD_ROLES = frozenset({"detained", "abducted", "displaced"})  # what a release or a return undoes
# Words inside a clause after the counted noun that do not end it: the pronoun of a coordinated noun
# ("والموالين له") and the auxiliaries of a relative clause ("كان التنظيم قد خطفهن").
_AFTER_NOUN_SKIP = frozenset(normalize(w) for w in ("له", "لها", "لهم", "لهما", "قد", "كان", "كانت", "كانوا"))
_FOLLOWING_WINDOW = 6
# A plural verb agrees with the counted subject, so it is trusted further away: long partitives
# ("1500 من مقاتلي وحدات حماية الشعب وقوات الدفاع الذاتي قضوا").
_FOLLOWING_VERB_WINDOW = 8
_COORDINATION_WINDOW = 14
_ALONGSIDE_WINDOW = 22  # "وقتل القائد، المطلوب رقم 2 على قائمة ...، إلى جانب 20 من مرافقيه"


@dataclass(frozen=True, slots=True)
class _Tok:
    norm: str
    start: int  # offsets in the normalised text
    end: int
    kind: str  # "num" | "word" | "punct"
    bases: tuple[str, ...]  # the word and its clitic-stripped forms
    conj: bool  # starts with the conjunction و/ف (coordination)


@dataclass(frozen=True, slots=True)
class QuantityMention:
    """A quantity plus where its counted noun phrase is (original offsets; -1 when absent)."""

    quantity: Quantity
    noun_start: int = -1
    noun_end: int = -1  # end of the counted noun phrase, partitive "من X" included
    subset: bool = False
    vague: bool = False
    rule: str = ""
    cue_start: int = -1  # the word that gave the role (مقتل, قتلوا, تنشر), original offsets
    cue_end: int = -1


@dataclass(frozen=True)
class _Lexicon:
    words: dict[str, tuple[str, float]]  # number word -> (kind, value)
    vague: dict[str, tuple[int, int]]
    approx: dict[tuple[str, ...], str]  # token sequence -> about|min|max
    inherent: dict[str, str]  # noun -> role
    inherent_phrases: dict[tuple[str, ...], str]
    troops: frozenset[str]
    not_counted: frozenset[str]
    not_counted_before: frozenset[str]
    months: frozenset[str]
    subset_markers: frozenset[str]
    role_blockers: frozenset[str]
    duals: dict[str, str]  # dual noun -> class or role
    singulars: dict[str, str]  # indefinite singular noun -> class ("مقتل جندي": one)
    cues_before: dict[str, frozenset[str]]  # word -> roles
    cues_after: dict[str, frozenset[str]]
    cues_after_phrases: dict[tuple[str, ...], frozenset[str]]  # "قيد الاعتقال" -> detained
    release_acts: frozenset[str]
    release_phrases: frozenset[tuple[str, ...]]
    agent_markers: frozenset[tuple[str, ...]]
    group_nouns: frozenset[str]
    alongside_markers: frozenset[tuple[str, ...]]
    seized_markers: frozenset[str]
    toll_heads: frozenset[str]
    toll_links: frozenset[str]


def _load_yaml(name: str) -> dict:
    with open(LEXICONS / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@resource
def lexicon() -> _Lexicon:
    """Load and normalise the three quantity lexicons once."""
    nums = _load_yaml("numbers.yaml")
    nouns = _load_yaml("quantity_nouns.yaml")
    inherent, inherent_phrases = _by_length(
        [(f, role) for role, forms in nouns["inherent"].items() for f in forms])
    cues_before, cues_after, cues_after_phrases = _role_cues(_load_yaml("roles.yaml"))
    norm_set = lambda xs: frozenset(normalize(x) for x in xs)  # noqa: E731
    split_set = lambda xs: frozenset(tuple(normalize(x).split()) for x in xs)  # noqa: E731
    releases = split_set(nouns["release_acts"])
    return _Lexicon(
        words=_number_words(nums),
        vague={normalize(k): (int(v[0]), int(v[1])) for k, v in nums["vague"].items()},
        approx={tuple(normalize(f).split()): kind for kind, forms in nums["approximators"].items() for f in forms},
        inherent=inherent, inherent_phrases=inherent_phrases,
        troops=norm_set(nouns["troops"]), not_counted=norm_set(nouns["not_counted"]),
        not_counted_before=norm_set(nouns["not_counted_before"]), months=norm_set(nouns["months"]),
        subset_markers=norm_set(nouns["subset_markers"]), role_blockers=norm_set(nouns["role_blockers"]),
        duals={normalize(f): cls for cls, forms in nouns["duals"].items() for f in forms},
        singulars={normalize(f): cls for cls, forms in nouns["singulars"].items() for f in forms},
        cues_before=cues_before, cues_after=cues_after, cues_after_phrases=cues_after_phrases,
        release_acts=frozenset(r[0] for r in releases if len(r) == 1),
        release_phrases=frozenset(r for r in releases if len(r) > 1),
        agent_markers=split_set(nouns["agent_markers"]), group_nouns=norm_set(nouns["group_nouns"]),
        alongside_markers=split_set(nouns["alongside_markers"]), seized_markers=norm_set(nouns["seized_markers"]),
        toll_heads=norm_set(nouns["toll_heads"]), toll_links=norm_set(nouns["toll_links"]),
    )


def _number_words(nums: dict) -> dict[str, tuple[str, float]]:
    """numbers.yaml: number word -> (kind, value); a form listed twice keeps its first reading,
    except that the tens word (عشر، عشرة) is always "ten"."""
    words: dict[str, tuple[str, float]] = {}

    def put(kind: str, table: dict) -> None:
        for value, forms in table.items():
            for f in forms:
                words.setdefault(normalize(f), (kind, float(value)))

    put("unit", nums["units"])
    for f in nums["ten"]:
        words[normalize(f)] = ("ten", 10.0)
    put("tens", nums["tens"])
    put("hundred", nums["hundreds"])
    put("scale", nums["scales"])
    put("pscale", nums["plural_scales"])
    put("dscale", nums["dual_scales"])
    put("fraction", nums["fractions"])
    return words


def _by_length(forms: list[tuple[str, str]]) -> tuple[dict[str, str], dict[tuple[str, ...], str]]:
    """(form, value) pairs as two tables: one-word forms (keyed by the word) and phrases (keyed by
    their words); of a form listed twice the last value counts."""
    single: dict[str, str] = {}
    phrases: dict[tuple[str, ...], str] = {}
    for f, value in forms:
        parts = tuple(normalize(f).split())
        if len(parts) == 1:
            single[parts[0]] = value
        else:
            phrases[parts] = value
    return single, phrases


def _role_cues(roles: dict) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]],
                                     dict[tuple[str, ...], frozenset[str]]]:
    """roles.yaml: the words before a count and the words or phrases after it that give its roles."""
    cues_before: dict[str, set[str]] = {}
    cues_after: dict[str, set[str]] = {}
    cues_after_phrases: dict[tuple[str, ...], set[str]] = {}
    for role, sides in roles.items():
        if role not in _ROLES:
            raise ValueError(f"roles.yaml: unknown role {role!r}")
        for w in sides.get("before", []):
            cues_before.setdefault(normalize(w), set()).add(role)
        for w in sides.get("after", []):
            parts = tuple(normalize(w).split())
            if len(parts) == 1:
                cues_after.setdefault(parts[0], set()).add(role)
            else:
                cues_after_phrases.setdefault(parts, set()).add(role)
    frozen = lambda table: {k: frozenset(v) for k, v in table.items()}  # noqa: E731
    return frozen(cues_before), frozen(cues_after), frozen(cues_after_phrases)


_PREFIXES_BY_LETTER: dict[str, tuple[str, ...]] = {}
for _p in _PREFIXES:
    _PREFIXES_BY_LETTER[_p[0]] = _PREFIXES_BY_LETTER.get(_p[0], ()) + (_p,)


@memo(65536)
def _bases(word: str) -> tuple[str, ...]:
    """The word and its forms without attached clitics (longest prefix first)."""
    out = [word]
    for p in _PREFIXES_BY_LETTER.get(word[:1], ()):
        if word.startswith(p) and len(word) - len(p) >= 2:
            out.append(word[len(p):])
    return tuple(out)


def _tokenize(norm: str) -> list[_Tok]:
    toks = []
    for m in _TOKEN_RE.finditer(norm):
        if m.group(1):
            toks.append(_Tok(m.group(1), m.start(), m.end(), "num", (), False))
        elif m.group(2):
            w = m.group(2)
            # "و" is the conjunction that coordinates counts; "ف" starts too many words (فلسطيني) to tell
            toks.append(_Tok(w, m.start(), m.end(), "word", _bases(w), w[0] == "و" and len(w) > 2))
        else:
            toks.append(_Tok(m.group(3), m.start(), m.end(), "punct", (), False))
    return toks


def _lookup(tok: _Tok, table: dict | frozenset) -> str | None:
    """The first form of `tok` (itself or clitic-stripped) found in `table`."""
    for b in tok.bases:
        if b in table:
            return b
    return None


# Past MAX_COUNT every value is alike (no count); a digit run of 309 digits or more does not even fit a
# float (it reads as infinity, which no integer holds), so values are held at this one past the bound.
_BEYOND = float(2 ** 64)


def _bounded(value: float) -> float:
    return value if value < _BEYOND else _BEYOND


def _digits_value(s: str) -> float | None:
    if "," in s or "." in s:
        parts = re.split(r"[.,]", s)
        if all(len(p) == 3 for p in parts[1:]) and len(parts) > 1 and (len(parts) > 2 or "," in s):
            return _bounded(float("".join(parts)))
        if s.count(".") == 1 and "," not in s:
            return _bounded(float(s))
        if s.count(",") == 1 and len(parts[1]) == 3:
            return _bounded(float("".join(parts)))
        return None
    return _bounded(float(s))


def _number_word(tok: _Tok, lex: _Lexicon, first: bool) -> tuple[str, float, bool] | None:
    """(kind, value, joined_by_wa) for a number word. Only the first word may carry any clitic;
    later words join bare or with و."""
    if tok.kind != "word":
        return None
    if tok.norm in lex.words:
        k, v = lex.words[tok.norm]
        return k, v, False
    if first:
        for p in _NUMBER_CLITICS:  # not the article: الاثنين is Monday, not "two"
            if tok.norm.startswith(p) and tok.norm[len(p):] in lex.words:
                k, v = lex.words[tok.norm[len(p):]]
                return k, v, False
    elif tok.norm.startswith("و") and tok.norm[1:] in lex.words:
        k, v = lex.words[tok.norm[1:]]
        return k, v, True
    return None


def _parse_number(toks: list[_Tok], i: int, lex: _Lexicon) -> tuple[float, int, str] | None:
    """Parse a number starting at token i -> (value, end_token_exclusive, kind_of_first)."""
    if toks[i].kind == "num":
        return _parse_digits(toks, i, lex)
    return _parse_number_words(toks, i, lex)


def _parse_digits(toks: list[_Tok], i: int, lex: _Lexicon) -> tuple[float, int, str] | None:
    """Digits, perhaps scaled by the word after them ("3 آلاف"، "1.5 مليون")."""
    value = _digits_value(toks[i].norm)
    if value is None:
        return None
    j = i + 1
    if j < len(toks):
        nw = _number_word(toks[j], lex, first=False)
        if nw and nw[0] in ("scale", "pscale") and not nw[2]:
            return _bounded(value * nw[1]), j + 1, "digits"
    if value != int(value):
        return None  # a bare decimal (2.5) is a measure, not a count
    return value, j, "digits"


def _parse_number_words(toks: list[_Tok], i: int, lex: _Lexicon) -> tuple[float, int, str] | None:
    """A number in words ("خمسة عشر"، "ثلاثمائة وعشرون"، "مليون ونصف"): each next word is joined
    while `_join_number_word` accepts it."""
    first = _number_word(toks[i], lex, first=True)
    if not first:
        return None
    kind, val, _ = first
    if kind == "pscale":
        return None  # "آلاف" alone is vague
    if kind == "unit" and val == 1:
        # "أحد عشر" is 11; "واحد"/"أحد" alone is "one of", handled as noun + واحد
        if i + 1 < len(toks) and (_number_word(toks[i + 1], lex, False) or ("", 0, True))[0] == "ten":
            return 11.0, i + 2, "unit"
        return None
    state = (0.0, val, kind)  # (total of the scaled parts, the part being read, the kind read last)
    if kind in ("scale", "dscale"):
        state = (val, 0.0, kind)
    j = i + 1
    while j < len(toks):
        nw = _number_word(toks[j], lex, first=False)
        joined = _join_number_word(state, nw) if nw else None
        if joined is None:
            break
        state = joined
        j += 1
    total, cur, last = state
    if last == "fraction":
        return None
    return total + cur, j, kind


def _join_number_word(state: tuple[float, float, str], word: tuple[str, float, bool]
                      ) -> tuple[float, float, str] | None:
    """The state after one more number word, or None when the word does not continue the number."""
    total, cur, last = state
    k, v, wa = word
    if not wa:
        if last == "unit" and k == "ten":
            return total, cur + 10, "teen"  # خمسة عشر
        if last == "unit" and k == "hundred" and v == 100:
            return total, cur * 100, "hundred"  # ثلاث مئة
        if last != "scale" and k in ("scale", "pscale") and (cur or last == "fraction"):
            return total + cur * v, 0.0, "scale"  # ثلاثة آلاف
        return None
    if last in ("scale", "dscale") and k in ("unit", "ten", "tens", "hundred"):
        return total, v, k  # ألف وخمسمائة
    if last == "hundred" and k in ("unit", "ten", "tens"):
        return total, cur + v, k  # مئة وعشرون
    if last == "unit" and k == "tens":
        return total, cur + v, "tens"  # خمسة وعشرون
    return None


def _is_boundary(tok: _Tok) -> bool:
    return (tok.kind == "punct" and tok.norm in _STRONG_BOUNDARY_PUNCT) or (
        tok.kind == "word" and tok.norm in _STRONG_BOUNDARY_WORDS)


def _approx_before(toks: list[_Tok], i: int, lex: _Lexicon) -> tuple[int, str | None]:
    """Start token of an approximator right before token i (e.g. "ما لا يقل عن"), and its kind."""
    for n in (4, 3, 2, 1):
        if i - n < 0:
            continue
        seq = toks[i - n:i]
        if any(t.kind != "word" for t in seq):
            continue
        words = [t.norm for t in seq]
        for variant in (words, [seq[0].bases[-1]] + words[1:] if seq[0].conj else None):
            if variant and tuple(variant) in lex.approx:
                return i - n, lex.approx[tuple(variant)]
    return i, None


def _noun_class(noun: str | None, lex: _Lexicon) -> str:
    if noun is None:
        return "person"
    if noun in lex.troops:
        return "troops"
    return "person"


@dataclass
class _Cand:
    start_tok: int  # first token of the quantity text (approximator included)
    num_start: int  # first token of the number itself
    end_tok: int  # exclusive end of the number
    value: int
    value_max: int | None
    noun_tok: int | None  # counted noun token
    np_end_tok: int  # exclusive end of the noun phrase
    noun: str | None  # normalised noun base
    inherent: str | None
    cls: str
    vague: bool = False
    subset: bool = False
    role: str | None = None
    rule: str = ""
    cue_tok: int | None = None
    victims_only: bool = False  # "الضباط الثلاثة": any definite noun, so only harm roles, never crowds


def _counted_noun(toks: list[_Tok], j: int, lex: _Lexicon) -> tuple[int | None, int, str | None, str | None]:
    """(noun_token, np_end, noun_base, inherent_role) for the noun counted by a number ending at j."""
    if j >= len(toks) or toks[j].kind != "word":
        return None, j, None, None
    k = j
    partitive = False
    if toks[k].norm in ("من", "عن") and k + 1 < len(toks) and toks[k + 1].kind == "word":
        k += 1  # partitive: 3 من مسلحي داعش
        partitive = True
    elif toks[k].norm in _NOT_A_NOUN or (toks[k].conj and (
            _lookup(toks[k], lex.cues_before) or _lookup(toks[k], lex.cues_after)
            or _lookup(toks[k], lex.toll_heads))):
        return None, j, None, None  # "900 في سوريا", "قتل 5 وأصيب 10", "إلى 30 وعدد الجرحى": no counted noun
    for n in (4, 3, 2):
        if k + n > len(toks):
            continue
        seq = tuple(t.bases[-1] if t.kind == "word" else "" for t in toks[k:k + n])
        seq_plain = tuple(t.norm for t in toks[k:k + n])
        for s in (seq_plain, seq):
            if s in lex.inherent_phrases:
                return k, k + n, " ".join(s), lex.inherent_phrases[s]
    noun = _lookup(toks[k], lex.inherent) or _lookup(toks[k], lex.not_counted) or _lookup(
        toks[k], lex.months) or _lookup(toks[k], lex.troops) or toks[k].bases[-1]
    if toks[k].norm in lex.inherent:
        noun = toks[k].norm
    np_end = k + 1
    # extend over adjectives/partitive complement: stop at punctuation, numbers, prepositions, verbs cues
    stop = {"في", "على", "علي", "الي", "خلال", "منذ", "بعد", "قبل", "جراء", "اثر", "عند", "امس", "يوم"}
    limit = min(len(toks), k + 5)
    while np_end < limit:
        t = toks[np_end]
        if t.kind != "word" or t.norm in stop or _lookup(t, lex.cues_after) or t.conj:
            break
        if t.norm == "من" or toks[np_end - 1].norm == "من" or partitive:
            np_end += 1
            continue
        if t.norm.startswith("ال") or t.norm.endswith(("ي", "يه", "يا", "يين", "يون")):
            np_end += 1
            continue
        break
    if toks[np_end - 1].norm == "من":
        np_end -= 1
    return k, np_end, noun, lex.inherent.get(noun)


# A reader looks for one kind of count at token i: None when it does not apply there, else
# (the candidate or None when what it read is no count, the token to continue from).
_Read = tuple[_Cand | None, int] | None


def _candidates(toks: list[_Tok], lex: _Lexicon) -> list[_Cand]:
    """Every count in the tokens, left to right: at each token the first of `_READERS` that applies."""
    cands: list[_Cand] = []
    i = 0
    while i < len(toks):
        for read in _READERS:
            found = read(toks, i, lex)
            if found is not None:
                break
        else:
            found = None, i + 1
        cand, i = found
        if cand is not None:
            cands.append(cand)
    return cands


def _vague_amount(toks: list[_Tok], i: int, lex: _Lexicon) -> _Read:
    """Vague amounts: عشرات / مئات (الآلاف) / الآلاف / عدة."""
    t = toks[i]
    vb = _lookup(t, lex.vague) if t.kind == "word" else None
    if not vb:
        return None
    lo, hi = lex.vague[vb]
    j = i + 1
    if j < len(toks) and toks[j].kind == "word":
        nxt = _lookup(toks[j], lex.words)
        if nxt and lex.words[nxt][0] in ("pscale", "scale") and not toks[j].conj:
            lo, hi = lo * int(lex.words[nxt][1]), hi * int(lex.words[nxt][1])
            j += 1
    noun_tok, np_end, noun, inh = _counted_noun(toks, j, lex)
    cand = None
    if noun not in lex.not_counted:
        cand = _Cand(i, i, j, lo, hi, noun_tok, np_end, noun, inh, _noun_class(noun, lex), vague=True, rule="vague")
    return cand, max(j, i + 1)


def _dual_noun(toks: list[_Tok], i: int, lex: _Lexicon) -> _Read:
    """Dual nouns count by themselves: جنديين، امرأتان (an اثنين after one is part of it)."""
    t = toks[i]
    db = _lookup(t, lex.duals) if t.kind == "word" else None
    if not db:
        return None
    cls = lex.duals[db]
    j = i + 1
    if j < len(toks) and toks[j].kind == "word" and toks[j].norm in ("اثنين", "اثنان", "اثنتين", "اثنتان"):
        j += 1
    inh = cls if cls in _ROLES else None
    klass = "troops" if cls == "troops" else ("launched" if cls == "launched" else "person")
    return _Cand(i, i, j, 2, None, i, j, db, inh, klass, rule="dual"), j


def _cued_singular(toks: list[_Tok], i: int, lex: _Lexicon) -> _Read:
    """An indefinite singular right after its role cue counts one: "مقتل جندي", "أطلق صاروخا"."""
    t = toks[i]
    one = t.norm if t.kind == "word" and t.norm in lex.singulars else None
    if (one and i > 0 and toks[i - 1].kind == "word" and _lookup(toks[i - 1], lex.cues_before)
            and not (i + 1 < len(toks) and toks[i + 1].kind == "word" and toks[i + 1].norm in _AFTER_NOUN_COUNTS)):
        return _Cand(i, i, i + 1, 1, None, i, i + 1, one, None, lex.singulars[one], rule="singular"), i + 1
    return None


def _nisba_dual(toks: list[_Tok], i: int, lex: _Lexicon) -> _Read:
    """Nisba duals: "فلسطينيان", "عراقيان" (the plural would be -يون, so -يان is two)."""
    t = toks[i]
    if t.kind == "word" and _is_nisba_dual(t):
        return _Cand(i, i, i + 1, 2, None, i, i + 1, t.bases[-1], None, "person", rule="dual"), i + 1
    return None


def _noun_before(toks: list[_Tok], k: int, lex: _Lexicon) -> str:
    """The base of the noun at k that a count after it counts."""
    return _lookup(toks[k], lex.inherent) or _lookup(toks[k], lex.troops) or toks[k].bases[-1]


def _count_after_noun(toks: list[_Tok], i: int, lex: _Lexicon) -> _Read:
    """Noun + واحد/واحدة (one), noun + اثنين/اثنتان (two): the count follows its noun."""
    t = toks[i]
    if (t.kind == "word" and t.norm in _AFTER_NOUN_COUNTS and i > 0
            and toks[i - 1].kind == "word" and not _lookup(toks[i - 1], lex.words)
            and not _lookup(toks[i - 1], lex.cues_before)  # "وأصيب اثنان": a verb, the count stands alone
            and toks[i - 1].norm not in _NOT_A_NOUN  # "من بينهم اثنان": the count stands alone
            and not _lookup(toks[i - 1], lex.subset_markers)
            and toks[i - 1].bases[-1] not in lex.not_counted):
        k = i - 1
        noun = _noun_before(toks, k, lex)
        return _Cand(k, k, i + 1, _AFTER_NOUN_COUNTS[t.norm], None, k, i + 1, noun,
                     lex.inherent.get(noun), _noun_class(noun, lex), rule="noun+count"), i + 1
    return None


def _definite_after_noun(toks: list[_Tok], i: int, lex: _Lexicon) -> _Read:
    """Definite noun + definite number: "الضباط الثلاثة" (the three officers)."""
    definite = _definite_count(toks, i, lex)
    if not definite:
        return None
    k = i - 1
    noun = _noun_before(toks, k, lex)
    return _Cand(k, k, i + 1, definite, None, k, i + 1, noun, lex.inherent.get(noun),
                 _noun_class(noun, lex), rule="noun+definite", victims_only=True), i + 1


def _in_date_or_time(toks: list[_Tok], i: int, j: int) -> bool:
    """The number at i..j is part of a date (16/3/2018, 2018-03-16) or a time (10:30)."""
    n = len(toks)
    return (j < n and toks[j].kind == "punct" and toks[j].norm in "/-:" and j + 1 < n and toks[j + 1].kind == "num") or (
        i > 0 and toks[i - 1].kind == "punct" and toks[i - 1].norm in "/-:" and i > 1 and toks[i - 2].kind == "num")


def _range_end(toks: list[_Tok], j: int, value: float, lex: _Lexicon) -> tuple[int | None, int]:
    """Ranges: بين 10 و20 / من 10 إلى 20 / 10-20 -> (the upper bound, the token after it)."""
    if j + 1 < len(toks) and (toks[j].norm in ("الي", "و", "-", "حتي")) and toks[j + 1].kind == "num":
        other = _parse_number(toks, j + 1, lex)
        if other and other[0] > value:
            return int(other[0]), other[1]
    return None, j


def _number(toks: list[_Tok], i: int, lex: _Lexicon) -> _Read:
    """A number in digits or words, perhaps a range, with the noun it counts: not a date, a time, a
    percentage, a year, a month day or a number of uncounted things ("3 أيام")."""
    parsed = _parse_number(toks, i, lex)
    if not parsed:
        return None
    value, j, _ = parsed
    start, approx = _approx_before(toks, i, lex)
    if _in_date_or_time(toks, i, j) or (i > 0 and _lookup(toks[i - 1], lex.not_counted_before)):
        return None, j
    value_max, j = _range_end(toks, j, value, lex)
    if _is_percent(toks, j):
        return None, j
    noun_tok, np_end, noun, inh = _counted_noun(toks, j, lex)
    if noun in lex.not_counted or noun in lex.months:
        return None, j
    if toks[i].kind == "num" and 1900 <= value <= 2100 and (noun_tok is None or (
            i > 0 and toks[i - 1].kind in ("word", "punct") and _after_month(toks, i, lex))):
        return None, j
    if value > MAX_COUNT or (value_max is not None and value_max > MAX_COUNT):
        return None, j  # "قتل 99999999999999999999999 شخصا" is no count: nothing past the bound is stored
    return _Cand(start, i, j, int(value), value_max, noun_tok, np_end, noun, inh,
                 _noun_class(noun, lex), rule=f"number{'+' + approx if approx else ''}"), max(j, i + 1)


_READERS = (_vague_amount, _dual_noun, _cued_singular, _nisba_dual, _count_after_noun, _definite_after_noun,
            _number)


_DEFINITE_COUNT_KINDS = frozenset({"unit", "ten", "tens"})


def _definite_count(toks: list[_Tok], i: int, lex: _Lexicon) -> int | None:
    """Value of a definite number word agreeing with the definite noun before it ("الجنود الخمسة").
    Two is left out (الاثنين is Monday), and so are nouns that are not counts (الأيام الثلاثة)."""
    t = toks[i]
    if i == 0 or t.kind != "word" or not t.norm.startswith("ال"):
        return None
    entry = lex.words.get(t.norm[2:])
    if entry is None or entry[0] not in _DEFINITE_COUNT_KINDS or entry[1] < 3:
        return None
    prev = toks[i - 1]
    if (prev.kind != "word" or prev.norm in _NOT_A_NOUN or not any(b.startswith("ال") for b in prev.bases)
            or _lookup(prev, lex.words) or _lookup(prev, lex.not_counted) or _lookup(prev, lex.months)
            or _lookup(prev, lex.subset_markers)):
        return None
    return int(entry[1])


def _after_month(toks: list[_Tok], i: int, lex: _Lexicon) -> bool:
    """A year after a month name ("أكتوبر 2015", "أكتوبر/تشرين الأول 2015")."""
    return any(toks[k].kind == "word" and _lookup(toks[k], lex.months) for k in range(max(0, i - 3), i))


def _is_percent(toks: list[_Tok], j: int) -> bool:
    """"40 في المئة", "40 بالمئة", "40%"."""
    if j >= len(toks):
        return False
    t = toks[j]
    if t.norm in ("%", "٪") or t.norm in ("بالميه", "بالمايه"):
        return True
    return t.norm == "في" and j + 1 < len(toks) and toks[j + 1].norm in ("الميه", "المايه")


def _cue_roles(tok: _Tok, table: dict[str, frozenset[str]]) -> frozenset[str]:
    for b in tok.bases:
        if b in table:
            return table[b]
    return frozenset()


def _token_roles(tok: _Tok, lex: _Lexicon) -> frozenset[str]:
    """Every role a word can name, as a cue on either side or as an outcome noun."""
    if tok.kind != "word":
        return frozenset()
    roles = _cue_roles(tok, lex.cues_before) | _cue_roles(tok, lex.cues_after)
    noun = _lookup(tok, lex.inherent)
    return roles | {lex.inherent[noun]} if noun else roles


def _outcome_roles(tok: _Tok, lex: _Lexicon) -> frozenset[str]:
    return _token_roles(tok, lex) & _OUTCOME_ROLES


def _is_combined(toks: list[_Tok], k: int, lex: _Lexicon, used_cues: frozenset[int] = frozenset()) -> bool:
    """Token k and a neighbour joined by و name two different outcomes ("قتل وجرح", "مقتل وإصابة",
    "قتلى وجرحى"): the count is a joint total. Convention (the gold leaves such totals out, see
    ../shared/README.md): a joint total gets no role, so it is neither killed nor injured. Not joint
    when the first word already gave an earlier count its role (`used_cues`: "ثلاثة جنود قد قتلوا
    وأصيب خمسة")."""
    roles = _outcome_roles(toks[k], lex)
    if not roles:
        return False
    pairs = []
    if k + 1 < len(toks) and toks[k + 1].conj:
        pairs.append((k, k + 1))
    if toks[k].conj and k > 0:
        pairs.append((k - 1, k))
    for first, second in pairs:
        a, b = _outcome_roles(toks[first], lex), _outcome_roles(toks[second], lex)
        if (a and b and not a & b and first not in used_cues and not _has_subject_before(toks, first)
                and toks[first].norm.startswith("ال") == toks[second].norm[1:].startswith("ال")):
            return True  # "22 قتيلا والجرحى 40" joins two phrases, not two outcomes of one count
    return False


def _has_subject_before(toks: list[_Tok], k: int) -> bool:
    """"إن طفلا قتل وأصيب 15": the first verb has its own (accusative, after إن) subject."""
    return k > 0 and toks[k - 1].kind == "word" and toks[k - 1].norm.endswith("ا") and len(toks[k - 1].norm) > 3


def _counts_others(toks: list[_Tok], c: _Cand) -> bool:
    """"وأصيب اثنان آخران": a second group ("others"), so the cue pair before it is not a joint total."""
    k = max(c.np_end_tok, c.end_tok)
    return any(0 <= t < len(toks) and toks[t].kind == "word" and toks[t].bases[-1] in _OTHERS
               for t in (c.noun_tok if c.noun_tok is not None else -1, k))


def _phrase_at(toks: list[_Tok], k: int, phrases: dict | frozenset) -> tuple[str, ...] | None:
    """The two-word phrase of `phrases` starting at token k (its first word may carry a clitic)."""
    if k + 1 >= len(toks) or toks[k].kind != "word" or toks[k + 1].kind != "word":
        return None
    for first in toks[k].bases:
        if (first, toks[k + 1].norm) in phrases:
            return first, toks[k + 1].norm
    return None


def _is_release(toks: list[_Tok], k: int, lex: _Lexicon) -> bool:
    return toks[k].kind == "word" and bool(
        _lookup(toks[k], lex.release_acts) or _phrase_at(toks, k, lex.release_phrases))


def _released(toks: list[_Tok], c: _Cand, lex: _Lexicon) -> bool:
    """A release or return said of the count: the verb governing it ("أفرج عن 30 امرأة كان التنظيم
    قد خطفهن") or one right after its noun phrase ("ثمانية من المعتقلين أطلق سراحهم")."""
    k, steps = c.start_tok - 1, 0
    while k >= 0 and steps < _PRECEDING_WINDOW and not _is_boundary(toks[k]):
        if _is_release(toks, k, lex):
            return True
        if _cue_roles(toks[k], lex.cues_before):
            break  # the nearest verb governs the count: "أفرج عن 5 واعتقل 3"
        k -= 1
        steps += 1
    k, steps = max(c.np_end_tok, c.end_tok), 0
    while k < len(toks) and steps < _FOLLOWING_WINDOW:
        t = toks[k]
        if _is_boundary(t) or t.norm == "،" or t.conj:
            break  # "اعتقل 5 أشخاص وأفرج عن 3": the next clause is another act
        if _is_release(toks, k, lex):
            return True
        k += 1
        steps += 1
    return False


def _agent_or_group_before(toks: list[_Tok], k: int, start: int, lex: _Lexicon) -> bool:
    """Token k (walking back from the count at `start`) ends an agent phrase ("على يد فريق من 12
    عضوا") or is the من of a group size ("خلية من 5 أشخاص"): cues further back name the victims,
    not this count."""
    t = toks[k]
    if t.kind != "word":
        return False
    if (t.norm,) in lex.agent_markers or (k > 0 and (toks[k - 1].norm, t.norm) in lex.agent_markers):
        return True
    if t.norm == "من" and k == start - 1:
        return any(toks[g].kind == "word" and _lookup(toks[g], lex.group_nouns)
                   for g in range(max(0, k - 2), k))
    return False


def _toll_role(toks: list[_Tok], c: _Cand, allowed: frozenset[str] | set[str],
               lex: _Lexicon) -> tuple[str | None, int | None, bool]:
    """(role, cue token, joint) for a running total: "ارتفعت حصيلة القتلى خلال 24 ساعة إلى 30",
    "ارتفع عدد الذين قتلوا منذ 30 مارس إلى 45". The count after إلى/بلغ takes the role named just after
    the nearest toll head in its clause, whatever stands in between (durations, dates, places)."""
    link = c.start_tok - 1
    if link < 0 or toks[link].kind != "word" or not _lookup(toks[link], lex.toll_links):
        return None, None, False
    for h in range(link - 1, max(-1, link - 1 - _TOLL_WINDOW), -1):
        if _is_boundary(toks[h]):
            break
        if toks[h].kind == "word" and _lookup(toks[h], lex.toll_heads):
            for m in range(h + 1, min(h + 1 + _TOLL_NAMING, link)):
                if _is_combined(toks, m, lex):
                    return None, None, True
                roles = _token_roles(toks[m], lex) & allowed
                if roles:
                    return _pick(roles), m, False
            break
    return None, None, False


def _assign_roles(toks: list[_Tok], cands: list[_Cand], lex: _Lexicon) -> None:
    owner: dict[int, int] = {}  # token -> candidate index
    for ci, c in enumerate(cands):
        for k in range(c.start_tok, max(c.np_end_tok, c.end_tok)):
            owner.setdefault(k, ci)
    for ci, c in enumerate(cands):
        _assign_role(toks, cands, ci, owner, lex)
        if c.subset:
            c.role = None
        elif c.role in _HELD_ROLES and _released(toks, c, lex):
            c.role, c.rule = None, c.rule + ";released"
        elif c.role == "launched" and _seized(toks, c, lex):
            c.role, c.rule = None, c.rule + ";seized"


def _seized(toks: list[_Tok], c: _Cand, lex: _Lexicon) -> bool:
    """Munitions found, seized, defused or traded ("اكتشاف وتفجير 74 عبوة ناسفة"), not launched: a
    marker among the words governing the count, up to the nearest other count or the clause start."""
    k, steps = c.start_tok - 1, 0
    while k >= 0 and steps < _PRECEDING_WINDOW and not _is_boundary(toks[k]) and toks[k].kind != "num":
        if toks[k].kind == "word" and _lookup(toks[k], lex.seized_markers):
            return True
        k -= 1
        steps += 1
    return False


def _assign_role(toks: list[_Tok], cands: list[_Cand], ci: int, owner: dict[int, int], lex: _Lexicon) -> None:
    """Role of candidate ci: outcome noun, verb after, running total, cue before, coordination.

    A count whose own noun tells the outcome ("قتيلا") takes that role; otherwise the first of the
    verb after it, a running total and the nearest cue before it that gives a role compatible with
    its noun decides; failing all, a noun with a role of its own gives it. A "joint" count ("40
    قتيلا وجريحا"، "قتل وجرح 20") adds up two roles and gets none."""
    c = cands[ci]
    before = toks[c.start_tok - 1] if c.start_tok > 0 else None
    coordinated = toks[c.start_tok].conj or (before is not None and before.norm in ("و", "ف"))
    _mark_subset(toks, cands, ci, coordinated, lex)
    if c.vague and c.inherent is None and c.cls == "person" and c.noun is None:
        return
    allowed = _COMPATIBLE["launched"] if c.inherent == "launched" else _COMPATIBLE[c.cls]
    if c.victims_only:
        allowed = allowed & _VICTIM_ROLES
    if c.inherent in _STRONG_INHERENT:
        if c.noun_tok is not None and _is_combined(toks, c.noun_tok, lex):
            c.rule += ";joint"  # "40 قتيلا وجريحا"
            return
        c.role, c.rule, c.cue_tok = c.inherent, c.rule + ";noun", c.noun_tok
        return
    if _role_from_verb_after(toks, cands, ci, owner, allowed, lex) or _role_from_toll(toks, c, allowed, lex):
        return
    may_fall_back = _role_from_cue_before(toks, cands, ci, owner, allowed, coordinated, lex)
    if c.role is None and c.inherent and may_fall_back:
        c.role, c.rule, c.cue_tok = c.inherent, c.rule + ";noun", c.noun_tok


def _mark_subset(toks: list[_Tok], cands: list[_Cand], ci: int, coordinated: bool, lex: _Lexicon) -> None:
    """A subset: "بينهم 14 طفلا", "من بينهم", or coordinated with a subset."""
    c = cands[ci]
    before = toks[c.start_tok - 1] if c.start_tok > 0 else None
    before2 = toks[c.start_tok - 2] if c.start_tok > 1 else None
    for b in (before, before2):
        if b is not None and b.kind == "word" and _lookup(b, lex.subset_markers):
            c.subset = True
    prev = cands[ci - 1] if ci > 0 else None
    if (coordinated and prev is not None and prev.subset
            and c.start_tok - max(prev.end_tok, prev.np_end_tok) <= 2):
        c.subset = True


def _role_from_verb_after(toks: list[_Tok], cands: list[_Cand], ci: int, owner: dict[int, int],
                          allowed: frozenset[str], lex: _Lexicon) -> bool:
    """1) The verb right after the noun phrase (its subject, or a relative clause with it as object):
    "43 مدنيا قتلوا", "1500 من مقاتلي التنظيم وحلفائه قضوا", "30 امرأة كان التنظيم قد خطفهن".
    True when that decided the count (a role, or a joint count)."""
    c = cands[ci]
    k = max(c.np_end_tok, c.end_tok)
    steps = 0
    while k < len(toks) and steps < _FOLLOWING_VERB_WINDOW:
        t = toks[k]
        if t.kind == "word" and (t.norm in _AFTER_NOUN_SKIP or (t.conj and t.norm[1:3] == "ال")):
            k += 1  # "35 مقاتلا من قوات النظام والموالين له ... لقوا حتفهم": a coordinated noun
            steps += 1
            continue
        if _is_boundary(t) or (t.kind == "punct" and t.norm == "،"):
            break
        if t.conj and k not in owner:
            if (_token_roles(t, lex) or _lookup(t, lex.role_blockers) or _lookup(t, lex.toll_heads)
                    or _number_word(t, lex, True)):
                break  # "قتل شخص واحد وأصيب 7", "إلى 30 وعدد الجرحى": the next clause
            k += 1  # "30 امرأة وشابا خطفهم التنظيم": a coordinated noun
            steps += 1
            continue
        if k in owner and owner[k] != ci:
            other = cands[owner[k]]
            if not (_lookup(toks[other.start_tok - 1], lex.subset_markers) if other.start_tok else False) and not other.subset:
                if not (toks[other.start_tok].conj or toks[other.start_tok - 1].norm == "و"):
                    break
            k = max(other.np_end_tok, other.end_tok)
            continue
        if t.kind == "word" and _lookup(t, lex.subset_markers):
            k += 1
            continue
        if t.norm == "بين" and k + 1 < len(toks) and _is_combined(toks, k + 1, lex):
            c.rule += ";joint"  # "سقط 40 شخصا بين قتيل وجريح"
            return True
        if t.norm in _NOT_A_NOUN and not (t.norm == "علي" and k + 1 < len(toks) and toks[k + 1].norm == "الاقل"):
            break  # "وطفلين في الهجوم في حين أصيب 40": the verb after a phrase is not theirs
        phrase = _phrase_at(toks, k, lex.cues_after_phrases)
        roles = (lex.cues_after_phrases[phrase] if phrase else _cue_roles(t, lex.cues_after)) & allowed
        if roles and (steps < _FOLLOWING_WINDOW or t.norm.endswith("وا")):
            c.role, c.rule, c.cue_tok = _pick(roles), c.rule + f";after:{t.norm}", k
            return True
        k += 1
        steps += 1
    return False


def _role_from_toll(toks: list[_Tok], c: _Cand, allowed: frozenset[str], lex: _Lexicon) -> bool:
    """2) A running total: "ارتفعت حصيلة القتلى خلال 24 ساعة إلى 30". True when that decided the count."""
    role, cue, joint = _toll_role(toks, c, allowed if c.noun is not None else set(_ROLES), lex)
    if joint:
        c.rule += ";joint"
        return True
    if role:
        c.role, c.rule, c.cue_tok = role, c.rule + f";toll:{toks[cue].norm}", cue
        return True
    return False


def _role_from_cue_before(toks: list[_Tok], cands: list[_Cand], ci: int, owner: dict[int, int],
                          allowed: frozenset[str], coordinated: bool, lex: _Lexicon) -> bool:
    """3) The nearest cue before, in the clause; a coordinated count inherits from the previous one.

    False when the count may not fall back on its noun's own role: a joint count, or a release or
    the attackers before it ("أفرج عن 50 معتقلا"، "على يد فريق من 12 عضوا")."""
    c = cands[ci]
    k = c.start_tok - 1
    steps = 0
    window, cue_window = _COORDINATION_WINDOW, _PRECEDING_WINDOW
    if c.start_tok >= 2 and _phrase_at(toks, c.start_tok - 2, lex.alongside_markers):
        coordinated, window, cue_window, k = True, _ALONGSIDE_WINDOW, _ALONGSIDE_WINDOW, c.start_tok - 3
    while k >= 0 and steps < window:
        t = toks[k]
        if _is_boundary(t):
            break
        if k in owner and owner[k] != ci:
            other = cands[owner[k]]
            if coordinated and c.noun is None:
                allowed = _COMPATIBLE[other.cls]  # "2500 جندي ... و900 في سوريا"
            if coordinated and other.role and other.role in allowed and not c.subset:
                c.role, c.rule, c.cue_tok = other.role, c.rule + ";coordinated", other.cue_tok
            break
        if steps < cue_window and (_lookup(t, lex.role_blockers) or _agent_or_group_before(toks, k, c.start_tok, lex)):
            return False  # "أفرج عن 50 معتقلا": a release; "على يد فريق من 12 عضوا": the attackers
        roles = _cue_roles(t, lex.cues_before) & allowed
        if roles and steps < cue_window:
            used = frozenset(o.cue_tok for o in cands[:ci] if o.cue_tok is not None)
            if _is_combined(toks, k, lex, used) and not _counts_others(toks, c):
                c.rule += ";joint"  # "قتل وجرح 20 شخصا"
                return False
            c.role, c.rule, c.cue_tok = _pick(roles), c.rule + f";before:{t.norm}", k
            break
        k -= 1
        steps += 1
    return True


def _pick(roles: frozenset[str]) -> str:
    for r in _ROLES:
        if r in roles:
            return r
    raise AssertionError(roles)


@resource
def _count_hint() -> re.Pattern[str]:
    """One regex over every digit and number-ish word stem: sentences without any skip the parser."""
    lex = lexicon()
    words = set(lex.words) | set(lex.vague) | set(lex.duals) | set(lex.singulars)
    long = sorted((re.escape(w) for w in words if len(w) >= 3), key=len, reverse=True)
    short = [rf"(?<!\w)[وفبل]?{re.escape(w)}(?!\w)" for w in words if len(w) < 3]
    return re.compile("|".join([r"\d", r"يان(?!\w)", *long, *short]))


def _maybe_has_count(norm: str) -> bool:
    return _count_hint().search(norm) is not None


def find_quantity_mentions(text: str, vague: bool = False) -> list[QuantityMention]:
    """Every count in `text` with its role and counted noun phrase (offsets into `text`)."""
    lex = lexicon()
    nt = normalize_with_offsets(text)
    if not _maybe_has_count(nt.text):
        return []
    toks = _tokenize(nt.text)
    cands = _candidates(toks, lex)
    _assign_roles(toks, cands, lex)
    out = []
    for c in cands:
        if c.vague and not vague:
            continue
        s, e = nt.to_original(toks[c.start_tok].start, toks[c.end_tok - 1].end)
        if toks[c.start_tok].conj and c.start_tok == c.num_start and toks[c.start_tok].kind == "word":
            # drop a leading conjunction from the quantity text (وثلاثة -> ثلاثة)
            s2, _ = nt.to_original(toks[c.start_tok].start + 1, toks[c.start_tok].start + 2)
            s = s2 if s2 < e else s
        ns = ne = -1
        noun_text = ""
        if c.noun_tok is not None:
            ns, ne = nt.to_original(toks[c.noun_tok].start, toks[c.np_end_tok - 1].end)
            noun_text = text[slice(*nt.to_original(toks[c.noun_tok].start, toks[c.noun_tok].end))]
        q = Quantity(text[s:e], s, e, c.value, c.value_max, c.role, noun_text)
        cs = ce = -1
        if c.cue_tok is not None:
            cs, ce = nt.to_original(toks[c.cue_tok].start, toks[c.cue_tok].end)
        out.append(QuantityMention(q, ns, ne, c.subset, c.vague, c.rule, cs, ce))
    return out


def find_quantities(text: str, vague: bool = False) -> list[Quantity]:
    """Counts in `text` (offsets into `text`); vague amounts only when asked."""
    return [m.quantity for m in find_quantity_mentions(text, vague)]
