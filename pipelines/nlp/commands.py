"""Sub-commands owned by this area (registered by `pipelines.cli`)."""
from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add this area's sub-commands to the `marsad` parser."""
