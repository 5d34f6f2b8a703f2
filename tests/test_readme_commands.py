"""Every command in the README's fenced `bash` blocks runs as written (README, "Commands in this README").

The rule: each non-blank line of a ```bash (or ```sh) block is one command, run in README order from
the repository folder in a plain shell (bash strips a trailing `# ...` comment). A command whose
comment starts with `long-running:` (a server, the whole suite) is dry-run only (`make -n`): it must
still name a real target. Other fenced blocks and inline code are not commands.

`make ui` is also started for real (on a free port) until it serves, and must log no warning.

The commands run in a git copy of the repository's files (uncommitted edits and new files included,
as a fresh clone of them), with a two-article landing folder, no DAGSTER_HOME and `.venv/bin` not on
PATH. The copy shares this checkout's installed venv: its install stamp must be up to date, and the
copy's `pyproject.toml` and `requirements.lock` are made older than the stamp, so `make` never
reinstalls anything. Afterwards
`git status` in the copy must be clean: every file the commands wrote is git-ignored.
"""
from __future__ import annotations

import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LONG_RUNNING = re.compile(r"\s#\s*long-running:")
_BLOCK = re.compile(r"^```(?:bash|sh)[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)
NESTED = "MARSAD_README_TEST"  # set for the commands: a suite they start skips this test
LANDING = ("2024-09-19-levant-coalition-iraq.txt", "2024-04-17-jordan-border-deployment.txt")


def readme_commands(text: str) -> list[tuple[str, bool]]:
    """(command, long_running) for each command line of the fenced bash/sh blocks, in order."""
    out = []
    for block in _BLOCK.findall(text):
        for line in block.splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                out.append((line.strip(), bool(LONG_RUNNING.search(line))))
    return out


def test_the_rule_reads_blocks_and_markers():
    text = ("intro `marsad x`\n```bash\nmake demo   # note\n\n# a comment\nmake ui  # long-running: server\n```\n"
            "```\nnot a command\n```\n```sh\n.venv/bin/marsad sql \"SELECT 1\"\n```\n")
    assert readme_commands(text) == [("make demo   # note", False), ("make ui  # long-running: server", True),
                                     ('.venv/bin/marsad sql "SELECT 1"', False)]


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=cwd, check=True,
                          capture_output=True, text=True).stdout


def _copy_checkout(dst: Path) -> None:
    files = _git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for rel in filter(None, files):
        src = REPO / rel
        if src.is_file() and not src.is_symlink():
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst / rel)


@pytest.fixture
def clone(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """(git copy of the checkout, plain environment for its commands); skips without an installed venv."""
    if os.environ.get(NESTED):
        pytest.skip("already inside a README run (a command ran the suite): no recursion")
    venv = (REPO / ".venv").resolve()
    stamp = venv / ".installed"
    if not (venv / "bin" / "marsad").exists() or not stamp.exists():
        pytest.skip("no installed .venv (run `make install` first); this test never installs")
    repo = tmp_path / "clone"
    repo.mkdir()
    _copy_checkout(repo)
    (repo / ".venv").symlink_to(venv)
    for installed_from in ("pyproject.toml", "requirements.lock"):  # older than the venv's install stamp
        os.utime(repo / installed_from, (1, 1))
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "copy")
    landing = tmp_path / "landing"
    landing.mkdir()
    for name in LANDING:
        shutil.copy2(REPO / "samples" / name, landing / name)

    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": os.environ.get("HOME", str(tmp_path)),  # the gazetteer index cache lives outside the repo
        "LANG": "C.UTF-8",
        "MARSAD_LANDING_DIR": str(landing),
        # a fresh clone's editable install points at the clone; this shared venv's points elsewhere
        "PYTHONPATH": str(repo),
        NESTED: "1",
    }
    for key in ("MARSAD_CACHE_DIR", "MARSAD_SHARED_DIR"):
        if key in os.environ:
            env[key] = os.environ[key]
    return repo, env


@pytest.mark.slow
def test_every_readme_command_runs_as_written(clone):
    repo, env = clone
    commands = readme_commands((REPO / "README.md").read_text(encoding="utf-8"))
    assert len(commands) >= 6, commands

    ran = []
    for command, long_running in commands:
        argv = command
        if long_running:
            assert command.startswith("make "), f"only make targets may be marked long-running: {command}"
            argv = "make -n " + command[len("make "):]
        done = subprocess.run(["bash", "-c", argv], cwd=repo, env=env, capture_output=True, text=True,
                              timeout=900)
        assert done.returncode == 0, f"{argv!r} exited {done.returncode}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        assert "Traceback" not in done.stderr, done.stderr[-3000:]
        if " extract " in f" {command} " or " dates " in f" {command} ":
            lines = done.stdout.splitlines()
            assert lines and all(json.loads(line) for line in lines), command
        ran.append(argv)
    assert any(c.startswith("make -n ") for c in ran), "no long-running command was dry-run"

    assert (repo / "data" / "warehouse.snapshot.duckdb").exists()
    assert list((repo / "data" / "export").rglob("*.parquet")), "the export example wrote no Parquet file"
    status = _git(repo, "status", "--porcelain", "--untracked-files=all")
    assert status == "", f"README commands left files git does not ignore:\n{status}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_make_ui_starts_without_warnings(clone):
    """`make ui` (the long-running README command) serves the UI and logs no warning on the way."""
    repo, env = clone
    port = _free_port()
    proc = subprocess.Popen(["make", "ui", f"UI_ARGS=-h 127.0.0.1 -p {port}"], cwd=repo, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    lines: list[str] = []
    deadline = time.monotonic() + 180
    try:
        assert proc.stdout is not None
        while time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stdout], [], [], 1.0)
            if not ready:
                continue
            line = proc.stdout.readline()
            if not line:
                break  # exited
            lines.append(line)
            if "Serving dagster-webserver" in line:
                break
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    out = "".join(lines)
    assert "Serving dagster-webserver" in out, out[-3000:]
    warnings = [line for line in lines if re.search(r"warn", line, re.I) and "PYTHONWARNINGS=" not in line]
    assert not warnings, "".join(warnings)
