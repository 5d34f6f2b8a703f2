"""Ingest a landing folder: every input is either loaded once or quarantined with a reason.

* `.txt`/`.text` scraped pages (layout in `txt.py`), `.html`/`.htm` pages (`html.py`), `.jsonl`
  records `{id, source, url, title, published, abstract?, text}` read as a stream, line by line.
* Encodings are detected (`encoding.py`); text that is not readable Arabic is quarantined, not
  loaded as garbage.
* `article_id` is the record's id, else a hash of the normalised text; the same content under
  another file name or id is loaded once (the duplicate is reported, not quarantined).
* Limits: an article over `max_bytes` is quarantined (or split, `oversize="split"`); nothing larger
  than `max_read_bytes` is ever held in memory; files younger than `min_age_seconds` wait for the
  next run (they may still be being written).
* Rejected inputs can be copied (or moved) to a quarantine folder beside a `.reason.txt`. A fixed
  file dropped again is a new content hash, so it is read again whatever its name.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Literal

from pipelines.records import Article, Quarantined
from pipelines.text import normalize

from .encoding import DecodeError, decode_bytes, normalize_newlines, stream_encoding, text_problem
from .html import parse_html
from .txt import page_layout

TXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
# Documentation next to the articles (samples/README.md) is not input.
DOC_SUFFIXES = (".md", ".rst")
# Names that editors, browsers and copy tools use while a file is still being written.
PARTIAL_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".swp", ".download", "~")
FIRST_BYTES = 64
_SNIFF_BYTES = 64 * 1024
_JSON_SPACE = " \t\r\n"  # what JSON calls whitespace; any other character on a line is content
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_FILE_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


@dataclass(frozen=True)
class IngestSettings:
    """Limits and quarantine behaviour. `from_env` reads the `MARSAD_*` variables."""

    max_bytes: int = 2 * 1024 * 1024  # largest article text (UTF-8 bytes)
    min_age_seconds: float = 0.0  # files modified more recently wait for the next run
    oversize: Literal["quarantine", "split"] = "quarantine"
    max_read_bytes: int = 64 * 1024 * 1024  # hard cap on one file / JSONL line held in memory
    quarantine_dir: Path | None = None  # None: report only, write no files
    quarantine_mode: Literal["copy", "move"] = "copy"
    require_arabic: bool = True  # quarantine text that is not mostly Arabic letters

    @classmethod
    def from_env(cls, landing_dir: Path | None = None) -> "IngestSettings":
        """Settings from the environment; the quarantine folder defaults to `<landing>/../quarantine`."""
        env = os.environ
        qdir = env.get("MARSAD_QUARANTINE_DIR")
        return cls(
            max_bytes=int(env.get("MARSAD_MAX_ARTICLE_BYTES", cls.max_bytes)),
            min_age_seconds=float(env.get("MARSAD_MIN_FILE_AGE_SECONDS", cls.min_age_seconds)),
            oversize="split" if env.get("MARSAD_OVERSIZE") == "split" else "quarantine",
            quarantine_dir=Path(qdir) if qdir else (Path(landing_dir).resolve().parent / "quarantine" if landing_dir else None),
            quarantine_mode="move" if env.get("MARSAD_QUARANTINE_MODE") == "move" else "copy",
        )


@dataclass
class IngestResult:
    articles: list[Article] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)  # too recent or still being written
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (origin, id of the copy kept)


def content_hash(text: str) -> str:
    """Hash of the normalised text with whitespace collapsed: NBSP/diacritic noise does not matter."""
    key = " ".join(normalize(text).split())
    return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()


def content_id(text: str) -> str:
    """Stable id for an article without one."""
    return "sha1-" + content_hash(text)[:16]


def parse_published(value: Any) -> date | None:
    """ISO 8601 date or date-time (a `Z` suffix allowed) -> date; ValueError when unreadable."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"'published' must be an ISO 8601 string or null, not {type(value).__name__}")
    s = value.strip()
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return date.fromisoformat(s[:10])
    except ValueError:
        raise ValueError(f"'published' is not an ISO 8601 date: {s[:40]!r}") from None


def _field(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    raise ValueError(f"'{key}' must be a string, not {type(value).__name__}")


def article_from_record(record: dict[str, Any], origin: str = "") -> Article:
    """One JSONL object -> Article; ValueError with a clear message when it cannot be one."""
    if not isinstance(record, dict):
        raise ValueError("record is not a JSON object")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("record has no 'text'")
    fields = {k: _field(record, k) for k in ("id", "title", "source", "url", "abstract")}
    for key, value in (("text", text), *fields.items()):
        if _SURROGATE.search(value):
            raise ValueError(f"'{key}' contains an unpaired surrogate (invalid Unicode)")
    return Article(
        article_id=fields["id"].strip() or content_id(text),
        text=text,
        title=fields["title"],
        published=parse_published(record.get("published")),
        source=fields["source"],
        url=fields["url"],
        origin=origin,
        fmt="jsonl",
        abstract=fields["abstract"],
    )


def published_from_name(name: str) -> date | None:
    """A `YYYY-MM-DD` in the file name (scrapers often name files by day) is the publication day."""
    m = _FILE_DATE.search(name)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def parse_txt_page(raw: str, origin: str = "") -> Article:
    """A scraped page -> Article whose `text` is the whole page (BOM dropped, newlines LF).

    Offsets therefore slice the page as read; the title and subtitle are recorded separately
    (`title`, `abstract`) and the cleaner decides which lines are body.
    """
    text = normalize_newlines(raw.lstrip("\ufeff"))
    if not text.strip():
        raise ValueError("empty page")
    layout = page_layout(text)
    title = text[layout.title[0]:layout.title[1]].strip() if layout.title else ""
    subtitle = text[layout.subtitle[0]:layout.subtitle[1]].strip() if layout.subtitle else ""
    name = Path(origin).name if origin else ""
    return Article(
        article_id=content_id(text),
        text=text,
        title=title,
        published=published_from_name(name),
        origin=origin,
        fmt="txt",
        abstract=subtitle,
    )


def parse_html_page(raw: str, origin: str = "") -> Article:
    """An HTML page -> Article whose `text` is the extracted text, one line per block."""
    page = parse_html(raw)
    if not page.text.strip():
        raise ValueError("no text in the HTML page")
    try:
        published = parse_published(page.published) if page.published else None
    except ValueError:
        published = None  # a malformed meta date is not a reason to lose the article
    name = Path(origin).name if origin else ""
    return Article(
        article_id=content_id(page.text),
        text=page.text,
        title=page.title,
        published=published or published_from_name(name),
        origin=origin,
        fmt="html",
    )


# ---------------------------------------------------------------------------------------------
# The landing folder


class _Reject(Exception):
    def __init__(self, reason: str, first_bytes: bytes = b"", line: int | None = None):
        super().__init__(reason)
        self.reason, self.first_bytes, self.line = reason, first_bytes, line


def _utf8_len(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def split_text(text: str, max_bytes: int) -> list[str]:
    """Cut `text` into parts of at most `max_bytes` (UTF-8), at line breaks, else at spaces."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.splitlines(keepends=True):
        n = _utf8_len(line)
        if current and size + n > max_bytes:
            parts.append("".join(current))
            current, size = [], 0
        while n > max_bytes:  # one paragraph alone is too long
            cut = max(1, max_bytes // 4)  # Arabic is 2 bytes a char; stay safely under
            space = line.rfind(" ", 0, cut)
            cut = space + 1 if space > 0 else cut
            parts.append(line[:cut])
            line = line[cut:]
            n = _utf8_len(line)
        current.append(line)
        size += n
    if current and "".join(current).strip():
        parts.append("".join(current))
    return [p for p in parts if p.strip()]


def _sized(article: Article, settings: IngestSettings) -> list[Article]:
    size = _utf8_len(article.text)
    if size <= settings.max_bytes:
        return [article]
    if settings.oversize != "split":
        raise _Reject(f"article is {size} bytes, over the {settings.max_bytes}-byte limit", article.text[:FIRST_BYTES].encode())
    parts = split_text(article.text, settings.max_bytes)
    return [
        replace(article, article_id=f"{article.article_id}#part{i}", text=part)
        for i, part in enumerate(parts, 1)
    ]


def _check_text(article: Article, settings: IngestSettings) -> None:
    problem = text_problem(article.text, settings.require_arabic)
    if problem:
        raise _Reject(problem, article.text[:FIRST_BYTES].encode("utf-8", "surrogatepass"))


def _read_bounded(path: Path, settings: IngestSettings) -> bytes:
    size = path.stat().st_size
    if size > settings.max_read_bytes:
        with open(path, "rb") as f:
            head = f.read(FIRST_BYTES)
        raise _Reject(f"file is {size} bytes, over the {settings.max_read_bytes}-byte read limit", head)
    return path.read_bytes()


def _page_articles(path: Path, rel: str, settings: IngestSettings) -> list[Article]:
    data = _read_bounded(path, settings)
    try:
        decoded = decode_bytes(data, settings.require_arabic, markup=path.suffix.lower() in HTML_SUFFIXES)
    except DecodeError as exc:
        raise _Reject(str(exc), data[:FIRST_BYTES]) from None
    parse = parse_html_page if path.suffix.lower() in HTML_SUFFIXES else parse_txt_page
    try:
        article = parse(decoded.text, rel)
    except ValueError as exc:
        raise _Reject(str(exc), data[:FIRST_BYTES]) from None
    try:
        _check_text(article, settings)
    except _Reject as exc:
        exc.first_bytes = data[:FIRST_BYTES]
        raise
    articles = _sized(article, settings)
    return articles


def read_page(path: Path, origin: str | None = None, require_arabic: bool = False) -> Article:
    """One `.txt` or `.html` file -> Article, encoding detected as in the landing folder.

    For single-file callers (`marsad extract FILE`): no size limit, and ValueError(reason) when
    the file is unreadable.
    """
    path = Path(path)
    settings = IngestSettings(max_bytes=1 << 62, require_arabic=require_arabic)
    try:
        return _page_articles(path, origin or path.name, settings)[0]
    except _Reject as exc:
        raise ValueError(exc.reason) from None


def _jsonl_items(path: Path, rel: str, settings: IngestSettings) -> Iterator[Article | Quarantined]:
    """Stream a JSONL file: bad lines are quarantined one by one, the rest still load."""
    with open(path, "rb") as raw:
        head = raw.read(_SNIFF_BYTES)
        try:
            encoding = stream_encoding(head)
        except DecodeError as exc:
            raise _Reject(str(exc), head[:FIRST_BYTES]) from None
        raw.seek(0)
        stream = io.TextIOWrapper(raw, encoding=encoding, errors="surrogateescape", newline="\n")
        limit = max(1, settings.max_read_bytes)
        lineno = 0
        records = 0
        while True:
            line = stream.readline(limit)
            if not line:
                break
            lineno += 1
            blank = not line.strip(_JSON_SPACE)
            if not blank:
                records += 1
            if len(line) >= limit and not line.endswith("\n"):
                first = _first_bytes(line, encoding)
                n = len(line)
                while line and not line.endswith("\n"):  # skip the rest without keeping it
                    line = stream.readline(limit)
                    n += len(line)
                yield Quarantined(rel, f"line longer than the {limit}-character read limit ({n}+ characters)", first, lineno)
                continue
            if blank:
                continue
            try:
                yield from _line_articles(line, rel, lineno, encoding, settings)
            except _Reject as exc:
                yield Quarantined(rel, exc.reason, exc.first_bytes, lineno)
        if records == 0:
            raise _Reject("no JSON records (only blank lines)", head[:FIRST_BYTES])


def _first_bytes(line: str, encoding: str) -> bytes:
    """The line's first bytes as they were in the file (best effort: for diagnosis only)."""
    try:
        return line[:FIRST_BYTES].encode(encoding, "surrogateescape")[:FIRST_BYTES]
    except (UnicodeError, LookupError):
        return line[:FIRST_BYTES].encode("utf-8", "replace")[:FIRST_BYTES]


def _line_articles(line: str, rel: str, lineno: int, encoding: str, settings: IngestSettings) -> list[Article]:
    first = _first_bytes(line, encoding)
    if _SURROGATE.search(line):
        raise _Reject(f"invalid {encoding} bytes in the line", first)
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _Reject(f"invalid JSON ({exc.msg}, column {exc.colno}): truncated or malformed line", first) from None
    except RecursionError:
        raise _Reject("invalid JSON: nested too deeply", first) from None
    try:
        article = article_from_record(record, origin=rel)
    except ValueError as exc:
        raise _Reject(str(exc), first) from None
    try:
        _check_text(article, settings)
    except _Reject as exc:
        exc.first_bytes = first
        raise
    return _sized(article, settings)


def _is_partial(name: str) -> bool:
    return name.endswith(PARTIAL_SUFFIXES)


def _candidate_files(landing: Path, skip: Path | None) -> list[Path]:
    out = []
    for path in sorted(landing.rglob("*")):
        rel_parts = path.relative_to(landing).parts
        if any(p.startswith(".") for p in rel_parts):
            continue  # hidden files and folders (.git, .DS_Store, editor state)
        if skip is not None and (path == skip or skip in path.parents):
            continue
        if path.is_file():
            out.append(path)
    return out


def iter_landing(landing_dir: Path, settings: IngestSettings = IngestSettings()) -> Iterator[Article | Quarantined | tuple[str, str]]:
    """Yield, file by file, each `Article`, each `Quarantined` input, and `("pending", origin)`.

    Duplicates are not removed here (see `read_landing`). Nothing raises for a bad file.
    """
    landing = Path(landing_dir)
    if not landing.is_dir():
        raise FileNotFoundError(f"landing folder not found: {landing}")
    qdir = settings.quarantine_dir.resolve() if settings.quarantine_dir else None
    now = time.time()
    for path in _candidate_files(landing, qdir):
        yield from _file_items(path, path.relative_to(landing).as_posix(), settings, now)


def _file_items(path: Path, rel: str, settings: IngestSettings, now: float) -> Iterator[Article | Quarantined | tuple[str, str]]:
    """What one landing file yields (see `iter_landing`); nothing raises for a bad file."""
    suffix = path.suffix.lower()
    try:
        st = path.stat()
    except OSError:
        return  # vanished between listing and reading
    if _is_partial(path.name) or (settings.min_age_seconds and now - st.st_mtime < settings.min_age_seconds):
        yield ("pending", rel)
        return
    if suffix in DOC_SUFFIXES:
        return
    try:
        if suffix in JSONL_SUFFIXES:
            yield from _jsonl_items(path, rel, settings)
        elif suffix in TXT_SUFFIXES or suffix in HTML_SUFFIXES:
            yield from _page_articles(path, rel, settings)
        else:
            raise _Reject(f"unsupported file type {suffix or '(no extension)'!r}; expected .txt, .html or .jsonl", _head(path))
    except _Reject as exc:
        yield Quarantined(rel, exc.reason, exc.first_bytes or _head(path), exc.line)
    except OSError as exc:
        yield Quarantined(rel, f"cannot read: {exc.strerror or exc}", b"")


def _head(path: Path) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read(FIRST_BYTES)
    except OSError:
        return b""


def read_landing(landing_dir: Path, settings: IngestSettings = IngestSettings()) -> IngestResult:
    """Read every input of the landing folder once: loaded (deduplicated) or quarantined."""
    landing = Path(landing_dir)
    result = _collect(iter_landing(landing, settings))
    if settings.quarantine_dir is not None:
        write_quarantine_folder(result.quarantined, landing, settings)
    return result


def read_file(path: Path, landing_dir: Path, settings: IngestSettings = IngestSettings()) -> IngestResult:
    """Read ONE file of the landing folder exactly as `read_landing` reads it (same origin, limits,
    pending and quarantine rules; duplicates removed within the file only).

    For callers that must look at a few changed files without re-reading the folder (the landing
    sensor). `path` is absolute or relative to `landing_dir`. Nothing is written to the quarantine
    folder: that stays `read_landing`'s job, so a look-ahead cannot leave copies behind.
    """
    landing = Path(landing_dir)
    path = Path(path) if Path(path).is_absolute() else landing / path
    rel = path.relative_to(landing).as_posix()
    if not path.exists():
        raise FileNotFoundError(f"not in the landing folder: {path}")
    return _collect(_file_items(path, rel, settings, time.time()))


def _collect(items: Iterable[Article | Quarantined | tuple[str, str]]) -> IngestResult:
    """Sort `iter_landing` items into an IngestResult; the same content or id is kept once."""
    result = IngestResult()
    by_hash: dict[str, str] = {}  # content hash -> article_id kept
    by_id: dict[str, tuple[str, str]] = {}  # article_id -> (content hash, origin)
    for item in items:
        if isinstance(item, tuple):
            result.pending.append(item[1])
        elif isinstance(item, Quarantined):
            result.quarantined.append(item)
        else:
            h = content_hash(item.text)
            if h in by_hash:
                result.duplicates.append((item.origin, by_hash[h]))
                continue
            if item.article_id in by_id:
                other = by_id[item.article_id][1]
                result.quarantined.append(Quarantined(
                    item.origin, f"id {item.article_id!r} already used by different content in {other}",
                    item.text[:FIRST_BYTES].encode("utf-8", "surrogatepass")))
                continue
            by_hash[h] = item.article_id
            by_id[item.article_id] = (h, item.origin)
            result.articles.append(item)
    return result


# ---------------------------------------------------------------------------------------------
# The quarantine folder


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_quarantine_folder(quarantined: list[Quarantined], landing: Path, settings: IngestSettings) -> list[Path]:
    """Copy (or move) each rejected file, or the rejected JSONL line, beside a `.reason.txt`.

    Names start with the content hash, so a re-run rewrites the same entry and a fixed file
    (new hash) is never mistaken for the rejected one.
    """
    assert settings.quarantine_dir is not None
    qdir = Path(settings.quarantine_dir)
    qdir.mkdir(parents=True, exist_ok=True)
    written = []
    by_file: dict[str, list[Quarantined]] = {}
    for q in quarantined:
        by_file.setdefault(q.origin, []).append(q)
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    for origin, items in by_file.items():
        src = landing / origin
        if not src.is_file():
            continue
        whole = [q for q in items if q.line is None]
        name = src.name
        if whole:
            digest = _file_sha256(src)
            dest = qdir / f"{digest[:12]}-{name}"
            if settings.quarantine_mode == "move":
                shutil.move(str(src), dest)
            else:
                shutil.copyfile(src, dest)
            _write_reason(dest, whole[0], digest, stamp)
            written.append(dest)
            continue
        for q in items:  # bad lines of a JSONL file: keep just the line
            line = _read_line(src, q.line or 0)
            digest = hashlib.sha256(line).hexdigest()
            dest = qdir / f"{digest[:12]}-{Path(name).stem}.line{q.line}{src.suffix}"
            dest.write_bytes(line)
            _write_reason(dest, q, digest, stamp)
            written.append(dest)
    return written


def _read_line(path: Path, lineno: int, cap: int = 1 << 20) -> bytes:
    """Bytes of line `lineno` (1-based), at most `cap` of them (oversize lines stay out of memory)."""
    current = 1
    with open(path, "rb") as f:
        while True:
            chunk = f.readline(cap)
            if not chunk:
                return b""
            if current == lineno:
                return chunk
            if chunk.endswith(b"\n"):
                current += 1


def _write_reason(dest: Path, q: Quarantined, digest: str, stamp: str) -> None:
    lines = [
        f"origin: {q.origin}",
        f"line: {q.line}" if q.line is not None else "line: (whole file)",
        f"reason: {q.reason}",
        f"sha256: {digest}",
        f"quarantined_at: {stamp}",
        f"first_bytes: {q.first_bytes.hex()}",
    ]
    Path(f"{dest}.reason.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_quarantine_folder(qdir: Path) -> list[dict[str, str]]:
    """The entries of a quarantine folder (its `.reason.txt` files), oldest name first."""
    out = []
    for reason_file in sorted(Path(qdir).glob("*.reason.txt")):
        entry = {"file": reason_file.name[: -len(".reason.txt")]}
        for line in reason_file.read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, value = line.partition(": ")
            entry[key] = value
        out.append(entry)
    return out
