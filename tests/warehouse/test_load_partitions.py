"""Many partition days in one load: same rows as day-by-day loads, one re-clustering, all or nothing."""
from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest

import pipelines.warehouse.load as load_mod
from pipelines.records import Quarantined
from pipelines.warehouse import load_partitions, load_results, snapshot_path
from pipelines.warehouse.load import rebuild_events

from .builders import T7, random_results, result

TABLES = ("articles", "sentences", "event_mentions", "event_quantities", "events", "actors", "locations")
RANGE = [(date(2018, 3, 3) + timedelta(days=i)).isoformat() for i in range(6)]  # 03-03 .. 03-08


def dump(db, tables=TABLES) -> dict[str, list]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}


def rows(db, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def protest(article_id: str, extra: str = "") -> object:
    """An undated article (its partition day is the day it is delivered under)."""
    return result(article_id, T7 + extra, None, "skynews", [dict(
        etype="PROTEST", trigger="تظاهر", actor="متظاهرون", place="القاهرة",
        quantities=[("1000", 1000, "participants")])])


def initial_state(db) -> list:
    """60 overlapping reports over 03-01..03-12 and one undated article stored under 03-04."""
    rs = random_results(11)
    load_results(db, rs, publish=False)
    day4 = [r for r in rs if r.clean.article.published == date(2018, 3, 4)]
    load_results(db, [*day4, protest("u-old")], partition_key="2018-03-04", publish=False)
    return rs


def correction(stored: list) -> dict[str, list]:
    """A re-delivery of RANGE: each day loses an article and changes another; 03-07 comes back
    empty; new undated articles arrive, one of them under two days with two texts."""
    by_day: dict[str, list] = {d: [] for d in RANGE}
    for r in stored:
        day = r.clean.article.published.isoformat()
        if day in by_day:
            by_day[day].append(r)
    for day, rs in by_day.items():
        del rs[:1]  # withdrawn
        if rs:  # re-delivered with a new text and no event found
            a = rs[0].clean.article
            rs[0] = result(a.article_id, a.text + " (تصحيح)", a.published, a.source, [])
    by_day["2018-03-07"] = []
    by_day["2018-03-04"].append(protest("u-old"))  # re-delivered under its own day
    by_day["2018-03-05"] += [protest("u-new", " اليوم."), protest("u-dup", " أولا.")]
    by_day["2018-03-06"].append(protest("u-dup", " ثانيا."))
    return by_day


def test_many_days_in_one_load_equal_loading_them_one_by_one(tmp_path):
    one, seq = tmp_path / "one.duckdb", tmp_path / "seq.duckdb"
    stored = initial_state(one)
    initial_state(seq)
    outside_before = rows(one, f"SELECT * FROM articles WHERE partition_day::VARCHAR NOT IN {tuple(RANGE)} "
                               "ORDER BY ALL")
    days = correction(stored)

    load_partitions(one, days, publish=False)
    for day, rs in days.items():
        load_results(seq, rs, partition_key=day, publish=False)

    assert dump(one) == dump(seq)
    assert rows(one, "SELECT count(*) FROM articles WHERE partition_day = '2018-03-07'") == [(0,)]
    assert rows(one, "SELECT article_id, partition_day::VARCHAR, text LIKE '%ثانيا.' FROM articles"
                     " WHERE article_id LIKE 'u-%' ORDER BY 1") == [
        ("u-dup", "2018-03-05", True), ("u-new", "2018-03-05", False), ("u-old", "2018-03-04", False)]
    assert rows(one, f"SELECT * FROM articles WHERE partition_day::VARCHAR NOT IN {tuple(RANGE)} "
                     "ORDER BY ALL") == outside_before
    # the one re-clustering from the earliest changed day gives what a full rebuild gives
    events = dump(one, ("events", "event_mentions"))
    with duckdb.connect(str(one)) as con:
        con.execute("BEGIN")
        rebuild_events(con)
        con.execute("COMMIT")
    assert dump(one, ("events", "event_mentions")) == events


def test_reloading_the_same_days_changes_no_row(tmp_path):
    db = tmp_path / "w.duckdb"
    days = correction(initial_state(db))
    load_partitions(db, days)
    before = dump(db)
    stats = load_partitions(db, days)
    assert dump(db) == before
    assert stats.replaced_articles == stats.articles
    assert dump(snapshot_path(db)) == before


def test_one_reclustering_and_one_snapshot_per_load(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    days = correction(initial_state(db))
    calls = {"rebuild_events": 0, "_publish": 0}
    for name in calls:
        real = getattr(load_mod, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            calls[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(load_mod, name, counted)
    load_partitions(db, days)
    assert calls == {"rebuild_events": 1, "_publish": 1}


def test_stats_per_day_and_quarantine(tmp_path):
    db = tmp_path / "w.duckdb"
    stored = initial_state(db)
    n_stored = {d: sum(r.clean.article.published.isoformat() == d for r in stored) for d in RANGE}
    bad = [Quarantined("landing/a.jsonl", "bad JSONL line: Expecting value", b"{x", 2),
           Quarantined("landing/b.txt", "not UTF-8", b"\xff\xfe", None)]
    stats = load_partitions(db, correction(stored), bad)

    assert stats.partition_keys == RANGE and stats.partition_key is None
    assert list(stats.by_day) == RANGE
    day7, day5, day4 = stats.by_day["2018-03-07"], stats.by_day["2018-03-05"], stats.by_day["2018-03-04"]
    assert (day7.articles, day7.mentions, day7.replaced) == (0, 0, n_stored["2018-03-07"])
    assert day5.articles == n_stored["2018-03-05"] - 1 + 2  # one withdrawn, u-new and u-dup added
    assert day4.replaced == n_stored["2018-03-04"] + 1  # u-old is stored under 03-04 too
    assert sum(c.articles for c in stats.by_day.values()) == stats.articles
    assert sum(c.mentions for c in stats.by_day.values()) == stats.mentions
    assert sum(c.quantities for c in stats.by_day.values()) == stats.quantities
    assert stats.quarantined == 2
    assert rows(db, "SELECT origin, line FROM quarantine ORDER BY 1") == [
        ("landing/a.jsonl", 2), ("landing/b.txt", None)]


def test_one_day_load_reports_its_key(tmp_path):
    stats = load_results(tmp_path / "w.duckdb", [protest("u1")], partition_key="2018-07-01")
    assert stats.partition_key == "2018-07-01" and stats.partition_keys == ["2018-07-01"]
    assert {d: c.articles for d, c in stats.by_day.items()} == {"2018-07-01": 1}


def test_empty_load_creates_and_publishes_the_warehouse(tmp_path):
    db = tmp_path / "w.duckdb"
    stats = load_partitions(db, {})
    assert stats.by_day == {} and stats.total_articles == 0
    assert snapshot_path(db).exists()


@pytest.mark.parametrize("failing", ["rebuild_events", "rebuild_dimensions"])
def test_a_failure_leaves_every_day_as_it_was(tmp_path, monkeypatch, failing):
    db = tmp_path / "w.duckdb"
    days = correction(initial_state(db))
    load_results(db, [], publish=True)  # publish the initial state
    before, snap_before = dump(db, (*TABLES, "quarantine")), snapshot_path(db).read_bytes()

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    with monkeypatch.context() as m:
        m.setattr(load_mod, failing, boom)
        with pytest.raises(RuntimeError, match="disk full"):
            load_partitions(db, days, [Quarantined("landing/c.jsonl", "bad", b"", 1)])
    assert dump(db, (*TABLES, "quarantine")) == before
    assert snapshot_path(db).read_bytes() == snap_before
    load_partitions(db, days)  # nothing left locked or half-done: the same load now succeeds
    assert rows(db, "SELECT count(*) FROM articles WHERE partition_day = '2018-03-07'") == [(0,)]
