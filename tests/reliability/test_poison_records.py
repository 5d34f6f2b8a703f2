"""No poison record (issue 19): an article that fails any stage after reading is quarantined with its
stage and reason, and every other article of the batch loads, in `marsad load` and in Dagster.

One landing folder holds good articles, counts that no integer type holds written in five digit
systems (they load, without the count), and one article per failure class, each made to fail at its
stage by a fault injected for that article alone (or, for "too slow", by its length and a small
time budget).
"""
from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

import pipelines.process as process
from bench.linearity import unpunctuated_text
from pipelines.extract import budget
from pipelines.extract.quantities import MAX_COUNT
from pipelines.nlp.base import OfflineAnalyzer

from .landing_runs import load_with_cli, load_with_dagster

DAY = "2024-03-10"
OLD = 1_710_072_000  # 2024-03-10 12:00 UTC: landed on DAY (the reader keys its quarantine by that), long ago
STRIKE = "قتل {n} شخصا في غارة جوية استهدفت بلدة معرة النعمان في ريف إدلب يوم السبت بحسب الدفاع المدني."
GOOD = {
    "good-strike": STRIKE.format(n="5"),
    "good-protest": "تظاهر آلاف المحتجين في ساحة التحرير وسط بغداد للمطالبة بتحسين الخدمات ومحاربة الفساد.",
    "good-arrests": "اعتقلت قوات الأمن المصرية 15 شخصاً في القاهرة بتهمة التحريض على التظاهر، وفق محامين.",
}
DIGITS = {"ascii": "0123456789", "arabic-indic": "٠١٢٣٤٥٦٧٨٩", "persian": "۰۱۲۳۴۵۶۷۸۹",
          "fullwidth": "０１２３４５６７８９", "mathematical": "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗"}
# 23 nines are past 64 bits (the frame build once failed on them); 400 are past any float
HUGE = {f"count-{system}-{n}": STRIKE.format(n=digits[9] * n) for system, digits in DIGITS.items() for n in (23, 400)}
# dates no calendar holds (years are only read as 4 digits from 1800 to 2100): no date, no failure
HUGE |= {f"date-{k}": STRIKE.format(n="3") + " " + d for k, d in {
    "numeric": "وذلك في 12/12/99999999", "ago": "قبل 99999999999 يوما", "year": "في عام ٩٩٩٩٩٩٩٩",
    "hijri": "في 1 محرم 99999 هـ"}.items()}


def _fail_for(article_id: str, real):
    """`real`, but raising for one article (its first argument is that article or its clean form)."""
    def stage(x, *args, **kwargs):
        art = getattr(x, "article", x)
        if art.article_id == article_id:
            raise RuntimeError(f"injected fault in {article_id}")
        return real(x, *args, **kwargs)
    return stage


def _events_then(article_id: str, change):
    """`extract_events`, with `change(events)` applied to one article's events."""
    real = process.extract_events

    def stage(clean, *args, **kwargs):
        events = real(clean, *args, **kwargs)
        return change(events) if clean.article.article_id == article_id else events
    return stage


def _nlp_failing_for(article_id: str):
    real = OfflineAnalyzer.analyze_sentences

    def analyze_sentences(self, sentences):
        if any(s.article_id == article_id for s in sentences):
            raise RuntimeError(f"injected fault in {article_id}")
        return real(self, sentences)
    return analyze_sentences


def _uncountable(events):  # the count that once crashed the frame build, as if no parser bounded it
    return [replace(e, quantities=[replace(q, value=10 ** 23) for q in e.quantities]) for e in events]


def _unmoded(events):  # a NULL where the warehouse says NOT NULL
    return [replace(e, modality=None) for e in events]


# article id -> (install the fault, stage, reason)
FAILURES = {
    "poison-clean": (lambda mp: mp.setattr(process, "clean_article", _fail_for("poison-clean", process.clean_article)),
                     "clean", "RuntimeError: injected fault in poison-clean"),
    "poison-nlp": (lambda mp: mp.setattr(OfflineAnalyzer, "analyze_sentences", _nlp_failing_for("poison-nlp")),
                   "nlp", "RuntimeError: injected fault in poison-nlp"),
    "poison-dates": (lambda mp: mp.setattr(process, "article_dates", _fail_for("poison-dates", process.article_dates)),
                     "dates", "RuntimeError: injected fault in poison-dates"),
    "poison-extract": (lambda mp: mp.setattr(process, "extract_events",
                                             _fail_for("poison-extract", process.extract_events)),
                       "extract", "RuntimeError: injected fault in poison-extract"),
    "poison-frame": (lambda mp: mp.setattr(process, "extract_events", _events_then("poison-frame", _uncountable)),
                     "frame", "event_quantities.value: cannot store 100000000000000000000000 as Int64"),
    "poison-load": (lambda mp: mp.setattr(process, "extract_events", _events_then("poison-load", _unmoded)),
                    "load", "event_mentions.modality is NULL (NOT NULL in the warehouse)"),
    "poison-slow": (lambda mp: mp.setenv(budget.ENV, "0.5"),
                    "extract", f"too slow: extraction passed its 0.5 s budget ({budget.ENV})"),
}
TOWNS = ("حلب", "حماة", "حمص", "درعا", "دمشق", "الرقة", "اللاذقية", "طرطوس", "القامشلي", "منبج", "عفرين", "جبلة",
         "بانياس", "تدمر", "السويداء", "القنيطرة", "الحسكة", "الميادين", "البوكمال", "سراقب", "أريحا")
# distinct texts (the reader stores identical content once)
TEXTS = {**GOOD, **{a: f"{t} وأفاد مراسلنا في {town}." for (a, t), town in zip(
    {**HUGE, **{a: STRIKE.format(n="7") for a in FAILURES}}.items(), TOWNS, strict=True)},
    "poison-slow": unpunctuated_text(250_000)}


def _landing(folder: Path) -> Path:
    """Everything in one JSONL file (plus a broken line the reader quarantines)."""
    folder.mkdir(parents=True)
    lines = [json.dumps({"id": a, "published": DAY, "source": "test", "text": t}, ensure_ascii=False)
             for a, t in TEXTS.items()]
    path = folder / "batch.jsonl"
    path.write_text("\n".join(lines[:3] + ['{"id": "cut", "text": "نص مقطوع'] + lines[3:]) + "\n",
                    encoding="utf-8")
    os.utime(path, (OLD, OLD))
    return folder


@pytest.fixture
def faults(monkeypatch):
    process.process_articles([process.Article("warm", GOOD["good-strike"])])  # lexicons load before any budget
    for install, _, _ in FAILURES.values():
        install(monkeypatch)


def _load_with_cli(landing: Path, db: Path, tmp_path: Path) -> None:
    load_with_cli(landing, db, tmp_path, DAY)


def _load_with_dagster(landing: Path, db: Path, tmp_path: Path) -> None:
    result = load_with_dagster(landing, db, tmp_path, DAY)
    meta = result.asset_materializations_for_node("events")[0].metadata
    assert meta["quarantined_articles"].value == len(FAILURES) - 2, meta["quarantined"].value  # frame, load: later


@pytest.mark.parametrize("load", [_load_with_cli, _load_with_dagster], ids=["marsad-load", "dagster"])
def test_every_failure_class_is_quarantined_and_the_good_articles_load(load, faults, tmp_path):
    db = tmp_path / "data" / "warehouse.duckdb"
    load(_landing(tmp_path / "landing"), db, tmp_path)
    with duckdb.connect(str(db), read_only=True) as con:
        stored = {t: {a for (a,) in con.execute(f"SELECT DISTINCT article_id FROM {t}").fetchall()}
                  for t in ("articles", "sentences", "event_mentions", "event_quantities")}
        quarantined = con.execute("SELECT article_id, stage, reason, origin, line FROM quarantine"
                                  " ORDER BY article_id NULLS FIRST").fetchall()
        counts = con.execute("SELECT article_id, value FROM event_quantities").fetchall()
    loaded = set(GOOD) | set(HUGE)
    assert stored["articles"] == stored["sentences"] == loaded  # every good article, whole
    assert stored["event_mentions"] == loaded
    assert stored["event_quantities"].isdisjoint(FAILURES)  # nothing of a failed article
    assert ("good-strike", 5) in counts and all(v <= MAX_COUNT for _, v in counts)
    assert quarantined[0][1:] == ("ingest", quarantined[0][2], "batch.jsonl", 4)  # the reader's, with its line
    order = list(TEXTS)
    line = {a: i + 1 if i < 3 else i + 2 for i, a in enumerate(order)}  # the cut line is line 4
    assert quarantined[1:] == [(a, stage, reason, "batch.jsonl", line[a])
                               for a, (_, stage, reason) in sorted(FAILURES.items())]


def _with_article(res, **fields):
    clean = replace(res.clean, article=replace(res.clean.article, **fields))
    return replace(res, clean=clean, events=[replace(e, doc_id=clean.article.article_id) for e in res.events])


def _with_events(res, change):
    return replace(res, events=change(res.events))


# a value a warehouse column cannot hold -> the reason the frame stage gives
UNSTORABLE = {
    "count past 64 bits": (lambda r: _with_events(r, _uncountable),
                           "event_quantities.value: cannot store 100000000000000000000000 as Int64"),
    "offset past 32 bits": (lambda r: _with_events(r, lambda es: [replace(e, sentence_index=2 ** 40) for e in es]),
                            "event_mentions.sentence_index: cannot store 1099511627776 as Int32"),
    "undecodable file name": (lambda r: _with_article(r, origin="\udcc8\udcd1\udcc8.jsonl"),
                              "articles.origin: cannot store '\\udcc8\\udcd1\\udcc8.jsonl' as String"),
    "lone surrogate in the text": (lambda r: _with_article(r, text=r.clean.article.text + "\ud800"),
                                   "UnicodeEncodeError: 'utf-8' codec can't encode character '\\ud800' in"
                                   f" position {len(STRIKE.format(n='7'))}: surrogates not allowed"),
}


@pytest.mark.parametrize("case", sorted(UNSTORABLE))
def test_an_article_whose_rows_cannot_be_stored_is_quarantined_and_the_batch_loads(case, tmp_path):
    from pipelines.warehouse import load_results

    good, bad = process.process_articles([process.Article("good", GOOD["good-strike"], origin="a.jsonl"),
                                          process.Article("bad", STRIKE.format(n="7"), origin="b.jsonl")])
    spoil, reason = UNSTORABLE[case]
    db = tmp_path / "w.duckdb"
    stats = load_results(db, [good, spoil(bad)])
    with duckdb.connect(str(db), read_only=True) as con:
        stored = {t: {a for (a,) in con.execute(f"SELECT DISTINCT article_id FROM {t}").fetchall()}
                  for t in ("articles", "sentences", "event_mentions", "event_quantities")}
        quarantined = con.execute("SELECT article_id, stage, reason FROM quarantine").fetchall()
    assert stored == {t: {"good"} for t in stored} and stats.articles == 1
    assert quarantined == [("bad", "frame", reason)]
