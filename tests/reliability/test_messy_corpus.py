"""Issue 10 acceptance: one ingest run over 400 messy inputs loads or quarantines each correctly."""
from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

from pipelines.ingest import read_landing
from pipelines.ingest.core import iter_landing
from pipelines.records import Article, Quarantined

REPO = Path(__file__).resolve().parents[2]


def _generator():
    spec = importlib.util.spec_from_file_location("make_messy_corpus", REPO / "bench" / "make_messy_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    return _generator().make_messy_corpus(tmp_path_factory.mktemp("messy") / "landing", n_files=400, seed=0)


def test_generator_writes_400_inputs_of_every_kind(messy):
    assert messy.n_files == 400 == len(list(messy.landing.iterdir()))
    kinds = Counter(messy.files.values())
    for kind in ("cp1256", "iso8859-6", "utf-8 BOM", "utf-16 BOM", "html", "copy of txt", "empty",
                 "binary", "truncated jsonl", "oversize txt", "oversize jsonl", "mojibake"):
        assert kinds[kind] > 0, kind


def test_one_run_loads_each_article_once_and_quarantines_the_rest(messy):
    result = read_landing(messy.landing, messy.settings)
    # Every distinct valid article is loaded exactly once, with the text of its clean twin.
    assert Counter(a.text for a in result.articles) == Counter(messy.expected_texts)
    assert len({a.article_id for a in result.articles}) == len(result.articles)
    # Every broken input (file, or line of a JSONL file) is quarantined with a reason.
    got = {(q.origin, q.line): q.reason for q in result.quarantined}
    assert set(got) == set(messy.expected_quarantine)
    for key, word in messy.expected_quarantine.items():
        assert got[key].strip() and word in got[key], (key, messy.files[key[0]], got[key])
    # Nothing else happened to any file: each is loaded, a duplicate, or quarantined.
    loaded = {a.origin for a in result.articles} | {o for o, _ in result.duplicates}
    quarantined = {o for o, _ in got}
    assert loaded | quarantined == set(messy.files)
    assert not result.pending


def test_every_copy_decodes_to_its_twins_exact_text(messy):
    """Before deduplication: each encoded/BOM/CRLF/HTML copy has exactly a clean twin's text."""
    expected = set(messy.expected_texts)
    for item in iter_landing(messy.landing, messy.settings):
        if isinstance(item, Article):
            assert item.text in expected, (item.origin, messy.files[item.origin])
        else:
            assert isinstance(item, Quarantined), item


def test_quarantine_folder_gets_a_reason_file_for_each_input(messy, tmp_path):
    from dataclasses import replace

    from pipelines.ingest.core import read_quarantine_folder

    settings = replace(messy.settings, quarantine_dir=tmp_path / "quarantine")
    result = read_landing(messy.landing, settings)
    entries = read_quarantine_folder(tmp_path / "quarantine")
    assert len(entries) == len(result.quarantined)
    assert all(e["reason"] for e in entries)
    assert len(list(messy.landing.iterdir())) == 400  # copy mode leaves the landing folder alone
