"""deploy/ configurations parse, name modules and classes that exist, and match the code.

No cluster runs here; these checks catch the usual breakages (a renamed module, a typo in a config
key, a launcher option that no longer exists, a publish query against a column that moved)."""
from __future__ import annotations

import importlib
import json
import importlib.util
import re
from pathlib import Path

import duckdb
import pytest
import yaml
from dagster._config import process_config
from dagster._core.instance.config import dagster_instance_config

from pipelines.warehouse import apply_migrations

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _validate_class_section(section: dict) -> None:
    """A `module/class/config` block: the class imports and accepts the config (module names as the
    instance reads them: `dagster.core.x` means `dagster._core.x`)."""
    from dagster._serdes.config_class import ConfigurableClassData

    module = ConfigurableClassData(section["module"], section["class"], "{}").module_name
    cls = getattr(importlib.import_module(module), section["class"])
    result = process_config(cls.config_type(), section.get("config") or {})
    assert result.success, [e.message for e in result.errors]


def test_docker_instance_config(monkeypatch):
    for var in ("MARSAD_PG_HOST", "MARSAD_PG_USER", "MARSAD_PG_PASSWORD", "MARSAD_PG_DAGSTER_DB"):
        monkeypatch.setenv(var, "dagster")
    monkeypatch.setenv("MARSAD_PG_PORT", "5432")
    config, _ = dagster_instance_config(str(DEPLOY / "docker"), "dagster.yaml")
    assert config["concurrency"]["pools"]["default_limit"] == 2
    for key in ("run_coordinator", "compute_logs", "local_artifact_storage"):
        _validate_class_section(config[key])
    if not (_installed("dagster_docker") and _installed("dagster_postgres")):
        pytest.skip("install the deploy extras (pip install -e '.[deploy]') to check the launcher and storage")
    _validate_class_section(config["run_launcher"])
    from dagster_postgres import DagsterPostgresStorage

    result = process_config(DagsterPostgresStorage.config_type(), config["storage"]["postgres"])
    assert result.success, [e.message for e in result.errors]


def test_docker_and_k8s_use_the_tested_scale_configuration():
    """deploy/local/dagster.yaml is what tests/scale runs; Docker and Kubernetes take the same."""
    tested = yaml.safe_load((DEPLOY / "local" / "dagster.yaml").read_text())
    docker = yaml.safe_load((DEPLOY / "docker" / "dagster.yaml").read_text())
    for key in ("storage", "run_coordinator", "concurrency"):
        assert docker[key] == tested[key], key
    compose = yaml.safe_load((DEPLOY / "docker" / "docker-compose.yaml").read_text())
    env = compose["x-marsad-env"]
    assert env["MARSAD_WAREHOUSE"].startswith("ducklake:postgres:") and env["MARSAD_LAKE_DATA_PATH"]
    values = yaml.safe_load((DEPLOY / "k8s" / "values.yaml").read_text())
    k8s_env = {e["name"]: e["value"] for e in values["dagster-user-deployments"]["deployments"][0]["env"]}
    assert k8s_env["MARSAD_WAREHOUSE"].startswith("ducklake:postgres:") and k8s_env["MARSAD_LAKE_DATA_PATH"]
    queued = values["dagsterDaemon"]["runCoordinator"]["config"]["queuedRunCoordinator"]
    assert queued["maxConcurrentRuns"] == tested["concurrency"]["runs"]["max_concurrent_runs"]


def test_docker_compose_runs_our_code_location():
    compose = yaml.safe_load((DEPLOY / "docker" / "docker-compose.yaml").read_text())
    workspace = yaml.safe_load((DEPLOY / "docker" / "workspace.yaml").read_text())
    services = compose["services"]
    code = services["code"]["command"]
    module = code[code.index("-m") + 1]
    assert importlib.util.find_spec(module) is not None
    grpc = workspace["load_from"][0]["grpc_server"]
    assert grpc["host"] == "code" and str(grpc["port"]) == code[code.index("-p") + 1]
    for name in ("webserver", "daemon"):
        assert "/opt/marsad/deploy/docker/workspace.yaml" in services[name]["command"]
    instance = yaml.safe_load((DEPLOY / "docker" / "dagster.yaml").read_text())
    launcher_volume = instance["run_launcher"]["config"]["container_kwargs"]["volumes"][0].split(":")[0]
    assert compose["volumes"][launcher_volume]["name"] == launcher_volume  # no compose project prefix
    assert instance["run_launcher"]["config"]["network"] == compose["networks"]["marsad"]["name"]


def test_dockerfile_copies_what_exists():
    text = (DEPLOY / "docker" / "Dockerfile").read_text()
    for src in re.findall(r"^COPY (\S+)", text, flags=re.M):
        assert (REPO / src).exists(), src


def test_helm_values_reference_real_modules(monkeypatch):
    values = yaml.safe_load((DEPLOY / "k8s" / "values.yaml").read_text())
    deployment = values["dagster-user-deployments"]["deployments"][0]
    args = deployment["dagsterApiGrpcArgs"]
    assert importlib.util.find_spec(args[args.index("-m") + 1]) is not None
    env = {e["name"]: e["value"] for e in deployment["env"]}
    assert env["MARSAD_EXECUTOR"] == "k8s"
    assert values["runLauncher"]["type"] == "K8sRunLauncher"
    claim = yaml.safe_load((DEPLOY / "k8s" / "pvc.yaml").read_text())["metadata"]["name"]
    assert deployment["volumes"][0]["persistentVolumeClaim"]["claimName"] == claim
    assert values["runLauncher"]["config"]["k8sRunLauncher"]["volumes"][0]["persistentVolumeClaim"]["claimName"] == claim
    if not _installed("dagster_k8s"):
        pytest.skip("install the deploy extras (pip install -e '.[deploy]') to check the k8s executor")
    import dagster_k8s
    from dagster_k8s.job import UserDefinedDagsterK8sConfig

    assert dagster_k8s.K8sRunLauncher
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    from assets.definitions import build_defs

    defs = build_defs()
    assert defs.resolve_job_def("marsad_job").executor_def.name == "k8s"
    analyses = next(a for a in defs.assets if "analyses" in {k.to_user_string() for k in a.keys})
    tag = analyses.op.tags["dagster-k8s/config"]
    config = UserDefinedDagsterK8sConfig.from_dict(json.loads(tag) if isinstance(tag, str) else tag)
    assert config.container_config["resources"]["requests"]["cpu"] == "2"


def test_ducklake_publish_sql_runs_against_the_schema(tmp_path):
    sql = (DEPLOY / "ducklake" / "publish.sql").read_text()
    statements = duckdb.extract_statements(sql)
    assert any("ducklake:" in str(s.query) for s in statements)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    apply_migrations(con)
    con.execute("INSERT INTO articles (article_id, partition_day, text, content_hash, n_sentences, n_mentions)"
                " VALUES ('a1', DATE '2024-03-10', 'نص', 'h', 1, 0)")
    # Without network the DuckLake extension cannot load: stand in an attached DuckDB for the lake.
    con.execute(f"ATTACH '{tmp_path / 'lake.duckdb'}' AS lake")
    for statement in statements:
        text = "\n".join(line for line in statement.query.splitlines() if not line.strip().startswith("--")).strip()
        if text.upper().startswith(("INSTALL", "ATTACH")):
            continue
        con.execute(text)
    assert con.execute("SELECT count(*) FROM lake.articles").fetchone()[0] == 1
