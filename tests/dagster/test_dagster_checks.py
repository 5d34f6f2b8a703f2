"""The asset checks catch what they claim to, and a failing blocking check stops the warehouse load."""
from __future__ import annotations

from datetime import date

import dagster as dg
import duckdb

from pipelines.warehouse import checks
from assets.definitions import build_defs
from assets.demo import run_summary
from tests.dagster.landing_fixture import DAYS, FIXTURE_PARTITIONS
from pipelines.process import ArticleResult
from pipelines.records import Article, CleanArticle, Event, Quantity, Region, Span, TemporalExpression
from pipelines.warehouse import apply_migrations

TEXT = "قتل 5 مدنيين في غارة على حلب يوم السبت."


def _result(*events: Event, published: date | None = date(2024, 3, 10)) -> ArticleResult:
    article = Article("a1", TEXT, published=published)
    return ArticleResult(CleanArticle(article, (Region(0, len(TEXT)),)), [], [], list(events))


def _event(**kw) -> Event:
    start = TEXT.index("قتل")
    base = dict(doc_id="a1", sentence_index=0, event_type="ASSAULT", trigger=Span("قتل", start, start + 3))
    base.update(kw)
    return Event(**base)


def _qty(value, role="killed", value_max=None) -> Quantity:
    s = TEXT.index("5")
    return Quantity("5", s, s + 1, value, value_max, role)


def test_good_event_passes_every_check():
    day = TEXT.index("يوم السبت")
    r = _result(_event(quantities=[_qty(5)],
                       date=TemporalExpression("يوم السبت", day, day + 9, "2024-03-09", "day", "relative")))
    for f in (checks.event_type_problems, checks.evidence_offset_problems, checks.future_date_problems,
              checks.quantity_problems):
        assert f([r]) == [], f.__name__


def test_event_without_plover_type_is_caught():
    assert checks.event_type_problems([_result(_event(event_type=""))])
    assert checks.event_type_problems([_result(_event(event_type="assault"))])


def test_offsets_outside_or_not_matching_the_text_are_caught():
    assert checks.evidence_offset_problems([_result(_event(trigger=Span("قتل", 500, 503)))])
    assert checks.evidence_offset_problems([_result(_event(trigger=Span("قتل", 1, 4)))])  # shifted by one
    bad_qty = Quantity("5", 0, 1, 5, None, "killed")
    assert checks.evidence_offset_problems([_result(_event(quantities=[bad_qty]))])[0]["field"] == "quantities[0]"


def test_future_dates_are_caught_unless_the_statement_is_about_the_future():
    later = TemporalExpression("", 0, 0, "2024-04", "month", "explicit")
    assert checks.future_date_problems([_result(_event(date=later))])
    assert not checks.future_date_problems([_result(_event(date=later, modality="future"))])
    next_day = TemporalExpression("", 0, 0, "2024-03-11", "day", "relative")  # time-zone slack
    assert not checks.future_date_problems([_result(_event(date=next_day))])
    assert not checks.future_date_problems([_result(_event(date=later), published=None)])


def test_implausible_quantities_are_caught():
    assert checks.quantity_problems([_result(_event(quantities=[_qty(-1)]))])
    assert checks.quantity_problems([_result(_event(quantities=[_qty(10, value_max=5)]))])
    assert checks.quantity_problems([_result(_event(quantities=[_qty(20_180_000)]))])  # digits run together
    assert not checks.quantity_problems([_result(_event(quantities=[_qty(500_000)]))])  # a war's toll


def test_schema_and_orphan_checks_on_a_warehouse():
    con = duckdb.connect(":memory:")
    apply_migrations(con)
    assert checks.schema_problems(con) == []
    assert checks.orphan_problems(con) == []
    con.execute("INSERT INTO sentences VALUES ('ghost', 0, 0, 4, 'نص')")
    orphans = checks.orphan_problems(con)
    assert orphans and orphans[0]["reference"] == "sentences.article_id -> articles.article_id"
    con.execute("ALTER TABLE articles DROP COLUMN abstract")
    assert {"table": "articles", "column": "abstract", "expected": "VARCHAR", "found": None} in checks.schema_problems(con)


def test_a_failing_blocking_check_stops_the_load(landing, warehouse_path, instance, monkeypatch):
    """Events with offsets outside their article must never reach the warehouse."""
    import pipelines.process as process  # the assets' stage functions

    def broken_extract(clean, sentences, dates):
        n = len(clean.article.text)
        return [Event(clean.article_id, 0, "ASSAULT", Span("x", n + 5, n + 6))]

    monkeypatch.setattr(process, "extract_events", broken_extract)
    defs = build_defs(landing_dir=str(landing), warehouse_path=str(warehouse_path))
    result = dg.materialize(list(defs.assets), selection=[k for a in defs.assets if a.partitions_def for k in a.keys],
                            partition_key=DAYS[0], instance=instance, resources=defs.resources,
                            raise_on_error=False)
    failed = {c.check_name for c in result.get_asset_check_evaluations() if not c.passed}
    assert "evidence_offsets" in failed
    assert instance.get_latest_materialization_event(dg.AssetKey("events")) is not None
    assert instance.get_latest_materialization_event(dg.AssetKey("warehouse")) is None
    assert not warehouse_path.exists()


def test_isolated_misreadings_warn_systematic_ones_block():
    assert not checks.is_systematic(1, 5)  # one misread date among five events: a warning
    assert not checks.is_systematic(3, 200)  # 1.5 %: isolated
    assert checks.is_systematic(3, 20)
    assert checks.is_systematic(40, 100)


def _future_dated(n):
    def extract(clean, sentences, dates):
        text = clean.article.text
        end = text.index(" ")
        future = TemporalExpression("", 0, 0, "2031-01", "month", "explicit")
        return [Event(clean.article_id, 0, "ASSAULT", Span(text[:end], 0, end), date=future) for _ in range(n)]
    return extract


def _materialize_day(landing, warehouse_path, instance):
    defs = build_defs(landing_dir=str(landing), warehouse_path=str(warehouse_path))
    daily = [k for a in defs.assets if a.partitions_def for k in a.keys]
    return dg.materialize(list(defs.assets), selection=daily, partition_key=DAYS[0], instance=instance,
                          resources=defs.resources, raise_on_error=False)


def test_one_misdated_event_is_reported_but_the_day_loads(landing, warehouse_path, instance, monkeypatch):
    import pipelines.process as process  # the assets' stage functions

    monkeypatch.setattr(process, "extract_events", _future_dated(1))
    result = _materialize_day(landing, warehouse_path, instance)
    check = next(c for c in result.get_asset_check_evaluations() if c.check_name == "dates_not_future")
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    assert result.success and instance.get_latest_materialization_event(dg.AssetKey("warehouse"))
    summary = run_summary(result)  # what `make demo` prints for the day
    assert summary.startswith("ok, ") and "events.dates_not_future (1 problem)" in summary


def test_each_check_execution_is_one_row_with_its_day(landing, warehouse_path, instance):
    assert _materialize_day(landing, warehouse_path, instance).success
    key = dg.AssetCheckKey(dg.AssetKey("events"), "event_types")
    history = instance.event_log_storage.get_asset_check_execution_history(key, limit=10)
    assert [(h.partition, h.status.value) for h in history] == [(DAYS[0], "SUCCEEDED")]


def test_systematically_misdated_events_block_the_load(landing, warehouse_path, instance, monkeypatch):
    import pipelines.process as process  # the assets' stage functions

    monkeypatch.setattr(process, "extract_events", _future_dated(3))
    result = _materialize_day(landing, warehouse_path, instance)
    check = next(c for c in result.get_asset_check_evaluations() if c.check_name == "dates_not_future")
    assert not check.passed and check.severity == dg.AssetCheckSeverity.ERROR
    assert instance.get_latest_materialization_event(dg.AssetKey("warehouse")) is None


def test_a_range_run_records_each_check_once_per_day_and_still_blocks(landing, warehouse_path, instance, monkeypatch):
    """A backfill's run over several days: each day gets its own check row (none without a day, none
    left "planned"), and a failed blocking check still stops the load."""
    import pipelines.process as process  # the assets' stage functions

    monkeypatch.setattr(process, "extract_events", _future_dated(3))  # systematic on the days with articles
    defs = build_defs(landing_dir=str(landing), warehouse_path=str(warehouse_path))
    daily = [k for a in defs.assets if a.partitions_def for k in a.keys]
    result = dg.materialize(list(defs.assets), selection=daily, instance=instance, resources=defs.resources,
                            tags={"dagster/asset_partition_range_start": FIXTURE_PARTITIONS[0],
                                  "dagster/asset_partition_range_end": FIXTURE_PARTITIONS[-1]},
                            raise_on_error=False)
    assert not result.success
    history = instance.event_log_storage.get_asset_check_execution_history(
        dg.AssetCheckKey(dg.AssetKey("events"), "dates_not_future"), limit=20)
    status = {h.partition: h.status.value for h in history}
    # 03-12 has no article, 03-13 only the undated one (no publication date to be later than)
    assert status == {"2024-03-10": "FAILED", "2024-03-11": "FAILED", "2024-03-12": "SUCCEEDED",
                      "2024-03-13": "SUCCEEDED"}
    assert instance.get_latest_materialization_event(dg.AssetKey("warehouse")) is None
