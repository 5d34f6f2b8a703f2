"""Held-out sentence-level detection (bench/heldout): the label file is sound and the extractor's
ASSAULT / PROTEST F1 does not fall below the level measured when the set was built."""
from __future__ import annotations

import re

import pytest

from bench.heldout import run
from pipelines.extract.training.heldout import labels as heldout
from pipelines.extract.training.heldout.keywords import keyword_says
from bench.heldout.sample import split_sentences

# F1 floors per labelling batch: a regression pin, not a measure of generalisation. Batch 1 holds 300
# stratified sentences; 2-8 480 each (8: 383) drawn as they come; 9 480 and 10-12 960 each, from a
# second sentence of earlier articles too; all labelled under LABELLING.md. The rules alone scored
# (ASSAULT / PROTEST) 0.70-0.84 / 0.56-0.77 on 1-8, and blind 0.746 / 0.755 on 9. The assessor is
# fitted on all twelve batches, so these in-sample scores (2026-11-29: 1 0.863 / 0.806; 2 0.891 /
# 0.863; 3 0.854 / 0.889; 4 0.830 / 0.898; 5 0.885 / 0.875; 6 0.872 / 0.800; 7 0.911 / 0.756;
# 8 0.861 / 0.800; 9 0.850 / 0.891; 10 0.873 / 0.861; 11 0.846 / 0.864; 12 0.856 / 0.858) flatter it:
# its honest figures are the blind and held-out ones that tests/test_assessor_training.py pins.
FLOOR = {1: {"ASSAULT": 0.82, "PROTEST": 0.77}, 2: {"ASSAULT": 0.85, "PROTEST": 0.82},
         3: {"ASSAULT": 0.82, "PROTEST": 0.85}, 4: {"ASSAULT": 0.80, "PROTEST": 0.86},
         5: {"ASSAULT": 0.85, "PROTEST": 0.83}, 6: {"ASSAULT": 0.83, "PROTEST": 0.76},
         7: {"ASSAULT": 0.87, "PROTEST": 0.72}, 8: {"ASSAULT": 0.82, "PROTEST": 0.76},
         9: {"ASSAULT": 0.81, "PROTEST": 0.85}, 10: {"ASSAULT": 0.84, "PROTEST": 0.82},
         11: {"ASSAULT": 0.81, "PROTEST": 0.82}, 12: {"ASSAULT": 0.82, "PROTEST": 0.82}}
ARABIC_RUN = re.compile(r"[\u0600-\u06FF]{2,}(?:\s+[\u0600-\u06FF]{2,}){3,}")


def test_label_file_is_well_formed_and_holds_no_corpus_text():
    labels = heldout.load_labels()
    sentences = {(lab.article_id, lab.start, lab.end) for lab in labels}
    assert len(sentences) >= 250
    for key in sentences:  # every sentence is labelled for both types, exactly once
        assert sorted(lab.etype for lab in labels if (lab.article_id, lab.start, lab.end) == key) == sorted(heldout.TYPES)
    assert all(lab.start < lab.end and re.fullmatch(r"[0-9a-f]{8}", lab.sha1_8) for lab in labels)
    assert not any(ARABIC_RUN.search(lab.note) for lab in labels), "notes must not quote the corpus"


def test_sentence_splitter_keeps_original_offsets():
    text = "  قتل ثلاثة أشخاص. وتظاهر المئات؟\nسطر آخر بلا نقطة"
    spans = list(split_sentences(text))
    assert [text[s:e] for s, e in spans] == ["قتل ثلاثة أشخاص.", "وتظاهر المئات؟", "سطر آخر بلا نقطة"]


@pytest.mark.parametrize("etype,sentence,expected", [
    ("ASSAULT", "وقتل جنديان في قصف مدفعي", True),
    ("ASSAULT", "وتظاهر الآلاف أمام البرلمان", False),
    ("PROTEST", "نظم العمال اعتصاما أمام الوزارة", True),
    ("PROTEST", "شنت الطائرات غارة على المدينة", False),
])
def test_keyword_baseline(etype, sentence, expected):
    assert keyword_says(etype, sentence) is expected


def test_projection_is_monotone_in_false_positives():
    assert heldout.projected_f1("ASSAULT", 0.85, 0.05) > heldout.projected_f1("ASSAULT", 0.85, 0.40)
    assert heldout.projected_f1("PROTEST", 1.0, 0.0) == pytest.approx(1.0)


@pytest.mark.shared
@pytest.mark.parametrize("batch", sorted(FLOOR))
def test_heldout_detection_f1_holds(shared_dir, batch):
    results = run.evaluate(shared_dir, batch=batch)
    for etype, floor in FLOOR[batch].items():
        got = results[etype]["extractor"]
        assert got["n"] >= 250
        assert got["f1"] >= floor, f"batch {batch} {etype} held-out F1 {got['f1']:.3f} fell below {floor}"
