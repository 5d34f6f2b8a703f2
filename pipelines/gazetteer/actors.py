"""Find actors in Arabic text and code them (data/actors.yaml + the country table).

Three kinds of evidence, matched on normalised, clitic-stripped tokens (longest first):
* fixed phrases: groups, organs, organisations, people ("قوات النظام" -> SYR GOV MIL, "ترامب");
* country names and nisba adjectives alone ("تركية" -> TUR, "الإسرائيليين" -> ISR);
* compositions: "<head> [modifier] <nisba|country|group>" ("القوات الجوية الملكية السعودية" ->
  SAU MIL, "عناصر حزب الله" -> HEZBOLLAH) and "<office> <nisba|country>" ("رئيس الوزراء العراقي"
  -> IRQ GOV, named after whoever held the office on the article's date).
Codes holding "{ctx}" take the context country ("القوات الحكومية" -> SYR GOV MIL in a Syria story).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

import yaml

from pipelines.caching import resource
from pipelines.gazetteer.index import DATA, key_of, load_index, nisba_forms, read_tsv, split_variants
from pipelines.gazetteer.matching import Dictionary, Hit, original_span, scan, tokenize
from pipelines.records import ActorMention

CTX = "{ctx}"


@dataclass(frozen=True, slots=True)
class Fixed:
    code: str | None
    name: str
    sector: str | None
    country: str | None
    roles: tuple[tuple[date, date | None, str], ...] = ()  # persons: (from, to, code)
    person: bool = False


@dataclass(slots=True)
class Senses:
    """Everything one normalised phrase can be."""

    fixed: Fixed | None = None
    country: str | None = None  # a country name or nisba -> ISO3
    head: str | None = None  # sector of a head noun
    head_ctx: bool = False  # alone, the head means the context country's organ
    office: tuple[str, str] | None = None  # (office id, sector)
    modifier: bool = False
    ignore: bool = False


@dataclass(slots=True)
class ActorIndex:
    names: dict[tuple[str, ...], Senses] = field(default_factory=dict)
    dictionary: Dictionary | None = None
    holders: dict[tuple[str, str], list[tuple[date, date | None, str]]] = field(default_factory=dict)
    country_names: dict[str, str] = field(default_factory=dict)  # ISO3 -> English name
    entries: list[dict] = field(default_factory=list)  # for actors_table()


def _date(v) -> date | None:
    if v in (None, ""):
        return None
    return v if isinstance(v, date) else date.fromisoformat(str(v))


@resource
def load_actor_index() -> ActorIndex:
    """Parse the actor dictionary (a few ms; cached for the process)."""
    doc = yaml.safe_load((DATA / "actors.yaml").read_text("utf-8")) or {}
    idx = ActorIndex()
    _add_fixed_actors(idx, doc)
    _add_composition_words(idx, doc)
    for iso3, office, name, start, end in doc.get("holders", []):
        idx.holders.setdefault((iso3, office), []).append((_date(start), _date(end), name))
    _add_country_names(idx, load_index().common_words)
    idx.dictionary = Dictionary(idx.names, _strip_ok)
    return idx


def _senses(idx: ActorIndex, phrase: str) -> Senses | None:
    """The senses of a phrase (created empty), None for a phrase with no words."""
    k = key_of(phrase)
    if not k:
        return None
    return idx.names.setdefault(k, Senses())


def _add_fixed_actors(idx: ActorIndex, doc: dict) -> None:
    """`actors` and `persons`: fixed phrases with their code; the first entry to claim a phrase keeps it.
    An actor's country is given, or the ISO3 its code starts with ("SYR GOV")."""
    def add_entry(code, name, sector, country, variants, roles=(), person=False):
        fx = Fixed(code, name, sector, country, tuple(roles), person)
        idx.entries.append({"code": code, "name": name, "country": country, "sector": sector})
        for v in variants:
            s = _senses(idx, v)
            if s is not None and s.fixed is None:
                s.fixed = fx

    for e in doc.get("actors", []):
        code = e["code"]
        country = e.get("country") or (code.split()[0] if code and len(code.split()[0]) == 3
                                       and code.split()[0].isupper() and " " in code else None)
        add_entry(code, e["name"], e.get("sector"), country, e.get("ar", []))
    for p in doc.get("persons", []):
        roles = [(_date(r["from"]), _date(r.get("to")), r["code"]) for r in p.get("roles", []) or []]
        add_entry(p["code"], p["name"], None, p.get("country"), p.get("ar", []), roles, person=True)


def _add_composition_words(idx: ActorIndex, doc: dict) -> None:
    """The words compositions are made of: `offices` (رئيس الوزراء), `heads` (القوات، عناصر),
    `modifiers` (الجوية، الملكية); and `ignore`, phrases that are never an actor."""
    for o in doc.get("offices", []):
        for v in o["ar"]:
            s = _senses(idx, v)
            if s is not None:
                s.office = (o["id"], o["sector"])
    for h in doc.get("heads", []):
        for v in h["ar"]:
            s = _senses(idx, v)
            if s is not None:
                s.head = h["sector"]
                s.head_ctx = s.head_ctx or bool(h.get("ctx"))
    for v in doc.get("modifiers", []):
        s = _senses(idx, v)
        if s is not None:
            s.modifier = True
    for v in doc.get("ignore", []):
        s = _senses(idx, v)
        if s is not None:
            s.ignore = True


def _add_country_names(idx: ActorIndex, common: frozenset[tuple[str, ...]]) -> None:
    """Countries: names and every nisba form (from the gazetteer's country table), unless a common word."""
    for iso3, name_en, variants, nisbas, plurals, *_ in read_tsv("countries.tsv"):
        idx.country_names[iso3] = name_en
        forms = split_variants(variants) + split_variants(plurals)
        for base in split_variants(nisbas):
            forms += nisba_forms(base)
        for f in forms:
            k = key_of(f)
            if k and k not in common:
                s = idx.names.setdefault(k, Senses())
                s.country = s.country or iso3
        idx.entries.append({"code": iso3, "name": name_en, "country": iso3, "sector": None})


def _strip_ok(key: tuple[str, ...]) -> bool:
    return len(key[0]) >= 3


def _holder(idx: ActorIndex, iso3: str, office: str, on: date | None) -> str:
    if on is not None:
        for start, end, name in idx.holders.get((iso3, office), ()):
            if start <= on and (end is None or on < end):
                return name
    return f"{office.replace('_', ' ')} of {idx.country_names.get(iso3, iso3)}"


def _person_code(fx: Fixed, on: date | None) -> str | None:
    if on is not None:
        for start, end, code in fx.roles:
            if start <= on and (end is None or on < end):
                return code
    return fx.code


def _resolve_ctx(code: str | None, ctx: str | None) -> tuple[str | None, str | None]:
    """'{ctx} GOV MIL' -> ('SYR GOV MIL', 'SYR'); without a context: ('GOV MIL', None)."""
    if code and CTX in code:
        return (code.replace(CTX, ctx).strip(), ctx) if ctx else (code.replace(CTX, "").strip(), None)
    return code, None


def _sector_of(code: str | None) -> str | None:
    parts = (code or "").split()
    return parts[-1] if len(parts) > 1 else None


def find_actors(text: str, on: date | None = None, context_countries: Iterable[str] = ()) -> list[ActorMention]:
    """Every actor mention in `text`, coded; offsets into `text`.

    `on` (the article's date) picks office holders and people's roles; `context_countries`
    (e.g. `article_countries(article_text)`) gives "{ctx}" codes their country - without it the
    text's own most-mentioned country is used.
    """
    idx = load_actor_index()
    tokens = tokenize(text)
    hits = list(scan(tokens, idx.dictionary))
    ctx = _ContextCountry(text, context_countries)
    out: list[ActorMention] = []
    i = 0
    while i < len(hits):
        sn = idx.names[hits[i].key]
        if sn.ignore:
            i += 1
            continue
        found = _composition(idx, tokens, hits, i, on) if sn.head or sn.office else None
        last, coded = found if found is not None else (i, _single_phrase(idx, sn, on, ctx))
        if coded is not None:
            s, e = original_span(tokens, hits[i].start, hits[last].end)
            out.append(ActorMention(text[s:e], s, e, *coded))
        i = last + 1
    return out


# How a mention is coded: (code, country, name, sector).
_Coded = tuple[str | None, str | None, str, str | None]


class _ContextCountry:
    """The country "{ctx}" codes take: the first context country given, else (found when first
    asked) the text's own most-mentioned country."""

    def __init__(self, text: str, context_countries: Iterable[str]) -> None:
        self.text = text
        given = list(context_countries)
        self.country: str | None = given[0] if given else None
        self.known = bool(given)

    def __call__(self) -> str | None:
        if not self.known:
            from pipelines.gazetteer.places import article_countries

            found = article_countries(self.text)
            self.country = found[0] if found else None
            self.known = True
        return self.country


def _composition(idx: ActorIndex, tokens, hits: list[Hit], i: int, on: date | None) -> tuple[int, _Coded] | None:
    """Compositions: head/office [modifiers] + nisba/country/group -> (index of the last hit, coding)."""
    sn = idx.names[hits[i].key]
    j = i + 1
    while (j < len(hits) and j - i <= 3 and _adjacent(tokens, hits[j - 1], hits[j])
           and idx.names[hits[j].key].modifier and not idx.names[hits[j].key].country):
        j += 1
    if not (j < len(hits) and _adjacent(tokens, hits[j - 1], hits[j])):
        return None
    tgt = idx.names[hits[j].key]
    coded_group = tgt.fixed and tgt.fixed.code and CTX not in tgt.fixed.code and not tgt.fixed.person
    if tgt.country and not coded_group:
        return j, _country_organ(idx, sn, tgt.country, on)
    if sn.head and coded_group:
        fx = tgt.fixed
        return j, (fx.code, fx.country, fx.name, fx.sector)  # "عناصر حزب الله": the group itself
    return None


def _country_organ(idx: ActorIndex, sn: Senses, iso3: str, on: date | None) -> _Coded:
    """A head or office of a country: "رئيس الوزراء العراقي" -> IRQ GOV named after the holder on
    that date; "القوات الجوية السعودية" -> SAU MIL; a member ("مواطن تركي") -> the country."""
    if sn.office and not (sn.head and sn.fixed is None and sn.office[0] == "official"):
        office, sector = sn.office
        return f"{iso3} {sector}", iso3, _holder(idx, iso3, office, on), sector
    if sn.head == "MEMBER":
        return iso3, iso3, idx.country_names.get(iso3, iso3), None
    sector = sn.head or sn.office[1]  # type: ignore[index]
    return f"{iso3} {sector}", iso3, f"{idx.country_names.get(iso3, iso3)} {sector}", sector


def _single_phrase(idx: ActorIndex, sn: Senses, on: date | None, ctx: _ContextCountry) -> _Coded | None:
    """A phrase alone: a fixed actor or person, a country or nisba, or a head meaning the context
    country's organ ("القوات الحكومية")."""
    if sn.fixed is not None:
        fx = sn.fixed
        if fx.person:
            code = _person_code(fx, on)
            return code, fx.country, fx.name, _sector_of(code)
        code, cty = _resolve_ctx(fx.code, ctx() if fx.code and CTX in fx.code else None)
        return code, cty or fx.country, fx.name, fx.sector
    if sn.country:
        return sn.country, sn.country, idx.country_names.get(sn.country, ""), None
    if sn.head and sn.head_ctx:
        c = ctx()
        code = f"{c} {sn.head}" if c else sn.head
        return code, c, f"{'armed forces' if sn.head == 'MIL' else sn.head}", sn.head
    return None


def _adjacent(tokens, a: Hit, b: Hit) -> bool:
    return b.first == a.last + 1 and tokens.joined[a.last]


def actor_at(text: str, start: int, end: int, on: date | None = None,
             context_countries: Iterable[str] = ()) -> ActorMention | None:
    """The actor mention overlapping `text[start:end]` (e.g. an argument span), if any."""
    for a in find_actors(text, on, context_countries):
        if a.start < end and start < a.end:
            return a
    return None


def actors_table() -> list[dict]:
    """Distinct dictionary actors (code, name, country, sector) for a warehouse `actors` dimension."""
    seen: dict[tuple, dict] = {}
    for e in load_actor_index().entries:
        seen.setdefault((e["code"], e["name"]), e)
    return list(seen.values())
