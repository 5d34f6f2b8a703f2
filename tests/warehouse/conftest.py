from __future__ import annotations

import pytest

from pipelines.warehouse import load_results

from .builders import sample_results


@pytest.fixture
def warehouse(tmp_path):
    """A warehouse loaded with the hand-written sample results."""
    db = tmp_path / "warehouse.duckdb"
    load_results(db, sample_results())
    return db
