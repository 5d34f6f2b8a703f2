"""Loading: idempotence, order independence, partitions, stable ids, quarantine, mentions."""
from __future__ import annotations

import random
from datetime import date

import duckdb
import pytest

from pipelines.records import Quarantined
from pipelines.warehouse import load_results, run_readonly_sql, snapshot_path
from pipelines.warehouse.load import rebuild_events

from .builders import T2, random_results, result, sample_results

TABLES = ("articles", "sentences", "event_mentions", "event_quantities", "events", "actors", "locations",
          "quarantine")


def dump(db) -> dict[str, list]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}


def event_rows(db):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT * EXCLUDE (confidence) FROM events ORDER BY event_id").fetchall()


def test_schema_version_and_tables(warehouse):
    cols, rows = run_readonly_sql(warehouse, "SELECT version, name FROM schema_version ORDER BY version")
    assert rows[0] == (1, "001_core")


def test_reloading_same_input_changes_no_row(warehouse):
    before = dump(warehouse)
    load_results(warehouse, sample_results())
    assert dump(warehouse) == before


def test_load_order_and_batching_do_not_change_events(tmp_path, warehouse):
    shuffled = sample_results()
    random.Random(7).shuffle(shuffled)
    other = tmp_path / "other.duckdb"
    for r in reversed(shuffled):  # one article per transaction, reverse order
        load_results(other, [r], publish=False)
    assert event_rows(other) == event_rows(warehouse)


def test_same_strike_from_two_sources_is_one_event(warehouse):
    cols, rows = run_readonly_sql(warehouse, """
        SELECT killed, killed_max, injured, n_mentions, n_sources, source_urls, time_precision, geo_precision,
               location_name, actor_code
        FROM events WHERE event_type = 'ASSAULT' AND location_name = 'Douma'""")
    assert rows == [(5, 12, 20, 2, 2, ["https://bbc.example/a1", "https://cnn.example/a2"], "day", "city",
                     "Douma", "SYR GOV MIL")]


def test_nearby_town_other_actor_and_denied_strike_stay_apart(warehouse):
    _, rows = run_readonly_sql(warehouse, "SELECT location_name FROM events WHERE event_type='ASSAULT' ORDER BY 1")
    assert [r[0] for r in rows] == ["Aleppo", "Aleppo", "Douma"]  # Aleppo strike 3-09, ISIL attack 6-01
    _, rows = run_readonly_sql(warehouse, "SELECT modality, event_id FROM event_mentions WHERE article_id='a6'")
    assert rows == [("negated", None)]


def test_every_event_has_precision_codes_and_mentions(warehouse):
    _, rows = run_readonly_sql(warehouse, """
        SELECT count(*) FILTER (WHERE time_precision IS NULL OR geo_precision IS NULL),
               (SELECT count(*) FROM event_mentions WHERE modality='asserted' AND event_id IS NULL),
               (SELECT count(*) FROM event_mentions m ANTI JOIN events e USING (event_id) WHERE m.event_id IS NOT NULL),
               sum(n_mentions), (SELECT count(*) FROM event_mentions WHERE modality='asserted')
        FROM events""")
    nulls, orphans, dangling, listed, asserted = rows[0]
    assert (nulls, orphans, dangling) == (0, 0, 0)
    assert listed == asserted


def test_evidence_offsets_slice_the_article(warehouse):
    _, rows = run_readonly_sql(warehouse, """
        SELECT count(*) FILTER (WHERE substr(a.text, m.trigger_start + 1, m.trigger_end - m.trigger_start)
                                 <> m.trigger_text),
               count(*) FILTER (WHERE m.location_text IS NOT NULL AND substr(a.text, m.location_start + 1,
                                 m.location_end - m.location_start) <> m.location_text),
               count(*)
        FROM event_mentions m JOIN articles a USING (article_id)""")
    assert rows[0][:2] == (0, 0) and rows[0][2] == 8


def test_event_id_stable_when_a_later_report_arrives(tmp_path):
    db = tmp_path / "w.duckdb"
    first = sample_results()[0]
    load_results(db, [first])
    (ev_id, n), = run_readonly_sql(db, "SELECT event_id, n_mentions FROM events")[1]
    load_results(db, [sample_results()[1]])  # cnn's later report of the same strike
    assert run_readonly_sql(db, "SELECT event_id, n_mentions FROM events")[1] == [(ev_id, 2)]


def test_partition_key_replaces_exactly_that_day(tmp_path):
    db = tmp_path / "w.duckdb"
    rs = {r.clean.article_id: r for r in sample_results()}
    load_results(db, [rs["a2"], rs["a3"]], partition_key="2018-03-11")
    load_results(db, [rs["a1"]], partition_key="2018-03-10")
    # day 11 re-delivered without a3: a3 goes, a1 (day 10) stays.
    load_results(db, [rs["a2"]], partition_key="2018-03-11")
    _, rows = run_readonly_sql(db, "SELECT article_id, partition_day FROM articles ORDER BY 1")
    assert rows == [("a1", date(2018, 3, 10)), ("a2", date(2018, 3, 11))]
    _, rows = run_readonly_sql(db, "SELECT count(*), sum(n_mentions) FROM events")
    assert rows == [(1, 2)]


def test_undated_article_goes_to_ingest_day_and_keeps_it(tmp_path):
    db = tmp_path / "w.duckdb"
    undated = [r for r in sample_results() if r.clean.article.published is None]
    load_results(db, undated, partition_key="2018-07-01")
    load_results(db, undated)  # a later run without a key: the article keeps its day
    _, rows = run_readonly_sql(db, "SELECT partition_day FROM articles")
    assert rows == [(date(2018, 7, 1),)]
    _, rows = run_readonly_sql(db, "SELECT date_value, time_precision, date_source FROM events")
    assert rows == [("2018-07-01", "week", "published")]


def test_changed_article_replaces_its_old_version(warehouse):
    changed = result("a2", T2, date(2018, 3, 11), "cnn", [])  # re-delivered with no event found
    load_results(warehouse, [changed])
    _, rows = run_readonly_sql(warehouse, "SELECT killed, killed_max, n_mentions FROM events "
                                          "WHERE location_name = 'Douma'")
    assert rows == [(5, 5, 1)]
    _, rows = run_readonly_sql(warehouse, "SELECT count(*) FROM event_quantities WHERE article_id = 'a2'")
    assert rows == [(0,)]


def test_quarantine_is_kept_once(tmp_path):
    db = tmp_path / "w.duckdb"
    bad = [Quarantined("landing/x.jsonl", "bad JSONL line: Expecting value", b"\xff\xfe{", 3)]
    load_results(db, [], bad)
    load_results(db, [], bad)
    _, rows = run_readonly_sql(db, 'SELECT origin, line, reason, first_bytes, "at" IS NOT NULL FROM quarantine')
    assert rows == [("landing/x.jsonl", 3, "bad JSONL line: Expecting value", b"\xff\xfe{", True)]


def test_an_inconsistent_article_is_quarantined_whole_and_the_others_load(tmp_path):
    db = tmp_path / "w.duckdb"
    batch = sample_results()[:2]
    batch[1].events[0].doc_id = "someone-else"  # inconsistent input: none of its rows is written
    stats = load_results(db, batch)
    with duckdb.connect(str(db), read_only=True) as con:
        stored = {t: sorted({a for (a,) in con.execute(f"SELECT article_id FROM {t}").fetchall()})
                  for t in ("articles", "sentences", "event_mentions", "event_quantities")}
        quarantined = con.execute("SELECT origin, stage, article_id, reason FROM quarantine").fetchall()
    assert stored == {t: ["a1"] for t in stored}
    assert quarantined == [("a2.jsonl", "frame", "a2",
                            "ValueError: event doc_id 'someone-else' does not match article 'a2'")]
    assert (stats.articles, stats.quarantined) == (1, 1)


def test_rebuild_all_events_matches_incremental(warehouse):
    before = event_rows(warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("BEGIN")
        rebuild_events(con)
        con.execute("COMMIT")
    assert event_rows(warehouse) == before


def test_snapshot_published_beside_warehouse(warehouse):
    snap = snapshot_path(warehouse)
    assert snap.name == "warehouse.snapshot.duckdb" and snap.exists()
    assert dump(snap) == dump(warehouse)


def test_error_inside_the_transaction_rolls_back(warehouse, monkeypatch):
    import pipelines.warehouse.load as load_mod

    before = dump(warehouse)
    snap_before = snapshot_path(warehouse).read_bytes()

    def boom(con):
        raise RuntimeError("disk full")

    monkeypatch.setattr(load_mod, "rebuild_dimensions", boom)
    rs = sample_results()
    rs[0] = result("a1", "نص جديد تماما", date(2018, 3, 10), "bbc", [])
    with pytest.raises(RuntimeError, match="disk full"):
        load_results(warehouse, rs)
    assert dump(warehouse) == before
    assert snapshot_path(warehouse).read_bytes() == snap_before


def test_second_writer_waits_for_the_lock_and_gives_up_clearly(tmp_path):
    from pipelines.warehouse.load import WarehouseBusy, writer_lock

    db = tmp_path / "w.duckdb"
    with writer_lock(db):
        with pytest.raises(WarehouseBusy, match="another process"):
            with writer_lock(db, timeout=0.3):
                pass
    with writer_lock(db, timeout=0.3):  # released: free again
        pass


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("arrival", ["shuffled", "chronological"])
def test_incremental_reclustering_equals_full_rebuild(tmp_path, seed, arrival):
    rs = random_results(seed)
    rng = random.Random(seed)
    db = tmp_path / "w.duckdb"
    order = rs[:]
    if arrival == "shuffled":  # and some articles re-delivered on the way
        rng.shuffle(order)
    else:  # the usual case: newer reports arrive later (only the tail is re-clustered)
        order.sort(key=lambda r: (r.clean.article.published, r.clean.article_id))
    i = 0
    while i < len(order):
        k = rng.randint(1, 9)
        batch = order[i:i + k]
        if arrival == "shuffled":
            batch = batch + rng.sample(order[:i + k], min(2, i + k))
        load_results(db, batch, publish=False)
        i += k
    with duckdb.connect(str(db), read_only=True) as con:
        incremental = con.execute("SELECT * FROM events ORDER BY event_id").fetchall()
        assigned = con.execute("SELECT mention_id, event_id FROM event_mentions ORDER BY 1").fetchall()
    with duckdb.connect(str(db)) as con:
        con.execute("BEGIN")
        rebuild_events(con)
        con.execute("COMMIT")
        assert con.execute("SELECT * FROM events ORDER BY event_id").fetchall() == incremental
        assert con.execute("SELECT mention_id, event_id FROM event_mentions ORDER BY 1").fetchall() == assigned
    assert len(incremental) < len(rs)  # some reports did merge


def test_partition_replacement_reclusters_like_a_fresh_load(tmp_path):
    rs = random_results(9, 40)
    db, fresh = tmp_path / "w.duckdb", tmp_path / "fresh.duckdb"
    load_results(db, rs, publish=False)
    day = rs[5].clean.article.published.isoformat()
    kept = [r for r in rs if r.clean.article.published.isoformat() == day][1:]  # drop one article of that day
    load_results(db, kept, partition_key=day, publish=False)
    remaining = [r for r in rs if r.clean.article.published.isoformat() != day] + kept
    load_results(fresh, remaining, publish=False)
    assert event_rows(db) == event_rows(fresh)
