"""requirements.lock (pip-compile, `make lock`) pins every package pyproject.toml names, at a version
pyproject allows, and the torch the Makefile installs first. Reads files only: no network."""
import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
EXTRAS = ("dev", "deploy")  # the extras `make install` installs and `make lock` compiles


def lock_pins(text: str) -> dict[str, Version]:
    """Package name -> pinned version for each `name==version` line of a pip-compile output."""
    pins = {}
    for line in text.splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", line)
        if match:
            pins[canonicalize_name(match[1])] = Version(match[2])
    return pins


def project_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = list(project["dependencies"])
    for extra in EXTRAS:
        names += project["optional-dependencies"][extra]
    return [Requirement(name) for name in names]


def uncovered(requirements: list[Requirement], pins: dict[str, Version]) -> list[str]:
    """The requirements the lock does not pin, or pins at a version outside their range."""
    problems = []
    for req in requirements:
        if req.marker is not None and not req.marker.evaluate({"python_version": "3.11"}):
            continue
        pinned = pins.get(canonicalize_name(req.name))
        if pinned is None:
            problems.append(f"{req} is not in the lock")
        elif not req.specifier.contains(pinned, prereleases=True):
            problems.append(f"{req} but the lock pins {pinned}")
    return problems


def test_lock_pins_every_project_dependency():
    pins = lock_pins((ROOT / "requirements.lock").read_text())
    assert uncovered(project_requirements(), pins) == [], "run `make lock`"


def test_lock_pins_the_torch_the_makefile_installs_first():
    makefile = (ROOT / "Makefile").read_text()
    torch = Requirement(re.search(r"^TORCH := (\S+)", makefile, re.M)[1])
    pinned = lock_pins((ROOT / "requirements.lock").read_text())["torch"]
    assert torch.specifier.contains(pinned), f"Makefile installs {torch}, the lock pins {pinned}"


@pytest.mark.parametrize("lock, problem", [
    ("duckdb==1.5.5\n", None),
    ("DuckDB==1.5.5\n    # via marsad\n", None),
    ("duckdb==1.2.0\n", "duckdb>=1.3 but the lock pins 1.2.0"),
    ("# duckdb==1.5.5\nduckdb-engine==0.1\n", "duckdb>=1.3 is not in the lock"),
])
def test_uncovered_reports_missing_and_out_of_range_pins(lock, problem):
    found = uncovered([Requirement("duckdb>=1.3")], lock_pins(lock))
    assert found == ([problem] if problem else [])
