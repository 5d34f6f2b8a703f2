"""The temporal lexicon (lexicon.yaml), normalised and compiled into regex fragments once.

Every surface form goes through `pipelines.text.normalize`, so patterns match the normalised copy
of a text and hamza/alef/taa-marbuta spellings need not be listed. Alternations are emitted as
tries: Python's `re` tries each branch of a flat alternation at every position, a trie fails at
the first character.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Iterable

import yaml

from pipelines.caching import resource
from pipelines.text import normalize


@dataclass(frozen=True, slots=True)
class MonthName:
    month: int
    locale: str  # dateparser locale for this month system
    canonical: str  # spelling handed to dateparser


@dataclass(frozen=True, slots=True)
class Lexicon:
    months: dict[str, MonthName]  # normalised surface -> month
    ambiguous_months: frozenset[str]
    hijri_months: dict[str, int]
    weekdays: dict[str, int]
    cardinals: dict[str, int]  # normalised number word -> value (1..39)
    ordinals: dict[str, int]  # normalised ordinal day -> value (1..31)
    units: dict[str, tuple[str, int | None]]  # unit word -> (unit, implied count or None)
    periods: dict[str, str]
    past: frozenset[str]
    next: frozenset[str]
    current: frozenset[str]
    day_parts: tuple[str, ...]
    weekday_blockers: frozenset[str]
    today_blockers: frozenset[str]
    today_prev_blockers: frozenset[str]
    names_in_yn: frozenset[str]
    general_nouns: frozenset[str]
    reporting_verbs: frozenset[str]
    year_cues: frozenset[str]
    count_nouns: frozenset[str]
    number_blockers: frozenset[str]


def _norm_all(words: Iterable[str]) -> list[str]:
    return [normalize(str(w)).strip() for w in words]


def _load_yaml() -> dict:
    text = resources.files("pipelines.temporal").joinpath("lexicon.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@resource
def lexicon() -> Lexicon:
    raw = _load_yaml()
    words = lambda key: frozenset(_norm_all(raw[key]))  # noqa: E731
    return Lexicon(
        months=_months(raw["months"]),
        ambiguous_months=words("ambiguous_months"),
        hijri_months={n: int(m) for m, names in raw["hijri_months"].items() for n in _norm_all(names)},
        weekdays={n: int(d) for d, names in raw["weekdays"].items() for n in _norm_all(names)},
        cardinals=_cardinals(raw),
        ordinals=_ordinals(raw),
        units=_relative_units(raw["relative_units"]),
        periods={w: unit for unit, ws in raw["periods"].items() for w in _norm_all(ws)},
        past=words("past_words"),
        next=words("next_words"),
        current=words("current_words"),
        day_parts=tuple(_norm_all(raw["day_parts"])),
        weekday_blockers=words("weekday_blockers"),
        today_blockers=words("today_blockers"),
        today_prev_blockers=words("today_prev_blockers"),
        names_in_yn=words("names_in_yn"),
        general_nouns=words("general_nouns"),
        reporting_verbs=words("reporting_verbs"),
        year_cues=words("year_cues"),
        count_nouns=words("count_nouns"),
        number_blockers=words("number_blockers"),
    )


def _months(entries: list[dict]) -> dict[str, MonthName]:
    """Every spelling of a month name -> its month, locale and the spelling handed to dateparser."""
    months: dict[str, MonthName] = {}
    for entry in entries:
        names = [str(n) for n in entry["names"]]
        info = MonthName(int(entry["month"]), str(entry["locale"]), names[0])
        for name in _norm_all(names):
            months[name] = info
    return months


def _cardinals(raw: dict) -> dict[str, int]:
    """Number words 1-39 as written before a unit ("ثلاثة أيام"): units, teens (head + عشر), tens and
    unit + و + tens."""
    cardinals: dict[str, int] = {}
    unit_words = {int(v): _norm_all(ws) for v, ws in raw["cardinal_units"].items()}
    for v, ws in unit_words.items():
        for w in ws:
            cardinals[w] = v
    heads = {int(v): _norm_all(ws) for v, ws in raw["cardinal_teens_head"].items()}
    tails = _norm_all(raw["cardinal_teen_tail"])
    for v in range(1, 10):
        for head in heads.get(v, unit_words[v]):
            for tail in tails:
                cardinals[f"{head} {tail}"] = 10 + v
    for tens, ws in raw["tens"].items():
        for w in _norm_all(ws):
            cardinals[w] = int(tens)
            for v in range(1, 10):
                for unit in unit_words[v]:
                    cardinals[f"{unit} و{w}"] = int(tens) + v
    return cardinals


def _ordinals(raw: dict) -> dict[str, int]:
    """Ordinal day numbers 1-31: الأول ... العاشر, compounds (الحادي عشر، الخامس والعشرين), العشرين،
    الثلاثين and `ordinal_extra` (غرة)."""
    ordinals: dict[str, int] = {}
    ord_units = {int(v): _norm_all(ws) for v, ws in raw["ordinal_units"].items()}
    for v, ws in ord_units.items():
        for w in ws:
            if v == 1 and w == normalize("الحادي"):
                continue  # only in compounds
            ordinals[w] = v
    for v in range(1, 10):
        for w in ord_units[v]:
            if v == 1 and w != normalize("الحادي"):
                continue  # 11th is الحادي عشر, 21st الحادي والعشرين
            ordinals[f"{w} عشر"] = 10 + v
            ordinals[f"{w} والعشرين"] = 20 + v
            if v == 1:
                ordinals[f"{w} والثلاثين"] = 31
    ordinals["العشرين"] = 20
    for word, value in raw.get("ordinal_extra", {}).items():
        ordinals[normalize(str(word))] = int(value)
    ordinals["الثلاثين"] = 30
    return ordinals


def _relative_units(raw_units: dict) -> dict[str, tuple[str, int | None]]:
    """Unit word -> (unit, the count it implies): يوم 1, يومين 2, أيام none (a number says it)."""
    units: dict[str, tuple[str, int | None]] = {}
    for unit, forms in raw_units.items():
        for w in _norm_all(forms["singular"]):
            units[w] = (unit, 1)
        for w in _norm_all(forms["dual"]):
            units[w] = (unit, 2)
        for w in _norm_all(forms["plural"]):
            units[w] = (unit, None)
    return units


def trie_regex(words: Iterable[str]) -> str:
    """A non-capturing regex matching any of `words` (longest first), built as a character trie.

    Spaces inside multi-word entries match any run of whitespace.
    """
    trie: dict = {}
    for w in set(words):
        if not w:
            continue
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        end = "" in node
        branches = []
        for ch in sorted(k for k in node if k):
            piece = r"\s+" if ch == " " else re.escape(ch)
            branches.append(piece + emit(node[ch]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            return "(?:" + body + ")?"
        return body

    return "(?:" + emit(trie) + ")"
