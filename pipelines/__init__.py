"""Marsad: Arabic news articles -> structured conflict events (domain library, no Dagster)."""

__version__ = "0.1.0"
