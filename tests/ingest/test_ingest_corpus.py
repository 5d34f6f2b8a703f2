"""Ingest and clean the shared corpus (skipped when ../shared is absent)."""
from __future__ import annotations

import pytest

from pipelines.clean import clean_article
from pipelines.ingest import read_landing

pytestmark = pytest.mark.shared


def test_corpus_loads_whole_and_cleans_without_losing_the_body(shared_dir):
    # read in place: a symbolic link in a landing folder is reported, not followed
    result = read_landing(shared_dir / "corpus", files=["ant_middleeast.jsonl"])
    assert not result.quarantined
    assert len(result.articles) + len(result.duplicates) == 7628
    kept = total = 0
    promo_left = 0
    for art in result.articles:
        clean = clean_article(art)
        kept += sum(r.end - r.start for r in clean.regions)
        total += len(art.text)
        body = "\n".join(art.text[r.start:r.end] for r in clean.regions)
        promo_left += "تطبيق بي بي سي عربي على هاتفكم" in body
        assert clean.regions or not art.text.strip()
    assert kept / total > 0.95  # furniture is a small part of these bodies
    assert promo_left == 0
