"""First version of ingest (owned by the ingest/reliability work; see issue 10)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pipelines.records import Article, Quarantined


@dataclass(frozen=True)
class IngestSettings:
    max_bytes: int = 50 * 1024 * 1024
    min_age_seconds: float = 0.0


@dataclass
class IngestResult:
    articles: list[Article] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)


def content_id(text: str) -> str:
    """Stable id for an article without one: a hash of its text."""
    return "sha1-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def parse_published(value: Any) -> date | None:
    if value in (None, ""):
        return None
    s = str(value).strip()
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00")).date()
    except ValueError:
        return date.fromisoformat(s[:10])


def article_from_record(record: dict[str, Any], origin: str = "") -> Article:
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("record has no 'text'")
    rid = record.get("id")
    return Article(
        article_id=str(rid) if rid not in (None, "") else content_id(text),
        text=text,
        title=str(record.get("title") or ""),
        published=parse_published(record.get("published")),
        source=str(record.get("source") or ""),
        url=str(record.get("url") or ""),
        origin=origin,
        fmt="jsonl",
        abstract=str(record.get("abstract") or ""),
    )


def parse_txt_page(raw: str, origin: str = "") -> Article:
    raise NotImplementedError


def read_landing(landing_dir: Path, settings: IngestSettings = IngestSettings()) -> IngestResult:
    raise NotImplementedError
