"""Integration: materialise every asset on a small landing folder into a temporary DuckDB."""
from __future__ import annotations

import base64

import dagster as dg
import duckdb
import pytest

from tests.dagster.landing_fixture import DAYS, INGEST_DAY, RECORDS, write_landing

from assets.definitions import build_defs
from assets.demo import materialize_all
from assets.partitions import PARTITIONS_NAME
from pipelines.ingest import read_landing
from pipelines.nlp import get_analyzer
from pipelines.process import process_articles

ALL_DAYS = (*DAYS, INGEST_DAY)
pytestmark = pytest.mark.xdist_group(name="dagster_assets")  # one worker materialises once for all


def _rows(db, sql):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """Materialise once for the module (each run costs seconds); tests only read."""
    tmp = tmp_path_factory.mktemp("assets")
    landing, warehouse_path = write_landing(tmp / "landing"), tmp / "data" / "warehouse.duckdb"
    (tmp / "home").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp / "home")) as instance:
        results = materialize_all(str(landing), str(warehouse_path), instance, log=lambda *_: None)
        yield results, landing, warehouse_path, instance


@pytest.fixture(scope="module")
def loaded(setup):
    return setup[0]


@pytest.fixture(scope="module")
def landing(setup):
    return setup[1]


@pytest.fixture(scope="module")
def warehouse_path(setup):
    return setup[2]


@pytest.fixture(scope="module")
def instance(setup):
    return setup[3]


def test_every_asset_materialises_and_tables_are_filled(loaded, landing, warehouse_path, instance):
    assert [r.success for r in loaded] == [True] * (len(ALL_DAYS) + 1)  # one run per day + charts
    defs = build_defs(landing_dir=str(landing), warehouse_path=str(warehouse_path))
    graph = defs.resolve_asset_graph()
    for key in graph.materializable_asset_keys:
        assert instance.get_latest_materialization_event(key) is not None, key
    # the read snapshot is observed by each load, versioned by what the charts read
    observed = instance.fetch_observations(dg.AssetKey("warehouse_snapshot"), limit=10).records
    assert len(observed) == len(ALL_DAYS)
    assert observed[0].asset_observation.tags["dagster/data_version"]

    articles = dict(_rows(warehouse_path, "SELECT article_id, partition_day::VARCHAR FROM articles"))
    assert articles["fx-strike"] == "2024-03-10"
    assert articles["fx-protest"] == "2024-03-11"
    assert articles["fx-undated"] == INGEST_DAY  # no publication date: the day its file landed
    assert len(articles) == len(RECORDS) + 1  # + the .txt page
    assert _rows(warehouse_path, "SELECT origin FROM quarantine") == [("broken.jsonl",)]
    n_sentences = _rows(warehouse_path, "SELECT count(*) FROM sentences")[0][0]
    assert n_sentences >= len(articles)


def test_the_partitions_are_the_loaded_days_all_materialised(loaded, instance):
    assert instance.get_dynamic_partitions(PARTITIONS_NAME) == sorted(ALL_DAYS)
    for name in ("raw_articles", "events", "warehouse"):
        assert instance.get_materialized_partitions(dg.AssetKey(name)) == set(ALL_DAYS), name


def test_charts_are_shown_on_the_asset_page(loaded, instance):
    meta = instance.get_latest_materialization_event(dg.AssetKey("charts")).asset_materialization.metadata
    for name in ("monthly_events", "casualties", "troop_movements"):
        image = meta[name].value
        prefix = f"![{name}](data:image/png;base64,"
        assert image.startswith(prefix) and image.endswith(")"), name
        assert base64.b64decode(image[len(prefix):-1]).startswith(b"\x89PNG"), name
        assert meta[f"{name}_table"].value.startswith("| month |"), name
    assert "| 2024-03 |" in meta["monthly_events_table"].value


def test_undated_articles_are_reported_in_metadata(loaded, instance):
    event = instance.get_latest_materialization_event(dg.AssetKey("raw_articles"))
    runs = {r.partition_key: r for r in instance.fetch_materializations(dg.AssetKey("raw_articles"), limit=10).records}
    meta = runs[INGEST_DAY].asset_materialization.metadata
    assert meta["undated_on_ingest_day"].value == 1
    assert "fx-undated" in meta["undated_note"].value
    assert runs["2024-03-10"].asset_materialization.metadata["undated_on_ingest_day"].value == 0
    assert event is not None


def test_blocking_checks_pass_on_good_data(loaded):
    evaluations = [c for r in loaded for c in r.get_asset_check_evaluations()]
    by_name = {}
    for c in evaluations:
        by_name.setdefault(c.check_name, []).append(c.passed)
    for name in ("event_types", "evidence_offsets", "dates_not_future", "quantities_plausible", "schema", "no_orphans"):
        assert by_name[name] and all(by_name[name]), name
    # the fixture files are dated 2024: the freshness check warns (it does not block)
    assert by_name["landing_fresh"] and not any(by_name["landing_fresh"])


def test_assets_give_the_same_events_as_process_articles(loaded, landing, warehouse_path):
    """The assets chain the same stage functions as `process_articles` (one way to process)."""
    expected = process_articles(read_landing(landing).articles, get_analyzer())
    want = sorted((r.article.article_id, e.event_type, e.trigger.start, e.trigger.end)
                  for r in expected for e in r.events)
    got = sorted(_rows(warehouse_path,
                       "SELECT article_id, event_type, trigger_start, trigger_end FROM event_mentions"))
    assert got == want


def test_rematerialising_a_day_changes_nothing(loaded, landing, warehouse_path, instance):
    tables = ("articles", "sentences", "event_mentions", "event_quantities", "events", "quarantine")
    before = {t: _rows(warehouse_path, f"SELECT count(*) FROM {t}")[0][0] for t in tables}
    defs = build_defs(landing_dir=str(landing), warehouse_path=str(warehouse_path))
    daily = [k for a in defs.assets if a.partitions_def is not None for k in a.keys]
    result = dg.materialize(list(defs.assets), selection=daily, partition_key="2024-03-11",
                            instance=instance, resources=defs.resources)
    assert result.success
    after = {t: _rows(warehouse_path, f"SELECT count(*) FROM {t}")[0][0] for t in tables}
    assert after == before
    # The day's sentences were analysed before: the NLP step is served from the cache.
    meta = result.asset_materializations_for_node("analyses")[0].metadata
    assert meta["nlp_cache_misses"].value == 0 and meta["nlp_cache_hits"].value > 0
    # The run owns the library's memos (the `caches` resource): their counts are in the metadata.
    caches = result.asset_materializations_for_node("events")[0].metadata["caches"].value
    assert caches["pipelines.text.normalize_with_offsets"]["misses"] > 0
