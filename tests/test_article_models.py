"""The article-level models against their recipe and our coded articles (pipelines/extract/training/articles).

* The shipped detector, judge and ranker weights are what `python -m pipelines.extract.training.articles.train` fits today: a rule,
  lexicon or feature change without retraining fails here.
* The label files hold offsets and codes only (no corpus text), every article is coded under the
  codebook's types and roles, and double-coded articles agree with each other.
Skipped when ../shared (the corpus the labels point into) is absent."""
from __future__ import annotations

import re

import pytest

from pipelines.extract.training.articles import train as recipe
from pipelines.extract.training.articles.labels import LABELS, double_codings, read_corpus, read_labels, split_rows
from pipelines.extract.training.articles.sample import CORPUS, split_of
from pipelines.extract.detector import default_detector
from pipelines.extract.judge import default_judge
from pipelines.extract.ranker import default_ranker

TYPES = {"ASSAULT", "PROTEST", "COERCE", "MOBILIZE", "THREATEN", "REQUEST", "ACCUSE", "REJECT",
         "CONSULT", "AGREE", "SUPPORT", "COOPERATE", "AID", "RETREAT", "SANCTION", "CONCEDE"}
ROLES = {"killed", "injured", "detained", "abducted", "displaced", "deployed", "participants", "launched"}
ARABIC = re.compile(r"[\u0600-\u06FF]")

needs_corpus = pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus is absent")


def test_labels_hold_offsets_and_codes_only():
    rows = list(read_labels())
    assert len({r["id"] for r in rows}) >= 1000
    for p in LABELS.glob("*.jsonl"):
        assert not ARABIC.search(p.read_text(encoding="utf-8")), f"{p.name} holds Arabic text"
    for r in rows:
        for e in r["events"]:
            assert e["type"] in TYPES and isinstance(e["core"], bool)
            assert all(q["role"] in ROLES and isinstance(q["value"], int) for q in e["quantities"])
            assert e["trigger"][0] < e["trigger"][1] and all(a < b for a, b in e["quotes"])


def test_splits_are_by_article_and_stable():
    ids = {r["id"] for r in read_labels()}
    counts = {s: sum(split_of(i) == s for i in ids) for s in ("train", "dev", "blind")}
    assert counts["blind"] >= 200 and counts["dev"] >= 150 and counts["train"] > counts["dev"]
    assert split_of("SK-middleEast-2357-20180613") == split_of("SK-middleEast-2357-20180613")


@needs_corpus
def test_labels_point_into_the_corpus():
    rows = list(read_labels())
    corpus = read_corpus({r["id"] for r in rows})
    for r in rows:
        n = len(corpus[r["id"]]["text"])
        assert all(0 <= e["trigger"][0] < e["trigger"][1] <= n for e in r["events"])


@needs_corpus
def test_double_coded_articles_exist_for_agreement():
    assert len(double_codings(read_labels())) >= 100


@needs_corpus
@pytest.mark.slow
def test_shipped_weights_are_the_recipe_fit():
    rows = {s: split_rows(s) for s in ("train", "dev")}
    fitted = recipe.fit_all(rows, read_corpus({r["id"] for rs in rows.values() for r in rs}))
    judge, ranker, detector = default_judge(), default_ranker(), default_detector()
    assert judge.threshold == pytest.approx(fitted.judge.threshold)
    assert detector.thresholds == fitted.detector.thresholds
    for t, w in fitted.detector.weights.items():  # words under the pruning bound are not written
        worst = max(abs(detector.weights[t].get(k, 0.0) - v) for k, v in w.items())
        assert worst <= recipe.DETECTOR_PRUNE + 1e-4, f"detector {t} differs from the fit by {worst:.3f}: retrain"
    for shipped, fresh, name in ((judge.weights, fitted.judge.weights, "judge"),
                                 (ranker.weights, fitted.ranker.weights, "ranker")):
        keys = set(shipped) | set(fresh)
        worst = max(abs(shipped.get(k, 0.0) - fresh.get(k, 0.0)) for k in keys)
        assert worst < 0.02, f"{name} weights differ from the fit by {worst:.3f}: retrain with python -m pipelines.extract.training.articles.train --write"


@pytest.mark.parametrize("gold, value, same", [
    ({"span": [0, 11], "code": "PSE CVL"}, ("فلسطينيون", 40, 49, "PSE CVL", None), True),   # the scorer: same code
    ({"span": [0, 11], "code": "PSE CVL"}, ("فلسطينيون", 40, 49, "ISR MIL", None), False),
    ({"span": [0, 11], "code": None}, ("فلسطينيون", 40, 49, None, None), False),          # no code, no overlap
    ({"span": [0, 11], "code": None}, ("الفلسطينيين", 0, 11, None, None), True),          # the coded span
    ({"span": [50, 54], "name": "Gaza"}, ("القطاع", 90, 96, None, "Gaza"), True),          # a place's name
])
def test_a_ranker_label_is_right_as_the_scorer_counts_it(gold, value, same):
    from types import SimpleNamespace
    text = "الفلسطينيين" + " " * 100
    v = SimpleNamespace(text=value[0], start=value[1], end=value[2], code=value[3], name=value[4] or "")
    assert recipe._same(text, gold, v, 0) is same
