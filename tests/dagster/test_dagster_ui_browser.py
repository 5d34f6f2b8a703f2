"""The UI works in a real browser: the demo's load into an instance, `dagster dev` on it (free port),
a run launched through GraphQL, then the asset pages loaded in headless Chromium (DOM checked,
screenshots kept under test-output/ for CI): the demo days shown materialised, the chart shown."""
from __future__ import annotations

import base64
import json
import os
import re
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

import dagster as dg

from assets.demo import materialize_all
from tests.dagster.landing_fixture import DAYS, INGEST_DAY, write_landing

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
    landing, warehouse = write_landing(tmp_path / "landing"), tmp_path / "data" / "warehouse.duckdb"
    with dg.DagsterInstance.from_config(str(home)) as instance:  # what `make demo` leaves behind
        assert all(r.success for r in materialize_all(str(landing), str(warehouse), instance, log=lambda *_: None))
    port = free_port()
    env = {**os.environ, "DAGSTER_HOME": str(home),
           "MARSAD_LANDING_DIR": str(landing),
           "MARSAD_WAREHOUSE": str(warehouse),
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


def visible_text(dom: str) -> str:
    dom = re.sub(r"<(script|style)\b.*?</\1>", " ", dom, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dom))


def test_ui_shows_the_demo_days_materialised_and_the_charts(dagster_dev, tmp_path):
    base = dagster_dev
    gql(base, "mutation { setNuxSeen }")
    profile = tmp_path / "chromium"
    OUTPUT.mkdir(parents=True, exist_ok=True)
    days = len({*DAYS, INGEST_DAY})

    # the partitions are the demo's days, every one materialised
    page = chromium(f"{base}/assets/warehouse?view=partitions", profile, "--dump-dom")
    text = visible_text(page.stdout)
    assert f"{days} Partitions" in text and f"Materialized ({days})" in text and "Missing (0)" in text, text[:2000]
    for name in ("partitions", "asset_graph_after_demo"):
        (OUTPUT / f"{name}.png").unlink(missing_ok=True)
    chromium(f"{base}/assets/warehouse?view=partitions", profile, f"--screenshot={OUTPUT / 'partitions.png'}")
    group = f"{base}/locations/marsad/asset-groups/process"
    chromium(group, profile, f"--screenshot={OUTPUT / 'asset_graph_after_demo.png'}")
    graph = visible_text(chromium(group, profile, "--dump-dom").stdout)
    # each node of the group: "Partitions 100% filled … 3 partitions" (before: "0% filled" of 6,185)
    assert graph.count("Partitions 100% filled") == 4 and graph.count(f"{days} partitions") >= 4, graph[:2000]

    # the charts: the tables inline, each chart behind its "[Show Markdown]" (Dagster folds markdown
    # longer than 1,000 characters): clicked, the PNG must load in the page
    shot = OUTPUT / "charts.png"
    shot.unlink(missing_ok=True)
    with DevTools(profile.with_name("chromium-devtools")) as browser:
        browser.open(f"{base}/assets/charts")
        assert browser.wait("document.body.innerText.includes('monthly_events_table')")
        assert browser.wait("document.body.innerText.includes('2024-03')")  # the trend table, inline
        assert browser.js(SHOW_CHART) == "clicked"
        widths = browser.wait(LOADED_CHART_IMAGES)
        assert widths and widths[0] >= 600, widths
        shot.write_bytes(browser.screenshot())
    assert shot.stat().st_size > 20_000


SHOW_CHART = """(() => {
  const row = [...document.querySelectorAll('tr')].find(r => r.textContent.startsWith('monthly_events')
                                                          && r.textContent.includes('[Show Markdown]'));
  const button = row && [...row.querySelectorAll('*')].find(e => e.children.length === 0
                                                             && e.textContent.trim() === '[Show Markdown]');
  if (!button) return 'no button';
  button.click();
  return 'clicked';
})()"""
LOADED_CHART_IMAGES = """[...document.querySelectorAll('img')]
  .filter(i => i.src.startsWith('data:image/png;base64,') && i.complete && i.naturalWidth > 0)
  .map(i => i.naturalWidth)"""


class DevTools:
    """Headless Chromium driven through the DevTools protocol (`websocket-client`), for what
    `--dump-dom` cannot do: click, then wait for an image to load."""

    def __init__(self, profile: Path):
        self.profile = profile
        self.port = free_port()
        self.next_id = 0

    def __enter__(self) -> "DevTools":
        websocket = pytest.importorskip("websocket")
        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
             "--disable-background-networking", "--disable-component-update", f"--user-data-dir={self.profile}",
             "--window-size=1400,900", f"--remote-debugging-port={self.port}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.time() + 60
        while True:
            try:
                targets = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json", timeout=5).read())
                page = next(t for t in targets if t["type"] == "page")
                break
            except (urllib.error.URLError, ConnectionError, StopIteration):
                assert time.time() < deadline and self.proc.poll() is None, "chromium did not start"
                time.sleep(0.2)
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60, suppress_origin=True)
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)

    def call(self, method: str, **params) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                assert "error" not in message, message
                return message["result"]

    def js(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def wait(self, expression: str, timeout: float = 60):
        deadline = time.time() + timeout
        while not (value := self.js(expression)) and time.time() < deadline:
            time.sleep(0.25)
        return value

    def open(self, url: str) -> None:
        self.call("Page.navigate", url=url)

    def screenshot(self) -> bytes:
        return base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])
