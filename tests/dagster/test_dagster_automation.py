"""The landing sensor launches one run per affected day, never twice, and the daily schedule."""
from __future__ import annotations

import json
import os
from datetime import datetime, timezone

import dagster as dg

from assets.automation import daily_schedule, decode_cursor, landing_sensor
from assets.definitions import build_defs
from assets.demo import materialize_all
from assets.partitions import PARTITIONS_NAME
from assets.resources import LandingFolder, Warehouse
from tests.dagster.landing_fixture import DAYS, INGEST_DAY, INGEST_MTIME, RECORDS


def tick(landing, instance, cursor=None, warehouse=None):
    """One sensor evaluation, applied as the daemon applies it: the days it registers become
    partitions. Returns ({day: run key}, new cursor)."""
    ctx = dg.build_sensor_context(instance=instance, cursor=cursor, resources={
        "landing": LandingFolder(path=str(landing)),
        "duckdb_warehouse": Warehouse(path=str(warehouse or landing.parent / "no-warehouse.duckdb"))})
    result = landing_sensor(ctx)
    assert isinstance(result, dg.SensorResult)
    for request in result.dynamic_partitions_requests or []:
        instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
    requests = list(result.run_requests or [])
    return {r.partition_key: r.run_key for r in requests}, result.cursor


def test_first_tick_requests_every_day_once(landing, instance):
    runs, cursor = tick(landing, instance)
    assert sorted(runs) == sorted({*DAYS, INGEST_DAY})
    assert len(set(runs.values())) == len(runs)  # one distinct run key per day
    again, cursor2 = tick(landing, instance, cursor)
    assert again == {} and cursor2 == cursor  # nothing changed: nothing to run


def test_run_keys_are_deterministic_so_a_lost_cursor_cannot_double_run(landing, instance):
    first, _ = tick(landing, instance)
    replay, _ = tick(landing, instance)  # same files, cursor lost: same keys, Dagster dedups them
    assert replay == first


def test_only_days_of_changed_files_are_requested(landing, instance):
    _, cursor = tick(landing, instance)
    new = landing / "late.jsonl"
    new.write_text(json.dumps({"id": "late", "published": "2024-03-10", "text": RECORDS[0]["text"] + " وتواصل القصف."},
                              ensure_ascii=False) + "\n", encoding="utf-8")
    runs, cursor = tick(landing, instance, cursor)
    assert sorted(runs) == ["2024-03-10"]

    # rewriting a file re-runs the days it fed before and feeds now (a moved article leaves its old day)
    page = landing / "reports.jsonl"
    page.write_text(json.dumps({**RECORDS[1], "published": "2024-03-12"}, ensure_ascii=False) + "\n", encoding="utf-8")
    runs, cursor = tick(landing, instance, cursor)
    assert sorted(runs) == ["2024-03-10", "2024-03-11", "2024-03-12"]

    # deleting a file re-runs its days so their warehouse rows go
    (landing / "undated.jsonl").unlink()
    runs, cursor = tick(landing, instance, cursor)
    assert sorted(runs) == [INGEST_DAY]
    assert "undated.jsonl" not in decode_cursor(cursor)


def test_files_still_being_written_wait_for_the_next_tick(landing, instance):
    _, cursor = tick(landing, instance)
    part = landing / "incoming.jsonl.part"
    part.write_text("{", encoding="utf-8")
    runs, cursor = tick(landing, instance, cursor)
    assert runs == {}
    assert "incoming.jsonl.part" not in decode_cursor(cursor)


def test_sensor_and_schedule_default_to_stopped_and_target_the_job():
    defs = build_defs()
    assert defs.resolve_sensor_def("landing_sensor").default_status == dg.DefaultSensorStatus.STOPPED
    assert defs.resolve_schedule_def("daily_schedule").default_status == dg.DefaultScheduleStatus.STOPPED
    assert defs.resolve_sensor_def("landing_sensor").job_name == "marsad_day_job"
    assert defs.resolve_schedule_def("daily_schedule").job_name == "marsad_day_job"
    assert defs.resolve_job_def("marsad_day_job").executor_def.name == "in_process"


def test_schedule_requests_yesterday_when_it_holds_data(instance):
    ctx = dg.build_schedule_context(instance=instance,
                                    scheduled_execution_time=datetime(2024, 3, 12, 2, 0, tzinfo=timezone.utc))
    request = daily_schedule(ctx)
    assert request.partition_key == "2024-03-11"
    assert request.run_key == "daily:2024-03-11"
    empty = dg.build_schedule_context(instance=instance,
                                      scheduled_execution_time=datetime(2024, 3, 2, 2, 0, tzinfo=timezone.utc))
    assert isinstance(daily_schedule(empty), dg.SkipReason)  # 2024-03-01 never received a file


def test_new_days_become_partitions(landing, tmp_path):
    (tmp_path / "fresh").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "fresh")) as fresh:
        tick(landing, fresh)
        assert fresh.get_dynamic_partitions(PARTITIONS_NAME) == sorted({*DAYS, INGEST_DAY})


def test_after_the_demo_load_the_sensor_waits_for_new_content(landing, warehouse_path, tmp_path):
    """`make demo` then the sensor turned on: its first tick has no cursor, yet launches nothing,
    because the warehouse already holds every file's content; a new file is then one run."""
    (tmp_path / "demo-home").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "demo-home")) as instance:
        results = materialize_all(str(landing), str(warehouse_path), instance, log=lambda *_: None)
        assert results and all(r.success for r in results)

        runs, cursor = tick(landing, instance, warehouse=warehouse_path)
        assert runs == {}
        assert set(decode_cursor(cursor)) == {"reports.jsonl", "undated.jsonl", "2024-03-11-us-deployment.txt",
                                              "broken.jsonl"}
        # touched, not changed: the cursor sees a new mtime, the warehouse the same content
        os.utime(landing / "reports.jsonl")
        runs, cursor = tick(landing, instance, cursor, warehouse=warehouse_path)
        assert runs == {}

        (landing / "late.jsonl").write_text(json.dumps(
            {"id": "late", "published": "2024-03-11", "text": RECORDS[1]["text"] + " وتجددت المظاهرات."},
            ensure_ascii=False) + "\n", encoding="utf-8")
        runs, cursor = tick(landing, instance, cursor, warehouse=warehouse_path)
        assert list(runs) == ["2024-03-11"]
        assert tick(landing, instance, cursor, warehouse=warehouse_path)[0] == {}

        # a file the demo loaded is withdrawn: its day is re-run so its rows go
        (landing / "undated.jsonl").unlink()
        runs, cursor = tick(landing, instance, cursor, warehouse=warehouse_path)
        assert list(runs) == [INGEST_DAY]


def test_ingest_day_comes_from_the_file_time(landing):
    assert os.stat(landing / "undated.jsonl").st_mtime == INGEST_MTIME


def test_a_tick_parses_only_new_or_changed_files(landing, instance, monkeypatch):
    import assets.automation as automation

    read: list[str] = []
    real = automation.read_file

    def spy(path, landing_dir, settings):
        read.append(str(path))
        return real(path, landing_dir, settings)

    monkeypatch.setattr(automation, "read_file", spy)
    _, cursor = tick(landing, instance)
    assert sorted(read) == sorted(automation.file_fingerprints(landing))  # first tick: every file once
    read.clear()
    (landing / "late.jsonl").write_text(
        json.dumps({"id": "late", "published": "2024-03-11", "text": RECORDS[1]["text"] + " وتجددت المظاهرات."},
                   ensure_ascii=False) + "\n", encoding="utf-8")
    runs, cursor = tick(landing, instance, cursor)
    assert read == ["late.jsonl"] and sorted(runs) == ["2024-03-11"]
    read.clear()
    assert tick(landing, instance, cursor)[0] == {} and read == []  # nothing changed: nothing parsed
