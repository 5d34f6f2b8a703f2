"""Recipes that fit the shipped model files from our labelled data (run from the repository root):

* `python -m pipelines.extract.training.articles.train --write`: the article detector, judge and
  role ranker (`lexicons/detector.tsv`, `judge.tsv`, `ranker.tsv`) from our coded articles
  (`articles/labels/`).
* `python -m pipelines.extract.training.heldout.train_assessor --write`: the sentence assessor
  (`lexicons/assessor.tsv`) from our labelled held-out sentences (`heldout/detect_labels.tsv`).

Both read the corpus texts from ../shared (the labels hold offsets and codes only). Evaluation
scripts live in `bench/`.
"""
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
