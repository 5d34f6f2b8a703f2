"""The deduplication rules, one by one, on plain mention dicts."""
from __future__ import annotations

import itertools
import random
from datetime import date

import pytest

from pipelines.warehouse.dedup import canonical_event, cluster, deduplicate, pair_score, _prepare
from pipelines.warehouse.frames import date_window

DOUMA = dict(location_key="gn:1", location_name="Douma", country="SYR", admin1="Rif", lat=33.571, lon=36.402,
             geonameid=1, geo_precision="city")
HARASTA = dict(location_key="gn:2", location_name="Harasta", country="SYR", admin1="Rif", lat=33.558,
               lon=36.365, geonameid=2, geo_precision="city")  # ~4 km from Douma
ALEPPO = dict(location_key="gn:3", location_name="Aleppo", country="SYR", admin1="Aleppo", lat=36.2, lon=37.13,
              geonameid=3, geo_precision="city")
SYRIA = dict(location_key="gn:9", location_name="Syria", country="SYR", admin1=None, lat=35.0, lon=38.0,
             geonameid=9, geo_precision="country")
NOWHERE = dict(location_key=None, location_name=None, country=None, admin1=None, lat=None, lon=None,
               geonameid=None, geo_precision=None)
_ids = itertools.count()


def m(article="a", place=DOUMA, actor="SYR GOV MIL", target=None, value="2018-03-09", precision="day",
      published=date(2018, 3, 10), etype="ASSAULT", modality="asserted", confidence=0.8, source="bbc", **kw):
    i = next(_ids)
    dfrom, dto = date_window(value, precision)
    row = dict(mention_id=f"m{i:04d}", article_id=article, sentence_index=kw.pop("sentence", 0),
               trigger_start=i, event_type=etype, mode=None, modality=modality, confidence=confidence,
               actor_code=actor, actor_name=None, actor_country=None, target_code=target, target_name=None,
               target_country=None, date_value=value, date_precision=precision if value else None,
               date_source="explicit" if value else None, date_from=dfrom, date_to=dto, published=published,
               partition_day=published or date(2018, 1, 1), url=f"https://{source}/{article}", source=source,
               **place)
    row.update(kw)
    return row


def score(a, b):
    return pair_score(_prepare(a), _prepare(b))


def test_same_place_same_actor_same_day_merge():
    assert score(m("a"), m("b")) is not None


def test_different_day_precise_dates_never_merge():
    assert score(m("a"), m("b", value="2018-03-10")) is None
    assert score(m("a"), m("a", value="2018-03-10", sentence=2)) is None  # not even in one article
    # a leader's threats on two days are two events
    assert score(m("a", etype="THREATEN", actor="USA GOV", target="IRN"),
                 m("b", etype="THREATEN", actor="USA GOV", target="IRN", value="2018-03-10")) is None


def test_month_precision_joins_a_day_in_that_month_but_not_outside():
    assert score(m("a"), m("b", value="2018-03", precision="month")) is not None
    assert score(m("a"), m("b", value="2018-04", precision="month")) is None


def test_year_precision_never_joins_finer_dates():
    assert score(m("a"), m("b", value="2018", precision="year")) is None


def test_nearby_town_merges_far_city_does_not():
    assert score(m("a"), m("b", place=HARASTA)) is not None  # ~4 km
    jisreen = dict(HARASTA, location_key="gn:4", location_name="Jisreen", lat=33.47, lon=36.37)  # ~11 km
    assert score(m("a"), m("b", place=jisreen)) is None
    assert score(m("a"), m("b", place=ALEPPO)) is None


def test_place_bound_types_need_the_same_fine_place_across_articles():
    # same country + same actor + same target + same day: still "somewhere in Syria"
    assert score(m("a", target="SYR REB"), m("b", place=SYRIA, target="SYR REB")) is None
    assert score(m("a", actor=None), m("b", place=SYRIA, actor=None)) is None
    for etype in ("PROTEST", "COERCE", "MOBILIZE", "RETREAT"):
        assert score(m("a", etype=etype, place=NOWHERE, target="SYR REB"),
                     m("b", etype=etype, place=NOWHERE, target="SYR REB")) is None


def test_same_place_alone_needs_a_party_or_the_same_day_across_articles():
    undated = dict(value=None, precision=None, actor=None)
    assert score(m("a", **undated), m("b", **undated)) is None  # Douma, undated, nobody named
    assert score(m("a", actor=None), m("b", actor=None)) is not None  # Douma, both say 9 March
    assert score(m("a", **undated), m("b", value=None, precision=None)) is None  # unknown actor is no evidence
    assert score(m("a", value=None, precision=None), m("b", value=None, precision=None)) is not None


def test_verbal_types_need_the_same_known_actor_and_target_or_fine_place():
    kw = dict(etype="ACCUSE", place=NOWHERE, value=None, precision=None)
    assert score(m("a", actor="USA GOV", **kw), m("b", actor="USA GOV", **kw)) is None  # same speaker only
    assert score(m("a", actor="USA GOV", target="IRN", **kw), m("b", actor="USA GOV", target="IRN", **kw)) == 2
    assert score(m("a", actor=None, target="IRN", **kw), m("b", actor=None, target="IRN", **kw)) is None
    assert score(m("a", actor="USA GOV", target="IRN", **kw), m("b", actor=None, target="IRN", **kw)) is None
    assert score(m("a", actor="USA GOV", target="IRN", **kw),
                 m("a", actor=None, target="IRN", sentence=4, **kw)) is None  # also inside one article
    place = dict(kw, place=DOUMA)
    assert score(m("a", actor="RUS GOV", **place), m("b", actor="RUS", **place)) is not None
    assert score(m("a", actor="RUS GOV", **dict(kw, place=SYRIA)),
                 m("b", actor="RUS", **dict(kw, place=SYRIA))) is None  # a country is not a place to meet


def test_verbal_month_precision_only_meets_the_same_month():
    kw = dict(etype="ACCUSE", actor="EGY GOV", target="EGY COP", place=NOWHERE)
    month = m("a", value="2018-03", precision="month", **kw)
    assert score(month, m("b", **kw)) is None  # "this month they accused..." vs one statement
    assert score(month, m("c", value="2018-03", precision="month", **kw)) is not None


def test_known_modes_must_agree_except_weapons_of_an_attack():
    kw = dict(etype="ACCUSE", actor="USA GOV", target="IRN")
    assert score(m("a", mode="investigate", **kw), m("b", mode="allege", **kw)) is None
    assert score(m("a", mode="allege", **kw), m("b", mode=None, **kw)) is not None
    assert score(m("a", mode="aerial"), m("b", mode="heavy-weapons")) is not None  # sources differ on weapons
    assert score(m("a", mode="aerial"), m("b", mode="abduct")) is None


def test_casualty_figures_must_be_compatible():
    a, b, c = m("a"), m("b"), m("c")
    q = {a["mention_id"]: {"killed": (5, 5)}, b["mention_id"]: {"killed": (12, 15)},
         c["mention_id"]: {"killed": (40, 40)}}
    assert pair_score(_prepare(a, q), _prepare(b, q)) is not None  # a revised toll
    assert pair_score(_prepare(a, q), _prepare(c, q)) is None  # 5 vs 40 killed: two strikes
    sizes = sorted(len(cl) for cl in cluster([a, b, c], quantities=q))
    assert sizes == [1, 2]


def test_undated_reports_merge_only_when_published_close_together():
    a = m("a", value=None, precision=None, published=date(2018, 3, 5))
    assert score(a, m("b", value=None, precision=None, published=date(2018, 3, 6))) is not None
    assert score(a, m("c", value=None, precision=None, published=date(2018, 3, 7))) is None


def test_actor_refinement_is_compatible_conflict_is_not():
    assert score(m("a", actor="SYR"), m("b", actor="SYR GOV MIL")) is not None
    assert score(m("a", actor="SYR GOV"), m("b", actor="SYR REB")) is None
    assert score(m("a", target="ISIL"), m("b", target="SDF")) is None


def test_same_article_mentions_merge_only_when_they_corefer():
    # an attack retold without its place: the same actor and target identify it
    assert score(m("a", target="SYR REB"), m("a", place=NOWHERE, target="SYR REB", sentence=3)) is not None
    # the same place and date, nobody named (the car bomb, then the bomber)
    assert score(m("a", actor=None), m("a", actor=None, sentence=3)) is not None
    # the same place, but a sentence dated otherwise tells background (an earlier attack)
    assert score(m("a", actor=None, value=None, precision=None),
                 m("a", actor=None, value="2018-03", precision="month", sentence=3)) is None
    # country-level place and nothing else shared
    assert score(m("a", place=SYRIA, actor=None), m("a", place=DOUMA, actor=None, sentence=3)) is None
    assert score(m("a", place=NOWHERE, actor=None), m("a", place=NOWHERE, actor=None, sentence=3)) is None


def test_complete_linkage_prevents_chaining():
    # b (undated, covers 9-10 March) is compatible with a (9th) and c (10th), but a and c are not.
    a = m("a", value="2018-03-09", published=date(2018, 3, 10))
    b = m("b", value=None, precision=None, published=date(2018, 3, 10))
    c = m("c", value="2018-03-10", published=date(2018, 3, 11))
    assert score(a, b) is not None and score(b, c) is not None and score(a, c) is None
    sizes = sorted(len(cl) for cl in cluster([a, b, c]))
    assert sizes == [1, 2]


def test_clusters_do_not_depend_on_input_order():
    ms = [m(f"x{i}", value=f"2018-03-{1 + i % 9:02d}", place=[DOUMA, HARASTA, ALEPPO][i % 3],
            published=date(2018, 3, 10 + i % 5), actor=["SYR GOV MIL", "SYR", None][i % 3]) for i in range(40)]
    want = sorted(e["mention_ids"] for e in deduplicate(ms, {}))
    for seed in range(5):
        shuffled = ms[:]
        random.Random(seed).shuffle(shuffled)
        assert sorted(e["mention_ids"] for e in deduplicate(shuffled, {})) == want


def test_non_asserted_mentions_form_no_event():
    events = deduplicate([m("a", modality="negated"), m("b", modality="hypothetical")], {})
    assert events == []


def test_canonical_date_place_casualties():
    a = m("a", value="2018-03", precision="month", published=date(2018, 3, 10), target="CVL",
          place=dict(DOUMA, geo_precision="admin2"))
    b = m("b", value="2018-03-09", precision="day", place=DOUMA, published=date(2018, 3, 11), source="cnn",
          target="CVL")
    c = m("c", value="2018-03-09", precision="day", place=DOUMA, published=date(2018, 3, 12), confidence=0.2,
          source="afp", target="CVL")
    q = {a["mention_id"]: {"killed": (7, 7)}, b["mention_id"]: {"killed": (12, 15)},
         c["mention_id"]: {"killed": (3, 3)}}
    (cl,) = cluster([c, b, a], quantities=q)
    ev = canonical_event(cl, q)
    assert (ev["date_value"], ev["time_precision"], ev["location_name"], ev["geo_precision"]) == (
        "2018-03-09", "day", "Douma", "city")
    # conservative among well-attributed (c has low confidence): 7; max of all reports incl. range: 15
    assert (ev["killed"], ev["killed_max"]) == (7, 15)
    assert ev["anchor_mention"] == a["mention_id"]  # earliest report anchors the id
    assert ev["sources"] == ["afp", "bbc", "cnn"] and ev["n_articles"] == 3


def test_undated_event_gets_first_report_day_precise_to_a_week():
    ev = deduplicate([m("a", value=None, precision=None, published=date(2018, 3, 14)),
                      m("b", value=None, precision=None, published=date(2018, 3, 13))], {})[0]
    assert (ev["date_value"], ev["time_precision"], ev["date_source"], ev["event_date"]) == (
        "2018-03-13", "week", "published", date(2018, 3, 13))


def test_publication_date_fallback_counts_as_undated():
    # b has no date of its own (the extractor used its publication day); it may still be a report
    # of a's strike the day before, and a's explicit date wins.
    a = m("a", value="2018-03-09", published=date(2018, 3, 10))
    b = m("b", value="2018-03-10", published=date(2018, 3, 10), date_source="published")
    (ev,) = deduplicate([a, b], {})
    assert (ev["n_mentions"], ev["date_value"], ev["time_precision"]) == (2, "2018-03-09", "day")


def test_event_ids_stable_when_later_reports_arrive():
    early = [m("a", published=date(2018, 3, 10)), m("z", place=ALEPPO, published=date(2018, 3, 10))]
    later = [m("b", published=date(2018, 3, 12)), m("c", place=HARASTA, published=date(2018, 3, 13))]
    ids_before = {e["event_id"] for e in deduplicate(early, {})}
    ids_after = {e["event_id"] for e in deduplicate(early + later, {})}
    assert ids_before <= ids_after


@pytest.mark.parametrize("value,precision,first,last", [
    ("2018-03-09", "day", date(2018, 3, 9), date(2018, 3, 9)),
    ("2018-W10", "week", date(2018, 3, 5), date(2018, 3, 11)),
    ("2018-12", "month", date(2018, 12, 1), date(2018, 12, 31)),
    ("2018", "year", date(2018, 1, 1), date(2018, 12, 31)),
    ("garbage", "day", None, None),
    (None, None, None, None),
])
def test_date_window(value, precision, first, last):
    assert date_window(value, precision) == (first, last)


def test_one_act_of_the_extractor_merges_within_its_article():
    # nothing else links them (no shared party, no fine place), but the extractor read one act
    a = m("a", place=NOWHERE, actor=None, act_id="a#1")
    b = m("a", place=SYRIA, actor=None, act_id="a#1", sentence=3)
    assert score(a, b) is not None
    assert score(a, dict(b, act_id="a#2")) is None
    assert score(a, dict(b, article_id="b")) is None  # an id of one article says nothing of another
    later = m("a", place=SYRIA, actor=None, act_id="a#1", sentence=4, value="2018-03-12")
    assert score(a, later) is None  # and never over a contradiction
