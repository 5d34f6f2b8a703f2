"""Whole-pipeline fuzz (issue 19): generated hostile JSONL records and files beside one good article
go through the landing reader, every processing stage and the warehouse load, with the functions
`marsad load` uses (`read_landing`, `process_articles`, `load_results`).

Properties: nothing raises; the good article always loads with its events; every input (file, or
JSONL line) is loaded, a duplicate, pending or quarantined, and every article read is either in the
warehouse or quarantined at a later stage (nothing is lost silently); the warehouse opens and no
quarantine row holds more than the short escaped preview. Budgets come from `fuzzing.examples`
(HYPOTHESIS_PROFILE=nightly, `make fuzz-nightly`, runs 20x more).
"""
from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings

from pipelines.ingest import IngestSettings, read_landing
from pipelines.ingest.core import FIRST_BYTES, JSONL_SUFFIXES
from pipelines.process import process_articles
from pipelines.warehouse import load_results

from .fuzzing import examples
from .strategies import landing_files

DAY = "2024-03-10"
GOOD_ID = "good-fuzz-article"
GOOD = "قتل 4 مدنيين في غارة جوية على بلدة سراقب في ريف إدلب أمس بحسب الدفاع المدني."


def _expected_items(content: bytes, suffix: str) -> int | None:
    """How many outcomes a file gives: one per non-blank JSONL line, one per page (None: any)."""
    if suffix in JSONL_SUFFIXES:
        return sum(1 for line in content.split(b"\n") if line.strip(b" \t\r\n"))
    return 1


@settings(max_examples=examples(15), deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.data_too_large])
@given(landing_files())
def test_hostile_files_beside_a_good_article_through_the_whole_pipeline(files):
    with tempfile.TemporaryDirectory() as tmp:
        land, db = Path(tmp, "landing"), Path(tmp, "data", "warehouse.duckdb")
        land.mkdir()
        (land / "0-good.jsonl").write_text(json.dumps({"id": GOOD_ID, "published": DAY, "text": GOOD},
                                                      ensure_ascii=False) + "\n", encoding="utf-8")
        names = {}
        for i, (suffix, content) in enumerate(files):
            name = f"f{i}{suffix}"
            (land / name).write_bytes(content)
            names[name] = (suffix, content)

        ingested = read_landing(land, IngestSettings.from_env(land, default_quarantine=False))
        outcomes = process_articles(ingested.articles)
        load_results(db, outcomes, ingested.quarantined, publish=False)

        with duckdb.connect(str(db), read_only=True) as con:  # the warehouse opens
            stored = {a for (a,) in con.execute("SELECT article_id FROM articles").fetchall()}
            with_events = {a for (a,) in con.execute("SELECT DISTINCT article_id FROM event_mentions").fetchall()}
            quarantine = con.execute("SELECT origin, line, stage, article_id, first_bytes FROM quarantine").fetchall()

    # the good article always loads, with its events
    assert GOOD_ID in stored and GOOD_ID in with_events

    # every input accounted for by the reader: loaded, duplicate, pending or quarantined
    assert not ingested.pending
    got = Counter(a.origin for a in ingested.articles) + Counter(o for o, _ in ingested.duplicates)
    got += Counter(q.origin for q in ingested.quarantined)
    whole = {q.origin for q in ingested.quarantined if q.line is None}
    for name, (suffix, content) in names.items():
        if name in whole:
            assert got[name] == 1, name  # the whole file rejected, nothing of it loaded
        else:
            assert got[name] == _expected_items(content, suffix), name

    # every article read is in the warehouse or quarantined at a later stage, not both
    late = {a for _, _, stage, a, _ in quarantine if stage != "ingest"}
    read = {a.article_id for a in ingested.articles}
    assert stored | late == read and not stored & late
    assert sum(1 for row in quarantine if row[2] == "ingest") == len(ingested.quarantined)

    # no quarantine row holds more than the escaped preview (4 characters a byte at most)
    assert all(fb is None or len(fb) <= 4 * FIRST_BYTES for *_, fb in quarantine)
    assert all(b"\x1b" not in (fb or b"") for *_, fb in quarantine)
