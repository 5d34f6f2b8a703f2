"""Hypothesis profiles for the reliability tests: `ci` (default, short) and `nightly` (long).

Select with HYPOTHESIS_PROFILE=ci|nightly (`make fuzz-nightly` sets nightly). Profiles are only
registered here if no other conftest did, so the lead's tests/conftest.py may own them.
"""
from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis.errors import InvalidArgument

_PROFILES = {
    # Deterministic in CI: a red build always reproduces; no example database written to the repo.
    "ci": dict(deadline=None, derandomize=True, database=None, print_blob=True,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]),
    "nightly": dict(deadline=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]),
}
for _name, _kw in _PROFILES.items():
    try:
        settings.get_profile(_name)
    except InvalidArgument:
        settings.register_profile(_name, **_kw)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
