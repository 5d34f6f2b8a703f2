"""Ingest: a landing folder of `.txt` scraped pages and `.jsonl` records -> `Article`s.

Public interface (used by the CLI, the Dagster assets and the benchmark):
* `read_landing(landing_dir, settings)` -> `IngestResult(articles, quarantined)`
* `read_file(path, landing_dir, settings)` -> `IngestResult` for one landing file (the sensor)
* `read_jsonl(path, settings)` -> `IngestResult` for one JSONL file named by the user (`extract --input`);
  `read_jsonl_stream(stream, name, settings)` the same for standard input (`--input -`)
* `landing_entries(landing_dir)`: the entries ingest looks at (real folders entered, links not followed)
* `printable(name)`: a file name (or text) with undecodable bytes and control characters as `\\xNN`;
  `landing_path(landing_dir, origin)` is the file an origin names
* `article_from_record(record, origin)` -> `Article` (one JSONL object)
* `parse_txt_page(raw_text, origin)` -> `Article` (one scraped page; `parse_html_page` for HTML)
* `IngestSettings.from_env(landing_dir)`: limits and quarantine folder from `MARSAD_*` variables
* `read_quarantine_folder(dir)`: the entries of a quarantine folder (`marsad quarantine list`)
"""
from __future__ import annotations

from .core import (
    IngestResult,
    IngestSettings,
    article_from_record,
    content_id,
    iter_landing,
    landing_entries,
    landing_path,
    parse_html_page,
    parse_txt_page,
    printable,
    read_file,
    read_jsonl,
    read_jsonl_stream,
    read_landing,
    read_quarantine_folder,
)

__all__ = [
    "IngestResult", "IngestSettings", "article_from_record", "content_id", "iter_landing", "landing_entries",
    "landing_path",     "parse_html_page", "parse_txt_page", "printable", "read_file", "read_jsonl", "read_jsonl_stream", "read_landing",
    "read_quarantine_folder",
]
