"""Regression guard: the dev-set F1 of `marsad dates` must not drop below the level reached."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

PINNED_F1 = 1.0  # reached on ../shared/gold/dates_dev.jsonl when the temporal layer landed


@pytest.mark.shared
def test_dev_f1_does_not_drop(shared_dir: Path) -> None:
    marsad = Path(sys.executable).with_name("marsad")
    if not marsad.exists():
        pytest.skip("the marsad console script is not installed in this environment")
    env = {**os.environ, "MARSAD_CMD": str(marsad)}
    proc = subprocess.run([sys.executable, str(shared_dir / "eval" / "score.py"), "dates",
                           str(shared_dir / "gold" / "dates_dev.jsonl")],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    summary = proc.stdout.strip().splitlines()[-1]
    m = re.search(r"F1 ([0-9.]+)", summary)
    assert m, summary
    assert float(m.group(1)) >= PINNED_F1 - 1e-9, proc.stdout[-3000:]
