"""A 10-day backfill from the shared corpus under the multiprocess executor, then one day re-run alone."""
from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.definitions import build_defs
from assets.partitions import register_days

DAYS = [f"2018-03-{d:02d}" for d in range(1, 11)]
# Articles per day: two, so the corrected day still has one left after withdrawing one. The
# shortest articles of each day above MIN_CHARS keep every stage exercised at a fraction of the cost.
PER_DAY = 2
MIN_CHARS = 400


def backfill_job():
    """Rebuilt in each worker process from MARSAD_LANDING_DIR / MARSAD_WAREHOUSE."""
    return build_defs().resolve_job_def("marsad_job")


def write_corpus_slice(corpus: Path, landing: Path) -> dict[str, list[str]]:
    """Copy the PER_DAY shortest articles of each day in DAYS into one JSONL file per day; returns
    ids by day (the order of each file)."""
    landing.mkdir(parents=True)
    by_day: dict[str, list[dict]] = {d: [] for d in DAYS}
    month = DAYS[0][:8]
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            if month not in line:  # cheap pre-filter before parsing 27 MB of JSON
                continue
            record = json.loads(line)
            day = (record.get("published") or "")[:10]
            if day in by_day and len(record.get("text") or "") >= MIN_CHARS:
                by_day[day].append(record)
    for day, records in by_day.items():
        records.sort(key=lambda r: (len(r["text"]), r["id"]))
        del records[PER_DAY:]
        assert len(records) == PER_DAY, f"the corpus has fewer than {PER_DAY} articles on {day}"
        (landing / f"ant-{day}.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return {d: [r["id"] for r in rs] for d, rs in by_day.items()}


def day_fingerprints(db: Path) -> dict[str, tuple]:
    """Per partition day: article rows, and a checksum over its articles, sentences and mentions."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("""
            SELECT a.partition_day::VARCHAR, count(*),
                   sum(hash(a.article_id, a.content_hash)),
                   (SELECT count(*) FROM sentences s JOIN articles b USING (article_id)
                     WHERE b.partition_day = a.partition_day),
                   (SELECT coalesce(sum(hash(m.mention_id, m.event_type, m.trigger_start)), 0)
                      FROM event_mentions m JOIN articles b USING (article_id)
                     WHERE b.partition_day = a.partition_day)
            FROM articles a GROUP BY a.partition_day ORDER BY 1""").fetchall()
    finally:
        con.close()
    return {r[0]: tuple(r[1:]) for r in rows}


@pytest.mark.shared
def test_backfill_ten_days_multiprocess_then_rerun_one_day(shared_dir, tmp_path, monkeypatch):
    landing, db = tmp_path / "landing", tmp_path / "warehouse.duckdb"
    ids = write_corpus_slice(shared_dir / "corpus" / "ant_middleeast.jsonl", landing)
    monkeypatch.setenv("MARSAD_LANDING_DIR", str(landing))
    monkeypatch.setenv("MARSAD_WAREHOUSE", str(db))
    monkeypatch.setenv("MARSAD_MAX_PROCESSES", "2")
    (tmp_path / "home").mkdir()

    with dg.instance_for_test(temp_dir=str(tmp_path / "home")) as instance:
        register_days(instance, DAYS)  # what the landing sensor does as the files land
        # The run a UI backfill of these 10 days launches (BackfillPolicy: up to 31 days per run).
        result = dg.execute_job(
            dg.reconstructable(backfill_job), instance=instance,
            tags={"dagster/asset_partition_range_start": DAYS[0], "dagster/asset_partition_range_end": DAYS[-1]},
        )
        assert result.success
        events = result.all_events
        assert any(e.event_type_value == "STEP_WORKER_STARTED" for e in events)  # multiprocess executor
        workers = {e.pid for e in events if e.event_type_value == "STEP_START"}
        assert len(workers) >= 2
        mats = instance.fetch_materializations(dg.AssetKey("warehouse"), limit=50).records
        assert sorted(m.partition_key for m in mats) == DAYS

        before = day_fingerprints(db)
        assert sorted(before) == DAYS
        assert all(before[d][0] == len(ids[d]) for d in DAYS)
        assert sum(1 for d in DAYS if before[d][3]) >= 5  # events were found: mention rows are compared too

        # Day 5 gets a correction: one article withdrawn from its file. Re-run that day alone.
        target = DAYS[4]
        kept = (landing / f"ant-{target}.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)[1:]
        (landing / f"ant-{target}.jsonl").write_text("".join(kept), encoding="utf-8")
        defs = build_defs()
        daily = [k for a in defs.assets if a.partitions_def for k in a.keys]
        assert dg.materialize(list(defs.assets), selection=daily, partition_key=target, instance=instance,
                              resources=defs.resources).success

    after = day_fingerprints(db)
    assert after[target][0] == len(ids[target]) - 1
    assert {d: after[d] for d in DAYS if d != target} == {d: before[d] for d in DAYS if d != target}
    con = duckdb.connect(str(db), read_only=True)
    try:
        gone = ids[target][0]
        assert con.execute("SELECT count(*) FROM articles WHERE article_id = ?", [gone]).fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM event_mentions WHERE article_id = ?", [gone]).fetchone()[0] == 0
    finally:
        con.close()
