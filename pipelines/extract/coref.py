"""Which records of one article tell the same act? `event_id`s within an article.

News tells one airstrike in several sentences ("شنت طائرات التحالف غارات ... وأسفرت الغارات عن
مقتل ... وقالت مصادر إن القصف ..."). Records of one article share an `event_id` when they have the
same type and modality and nothing tells them apart: their own dates (not the publication-day
fallback) agree, and their places agree (same country; the same place when both name a town or
site). Two strikes on two towns stay two acts; a strike "أمس" and one "الجمعة" stay two acts.
The warehouse's merge of mentions across articles starts from these ids.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from pipelines.records import Event, Place

_OWN_DATE_SOURCES = frozenset({"explicit", "relative", "dateline"})


def _dates_differ(a: Event, b: Event) -> bool:
    da, db = a.date, b.date
    if da is None or db is None or not da.value or not db.value:
        return False
    if da.source not in _OWN_DATE_SOURCES or db.source not in _OWN_DATE_SOURCES:
        return False
    n = min(len(da.value), len(db.value))
    return da.value[:n] != db.value[:n]


def _places_differ(a: Place | None, b: Place | None) -> bool:
    if a is None or b is None:
        return False
    if a.country and b.country and a.country != b.country:
        return True
    precise = {"point", "city", "admin2"}
    if a.precision in precise and b.precision in precise:
        ida, idb = a.geonameid or a.name, b.geonameid or b.name
        return ida != idb
    return False


def same_act(a: Event, b: Event) -> bool:
    return (a.event_type == b.event_type and (a.modality == "asserted") == (b.modality == "asserted")
            and not _dates_differ(a, b) and not _places_differ(a.location, b.location))


def assign_event_ids(events: Sequence[Event]) -> list[Event]:
    """The events (same order), each with an `event_id` shared by the records of one act."""
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
    return [replace(e, event_id=f"{e.doc_id}#{cluster_of[i] + 1}") for i, e in enumerate(events)]
