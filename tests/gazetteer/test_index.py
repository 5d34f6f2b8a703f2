"""The cached place index and our data tables."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.gazetteer.index import DataError, cache_path, index_stats, load_index, read_tsv


def test_tables_load_and_cover_the_region():
    index = load_index()
    stats = index_stats(index)
    assert stats["countries"] >= 170
    assert stats["entries_supplement"] >= 150
    for iso3 in "SYR IRQ LBN PSE ISR JOR YEM SAU EGY LBY SDN IRN TUR".split():
        assert iso3 in index.countries, iso3
        towns = [e for cands in index.names.values() for e in cands
                 if e.country == iso3 and e.precision == "city"]
        assert len(towns) >= 5, iso3
    assert index.capitals["SYR"].name == "Damascus"
    assert "LBN" in index.neighbours["SYR"]


def test_cache_dir_is_configurable(monkeypatch, tmp_path):
    monkeypatch.setenv("MARSAD_CACHE_DIR", str(tmp_path))
    p = cache_path()
    assert p.parent == tmp_path and p.name.startswith("gazetteer-") and p.suffix == ".pickle"


def test_malformed_rows_are_reported_with_file_and_line(tmp_path: Path):
    bad = tmp_path / "admin1.tsv"
    bad.write_text("# comment\nSYR\tAleppo\tحلب\tAleppo\nSYR\tonly three\tcolumns\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"admin1.tsv:3: expected 4-4"):
        read_tsv("admin1.tsv", bad)
    ok = tmp_path / "supplement.tsv"
    ok.write_text("الغوطة\tGhouta\tSYR\tRif Dimashq\tregion\tregion\t33.5\t36.4\n", encoding="utf-8")
    assert read_tsv("supplement.tsv", ok)[0][-1] == ""  # optional GeoNames id padded


def test_saving_an_index_removes_stale_ones(tmp_path: Path):
    from pipelines.gazetteer.index import PlaceIndex, save_index

    stale = tmp_path / "gazetteer-0000000000000000.pickle"
    stale.write_bytes(b"old")
    tiny = PlaceIndex({}, {}, frozenset(), {}, {}, {}, {}, {})
    path = save_index(tiny, tmp_path / "gazetteer-1111111111111111.pickle")
    assert path.exists() and not stale.exists()
