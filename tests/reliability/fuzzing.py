"""Example budgets for the property tests: short in CI, 20x in the nightly profile."""
from __future__ import annotations

import os

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
SCALE = 20 if PROFILE == "nightly" else 1


def examples(n: int) -> int:
    """`n` examples in CI (the sum over all property tests is >= 10,000), more at night."""
    return n * SCALE
