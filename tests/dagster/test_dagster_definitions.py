"""The code location loads as `dagster dev` and CI load it, with the assets, checks and automation."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import yaml

from assets.definitions import build_defs

REPO = Path(__file__).resolve().parents[2]
EXPECTED_ASSETS = {"raw_articles", "quarantine", "clean_articles", "analyses", "article_dates", "events",
                   "warehouse", "charts", "warehouse_snapshot"}
UNPARTITIONED = {"charts", "warehouse_snapshot"}  # the snapshot is observed, not materialised


def test_dagster_definitions_validate(tmp_path):
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    dagster = Path(sys.executable).parent / "dagster"
    proc = subprocess.run([str(dagster), "definitions", "validate", "-w", "workspace.yaml"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Validation successful for code location marsad" in proc.stdout + proc.stderr


def test_workspace_and_instance_config_point_at_the_code():
    workspace = yaml.safe_load((REPO / "workspace.yaml").read_text())
    assert workspace["load_from"][0]["python_module"]["module_name"] == "assets.definitions"
    instance = yaml.safe_load((REPO / "dagster.yaml").read_text())
    assert instance["concurrency"]["pools"]["default_limit"] == 1


def test_assets_checks_pools_and_retries():
    defs = build_defs()
    graph = defs.resolve_asset_graph()
    assert {k.to_user_string() for k in graph.get_all_asset_keys()} == EXPECTED_ASSETS
    checks = {(c.asset_key.to_user_string(), c.name): c for a in defs.assets for c in a.check_specs}
    blocking = {k for k, c in checks.items() if c.blocking}
    assert blocking == {("events", "event_types"), ("events", "evidence_offsets"), ("events", "dates_not_future"),
                        ("events", "quantities_plausible"), ("warehouse", "schema"), ("warehouse", "no_orphans")}
    assert ("raw_articles", "landing_fresh") in checks
    by_key = {k.to_user_string(): a for a in defs.assets for k in a.keys}
    assert by_key["warehouse"].op.pool == "duckdb_warehouse"
    assert by_key["warehouse"].op.retry_policy.max_retries >= 1
    assert by_key["warehouse"].op.retry_policy.backoff == dg.Backoff.EXPONENTIAL
    for name in EXPECTED_ASSETS - UNPARTITIONED:
        assert by_key[name].partitions_def is not None, name
    for name in EXPECTED_ASSETS - {"warehouse_snapshot"}:
        assert by_key[name].code_versions_by_key[dg.AssetKey(name)], name
    assert by_key["warehouse_snapshot"].is_observable
    assert dg.AssetKey("warehouse_snapshot") in {d.asset_key for d in by_key["charts"].specs_by_key[dg.AssetKey("charts")].deps}
    job = defs.resolve_job_def("marsad_job")
    assert job.executor_def.name == "multiprocess"
