"""Code versions follow the lexicons: an edited entry makes only the assets that read it stale,
and re-materialising the stale assets recomputes nothing else (checked on the instance's records)."""
from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest
import yaml
from dagster._core.definitions.data_version import StaleStatus
from dagster._utils.test.data_versions import get_stale_status_resolver

from assets.definitions import build_defs
from assets.versions import REPO_ROOT, analyzer_identity, code_versions, stage_files
from tests.dagster.landing_fixture import DAYS
from pipelines.records import Event, Span

DAY = DAYS[0]
LEXICON = Path("pipelines/extract/lexicons/triggers_assault.yaml")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the code and data the versions are computed from."""
    root = tmp_path / "tree"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO_ROOT / "pipelines", root / "pipelines", ignore=ignore)
    shutil.copytree(REPO_ROOT / "sql", root / "sql", ignore=ignore)
    return root


def edit_one_entry(root: Path) -> None:
    """Lower the weight of the first ASSAULT trigger entry (a real lexicon edit)."""
    path = root / LEXICON
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry = doc["entries"][0]
    entry["weight"] = round(float(entry.get("weight", 0.5)) / 2, 3)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_versions_are_stable_and_cover_the_lexicons(tree):
    assert code_versions(tree) == code_versions(tree)
    assert tree / LEXICON in stage_files("events", tree)
    assert tree / "pipelines/temporal/lexicon.yaml" in stage_files("article_dates", tree)
    assert not any("furniture" in p.name for p in stage_files("events", tree))


def test_editing_a_lexicon_entry_changes_only_dependent_versions(tree):
    before = code_versions(tree)
    edit_one_entry(tree)
    after = code_versions(tree)
    changed = {stage for stage in before if before[stage] != after[stage]}
    assert "events" in changed
    assert not changed & {"raw_articles", "clean_articles", "analyses", "article_dates"}


def _stale(instance, defs) -> set[str]:
    resolver = get_stale_status_resolver(instance, list(defs.assets))
    out = set()
    for a in defs.assets:
        for key in a.keys:
            if resolver.get_status(key, DAY if a.partitions_def else None) == StaleStatus.STALE:
                out.add(key.to_user_string())
    return out


def _materialize(defs, instance, names: set[str]) -> None:
    daily = [k for a in defs.assets if a.partitions_def for k in a.keys if k.to_user_string() in names]
    if daily:
        assert dg.materialize(list(defs.assets), selection=daily, partition_key=DAY, instance=instance,
                              resources=defs.resources).success
    if "charts" in names:
        assert dg.materialize(list(defs.assets), selection=["charts"], instance=instance,
                              resources=defs.resources).success


def _counts(instance, defs) -> dict[str, int]:
    return {k.to_user_string(): len(instance.fetch_materializations(k, limit=100).records)
            for a in defs.assets for k in a.keys}


def test_rematerialising_after_a_lexicon_edit_recomputes_only_stale_assets(
        tree, landing, warehouse_path, instance, monkeypatch):
    defs = build_defs(versions=code_versions(tree), landing_dir=str(landing), warehouse_path=str(warehouse_path))
    _materialize(defs, instance, {k.to_user_string() for a in defs.assets for k in a.keys})
    assert _stale(instance, defs) == set()
    # a day re-loaded with the same data leaves the charts fresh (same chart rows, same version)
    _materialize(defs, instance, {"warehouse"})
    assert _stale(instance, defs) == set()
    first = _counts(instance, defs)

    edit_one_entry(tree)
    # The edit lowers a weight; model its effect on this fixture as one more event per article, so
    # the change must travel on to the warehouse.
    import pipelines.process as process  # the assets' stage functions
    real = process.extract_events

    def extract_with_edit(clean, sentences, dates):
        text = clean.article.text
        end = text.index(" ")
        return [*real(clean, sentences, dates), Event(clean.article_id, 0, "PROTEST", Span(text[:end], 0, end))]

    monkeypatch.setattr(process, "extract_events", extract_with_edit)
    defs = build_defs(versions=code_versions(tree), landing_dir=str(landing), warehouse_path=str(warehouse_path))
    assert _stale(instance, defs) == {"events"}

    rounds = []
    while stale := _stale(instance, defs):  # what "materialise stale" does, one layer at a time
        rounds.append(stale)
        _materialize(defs, instance, stale)
        assert len(rounds) < 5
    # `charts` follows the warehouse through `warehouse_snapshot`'s data version (the chart rows).
    assert rounds == [{"events"}, {"warehouse"}, {"charts"}]

    second = _counts(instance, defs)
    recomputed = {k for k in second if second[k] != first[k]}
    assert recomputed == {"events", "warehouse", "charts"}
    assert all(second[k] == first[k] + 1 for k in recomputed)


def _fake_stanza_models(folder: Path) -> Path:
    """The layout `describe_choice` accepts as the official models (contents are not loaded here)."""
    (folder / "ar").mkdir(parents=True)
    (folder / "resources.json").write_text('{"ar": {"default_processors": {}}}', encoding="utf-8")
    for processor in ("tokenize", "mwt", "pos", "lemma", "depparse"):
        (folder / "ar" / processor).mkdir()
        (folder / "ar" / processor / "padt.pt").write_bytes(b"weights")
    return folder


def test_the_active_analyzer_is_part_of_the_analyses_version(tree, tmp_path, monkeypatch):
    monkeypatch.delenv("MARSAD_STANZA_DIR", raising=False)
    offline = analyzer_identity()
    assert offline.startswith("offline:") and analyzer_identity() == offline
    models = _fake_stanza_models(tmp_path / "stanza")
    monkeypatch.setenv("MARSAD_STANZA_DIR", str(models))
    stanza = analyzer_identity()
    assert stanza.startswith("stanza:")
    (models / "ar" / "pos" / "padt.pt").write_bytes(b"retrained weights")  # a replaced model
    assert analyzer_identity() != stanza

    base = code_versions(tree, analyzer=offline)
    other = code_versions(tree, analyzer=stanza)
    assert {k for k in base if base[k] != other[k]} == {"analyses"}
