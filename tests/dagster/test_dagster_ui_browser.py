"""The UI works in a real browser: `dagster dev` on a free port, a run launched through GraphQL,
then the asset pages loaded in headless Chromium (DOM checked, screenshot kept for CI)."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from landing_fixture import DAYS, write_landing

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
OUTPUT = Path(os.environ.get("MARSAD_TEST_OUTPUT", REPO / "test-output"))
GRAPH_ASSETS = ("raw_articles", "clean_articles", "analyses", "article_dates", "events", "warehouse")

LAUNCH = """
mutation Launch($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on InvalidSubsetError { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}"""
STATUS = "query Status($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }"
LATEST = """
query Latest { assetOrError(assetKey: {path: ["warehouse"]}) {
  ... on Asset { assetMaterializations(limit: 1) { partition runId } } } }"""

pytestmark = [pytest.mark.slow, pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gql(base: str, query: str, variables: dict | None = None) -> dict:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    req = urllib.request.Request(f"{base}/graphql", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        out = json.loads(resp.read())
    assert "errors" not in out, out
    return out["data"]


def chromium(url: str, profile: Path, *action: str) -> subprocess.CompletedProcess:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--window-size=1400,900", "--virtual-time-budget=45000"]
    return subprocess.run([CHROMIUM, *flags, *action, url], capture_output=True, text=True, timeout=180)


@pytest.fixture
def dagster_dev(tmp_path):
    """`dagster dev` with a temporary DAGSTER_HOME and the fixture landing folder; stopped after."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    port = free_port()
    env = {**os.environ, "DAGSTER_HOME": str(home),
           "MARSAD_LANDING_DIR": str(write_landing(tmp_path / "landing")),
           "MARSAD_WAREHOUSE": str(tmp_path / "data" / "warehouse.duckdb"),
           # The UI is what this test is about: steps run inside the launched run's process. The
           # multiprocess executor is covered by the backfill test.
           "MARSAD_EXECUTOR": "in_process"}
    log = open(tmp_path / "dagster_dev.log", "w")
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "dagster"), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 180
        while True:
            assert proc.poll() is None, (tmp_path / "dagster_dev.log").read_text()[-3000:]
            try:
                urllib.request.urlopen(f"{base}/server_info", timeout=5).read()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert time.time() < deadline, "dagster dev did not start in 180 s"
                time.sleep(0.25)
        yield base
    finally:
        proc.send_signal(signal.SIGINT)  # what Ctrl-C does: lets dagster dev stop its children
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # the process group this fixture started
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)
        log.close()


def test_ui_materialises_and_renders_the_asset_graph(dagster_dev, tmp_path):
    base = dagster_dev
    day = DAYS[0]
    params = {"selector": {"repositoryLocationName": "marsad", "repositoryName": "__repository__",
                           "jobName": "marsad_job"},
              "executionMetadata": {"tags": [{"key": "dagster/partition", "value": day}]}}
    launched = gql(base, LAUNCH, {"params": params})["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    run_id = launched["run"]["runId"]

    deadline = time.time() + 300
    status = None
    while time.time() < deadline:
        status = gql(base, STATUS, {"id": run_id})["runOrError"]["status"]
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            break
        time.sleep(0.25)
    assert status == "SUCCESS", (tmp_path / "dagster_dev.log").read_text()[-3000:]
    latest = gql(base, LATEST)["assetOrError"]["assetMaterializations"]
    assert latest and latest[0]["runId"] == run_id and latest[0]["partition"] == day

    gql(base, "mutation { setNuxSeen }")  # the first-visit newsletter dialog would cover the graph
    profile = tmp_path / "chromium"
    page = chromium(f"{base}/assets/events?view=lineage", profile, "--dump-dom")
    assert page.returncode == 0, page.stderr[-2000:]
    for name in ("events", "analyses", "article_dates", "clean_articles", "warehouse"):
        assert name in page.stdout, name

    group = chromium(f"{base}/locations/marsad/asset-groups/process", profile, "--dump-dom")
    for name in GRAPH_ASSETS:
        assert f">{name}<" in group.stdout, name  # rendered as node labels, not just in a script

    OUTPUT.mkdir(parents=True, exist_ok=True)
    shot = OUTPUT / "asset_graph.png"
    shot.unlink(missing_ok=True)
    chromium(f"{base}/locations/marsad/asset-groups/process", profile, f"--screenshot={shot}")
    assert shot.exists() and shot.stat().st_size > 20_000  # a blank page is a few kB
