"""Which records of one article tell the same act? `event_id`s within an article.

News tells one airstrike in several sentences ("شنت طائرات التحالف غارات ... وأسفرت الغارات عن
مقتل ... وقالت مصادر إن القصف ..."). Records of one article share an `event_id` when they have the
same type and modality and nothing tells them apart: their own dates (not the publication-day or
dateline fallback) are at most a day apart (a day apart only in the same town), and they do not name
two different towns, sites or provinces. Two strikes on two towns stay two acts; a strike "أمس" and
one "الخميس" three days earlier stay two acts.
The warehouse's merge of mentions across articles starts from these ids.
"""
from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import date
from typing import Sequence

from pipelines.records import Event, Place

_OWN_DATE_SOURCES = frozenset({"explicit", "relative"})  # not the publication day nor the dateline's
_PRECISE = frozenset({"point", "city", "admin2"})


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def _dates_differ(a: Event, b: Event) -> bool:
    """Their own dates disagree: different months or years, or days more than one apart; a day apart
    only counts when they do not name the same town (news dates one clash "أمس" and "اليوم")."""
    da, db = a.date, b.date
    if da is None or db is None or not da.value or not db.value:
        return False
    if da.source not in _OWN_DATE_SOURCES or db.source not in _OWN_DATE_SOURCES:
        return False
    x, y = _day(da.value), _day(db.value)
    if x is not None and y is not None:
        gap = abs((x - y).days)
        return gap > 1 or (gap == 1 and not _same_precise_place(a.location, b.location))
    n = min(len(da.value), len(db.value))
    return da.value[:n] != db.value[:n]


def _same_precise_place(a: Place | None, b: Place | None) -> bool:
    return (a is not None and b is not None and a.precision in _PRECISE and b.precision in _PRECISE
            and (a.geonameid or a.name) == (b.geonameid or b.name))


def _places_differ(a: Place | None, b: Place | None) -> bool:
    """Two towns, sites or districts, or two provinces: two acts. A country alone tells nothing apart
    (it is often the country of a party, not of the act), and neither does a province's capital
    beside a town of that province: news names a campaign by its capital ("معركة الحديدة" fought in
    الدريهمي, the Gaza border protests in خان يونس)."""
    if a is None or b is None or _unlisted(a) or _unlisted(b):
        return False  # a name the gazetteer does not know ("مديرية شدا") may be a part of the other
    for level in (_PRECISE, frozenset({"admin1"})):
        if a.precision in level and b.precision in level:
            if _capital_of_province(a, b) or _capital_of_province(b, a):
                return False
            return (a.geonameid or a.name) != (b.geonameid or b.name)
    return False


def _unlisted(p: Place) -> bool:
    """A place the gazetteer does not list (no GeoNames id, no coordinates): named, not located."""
    return p.geonameid is None and p.lat is None


def _folded(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).lower()


def _capital_of_province(capital: Place, town: Place) -> bool:
    """`capital` is the city that names the province `town` lies in ("Al Ḩudaydah", "Al Hudaydah
    Governorate")."""
    return (bool(capital.admin1) and capital.admin1 == town.admin1 and capital.precision == "city"
            and _folded(capital.name) in _folded(capital.admin1 or ""))


def same_act(a: Event, b: Event) -> bool:
    return (a.event_type == b.event_type and (a.modality == "asserted") == (b.modality == "asserted")
            and not _dates_differ(a, b) and not _places_differ(a.location, b.location))


def assign_event_ids(events: Sequence[Event], share_roles: bool = True) -> list[Event]:
    """The events (same order), each with an `event_id` shared by the records of one act, and (with
    `share_roles`) the roles its other records name."""
    clusters: list[list[Event]] = []
    cluster_of: dict[int, int] = {}
    for i in sorted(range(len(events)), key=lambda i: events[i].trigger.start):
        e = events[i]
        k = next((k for k, c in enumerate(clusters) if all(same_act(m, e) for m in c)), None)
        if k is None:
            k = len(clusters)
            clusters.append([])
        clusters[k].append(e)
        cluster_of[i] = k
    out = [replace(e, event_id=f"{e.doc_id}#{cluster_of[i] + 1}") for i, e in enumerate(events)]
    if not share_roles:
        return out
    firsts = {id(c[0]): c for c in clusters if len(c) > 1}
    return [_counted(_shared(e, clusters[cluster_of[i]]), firsts[id(events[i])]) if id(events[i]) in firsts
            else _shared(e, clusters[cluster_of[i]]) for i, e in enumerate(out)]


def _counted(first: Event, act: list[Event]) -> Event:
    """The act's first record (the one that names it) takes, for each role it gives no count of, the
    count a later record of the act gives ("شنت طائرات غارات على البلدة ... وأسفرت الغارات عن مقتل
    12"): the act's toll is on the record an analyst counts. Later records keep only their own."""
    have = {q.role for q in first.quantities}
    extra, notes = [], []
    for o in act[1:]:
        for q in o.quantities:
            if q.role and q.role not in have:
                have.add(q.role)
                extra.append(q)
                notes.append(f"coref:quantity {q.value} {q.role} from sentence {o.sentence_index}")
    return replace(first, quantities=[*first.quantities, *extra], explain=[*first.explain, *notes]) if extra else first


def _recent_day(own, fallback) -> bool:
    """A day the sentence gives itself, one to three days before the fallback (publication or
    dateline) day: the day of the news, not a month, a "since" or an older act."""
    if own is None or own.source not in _OWN_DATE_SOURCES or own.precision != "day" or "since" in own.rule:
        return False
    x, y = _day(own.value or ""), _day(fallback.value or "")
    return x is not None and y is not None and 1 <= (y - x).days <= 3


def _shared(e: Event, act: list[Event]) -> Event:
    """A record of an act told in several sentences gets the actor, target or place that the others
    name and it does not, and the date another gives when its own is only the publication day or
    the dateline's ("شنت طائرات التحالف غارة على صعدة ... وأسفرت الغارة عن مقتل 5"); offsets
    still point where each was said. Counts are not shared to every record (that made the coded
    counts of our dev articles worse: a toll often belongs to one of two acts); only the act's first
    record takes those it lacks (`_counted`)."""
    if len(act) == 1:
        return e
    changes: dict = {}
    notes = []
    for role in ("actor", "target", "location"):
        if getattr(e, role) is None:
            donor = next((o for o in act if getattr(o, role) is not None and o is not e), None)
            if donor is not None:
                changes[role] = getattr(donor, role)
                notes.append(f"coref:{role} from sentence {donor.sentence_index}")
    if e.date is not None and e.date.source not in _OWN_DATE_SOURCES:
        donor = next((o for o in act if o is not e and _recent_day(o.date, e.date)), None)
        if donor is not None:  # "وقالت إسرائيل إنها شنت غارات" told after "... فجر السبت"
            changes["date"] = donor.date
            notes.append(f"coref:date from sentence {donor.sentence_index}")
    if "actor" in changes:
        changes["actors"] = [changes["actor"]]
    if "location" in changes:
        changes["locations"] = [changes["location"]]
    return replace(e, explain=[*e.explain, *notes], **changes) if changes else e
