"""Cross-article deduplication: event mentions -> one `events` row per real-world event.

Rules (documented for analysts; see README "Warehouse"):

* Only **asserted** mentions form events. Negated, hypothetical, future and historical mentions stay
  in `event_mentions` (with `modality`, `event_id` NULL) so they remain queryable.
* Mentions are clustered per event type. A wrong merge hides a real event from analysts, which is
  worse than a duplicate, so two mentions are merged only when nothing contradicts and something
  positively identifies them as one event. *Contradictions* (any one forbids the merge):
  - dates: the windows must overlap, with no slack (a mention without a date of its own -- none,
    or the extractor's publication-date fallback -- covers its article's publication day and the
    day before); two day-precise dates of their own must be the same day; year-precision dates
    only meet each other;
  - places: different countries or admin1; two places finer than admin1 (point/city/admin2)
    neither the same nor within 10 km (a town and its suburb, not the next town);
  - actors or targets: different codes, unless one refines the other (`USA` vs `USA GOV`);
  - modes: two known, different modes (an invitation to investigate is not an allegation), except
    the weapons of an armed ASSAULT (aerial / shelling / explosives ... : sources differ on them);
  - casualties (ASSAULT ... ): both report killed (or injured) and one figure is more than
    3 x the other + 5 (5 vs 12 is a revised toll; 2 vs 40 is another strike).
  An unknown (None) actor, target, place or mode is compatible, but never counts as evidence.
  *Evidence* depends on what identifies an event of the type:
  - place-bound types (ASSAULT, PROTEST, COERCE, MOBILIZE, RETREAT) happen somewhere: across
    articles the same (or a nearby) fine place plus one more thing -- the same known actor, the
    same known target, or the same day-precise date of their own. Inside one article (coreference,
    not "same type"): the same fine place with the same party or the same date value (a sentence
    dated otherwise tells background: an earlier attack), or the same known actor and target;
  - every other type (ACCUSE, THREATEN, REQUEST, CONSULT, AGREE, SUPPORT, REJECT, AID, SANCTION
    ...) is said or done by someone, and a leader says many things a day: the same *known* actor
    and either the same known target or the same fine place -- in one article as across articles;
    a mention dated only to a week/month/year must carry the same date value as the other.
  For choosing among candidate clusters, a fine place scores 2, same actor 1, same target 1, same
  country 1, and a cluster of the mention's own article 10 more.
* Clustering is *complete-linkage greedy in report order*: mentions are sorted by (report day,
  article_id, sentence, trigger offset) -- content only, never load order -- and each joins the
  best cluster all of whose members it is compatible with, else starts a new one. Hence the result
  does not depend on load order, and articles arriving later (newer reports) never change the
  clusters formed before them: the event id = hash of the cluster's first (earliest-reported)
  mention stays stable.
* Canonical values: date = the most precise date among the mentions (ties: most reported value,
  then explicit over dateline over relative, then earliest); when no mention dates the event, the
  first report's day with `time_precision = 'week'` and `date_source = 'published'` (like ACLED's
  "within a week" precision); place = the most
  precise place (ties: most reported, then key order); actor/target = the most reported code (ties:
  the more specific code); casualties and other counts per role = the *most conservative* figure
  among well-attributed mentions (confidence >= 0.5), i.e. the minimum, and `<role>_max` = the
  maximum reported (a range's upper bound counts).
"""
from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any, Iterable, Iterator

from pipelines.warehouse.frames import ROLES, short_hash

PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}
GEO_RANK = {"point": 0, "city": 1, "admin2": 2, "admin1": 3, "country": 4, "region": 5}
SOURCE_RANK = {"explicit": 0, "dateline": 1, "relative": 2, "published": 3}
FINE_GEO = 2  # rank <= this: a place precise enough to identify an event location
NEARBY_KM = 10.0
UNDATED_DAYS = 1
WELL_ATTRIBUTED = 0.5
# Types that happen at a place (identified by where and when); every other type is said, decided
# or done by someone (identified by who, and to whom or where).
PLACE_BOUND = frozenset({"ASSAULT", "PROTEST", "COERCE", "MOBILIZE", "RETREAT"})
TOLL_ROLES = ("killed", "injured")
ARMED_MODES = frozenset({"aerial", "drone", "heavy-weapons", "explosives", "suicide-attack", "firearms",
                         "unconventional", "destroy", "targeted", "primitive"})
TOLL_FACTOR, TOLL_SLACK = 3, 5


def _km(a: dict, b: dict) -> float | None:
    if None in (a["lat"], a["lon"], b["lat"], b["lon"]):
        return None
    la1, lo1, la2, lo2 = map(math.radians, (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))


def _geo_rank(m: dict) -> float:
    if m["location_key"] is None and m["country"] is None:
        return 9
    return GEO_RANK.get(m["geo_precision"], 3.5)  # located but precision unknown: treat as admin1-ish


def _codes(x: str | None, y: str | None) -> int | None:
    """None = incompatible; 1 = same actor (equal, or one refines the other); 0 = one unknown."""
    if x is None or y is None:
        return 0
    if x == y or x.startswith(y + " ") or y.startswith(x + " "):
        return 1
    return None


def _location(a: dict, b: dict) -> int | None:
    """None = incompatible; 2 = same/nearby fine place; 1 = same country only; 0 = unknown."""
    if a["_geo"] == 9 or b["_geo"] == 9:
        return 0
    if a["country"] and b["country"] and a["country"] != b["country"]:
        return None
    if a["admin1"] and b["admin1"] and a["admin1"] != b["admin1"]:
        return None
    if a["_geo"] <= FINE_GEO and b["_geo"] <= FINE_GEO:
        if a["location_key"] == b["location_key"]:
            return 2
        km = _km(a, b)
        return 2 if km is not None and km <= NEARBY_KM else None
    if a["location_key"] == b["location_key"] and a["_geo"] <= FINE_GEO:
        return 2
    return 1 if a["country"] and a["country"] == b["country"] else 0


def _casualties_agree(a: dict, b: dict) -> bool:
    """False when both report a count of killed (or injured) too far apart to be one event.

    Tolls do get revised (5 killed, later 12), so only a figure more than `TOLL_FACTOR` times the
    other plus `TOLL_SLACK` counts as a contradiction (2 killed vs 40 killed: two events)."""
    qa, qb = a["_q"], b["_q"]
    for role in TOLL_ROLES:
        if role in qa and role in qb:
            (va, va_max), (vb, vb_max) = qa[role], qb[role]
            if None in (va, va_max, vb, vb_max):
                continue
            if max(va, vb) > TOLL_FACTOR * min(va_max, vb_max) + TOLL_SLACK:
                return False
    return True


def _dates_agree(a: dict, b: dict) -> bool:
    """The windows overlap (no slack: a mention without a date of its own already covers its
    publication day and the day before), year only meets year, and two day-precise dates of
    their own must be the same day (a leader's threats on two days are two events)."""
    if (a["_prec"] == 3) != (b["_prec"] == 3):
        return False
    if a["_prec"] == 0 and b["_prec"] == 0:
        return a["_from"] == b["_from"]
    return a["_from"] <= b["_to"] and b["_from"] <= a["_to"]


def _same_date(a: dict, b: dict) -> bool:
    """Both without a date of their own, or the same date value."""
    if a["_prec"] == 4 or b["_prec"] == 4:
        return a["_prec"] == b["_prec"]
    return a["date_value"] == b["date_value"]


def _modes_agree(a: dict, b: dict) -> bool:
    """Known modes must be the same (an invitation to investigate is not an allegation), except
    that an armed attack's weapon is reported differently by different sources."""
    x, y = a["mode"], b["mode"]
    if x is None or y is None or x == y:
        return True
    return a["event_type"] == "ASSAULT" and x in ARMED_MODES and y in ARMED_MODES


def pair_score(a: dict, b: dict) -> int | None:
    """Evidence that two mentions report one event; None when they contradict each other or
    share too little to be called the same event (see the module docstring for the rules)."""
    if not _dates_agree(a, b) or not _modes_agree(a, b):
        return None
    loc = _location(a, b)
    act = _codes(a["actor_code"], b["actor_code"])
    tgt = _codes(a["target_code"], b["target_code"])
    if loc is None or act is None or tgt is None:
        return None
    same_article = a["article_id"] == b["article_id"]
    if a["event_type"] in PLACE_BOUND:
        if not _casualties_agree(a, b):
            return None
        if same_article:
            # the same place on the same date (a sentence dated otherwise tells background), or
            # the same known actor and target (a retelling may drop the place)
            evident = (loc == 2 and (act == 1 or tgt == 1 or _same_date(a, b))) or (act == 1 and tgt == 1)
        else:  # the same place, and one more thing: the same party or the same day-precise date
            evident = loc == 2 and (act == 1 or tgt == 1 or a["_prec"] == b["_prec"] == 0)
    else:
        # said/decided by someone: the same known actor, and the same target or fine place; a
        # month or year ("this month they accused...") cannot single out one statement among many
        coarse = 1 <= a["_prec"] <= 3 or 1 <= b["_prec"] <= 3
        evident = act == 1 and (tgt == 1 or loc == 2) and (not coarse or _same_date(a, b))
    if same_article and a.get("act_id") is not None and a.get("act_id") == b.get("act_id"):
        evident = True  # the extractor read them as one act (coref.py); nothing above contradicts it
    if not evident:
        return None
    score = loc + act + tgt
    return score + 10 if same_article else score


def _prepare(m: dict, quantities: dict[str, dict[str, tuple[int, int]]] | None = None) -> dict:
    m = dict(m)
    m["_q"] = (quantities or {}).get(m["mention_id"], {})
    report = m.get("published") or m["partition_day"]
    m["_report"] = report
    dated = m["date_from"] is not None and m["date_source"] != "published"
    m["_prec"] = PRECISION_RANK.get(m["date_precision"], 4) if dated else 4
    if not dated:
        m["_from"], m["_to"] = report - timedelta(days=UNDATED_DAYS), report
    else:
        m["_from"], m["_to"] = m["date_from"], m["date_to"]
    m["_geo"] = _geo_rank(m)
    if m["_prec"] == 3:  # year-precision mentions only ever meet each other
        m["_days"] = [("Y", m["_from"].year)]
    else:  # every day the window covers, with the one day of slack
        first, last = m["_from"].toordinal() - 1, m["_to"].toordinal() + 1
        m["_days"] = list(range(first, last + 1))
    return m


def order_key(m: dict) -> tuple:
    return (m["_report"], m["article_id"], m["sentence_index"], m["trigger_start"], m["mention_id"])


def cluster(mentions: Iterable[dict], seeds: Iterable[Iterable[dict]] = (),
            quantities: dict[str, dict[str, tuple[int, int]]] | None = None) -> list[list[dict]]:
    """Clusters of one event type's asserted mentions (each cluster in report order).

    `seeds` are clusters already formed by earlier-reported mentions (all reported before every
    mention in `mentions`): greedy clustering in report order never revisits them, so continuing
    from them gives exactly what clustering everything from scratch would.

    Candidates come from an index (day, country) -> clusters (`_ClusterIndex`), so a mention is only
    compared with clusters whose dates overlap its own and whose place is in the same country (or
    unknown).
    """
    ms = sorted((_prepare(m, quantities) for m in mentions), key=order_key)
    clusters: list[list[dict]] = sorted(
        (sorted((_prepare(m, quantities) for m in seed), key=order_key) for seed in seeds),
        key=lambda c: order_key(c[0]))
    if clusters and ms and order_key(clusters[-1][-1]) > order_key(ms[0]):
        raise ValueError("seed clusters must precede the mentions to cluster in report order")
    index = _ClusterIndex(clusters)
    for m in ms:
        index.add(m, index.best(m))
    return index.clusters


class _ClusterIndex:
    """The clusters being formed, indexed by (day, country or None) and by day (for mentions
    without a place). The pick is by (score, gap, cluster number), so set order cannot matter."""

    def __init__(self, clusters: list[list[dict]]) -> None:
        self.clusters = clusters
        self.country_of: list[str | None] = [next((m["country"] for m in c if m["country"]), None) for c in clusters]
        self.by_country: dict[tuple, set[int]] = defaultdict(set)
        self.by_day: dict[object, set[int]] = defaultdict(set)
        for ci, members in enumerate(clusters):
            self._register(ci, {d for m in members for d in m["_days"]})

    def _register(self, ci: int, days: Iterable) -> None:
        for day in days:
            self.by_country[(day, self.country_of[ci])].add(ci)
            self.by_day[day].add(ci)

    def _candidates(self, m: dict) -> Iterator[int]:
        """Each cluster (once) with a day of `m` and `m`'s country or none."""
        seen: set[int] = set()
        for day in m["_days"]:
            if m["country"]:
                found = itertools.chain(self.by_country[(day, m["country"])], self.by_country[(day, None)])
            else:
                found = self.by_day[day]
            for ci in found:
                if ci not in seen:
                    seen.add(ci)
                    yield ci

    def best(self, m: dict) -> int | None:
        """The cluster `m` joins: the best-scoring that no member rules out; None for a new one."""
        best, best_key = None, None
        for ci in self._candidates(m):
            key = _join_key(m, self.clusters[ci], ci)
            if key is not None and (best_key is None or key < best_key):
                best, best_key = ci, key
        return best

    def add(self, m: dict, ci: int | None) -> None:
        """`m` into cluster `ci` (a new cluster when None), indexed under its days."""
        if ci is None:
            ci = len(self.clusters)
            self.clusters.append([])
            self.country_of.append(None)
        members = self.clusters[ci]
        members.append(m)
        if self.country_of[ci] is None and m["country"]:
            self.country_of[ci] = m["country"]
            self._register(ci, {d for o in members for d in o["_days"]})  # re-register under the new country
        else:
            self._register(ci, m["_days"])


def _join_key(m: dict, members: list[dict], ci: int) -> tuple | None:
    """(-best pair score, day gap, cluster number) of `m` joining cluster `ci`; None when a member
    rules it out (`pair_score` None)."""
    scores = []
    for other in members:
        sc = pair_score(m, other)
        if sc is None:
            return None
        scores.append(sc)
    gap = min(abs((m["_from"] - o["_from"]).days) for o in members)
    return (-max(scores), gap, ci)


def _most_common(values: Iterable[Any], tiebreak=lambda v: v) -> Any:
    counts = Counter(v for v in values if v is not None)
    if not counts:
        return None
    return min(counts, key=lambda v: (-counts[v], tiebreak(v)))


def _first(members: list[dict], field: str, where: str, equals: Any) -> Any:
    for m in members:
        if m[where] == equals and m[field] is not None:
            return m[field]
    return None


def canonical_event(members: list[dict], quantities: dict[str, dict[str, tuple[int, int]]]) -> dict:
    """The `events` row for one cluster (members in report order)."""
    anchor = members[0]
    ev: dict[str, Any] = {"event_id": "ev-" + short_hash(anchor["mention_id"]),
                          "event_type": anchor["event_type"],
                          "mode": _most_common((m["mode"] for m in members))}
    dated = [m for m in members if m["_prec"] < 4]
    if dated:
        best = min(m["_prec"] for m in dated)
        cands = [m for m in dated if m["_prec"] == best]
        counts = Counter(m["date_value"] for m in cands)
        pick = min(cands, key=lambda m: (-counts[m["date_value"]], SOURCE_RANK.get(m["date_source"], 9),
                                         m["date_value"]))
        ev.update(event_date=pick["date_from"], date_value=pick["date_value"],
                  time_precision=pick["date_precision"], date_source=pick["date_source"] or "explicit")
    else:  # no mention dates it: the first report's day, known to within a week (ACLED precision 2)
        first = min(m["_report"] for m in members)
        ev.update(event_date=first, date_value=first.isoformat(), time_precision="week", date_source="published")
    ev["month"] = ev["event_date"].strftime("%Y-%m")
    located = [m for m in members if m["_geo"] < 9]
    if located:
        best = min(m["_geo"] for m in located)
        cands = [m for m in located if m["_geo"] == best]
        counts = Counter(m["location_key"] for m in cands)
        pick = min(cands, key=lambda m: (-counts[m["location_key"]], m["location_key"] or ""))
        for f in ("location_key", "location_name", "country", "admin1", "lat", "lon", "geonameid"):
            ev[f] = pick[f]
        ev["geo_precision"] = pick["geo_precision"] or "unknown"
    else:
        for f in ("location_key", "location_name", "country", "admin1", "lat", "lon", "geonameid"):
            ev[f] = None
        ev["geo_precision"] = "unknown"
    for side in ("actor", "target"):
        code = _most_common((m[f"{side}_code"] for m in members), tiebreak=lambda c: (-len(c), c))
        ev[f"{side}_code"] = code
        ev[f"{side}_name"] = _first(members, f"{side}_name", f"{side}_code", code) if code else None
        ev[f"{side}_country"] = _first(members, f"{side}_country", f"{side}_code", code) if code else None
    for role in ROLES:
        reports = [(m["confidence"] or 0.0, quantities[m["mention_id"]][role])
                   for m in members if role in quantities.get(m["mention_id"], {})]
        if not reports:
            ev[role] = ev[f"{role}_max"] = None
            continue
        trusted = [v for c, v in reports if c >= WELL_ATTRIBUTED] or [v for _, v in reports]
        ev[role] = min(v for v, _ in trusted)
        ev[f"{role}_max"] = max(vmax for _, (_, vmax) in reports)
    ev["confidence"] = max((m["confidence"] or 0.0) for m in members)
    ev["n_mentions"] = len(members)
    ev["article_ids"] = sorted({m["article_id"] for m in members})
    ev["n_articles"] = len(ev["article_ids"])
    ev["source_urls"] = sorted({m["url"] for m in members if m.get("url")})
    ev["sources"] = sorted({m["source"] for m in members if m.get("source")})
    ev["n_sources"] = len(ev["sources"])
    reports = [m["_report"] for m in members]
    ev["first_reported"], ev["last_reported"] = min(reports), max(reports)
    ev["anchor_mention"] = anchor["mention_id"]
    ev["mention_ids"] = [m["mention_id"] for m in members]
    return ev


def deduplicate(mentions: list[dict], quantities: dict[str, dict[str, tuple[int, int]]],
                seeds: dict[str, list[dict]] | None = None) -> list[dict]:
    """Events rows for asserted mentions (any types); each row lists its `mention_ids`.

    `seeds`: event_id -> members of clusters formed by earlier reports (see `cluster`).
    """
    by_type: dict[str, list[dict]] = defaultdict(list)
    for m in mentions:
        if m["modality"] == "asserted":
            by_type[m["event_type"]].append(m)
    seeds_by_type: dict[str, list[list[dict]]] = defaultdict(list)
    for members in (seeds or {}).values():
        seeds_by_type[members[0]["event_type"]].append(members)
    events = []
    for etype in sorted(set(by_type) | set(seeds_by_type)):
        for members in cluster(by_type.get(etype, []), seeds_by_type.get(etype, []), quantities):
            events.append(canonical_event(members, quantities))
    return events
