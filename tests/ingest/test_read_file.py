"""`read_file` reads one landing file exactly as `read_landing` reads it in the folder."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from pipelines.ingest import IngestSettings, read_file, read_landing

TEXT = "قتل 5 مدنيين في غارة جوية على بلدة في ريف إدلب يوم السبت بحسب مصادر محلية."
PAGE = "-\nاشتباكات في ريف حلب\n-\nاندلعت اشتباكات عنيفة بين فصائل مسلحة في ريف حلب الشمالي اليوم.\n"


def _write(folder: Path) -> Path:
    folder.mkdir()
    lines = [
        json.dumps({"id": "a", "published": "2024-03-10", "text": TEXT}, ensure_ascii=False),
        '{"id": "cut", "text": "نص',  # truncated line: quarantined, the rest still loads
        json.dumps({"id": "copy", "published": "2024-03-10", "text": TEXT}, ensure_ascii=False),  # same content
    ]
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    sub = folder / "site"
    sub.mkdir()
    (sub / "2024-03-11-clashes.txt").write_text(PAGE, encoding="utf-8")
    (folder / "notes.md").write_text("# not input\n", encoding="utf-8")
    (folder / "table.csv").write_text("a,b\n", encoding="utf-8")
    return folder


def test_each_file_reads_as_in_the_folder(tmp_path):
    landing = _write(tmp_path / "landing")
    whole = read_landing(landing)
    parts = [read_file(p, landing) for p in ("feed.jsonl", "site/2024-03-11-clashes.txt", "table.csv")]
    assert [a for r in parts for a in r.articles] == whole.articles
    assert [q for r in parts for q in r.quarantined] == whole.quarantined
    assert [d for r in parts for d in r.duplicates] == whole.duplicates == [("feed.jsonl", "a")]
    page = read_file(landing / "site" / "2024-03-11-clashes.txt", landing)  # absolute path, same origin
    assert page.articles[0].origin == "site/2024-03-11-clashes.txt"
    assert str(page.articles[0].published) == "2024-03-11"


def test_bad_and_documentation_files(tmp_path):
    landing = _write(tmp_path / "landing")
    feed = read_file("feed.jsonl", landing)
    assert [(q.origin, q.line) for q in feed.quarantined] == [("feed.jsonl", 2)]
    assert "unsupported file type" in read_file("table.csv", landing).quarantined[0].reason
    notes = read_file("notes.md", landing)
    assert not (notes.articles or notes.quarantined or notes.pending)
    with pytest.raises(FileNotFoundError):
        read_file("gone.jsonl", landing)


def test_files_being_written_are_pending_and_no_quarantine_copy_is_written(tmp_path):
    landing = _write(tmp_path / "landing")
    (landing / "incoming.jsonl.part").write_text("{", encoding="utf-8")
    assert read_file("incoming.jsonl.part", landing).pending == ["incoming.jsonl.part"]
    old = time.time() - 3600
    os.utime(landing / "feed.jsonl", (old, old))
    settings = IngestSettings(min_age_seconds=60, quarantine_dir=tmp_path / "quarantine")
    assert read_file("site/2024-03-11-clashes.txt", landing, settings).pending == ["site/2024-03-11-clashes.txt"]
    assert read_file("feed.jsonl", landing, settings).quarantined  # old enough: read, bad line reported
    assert not (tmp_path / "quarantine").exists()  # only read_landing writes the quarantine folder
