"""`make demo` (python -m assets.demo): every sample article into a warehouse, then the summary table."""
from __future__ import annotations

import os
import subprocess
import sys

import duckdb

from pipelines.ingest import read_landing


def test_demo_materialises_the_samples_and_prints_events_by_type_and_month(repo_dir, samples_dir, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    env = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "MARSAD_LANDING_DIR", "MARSAD_WAREHOUSE")}
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
