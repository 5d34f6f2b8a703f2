"""Dagster definitions for Marsad (thin wrappers over `pipelines/`). Entry point: `assets.definitions`."""
import warnings

from dagster import BetaWarning, PreviewWarning

# We use backfill policies and explicit data versions on purpose; their "beta" notices would only
# clutter every run log and test report.
warnings.filterwarnings("ignore", category=BetaWarning)
warnings.filterwarnings("ignore", category=PreviewWarning)
