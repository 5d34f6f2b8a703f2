"""Shared fixtures. Tests that read ../shared use `shared_dir` and skip cleanly when it is absent."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MARSAD_SHARED_DIR", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def repo_dir() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "README.md").exists():
        pytest.skip("../shared is absent")
    return SHARED


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return REPO / "samples"
