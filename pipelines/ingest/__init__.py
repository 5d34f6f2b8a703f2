"""Ingest: a landing folder of `.txt` scraped pages and `.jsonl` records -> `Article`s.

Public interface (used by the CLI, the Dagster assets and the benchmark):
* `read_landing(landing_dir, settings)` -> `IngestResult(articles, quarantined)`
* `article_from_record(record, origin)` -> `Article` (one JSONL object)
* `parse_txt_page(raw_text, origin)` -> `Article` (one scraped page)
"""
from __future__ import annotations

from .core import IngestResult, IngestSettings, article_from_record, parse_txt_page, read_landing

__all__ = ["IngestResult", "IngestSettings", "article_from_record", "parse_txt_page", "read_landing"]
