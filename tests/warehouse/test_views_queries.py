"""Every view in sql/views and every example query in sql/queries, on the sample data."""
from __future__ import annotations

import re

import pytest

from pipelines.warehouse import run_readonly_sql, sql_dir

VIEWS = sorted(p.stem for p in (sql_dir() / "views").glob("*.sql"))
QUERIES = sorted((sql_dir() / "queries").glob("*.sql"))


def rows_of(db, sql):
    cols, rows = run_readonly_sql(db, sql)
    return [dict(zip(cols, r)) for r in rows]


def test_every_view_file_is_tested():
    tested = {name[len("test_view_"):] for name in globals() if name.startswith("test_view_")}
    assert set(VIEWS) == tested


def test_view_monthly_events_by_type_country(warehouse):
    rows = rows_of(warehouse, "SELECT * FROM monthly_events_by_type_country ORDER BY ALL")
    march = [r for r in rows if r["month"] == "2018-03"]
    assert march == [{"month": "2018-03", "event_type": "ASSAULT", "country": "SYR", "n_events": 2,
                      "n_mentions": 3, "n_day_precise": 2}]
    assert {(r["month"], r["event_type"], r["country"]) for r in rows} >= {
        ("2018-04", "MOBILIZE", "SYR"), ("2018-05", "RETREAT", "IRQ"), ("2018-06", "ASSAULT", "SYR")}


def test_view_casualties_by_month_actor(warehouse):
    rows = rows_of(warehouse, "SELECT * FROM casualties_by_month_actor")
    # Douma: conservative 5 (max 12) + Aleppo 3 ; injured 20 reported once.
    assert rows == [{"month": "2018-03", "actor_code": "SYR GOV MIL", "actor_name": "Syrian armed forces",
                     "n_events": 2, "killed": 8, "killed_max": 15, "injured": 20, "injured_max": 20,
                     "n_cumulative_figures": 0}]


def test_casualties_view_keeps_cumulative_tolls_out_of_the_sums(warehouse):
    from datetime import date

    from pipelines.warehouse import load_results

    from .builders import result

    text = "قصفت القوات السورية حلب في حرب قتل فيها 350000 شخص منذ 2011."
    load_results(warehouse, [result("big", text, date(2018, 3, 20), "bbc", [dict(
        etype="ASSAULT", trigger="قصفت", actor="القوات السورية", place="حلب", date_value="2018-03-20",
        precision="day", quantities=[("350000", 350000, "killed")])])])
    (row,) = rows_of(warehouse, "SELECT killed, n_events, n_cumulative_figures FROM casualties_by_month_actor")
    assert row == {"killed": 8, "n_events": 2, "n_cumulative_figures": 1}


def test_view_troop_movements(warehouse):
    rows = rows_of(warehouse, "SELECT month, movement, actor_code, country, n_events, troops "
                              "FROM troop_movements ORDER BY month")
    assert rows == [
        {"month": "2018-04", "movement": "deployment", "actor_code": "USA", "country": "SYR", "n_events": 1,
         "troops": 900},
        {"month": "2018-05", "movement": "withdrawal", "actor_code": "USA", "country": "IRQ", "n_events": 1,
         "troops": 500},
    ]


def test_view_top_actors_country_month(warehouse):
    rows = rows_of(warehouse, "SELECT * FROM top_actors_country_month WHERE country='SYR' ORDER BY month")
    assert [(r["month"], r["actor_code"], r["n_events"], r["actor_rank"]) for r in rows] == [
        ("2018-03", "SYR GOV MIL", 2, 1), ("2018-04", "USA", 1, 1), ("2018-06", "ISIL", 1, 1)]
    assert rows[0]["event_types"] == ["ASSAULT"]


def test_view_events_per_source(warehouse):
    rows = {r["source"]: r for r in rows_of(warehouse, "SELECT * FROM events_per_source")}
    # bbc: a1 (shared Douma strike), a5, a6 (denied, no event), a8 -> 3 events, 2 only bbc reports.
    assert rows["bbc"] == {"source": "bbc", "n_articles": 4, "n_mentions": 4, "n_events": 3,
                           "n_exclusive_events": 2}
    assert rows["cnn"]["n_events"] == 2 and rows["cnn"]["n_exclusive_events"] == 1


def test_view_event_sources(warehouse):
    rows = rows_of(warehouse, "SELECT * FROM event_sources WHERE event_id IN "
                              "(SELECT event_id FROM events WHERE n_articles > 1) ORDER BY article_id")
    assert [(r["article_id"], r["source"]) for r in rows] == [("a1", "bbc"), ("a2", "cnn")]


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_example_query_shape(warehouse, path):
    sql = path.read_text(encoding="utf-8")
    declared = re.search(r"^-- columns: (.+)$", sql, re.MULTILINE)
    assert declared, f"{path.name} must declare its columns"
    cols, rows = run_readonly_sql(warehouse, sql)
    assert cols == [c.strip() for c in declared.group(1).split(",")]
    assert rows, f"{path.name} returns nothing on the sample data"


def test_evidence_query_slices_triggers(warehouse):
    sql = (sql_dir() / "queries" / "event_evidence.sql").read_text(encoding="utf-8")
    cols, rows = run_readonly_sql(warehouse, sql)
    recs = [dict(zip(cols, r)) for r in rows]
    assert all(r["evidence_trigger"] == r["trigger_text"] for r in recs)
    assert len(recs) == 7  # every asserted mention


def test_view_trusted_monthly_events(warehouse):
    rows = rows_of(warehouse, "SELECT * FROM trusted_monthly_events ORDER BY ALL")
    plain = rows_of(warehouse, "SELECT * FROM monthly_events_by_type_country ORDER BY ALL")
    assert [{k: r[k] for k in plain[0]} for r in rows] == plain  # the same counts, with their quality
    quality = {r["event_type"]: r for r in rows_of(warehouse, "SELECT * FROM type_quality")}
    assert quality, "type_quality is loaded from the shipped table"
    for r in rows:
        q = quality.get(r["event_type"])
        assert r["blind_precision"] == (q["blind_precision"] if q else None)
        assert r["trusted"] == bool(q and q["blind_precision"] >= 0.6 and q["true_records"] + q["false_records"] >= 5)
