"""`make demo` (python -m assets.demo): every sample article into a warehouse, then the summary table."""
from __future__ import annotations

import os
import subprocess
import sys

import dagster as dg
import duckdb

from assets.automation import landing_sensor
from assets.partitions import PARTITIONS_NAME
from assets.resources import LandingFolder, Warehouse

from pipelines.ingest import read_landing


def test_demo_materialises_the_samples_and_prints_events_by_type_and_month(repo_dir, samples_dir, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    home = tmp_path / "dagster_home"  # as `make demo` does: the runs go into an instance `make ui` shows
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("MARSAD_LANDING_DIR", "MARSAD_WAREHOUSE")}
    env["DAGSTER_HOME"] = str(home)
    proc = subprocess.run([sys.executable, "-m", "assets.demo", "--warehouse", str(warehouse)],
                          cwd=repo_dir, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "Events by type and month:" in proc.stdout
    assert "FAILED" not in proc.stdout

    expected = read_landing(samples_dir).articles
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == len(expected)
        n_events = con.execute("SELECT count(*) FROM events").fetchone()[0]
        table_total = con.execute("SELECT coalesce(sum(n_events), 0) FROM monthly_events_by_type_country").fetchone()[0]
    finally:
        con.close()
    assert table_total == n_events
    if n_events:
        assert "event_type" in proc.stdout and "month" in proc.stdout

    # The UI shows exactly the sample days, all materialised; the sensor, turned on now, has nothing to do.
    with dg.DagsterInstance.from_config(str(home)) as instance:
        days = instance.get_dynamic_partitions(PARTITIONS_NAME)
        assert len(days) == len({a.published for a in expected if a.published}) and days == sorted(days)
        done = instance.get_materialized_partitions(dg.AssetKey("warehouse"))
        assert done == set(days)
        ctx = dg.build_sensor_context(instance=instance, resources={
            "landing": LandingFolder(path=str(samples_dir)), "duckdb_warehouse": Warehouse(path=str(warehouse))})
        result = landing_sensor(ctx)
        assert not result.run_requests and not result.dynamic_partitions_requests
    for line in proc.stdout.splitlines():  # per-day lines: "ok", "ok, N warnings: …" or "FAILED"
        if line.startswith("  20"):
            assert ": ok" in line, line
