"""Find and resolve place names in Arabic text.

A name is looked up on normalised, clitic-stripped tokens (longest match first); an ambiguous
name ("طرابلس": Lebanon or Libya) is resolved by the article's country context, then by the
candidate's prior (population for towns, salience for countries, divisions and our supplement).
Place-type words before a name ("محافظة", "مدينة", "ريف", "مديرية") steer the choice and are
required for names that are also ordinary words (data/common_words.txt).
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import Iterable

from pipelines.gazetteer.index import FOCUS, Entry, PlaceIndex, load_index
from pipelines.gazetteer.matching import Tokens, scan, tokenize, variants
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


def _score(e: Entry, ctx: dict[str, int], hint: str | None) -> float:
    s = e.prior
    if e.country in ctx:
        s += 4.0 + max(0.0, 2.0 - 0.5 * ctx[e.country])
    if e.country in FOCUS:
        s += 1.0
    if hint == "admin1":
        s += 3.0 if e.precision == "admin1" else (-3.0 if e.precision == "country" else 0.0)
    elif hint in ("city", "admin2", "countryside"):
        s += 3.0 if e.precision in ("city", "point", "admin2") else (-3.0 if e.precision == "country" else 0.0)
    return s


def _to_place(text: str, tokens: Tokens, start: int, end: int, e: Entry, name: str | None = None,
              precision: str | None = None) -> Place:
    ostart, oend = tokens.norm.to_original(start, end)
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


@lru_cache(maxsize=65536)
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


def _cue_countries(tokens: Tokens, index: PlaceIndex) -> Counter:
    """Countries named by nisba adjectives and group names in the text (context cues)."""
    found: Counter = Counter()
    for hit in scan(tokens, index.cues, index.cue_max_len):
        found[index.cues[hit.key]] += 1
    return found


def find_places(text: str, context_countries: Iterable[str] = ()) -> list[Place]:
    """Every place name in `text`, resolved; offsets into `text`.

    `context_countries` (ISO3, most relevant first; e.g. `article_countries(article_text)`) decides
    ambiguous names; without it the sentence's own country cues are used.
    """
    index = load_index()
    tokens = tokenize(text)
    pending: list[tuple[int, int, int, tuple[Entry, ...], str | None, int]] = []
    for hit in scan(tokens, index.names, index.max_len, strip_ok=_strip_ok):
        hint, type_at = _type_word_before(tokens, hit.first)
        if hit.key in index.common_words and hint is None:
            continue
        pending.append((hit.first, hit.start, hit.end, index.names[hit.key], hint, type_at))

    ctx = _context_rank(context_countries)
    if not ctx or len(pending) > 0:
        cues = Counter()
        for _, _, _, cands, _, _ in pending:
            countries = {e.country for e in cands}
            if len(countries) == 1:
                cues[next(iter(countries))] += 2
        cues.update(_cue_countries(tokens, index))
        for c, _ in cues.most_common():
            if c and c not in ctx:
                ctx[c] = len(ctx)

    places: list[Place] = []
    for first, start, end, cands, hint, type_at in pending:
        best = max(cands, key=lambda e: _score(e, ctx, hint))
        if hint == "countryside":
            # "ريف حلب": the countryside of a governorate or town -> admin1-level area.
            start = tokens.starts[type_at]
            name = best.admin1 or best.name
            precision = "admin1"
            if best.precision not in ("admin1", "region"):
                adm = _admin1_entry(index, best)
                if adm is not None:
                    best = adm
            places.append(_to_place(text, tokens, start, end, best, f"{name} countryside"
                                    if not name.endswith("countryside") else name, precision))
            continue
        places.append(_to_place(text, tokens, start, end, best))
    places.extend(_nisba_places(text, tokens, index, {p.start for p in places}))
    places.sort(key=lambda p: p.start)
    return places


def _admin1_entry(index: PlaceIndex, e: Entry) -> Entry | None:
    if not e.admin1:
        return None
    return index.admin1.get((e.country, e.admin1))


def _nisba_places(text: str, tokens: Tokens, index: PlaceIndex, taken: set[int]) -> list[Place]:
    """'البرلمان التونسي' -> Tunis; 'الأراضي السورية' -> Syria."""
    out = []
    words = tokens.words
    for i in range(len(words) - 1):
        for n in (2, 1):  # two-word nouns first ("القصر الرئاسي")
            if i + n >= len(words) or not all(tokens.joined[i:i + n]):
                continue
            rest = words[i + 1:i + n]
            nouns = {" ".join([v, *rest]) for v, _ in variants(words[i])}
            seat = bool(nouns & _SEAT_NOUNS)
            if not seat and not nouns & _TERRITORY_NOUNS:
                continue
            iso3 = index.cues.get((words[i + n],))
            if iso3 is None or iso3 not in index.countries:
                continue
            entry = index.capitals.get(iso3) if seat else index.countries.get(iso3)
            if entry is None:
                continue
            start, end = tokens.starts[i], tokens.ends[i + n]
            ostart, oend = tokens.norm.to_original(start, end)
            if ostart in taken:
                continue
            out.append(_to_place(text, tokens, start, end, entry))
            break
    return out


def article_countries(text: str, extra: Iterable[str] = ()) -> list[str]:
    """Countries an article is about, most mentioned first (places, nisbas, group names)."""
    index = load_index()
    tokens = tokenize(text)
    counts: Counter = Counter()
    for c in extra:
        counts[c] += 3
    counts.update(_cue_countries(tokens, index))
    for hit in scan(tokens, index.names, index.max_len, strip_ok=_strip_ok):
        if hit.key in index.common_words:
            continue
        cands = index.names[hit.key]
        countries = {e.country for e in cands}
        if len(countries) == 1:
            counts[next(iter(countries))] += 2 if cands[0].precision == "country" else 1
    return [c for c, _ in counts.most_common() if c]


def place_at(text: str, start: int, end: int, context_countries: Iterable[str] = ()) -> Place | None:
    """The place overlapping `text[start:end]` (e.g. an argument span), if any."""
    for p in find_places(text, context_countries):
        if p.start < end and start < p.end:
            return p
    return None


@lru_cache(maxsize=1)
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
