"""Held-out quantity extraction (bench/heldout/quantity*): the label file is sound, holds no corpus
text, rebuilds exactly from ../shared, each batch can be scored alone, and the extractor's quantity F1
does not fall below its floor on either batch."""
from __future__ import annotations

import json
import re

import pytest

from bench.heldout import quantity
from pipelines.extract.training.heldout import labels as run
from bench.heldout.quantity_sample import BATCHES, batch_of, draw, stratum_of

ARABIC_RUN = re.compile(r"[\u0600-\u06FF]{2,}(?:\s+[\u0600-\u06FF]{2,}){3,}")
# Issue 4 asks for held-out quantity F1 >= 0.85; measured 0.895-0.906 on 2026-11-29 on batch 1 (192
# sentences), which the extractor was later tuned on, so this floor guards against regressions only.
FLOOR_BATCH_1 = 0.85
# Batch 2 (150 sentences drawn and labelled blind on 2026-11-29): measured 0.935; floor 0.05 below.
FLOOR_BATCH_2 = 0.885
BATCH_SIZES = {1: 192, 2: 150}


def test_label_file_is_well_formed_and_holds_no_corpus_text():
    labels = quantity.load_labels()  # parses every events cell: PLOVER types, allowed roles, positive values
    keys = [(lab.article_id, lab.start, lab.end) for lab in labels]
    assert len(labels) >= 150 and len(set(keys)) == len(keys)
    assert len({lab.article_id for lab in labels}) == len(labels), "one sentence per article"
    assert sum(len(lab.gold_quantities) for lab in labels) >= 60
    for lab in labels:
        assert 60 <= lab.end - lab.start <= 320 and re.fullmatch(r"[0-9a-f]{8}", lab.sha1_8)
        assert batch_of(lab.stratum) in BATCHES
    assert not any(ARABIC_RUN.search(lab.note) for lab in labels), "notes must not quote the corpus"
    raw = quantity.LABELS.read_text(encoding="utf-8")
    assert not ARABIC_RUN.search(raw), "the label file must not hold sentence text"


def test_no_sentence_is_in_both_held_out_samples():
    """The quantity sample was drawn away from detection batches 1-2 (batch 3 was drawn later, from
    all articles not in batches 1-2, and shares a few sentences with it: a different task)."""
    detection: dict[str, list[tuple[int, int]]] = {}
    for lab in run.load_labels():
        if run.batch_of(lab.stratum) < 3:
            detection.setdefault(lab.article_id, []).append((lab.start, lab.end))
    for lab in quantity.load_labels():
        for start, end in detection.get(lab.article_id, ()):
            assert not (start < lab.end and lab.start < end), f"{lab.article_id}[{lab.start}:{lab.end}] is in both"


def test_batch_2_is_drawn_away_from_batch_1_and_detection_batches_1_to_3():
    batch_1 = {lab.article_id for lab in quantity.load_labels(batch=1)}
    batch_2 = {lab.article_id for lab in quantity.load_labels(batch=2)}
    detection = {lab.article_id for lab in run.load_labels() if run.batch_of(lab.stratum) <= 3}
    assert not batch_2 & batch_1 and not batch_2 & detection


def test_each_batch_loads_alone():
    by_batch = {b: quantity.load_labels(batch=b) for b in BATCHES}
    assert {b: len(labs) for b, labs in by_batch.items()} == BATCH_SIZES
    assert sum(BATCH_SIZES.values()) == len(quantity.load_labels())
    assert {lab.stratum for lab in by_batch[1]} == {"cue", "event", "cue2"}  # "cue2" is batch 1, not 2
    assert {lab.stratum for lab in by_batch[2]} == {"cue3", "event3"}
    assert sum(len(lab.gold_quantities) for lab in by_batch[2]) >= 40
    with pytest.raises(ValueError, match="no quantity batch"):
        quantity.load_labels(batch=9)
    with pytest.raises(ValueError, match="unknown quantity stratum"):
        batch_of("cue4")


def test_a_row_with_an_unknown_stratum_is_rejected(tmp_path):
    bad = tmp_path / "labels.tsv"
    bad.write_text("article_id\tstart\tend\tstratum\tsha1_8\tevents\tnote\n"
                   "A-1\t0\t80\tcue9\t0123abcd\t[]\t\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2: unknown quantity stratum"):
        quantity.load_labels(bad)


@pytest.mark.parametrize("cell,problem", [
    ('[{"event_type":"ASSAULT","quantities":[{"value":3,"role":"dead"}]}]', "roles are"),
    ('[{"event_type":"ASSAULT","quantities":[{"value":0,"role":"killed"}]}]', "positive"),
    ('[{"event_type":"ASSAULT","quantities":[{"value":true,"role":"killed"}]}]', "positive"),
    ('[{"event_type":"ATTACK","quantities":[]}]', "PLOVER"),
    ('[{"event_type":"ASSAULT","quantities":[]},{"event_type":"ASSAULT","quantities":[]}]', "twice"),
    ('[{"event_type":"ASSAULT"}]', "exactly"),
    ('{"event_type":"ASSAULT","quantities":[]}', "list"),
])
def test_bad_label_cells_are_rejected_with_a_reason(cell, problem):
    with pytest.raises(ValueError, match=problem):
        quantity.parse_events(cell)


def test_gold_records_follow_the_events_dev_format():
    lab = quantity.QuantityLabel("A-1", 0, 10, "cue", "00000000",
                                 quantity.parse_events('[{"event_type":"ASSAULT","quantities":'
                                                       '[{"value":12,"role":"killed"}]}]'), "")
    (rec,) = quantity.gold_records([lab], {("A-1", 0, 10): "قتل 12 شخصا"})
    (ev,) = rec["events"]
    assert rec["text"] == "قتل 12 شخصا" and rec["published"] is None
    assert ev["quantities"] == [{"value": 12, "role": "killed"}]
    assert ev["actor"] is ev["target"] is ev["location"] is ev["date"] is None


@pytest.mark.parametrize("sentence,expected", [
    ("وقتل ثلاثة جنود في الهجوم على الحاجز", "cue"),
    ("وأصيب جنديان بجروح طفيفة في الانفجار", "cue"),  # a dual counts by itself
    ("وشنت الطائرات ٤ غارات على البلدة", "event"),  # Arabic-Indic digits, no role word
    ("وتظاهر الطلاب يوم الثلاثاء أمام البرلمان", None),  # a weekday is not a number
    ("وتظاهر الآلاف أمام البرلمان", "event"),  # vague amounts are drawn too: they test spurious counts
])
def test_sampler_finds_numbers_near_event_words(sentence, expected):
    assert stratum_of(sentence) == expected


@pytest.mark.shared
def test_texts_rebuild_with_matching_hashes(shared_dir):
    labels = quantity.load_labels()
    texts = run.sentence_texts(labels, shared_dir / "corpus" / "ant_middleeast.jsonl")  # checks sha1_8
    assert len(texts) == len(labels)
    dev = {json.loads(l)["article_id"] for l in (shared_dir / "gold" / "events_dev.jsonl").open(encoding="utf-8")
           if l.strip()}
    assert not dev & {lab.article_id for lab in labels}, "dev-gold articles must stay out of the held-out set"


@pytest.mark.shared
def test_the_sampler_redraws_every_batch(shared_dir):
    """Batch 1's draw did not change when batch 2 was added, and batch 2 is exactly what was labelled
    (batch 1 also holds rows a later detection batch drops from the redraw: it keeps them)."""
    for batch in BATCHES:
        drawn = {(a, s, e, st) for st, a, s, e, _ in draw(shared_dir, batch)}
        labelled = {(lab.article_id, lab.start, lab.end, lab.stratum) for lab in quantity.load_labels(batch=batch)}
        assert drawn <= labelled
        if batch > 1:
            assert drawn == labelled


@pytest.mark.shared
@pytest.mark.parametrize("batch,floor", [(1, FLOOR_BATCH_1), (2, FLOOR_BATCH_2)])
def test_heldout_quantity_f1_holds(shared_dir, batch, floor):
    res = quantity.evaluate(shared_dir, batch=batch)
    assert res["n"] == BATCH_SIZES[batch] and res["batch"] == batch
    assert res["quantity_f1"] >= floor, f"batch {batch} quantity F1 {res['quantity_f1']:.3f} fell below {floor}"
