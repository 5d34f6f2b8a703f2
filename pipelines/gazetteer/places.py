"""Find and resolve place names in Arabic text.

A name is looked up on normalised, clitic-stripped tokens (longest match first); an ambiguous
name ("طرابلس": Lebanon or Libya) is resolved by the article's country context, then by the
candidate's prior (population for towns, salience for countries, divisions and our supplement).
Place-type words before a name ("محافظة", "مدينة", "ريف", "مديرية") steer the choice and are
required for names that are also ordinary words (data/common_words.tsv). Names written alike
that are different places ("عمان": Amman or Oman) are read by their diacritics, the words before
them or the sentence's words first (data/readings.tsv).
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable, NamedTuple

from pipelines.caching import memo, resource
from pipelines.gazetteer.index import (
    CORE, FOCUS, Entry, PlaceIndex, group_cues, key_of, load_index, read_tsv, split_variants,
)
from pipelines.gazetteer.matching import MARKS, Dictionary, Tokens, original_span, scan, tokenize, variants
from pipelines.records import Place
from pipelines.text import normalize

# Place-type word before a name -> the kind of place it announces.
_TYPE_WORDS = {
    **{normalize(w): "city" for w in ("مدينة", "بلدة", "قرية", "مدن", "بلدات", "قرى", "حي", "أحياء",
                                      "مخيم", "ضاحية", "منطقة", "مناطق", "جزيرة")},
    **{normalize(w): "admin1" for w in ("محافظة", "محافظات", "ولاية", "إقليم", "مقاطعة")},
    **{normalize(w): "admin2" for w in ("مديرية", "قضاء", "ناحية", "مركز", "لواء")},
    normalize("ريف"): "countryside",
}
# "<noun> + nisba" naming a country's seat of government: resolved to the capital city.
_SEAT_NOUNS = frozenset(normalize(w) for w in (
    "البرلمان", "العاصمة", "القصر الرئاسي", "قصر الرئاسة", "مجلس النواب", "مجلس الشعب", "مجلس الأمة",
    "مقر الحكومة", "الكنيست", "مجلس الشورى",
))
# "<noun> + nisba" naming the country's territory: resolved to the country.
_TERRITORY_NOUNS = frozenset(normalize(w) for w in (
    "الأراضي", "الحدود", "المدن", "البلدات", "القرى", "المناطق", "المحافظات", "الأجواء", "المياه",
    "السواحل", "الساحل", "الداخل", "العمق",
))


def _context_rank(countries: Iterable[str]) -> dict[str, int]:
    rank: dict[str, int] = {}
    for c in countries:
        if c and c not in rank:
            rank[c] = len(rank)
    return rank


def _score(e: Entry, ctx: dict[str, int], hint: str | None, near: frozenset[str] = frozenset()) -> float:
    s = e.prior
    if e.country in ctx:
        s += 4.0 + max(0.0, 2.0 - 0.5 * ctx[e.country])
    elif e.country in near:
        s += 1.5  # a neighbour of the story's main country ("طرابلس" in a Syria story: Lebanon)
    if e.country in FOCUS:
        s += 1.0
    if e.country in CORE:
        s += 1.2  # Arabic conflict news: "القنيطرة" is Quneitra before Kenitra, absent other cues
    if hint == "admin1":
        s += 3.0 if e.precision == "admin1" else (-3.0 if e.precision == "country" else 0.0)
    elif hint in ("city", "admin2", "countryside"):
        s += 3.0 if e.precision in ("city", "point", "admin2") else (-3.0 if e.precision == "country" else 0.0)
    return s


def _to_place(text: str, tokens: Tokens, start: int, end: int, e: Entry, name: str | None = None,
              precision: str | None = None) -> Place:
    ostart, oend = original_span(tokens, start, end)
    return Place(text[ostart:oend], ostart, oend, name or e.name, e.country, e.admin1, e.lat, e.lon,
                 e.geonameid, precision or e.precision)  # type: ignore[arg-type]


def _type_word_before(tokens: Tokens, i: int) -> tuple[str | None, int]:
    """The place-type word just before token i (clitics stripped) and its token index."""
    if i == 0 or not tokens.joined[i - 1]:
        return None, -1
    for w, _ in variants(tokens.words[i - 1]):
        kind = _TYPE_WORDS.get(w)
        if kind:
            return kind, i - 1
    return None, -1


@memo(65536)
def _strip_ok(key: tuple[str, ...]) -> bool:
    """A clitic may be stripped before a definite or multi-word name, a curated name, or a regional
    town; a short one only if it is a big city ("بحلب") - "بنوا" is not ب + Nawa."""
    if len(key[0]) < 3 or (key[0].startswith("ال") and len(key[0]) < 5):
        return False
    if key[0].startswith("ال") or len(key) > 1:
        return True
    short = len(key[0]) < 4
    return any(e.source != "geonames" or (e.country in FOCUS and (not short or e.prior >= 5.3))
               for e in load_index().names[key])


class _Reading(NamedTuple):
    """One reading of a name written alike for several places (data/readings.tsv)."""

    name: str  # the gazetteer entry's English name
    country: str
    written: tuple[tuple[tuple[str, frozenset[str]], ...], ...]  # letters with the marks that decide
    before: tuple[tuple[str, ...], ...]  # normalised token keys
    context: tuple[tuple[str, ...], ...]

    def picks(self, e: Entry) -> bool:
        return e.name == self.name and e.country == self.country


def _letters(written: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """(normalised letter, its diacritics) of each letter; tatweel and unmapped characters dropped."""
    out: list[tuple[str, set[str]]] = []
    for ch in written:
        if ch in MARKS:
            if out and ch != "\u0640":
                out[-1][1].add(ch)
            continue
        n = normalize(ch)
        if n:
            out.append((n, set()))
    return tuple((c, frozenset(m)) for c, m in out)


@resource
def _readings() -> dict[tuple[str, ...], tuple[_Reading, ...]]:
    out: dict[tuple[str, ...], list[_Reading]] = {}
    for name, name_en, iso3, written, before, context in read_tsv("readings.tsv"):
        out.setdefault(key_of(name), []).append(_Reading(
            name_en, iso3, tuple(_letters(w) for w in split_variants(written)),
            tuple(key_of(w) for w in split_variants(before)), tuple(key_of(w) for w in split_variants(context))))
    return {k: tuple(v) for k, v in out.items()}


def _spelled(span: str, written: tuple[tuple[str, frozenset[str]], ...]) -> bool:
    """The span has the written form's letters, each with at least the written form's marks."""
    got = _letters(span)
    return len(got) == len(written) and all(
        g[0] == w[0] and w[1] <= g[1] for g, w in zip(got, written))


def _has_key(tokens: Tokens, key: tuple[str, ...], lo: int, hi: int) -> bool:
    """`key` occurs in tokens[lo:hi] (a clitic may be attached to its first word)."""
    n = len(key)
    for i in range(max(0, lo), min(hi, len(tokens.words)) - n + 1):
        if (tuple(tokens.words[i + 1:i + n]) == key[1:] and all(tokens.joined[i:i + n - 1])
                and any(v == key[0] for v, _ in variants(tokens.words[i]))):
            return True
    return False


def _read(tokens: Tokens, first: int, last: int, span: str,
          readings: tuple[_Reading, ...]) -> _Reading | None:
    """The reading a name's spelling, the words before it, or its sentence pick; None: undecided."""
    for decides in (
        lambda r: any(_spelled(span, w) for w in r.written),
        lambda r: any(_has_key(tokens, b, first - len(b), first) and all(tokens.joined[first - len(b):first])
                      for b in r.before),
    ):
        chosen = [r for r in readings if decides(r)]
        if len(chosen) == 1:
            return chosen[0]
    words = len(tokens.words)
    hits = {r: sum(_has_key(tokens, c, 0, first) or _has_key(tokens, c, last + 1, words) for c in r.context)
            for r in readings}
    best = max(hits.values())
    chosen = [r for r, n in hits.items() if n == best]
    return chosen[0] if best and len(chosen) == 1 else None


class _Scanned(NamedTuple):
    tokens: Tokens
    # start, end, cands, hint, type_at, (first, last) token of the name
    pending: list[tuple[int, int, tuple[Entry, ...], str | None, int, tuple[int, int]]]
    cues: Counter  # ISO3 -> weight of in-text evidence (nisbas, group names, unambiguous places)


@resource
def _lookup() -> Dictionary:
    """Place names and context cues in one dictionary, so a sentence is scanned once."""
    index = load_index()
    # key -> (place candidates or None, country cue or None)
    merged: dict[tuple[str, ...], tuple[tuple[Entry, ...] | None, str | None]] = {}
    for k, cands in index.names.items():
        merged[k] = (cands, None)
    for k, iso3 in index.cues.items():
        cands = merged.get(k, (None, None))[0]
        if cands is not None and cands[0].precision != "country":
            cands = None  # a nisba ("الهندية") or group name is not a place; a country name is
        merged[k] = (cands, iso3)
    # "<seat noun> <nisba>" -> the capital ("البرلمان التونسي"); "<territory noun> <nisba>" -> the country
    groups = set(group_cues())
    for k, iso3 in index.cues.items():
        if k in groups or len(k) != 1 or iso3 not in index.countries:
            continue
        for nouns, target in ((_SEAT_NOUNS, index.capitals.get(iso3)), (_TERRITORY_NOUNS, index.countries[iso3])):
            if target is None:
                continue
            for noun in nouns:
                merged.setdefault((*noun.split(), *k), ((target,), iso3))
    return Dictionary(merged, _strip_ok_any)


def _strip_ok_any(key: tuple[str, ...]) -> bool:
    index = load_index()
    if key in index.names:
        return _strip_ok(key)
    return len(key[0]) >= 3


@memo(scope="text")
def _scan_text(text: str) -> _Scanned:
    index = load_index()
    lookup = _lookup()
    tokens = tokenize(text)
    pending = []
    cues: Counter = Counter()
    readings = _readings()
    for hit in scan(tokens, lookup):
        cands, cue = lookup.names[hit.key]
        if cue:
            cues[cue] += 1
        if cands is None:
            continue
        hint, type_at = _type_word_before(tokens, hit.first)
        if hit.key in index.common_words and hint is None:
            continue
        if hit.key in readings:
            ostart, oend = original_span(tokens, hit.start, hit.end)
            r = _read(tokens, hit.first, hit.last, text[ostart:oend], readings[hit.key])
            picked = tuple(e for e in cands if r is not None and r.picks(e))
            if picked:  # decided by the text: one reading, a cue like any unambiguous place
                cands = picked
        pending.append((hit.start, hit.end, cands, hint, type_at, (hit.first, hit.last)))
        countries = {e.country for e in cands}
        if len(countries) == 1:
            cues[cands[0].country] += 2 if cands[0].precision == "country" else 1
    return _Scanned(tokens, pending, cues)


def find_places(text: str, context_countries: Iterable[str] = ()) -> list[Place]:
    """Every place name in `text`, resolved; offsets into `text`.

    `context_countries` (ISO3, most relevant first; e.g. `article_countries(article_text)`) decides
    ambiguous names; the sentence's own country cues come after them.
    """
    index = load_index()
    tokens, pending, cues = _scan_text(text)
    ctx = _context_rank(context_countries)
    for c, _ in cues.most_common():
        if c and c not in ctx:
            ctx[c] = len(ctx)

    near: frozenset[str] = frozenset()
    for c in list(ctx)[:2]:
        near = near | index.neighbours.get(c, frozenset())
    places: list[Place] = []
    for start, end, cands, hint, type_at, _ in pending:
        best = (cands[0] if len(cands) == 1 and hint is None
                else max(cands, key=lambda e: _score(e, ctx, hint, near)))
        if hint == "countryside":
            # "ريف حلب": the countryside of a governorate or town -> admin1-level area.
            start = tokens.starts[type_at]
            name = best.admin1 or best.name
            for suffix in (" Governorate", " Region", " Province", " District", " State"):
                name = name.removesuffix(suffix)
            if best.precision not in ("admin1", "region"):
                adm = _admin1_entry(index, best)
                if adm is not None:
                    best = adm
            label = name if name.endswith("countryside") else f"{name} countryside"
            places.append(_to_place(text, tokens, start, end, best, label, "admin1"))
            continue
        places.append(_to_place(text, tokens, start, end, best))
    places.sort(key=lambda p: p.start)
    return places


def _admin1_entry(index: PlaceIndex, e: Entry) -> Entry | None:
    if not e.admin1:
        return None
    return index.admin1.get((e.country, e.admin1))


def article_countries(text: str, extra: Iterable[str] = ()) -> list[str]:
    """Countries a text is about, most mentioned first (places, nisbas, group names).

    Computed on the whole article, it is the `context_countries` for its sentences.
    """
    counts: Counter = Counter()
    for c in extra:
        counts[c] += 3
    counts.update(_scan_text(text).cues)
    return [c for c, _ in counts.most_common() if c]


def place_at(text: str, start: int, end: int, context_countries: Iterable[str] = ()) -> Place | None:
    """The place overlapping `text[start:end]` (e.g. an argument span), if any."""
    for p in find_places(text, context_countries):
        if p.start < end and start < p.end:
            return p
    return None


@resource
def places_table() -> list[dict]:
    """Every distinct gazetteer record (for a warehouse `locations` dimension)."""
    index = load_index()
    seen: dict[tuple, dict] = {}
    for cands in index.names.values():
        for e in cands:
            key = (e.geonameid, e.name, e.country, e.precision)
            seen.setdefault(key, {"geonameid": e.geonameid, "name": e.name, "country": e.country,
                                  "admin1": e.admin1, "lat": e.lat, "lon": e.lon,
                                  "precision": e.precision, "kind": e.kind, "source": e.source})
    return list(seen.values())
