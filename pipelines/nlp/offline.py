"""Offline Arabic analyzer: tokenization with clitic segmentation, light verb lemmatisation and
gazetteer entity spans — no model download, deterministic, fast.

Segmentation follows UD Arabic (PADT/PUD) conventions: proclitics و ف ب ل ك س and pronoun
enclitics (ه ها هم هما هن ك كم نا ني ي) are separate syntactic words; the article ال stays on its
noun. Every token is a substring of the original text:

* a clitic token's [start, end) covers the clitic's letters (and any diacritics written on them);
* ل+ال contraction ("للجيش"): the first ل is the preposition ل and the host is "لجيش" — the alef of
  the article is not written, so the host token is the written remainder; its `lemma` restores the
  article ("الجيش"), as UD does for the word form.

Ambiguous proclitics (is the ب of "بشكل" a preposition? of "بلد" it is not) are decided by how
plausible the remainder is as a word on its own: our word lists first, then word frequencies from
the `wordfreq` package (CC BY-SA data, not vendored).
"""
from __future__ import annotations

import re
from typing import Iterable, Sequence

from pipelines.caching import memo, resource
from pipelines.nlp.lexicon import lexicons
from pipelines.records import Token

# Arabic letters (hamza forms, taa marbuta and alef maqsura kept distinct) and the marks we skip.
_AR_LETTER = "\u0621-\u063A\u0641-\u064A\u066E-\u066F\u0671-\u06D3\u06FA-\u06FF"
_AR_MARK = "\u064B-\u065F\u0670\u0640"
_AR_MARK_NO_TATWEEL = "\u064B-\u065F\u0670"
_TOKEN_RE = re.compile(
    # tatweel is part of a word only between letters; alone it is a dash ("الإحصاء ـ")
    rf"(?P<ar>[{_AR_LETTER}](?:[{_AR_LETTER}{_AR_MARK_NO_TATWEEL}]|\u0640+(?=[{_AR_LETTER}]))*)"
    r"|(?P<num>\d+(?:[.,٫٬]\d+)*)"
    r"|(?P<lat>[A-Za-z\u00C0-\u024F]+(?:['’][A-Za-z]+)?)"
    r"|(?P<punct>\.{2,}|[^\s\w]|[_\u0640])",
)
_MARKS = frozenset(chr(c) for c in range(0x064B, 0x0660)) | {"\u0670", "\u0640"}
_HAMZA_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})

PROCLITIC_LEMMA = {"و": "و", "ف": "ف", "ب": "ب", "ل": "ل", "ك": "ك", "س": "س"}
PROCLITIC_UPOS = {"و": "CCONJ", "ف": "CCONJ", "ب": "ADP", "ل": "ADP", "ك": "ADP", "س": "AUX"}
_SUFFIXES = ("هما", "كما", "هم", "هن", "ها", "كم", "نا", "ني", "ه", "ك", "ي")
_PERSONAL_SUFFIXES = frozenset({"ه", "ها", "هم", "هما", "هن"})
_IMPERFECT_PREFIX = frozenset("يتنأ")
_CLITIC_UPOS = frozenset({"CCONJ", "ADP", "AUX"})
_TWO_LETTER_SPLITS = frozenset({"به", "له", "لك", "لي"})

# Thresholds on wordfreq zipf values (log10 per billion words + 9) for accepting a remainder as a
# word after an ambiguous proclitic, and for a stem before a pronoun suffix.
_MIN_STEM_ZIPF = {"و": 3.0, "ف": 4.6, "ب": 3.9, "ل": 3.9, "ك": 4.8, "س": 9.0}
_MAX_WHOLE_LEAD = {"و": 1.6, "ف": 0.6, "ب": 0.9, "ل": 0.8, "ك": 0.4, "س": 0.0}
_MIN_SUFFIX_STEM_ZIPF = 3.3


@resource
def _freq() -> dict[str, float]:
    """Arabic word frequencies (wordfreq 'large' list) as a plain dict for fast lookups."""
    try:
        from wordfreq import get_frequency_dict
    except ImportError:  # segmentation still works from our word lists alone
        return {}
    return get_frequency_dict("ar", "large")


def zipf(word: str) -> float:
    f = _freq().get(word)
    if not f:
        return 0.0
    import math

    return math.log10(f) + 9.0


def _evidence(stem: str) -> float:
    """How plausible `stem` is as a free word: its own frequency or its frequency with ال."""
    z = zipf(stem)
    if not stem.startswith("ال"):
        z = max(z, zipf("ال" + stem) - 0.3)
    if stem.endswith("ت"):  # ة written ت before a suffix
        z = max(z, zipf(stem[:-1] + "ة"))
    elif stem.endswith(("ئ", "ؤ")):  # hamza seat changes before a suffix: أعدائه
        z = max(z, zipf(stem[:-1] + "ء"))
    return z


def _strip_marks(word: str) -> tuple[str, list[int]]:
    letters: list[str] = []
    pos: list[int] = []
    for i, ch in enumerate(word):
        if ch not in _MARKS:
            letters.append(ch)
            pos.append(i)
    return "".join(letters), pos


@memo(200_000)
def segment(word: str) -> tuple[tuple[int, int, str], ...]:
    """Split a bare Arabic word (no diacritics) into (start, end, role) pieces.

    role: "pre" for proclitics, "stem", "suf" for pronoun enclitics.
    """
    lex = lexicons()
    pieces: list[tuple[int, int, str]] = []
    i = 0
    n = len(word)
    if word in _TWO_LETTER_SPLITS:
        return ((0, 1, "pre"), (1, 2, "suf"))  # به، له، لك، لي
    if n <= 2 or word in lex.whole_words:
        return ((0, n, "stem"),)
    on_host = any(word.endswith(s) and word[: -len(s)] in lex.pronoun_hosts for s in _SUFFIXES)
    if not on_host and n >= 4 and lemmatize_verb(word, strict=True):
        return ((0, n, "stem"),)
    whole = _is_whole(word)  # ولايته، لديهم: no proclitic, maybe a pronoun suffix
    # proclitic conjunction و/ف (its remainder may start with another proclitic: وسيقصف، وبالجيش)
    if not whole and word[0] in "وف" and n >= 3 and (_proclitic_ok(word[0], word[1:]) or _second_proclitic_ok(word[1:])):
        pieces.append((0, 1, "pre"))
        i = 1
    # preposition ب/ل/ك or future س
    if not whole and n - i >= 2 and word[i] in "بلكس" and not _is_whole(word[i:]):
        rest = word[i + 1:]
        p = word[i]
        if p == "س":
            ok = _future_ok(rest)
        elif p == "ل" and rest.startswith("ل") and len(rest) >= 3:
            ok = True  # ل + (ا)ل... contraction
        else:
            ok = _proclitic_ok(p, rest)
        if ok:
            pieces.append((i, i + 1, "pre"))
            i += 1
    stem = word[i:]
    # pronoun enclitic
    cut = _enclitic_cut(stem, after_proclitic=i > 0)
    if cut:
        if n - cut > i:
            pieces.append((i, n - cut, "stem"))
        pieces.append((n - cut, n, "suf"))
    else:
        pieces.append((i, n, "stem"))
    return tuple(pieces)


def _is_whole(word: str) -> bool:
    """A listed single word, a lexicon verb form, or one of them with a pronoun suffix."""
    lex = lexicons()
    if word in lex.whole_words or word in lex.pronoun_hosts or (
            len(word) >= 4 and lemmatize_verb(word, strict=True)):
        return True
    for suf in _SUFFIXES:
        if word.endswith(suf) and len(word) > len(suf) + 1:
            base = word[: -len(suf)]
            if base in lex.whole_words or base in lex.pronoun_hosts or (
                    base.endswith("ت") and base[:-1] + "ة" in lex.whole_words):
                return True
    return False


def _future_ok(rest: str) -> bool:
    """س + imperfect verb: a lexicon verb, or a verb-shaped form at least as frequent as the whole."""
    if len(rest) < 3 or rest[0] not in _IMPERFECT_PREFIX:
        return False
    if lemmatize_verb(rest, strict=True) is not None:
        return True
    if _guess_imperfect(rest) is None:
        return False
    ev = _evidence(rest)
    return ev >= 3.0 and ev >= zipf("س" + rest) - 0.3


def _second_proclitic_ok(rest: str) -> bool:
    if len(rest) < 3 or rest[0] not in "بلكس" or _is_whole(rest):
        return False
    p, tail = rest[0], rest[1:]
    if p == "س":
        return _future_ok(tail)
    if p == "ل" and tail.startswith("ل") and len(tail) >= 3:
        return True
    return _proclitic_ok(p, tail)


def _proclitic_ok(p: str, rest: str) -> bool:
    lex = lexicons()
    if rest.startswith("ال") and len(rest) >= 4 and p in "وبك":
        return True
    if rest.startswith("ال") and p == "ف":  # فالنتينو: ف+ال is rare, foreign names are not
        return _evidence(rest) >= 3.5
    if rest in lex.function_words:
        return True
    # the remainder might itself carry a pronoun suffix (لها، بهم، وعليه)
    bare = rest
    cut = _enclitic_cut(rest, after_proclitic=True)
    if cut:
        bare = rest[:-cut]
        if not bare and p in "بلك":
            return True
        if bare in lex.pronoun_hosts or bare in lex.function_words:
            return True
    if len(bare) < 2:
        return False
    if p in "وفلس" and lemmatize_verb(bare, strict=True) is not None:
        return True
    ev = _evidence(bare)
    return ev >= _MIN_STEM_ZIPF[p] and ev >= zipf(p + rest) - _MAX_WHOLE_LEAD[p]


def _enclitic_cut(stem: str, after_proclitic: bool) -> int:
    """Length of the pronoun suffix to split off `stem`, or 0."""
    lex = lexicons()
    if len(stem) < 2 or stem.startswith("ال") or stem in lex.whole_words:
        return 0
    for suf in _SUFFIXES:
        if stem.endswith(suf) and stem[: -len(suf)] in lex.pronoun_hosts:
            return len(suf)
    if lemmatize_verb(stem, strict=True) and not any(
            stem.endswith(s) and lemmatize_verb(stem[: -len(s)], strict=True) for s in _PERSONAL_SUFFIXES):
        return 0  # اتهم is a verb, not ات+هم
    for suf in _SUFFIXES:
        if not stem.endswith(suf):
            continue
        base = stem[: -len(suf)]
        if not base:
            return len(suf) if after_proclitic and suf in _PERSONAL_SUFFIXES | {"نا", "ك", "كم", "ي"} else 0
        if base in lex.pronoun_hosts:
            return len(suf)
        if suf == "نا" and (lemmatize_verb(base, strict=True) or (
                base.endswith("ت") and _evidence(base) >= 3.5)):
            return 2  # قتلنا، حياتنا
        if suf in ("ي", "ني", "ك", "كم", "كما", "نا"):
            continue  # first/second person: only on hosts (news prose is third person)
        if len(base) < 2:
            continue
        if suf == "ه" and base.endswith(("ا", "ي", "و")) and len(base) <= 3:
            continue  # اتجاه/مياه-like nouns and short words
        ev = _evidence(base)
        if suf == "ه" and ev < _MIN_SUFFIX_STEM_ZIPF + 0.4:
            continue
        if ev >= _MIN_SUFFIX_STEM_ZIPF or lemmatize_verb(base, strict=True) is not None:
            return len(suf)
    return 0


# ---------------------------------------------------------------- verbs

_PAST_SUFFIXES = ("تما", "تم", "تن", "تا", "نا", "وا", "ت", "ا", "ن", "")
_IMPF_SUFFIXES = ("ون", "ين", "ان", "وا", "ن", "ا", "")


@memo(100_000)
def lemmatize_verb(word: str, strict: bool = False) -> str | None:
    """Lemma (perfect 3sg masc) of a verb form via affix rules checked against the verb lexicon.

    With strict=True only lexicon-confirmed analyses are returned; otherwise a pattern-based guess
    is returned for forms with unambiguous verbal morphology (imperfect prefix + suffix).
    """
    lex = lexicons()
    verbs = lex.verbs
    for cand in _verb_candidates(word):
        hit = verbs.get(cand.translate(_HAMZA_FOLD))
        if hit:
            return hit
    if strict:
        return None
    return _guess_imperfect(word)


def _verb_candidates(word: str) -> Iterable[str]:
    n = len(word)
    imperfect_first = n >= 4 and word[0] in "يتن"
    if imperfect_first:
        yield from _imperfect_candidates(word)
    yield word
    if word[0] in "أ" and n >= 4 and word[2] == "ي":
        yield "أ" + word[1] + "ا" + word[3:]  # passive of hollow Form IV: أعيد -> أعاد
    if word.endswith(("ئ", "ؤ")):
        yield word[:-1] + "أ"  # أنشئ -> أنشأ
    # perfect with subject suffixes
    for suf in _PAST_SUFFIXES[:-1]:
        if word.endswith(suf) and n - len(suf) >= 2:
            stem = word[: -len(suf)]
            if len(stem) == 2 and suf in ("ت", "تا"):
                yield stem + "ى"  # جرت -> جرى before the doubled جر
            yield stem
            if suf in ("ت", "تا", "وا", "ا") and len(stem) >= 2:
                yield stem + "ى"  # defective: انتهت -> انتهى, دعت -> دعا
                yield stem + "ا"
            if len(stem) == 2:  # hollow: قالت -> قال ; قلت -> قال
                yield stem[0] + "ا" + stem[1]
            if stem.endswith(("ئ", "ؤ")):
                yield stem[:-1] + "أ"
            if stem[0] == "أ" and len(stem) >= 4 and stem[2] == "ي":
                yield "أ" + stem[1] + "ا" + stem[3:]  # أقيمت -> أقام
    if not imperfect_first:
        yield from _imperfect_candidates(word)


def _imperfect_candidates(word: str) -> Iterable[str]:
    """Lemma candidates of an imperfect form: prefix ي ت ن أ + stem + subject suffixes."""
    n = len(word)
    if n >= 3 and word[0] in _IMPERFECT_PREFIX:
        for suf in _IMPF_SUFFIXES:
            if suf and not word.endswith(suf):
                continue
            r = word[1: n - len(suf)] if suf else word[1:]
            if len(r) < 2:
                continue
            yield from _impf_stem_candidates(r)


def _impf_stem_candidates(r: str) -> Iterable[str]:
    if r[0] == "ؤ":
        yield "أ" + r[1:]  # يؤكد -> أكد, يؤدي -> أدى
        r = "أ" + r[1:]
    if r.endswith(("ي", "و", "ى", "ا")) and len(r) >= 3:
        base = r[:-1]  # defective: يجري -> جرى, يدعو -> دعا, يدعى -> دعا
        yield base + "ى"
        yield base + "ا"
        yield base + "ي"
    if len(r) == 3 and r[1] in "وي":
        yield r[0] + "ا" + r[2]  # يقول -> قال
        yield "أ" + r[0] + "ا" + r[2]  # يفيد -> أفاد
    if len(r) == 5 and r.startswith("ست") and r[3] in "وي":
        yield "است" + r[2] + "ا" + r[4]  # يستطيع -> استطاع
    if len(r) == 4 and r[1] == "ت" and r[2] in "وي":
        yield "ا" + r[:2] + "ا" + r[3]  # يحتاج -> احتاج
    if r.endswith(("ئ", "ؤ")):
        yield r[:-1] + "أ"  # يبطئ -> أبطأ
    yield r  # Form I/II/III/V/VI, quadriliteral, doubled (يتم -> تم): same consonants
    if len(r) == 2:
        yield r[0] + "ا" + r[1]  # jussive hollow: يكن -> كان ; يعد -> عاد
        yield "و" + r  # assimilated: يصل -> وصل
        yield "أ" + r[0] + "ا" + r[1]
    yield "أ" + r  # Form IV: يعلن -> أعلن
    yield "ا" + r  # VII/VIII/X: ينسحب -> انسحب, يجتمع -> اجتمع, يستخدم -> استخدم
    if r.endswith(("ي", "و", "ى", "ا")):
        base = r[:-1]
        yield "أ" + base + "ى"
        yield "ا" + base + "ى"


def _guess_imperfect(word: str) -> str | None:
    """Pattern-based lemma for a verb form the lexicon does not know (None: not verb-shaped)."""
    n = len(word)
    if n >= 5 and word[0] == "ت" and word.endswith("ت"):
        return word[:-1]  # Form V/VI perfect 3fs: تأسست -> تأسس
    if n == 4 and word.endswith("ت"):
        return word[:-1]  # طرحت -> طرح
    if n >= 5 and word[0] == "ا":  # Form VII/VIII/X perfect: ازدهرت، انخرطوا
        for suf in ("تم", "وا", "ت", "تا"):
            if word.endswith(suf):
                return word[: -len(suf)]
    if n >= 5 and word.endswith("تم") and word[0] not in "يتن":
        return word[:-2]  # لاحظتم -> لاحظ
    if n in (5, 6) and word.endswith("وا") and word[0] not in "يتن":
        return word[:-2]  # عجزوا -> عجز
    if n < 4 or word[0] not in "يتن" or word.endswith(("ة", "ات")):
        return None
    for suf in ("ون", "ان", "وا", ""):
        if suf and not word.endswith(suf):
            continue
        r = word[1: len(word) - len(suf)] if suf else word[1:]
        if len(r) == 5 and r.startswith("ست") and r[3] in "وي":
            return "است" + r[2] + "ا" + r[4]  # يستهين -> استهان
        if r.startswith("ست") and len(r) == 5:
            return "ا" + r
        if len(r) == 4 and (r[0] == "ن" or r[1] == "ت") and not r.startswith("ت"):
            return "ا" + r
        if len(r) == 3 and r[2] in "وي":
            return r[:2] + ("ا" if r[2] == "و" else "ى")  # ينمو -> نما, تحوي -> حوى
        if len(r) == 3 and r[1] == "و":
            return r[0] + "ا" + r[2]  # يقود -> قاد
        if len(r) == 3 and r[1] == "ي":
            return "أ" + r[0] + "ا" + r[2]  # يثير -> أثار (Form I ي-hollows are listed)
        if 3 <= len(r) <= 4 or (len(r) == 5 and r[0] == "ت"):
            return r
    return None


# ---------------------------------------------------------------- tokens


@memo(300_000)
def analyze_word(raw: str) -> tuple[tuple[int, int, str, str, str], ...]:
    """(start, end, text, lemma, upos) of the syntactic words of one Arabic orthographic word,
    offsets relative to the word. Cached: news vocabulary repeats heavily."""
    bare, pos = _strip_marks(raw)
    pieces = segment(bare)
    out = []
    for k, (a, b, role) in enumerate(pieces):
        start = pos[a]
        end = pos[b] if b < len(pos) else len(raw)
        piece = bare[a:b]
        if role == "pre":
            lemma, upos = PROCLITIC_LEMMA[piece], PROCLITIC_UPOS[piece]
        elif role == "suf":
            lemma, upos = lexicons().pronoun_lemmas.get(piece, piece), "PRON"
        else:
            contracted = k > 0 and pieces[k - 1][2] == "pre" and bare[pieces[k - 1][0]] == "ل" \
                and piece.startswith("ل") and not piece.startswith("ال") and len(piece) >= 3 \
                and piece not in lexicons().function_words
            lemma, upos = _stem_lemma(piece, contracted)
        out.append((start, end, raw[start:end], lemma, upos))
    return tuple(out)


@memo(200_000)
def _stem_lemma(piece: str, contracted_article: bool) -> tuple[str, str]:
    lex = lexicons()
    if contracted_article:
        return noun_lemma("ا" + piece), "NOUN"
    if piece in lex.function_upos:
        tag = lex.function_upos[piece]
        return (lemmatize_verb(piece) or piece) if tag == "AUX" else piece, tag
    verb = lemmatize_verb(piece, strict=piece.startswith("ال"))
    if verb is not None:
        return verb, "VERB"
    return noun_lemma(piece), "NOUN"


def noun_lemma(word: str) -> str:
    """Light noun lemma: drop the article and the accusative tanween alef; sound plurals -> singular
    when the singular is a known verbal noun or frequent word."""
    w = word[2:] if word.startswith("ال") and len(word) > 3 else word
    if w.endswith("اً") or (w.endswith("ا") and len(w) > 3 and zipf(w[:-1]) > zipf(w) + 0.5):
        w = w[:-1]
    if w.endswith("ات") and len(w) > 4:
        for sing in (w[:-2] + "ة", w[:-2]):
            if sing in lexicons().verbal_nouns or zipf(sing) >= 4.0:
                return sing
    return w


def tokenize(text: str, base: int = 0) -> list[Token]:
    """Tokens (syntactic words) of `text`; offsets are `base` + offsets into `text`."""
    out: list[Token] = []
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup
        if kind == "ar":
            w0 = base + m.start()
            for a, b, piece, lemma, upos in analyze_word(m.group()):
                out.append(Token(piece, w0 + a, w0 + b, lemma, upos))
        elif kind == "num":
            out.append(Token(m.group(), base + m.start(), base + m.end(), m.group(), "NUM"))
        elif kind == "lat":
            out.append(Token(m.group(), base + m.start(), base + m.end(), m.group(), "X"))
        else:
            out.append(Token(m.group(), base + m.start(), base + m.end(), m.group(), "PUNCT"))
    return out


def tag_entities(tokens: Sequence[Token], spans: Iterable[tuple[int, int, str]]) -> list[Token]:
    """Set BIO `ner` tags on tokens covered by (start, end, label) spans (original offsets)."""
    tags = ["O"] * len(tokens)
    for start, end, label in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        inside = [k for k, t in enumerate(tokens) if t.start < end and t.end > start]
        if not inside or any(tags[k] != "O" for k in inside):
            continue
        # a proclitic (و/ب/ل) belongs to the word, not to the name, even when the span covers it
        while len(inside) > 1 and (tokens[inside[0]].start < start or (
                tokens[inside[0]].upos in _CLITIC_UPOS and tokens[inside[0]].end - tokens[inside[0]].start == 1
                and tokens[inside[0]].end == tokens[inside[1]].start)):
            inside.pop(0)
        for j, k in enumerate(inside):
            tags[k] = ("B-" if j == 0 else "I-") + label
    if all(t == "O" for t in tags):
        return list(tokens)
    return [t if tag == "O" else _with_ner(t, tag) for t, tag in zip(tokens, tags)]


def _with_ner(t: Token, tag: str) -> Token:
    upos = "PROPN" if t.upos in ("NOUN", "X", None) else t.upos
    return Token(t.text, t.start, t.end, t.lemma, upos, t.feats, t.head, t.deprel, tag)
