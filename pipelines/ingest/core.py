"""Ingest a landing folder: every input is either loaded once or quarantined with a reason.

* `.txt`/`.text` scraped pages (layout in `txt.py`), `.html`/`.htm` pages (`html.py`), `.jsonl`
  records `{id, source, url, title, published, abstract?, text}` read as a stream, line by line.
* Encodings are detected (`encoding.py`); text that is not readable Arabic is quarantined, not
  loaded as garbage.
* `article_id` is the record's id, else a hash of the normalised text; the same content under
  another file name or id is loaded once (the duplicate is reported, not quarantined).
* Limits: an article over `max_bytes` is quarantined (or split, `oversize="split"`); nothing larger
  than `max_read_bytes` is ever held in memory, and sizes are checked on the file (`fstat`) and
  per JSONL line before anything is decoded; files younger than `min_age_seconds` wait for the
  next run (they may still be being written).
* The folder is a boundary: only regular files inside it are opened (`O_NOFOLLOW|O_NONBLOCK`, then
  `fstat`). Symbolic links, FIFOs, sockets and devices are reported with a reason and never opened,
  so no byte of anything outside the folder is read or stored. File names that are not UTF-8 are
  kept as `\\xNN` escapes (`printable`), and quarantine keeps an escaped 64-byte preview only.
* Rejected inputs can be copied (or moved) to a quarantine folder beside a `.reason.txt`; a bad
  JSONL line is written there on its own (the file, and its good lines, stay). A fixed file dropped
  again is a new content hash, so it is read again whatever its name.
"""
from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import re
import shutil
import stat
import time
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator, Literal, TextIO

from pipelines.days import utc_day
from pipelines.records import Article, Quarantined
from pipelines.settings import Settings
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
NO_RECORDS = "no JSON records (only blank lines)"
_JSON_SPACE = " \t\r\n"  # what JSON calls whitespace; any other character on a line is content
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Bytes a file name or a preview cannot show as they are: surrogate escapes of bytes that were not
# UTF-8 (os.listdir, bytes.decode("utf-8", "surrogateescape")), C0/C1 controls and DEL (ESC starts a
# terminal escape sequence).
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\udc80-\udcff]")
_ESCAPE = re.compile(r"\\x([0-9a-f]{2})")
EARLIEST_PUBLISHED = date(1900, 1, 1)  # 'published' outside [this, today + 1 year] is an error
MAX_ID_CHARS = 256
_FILE_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


@dataclass(frozen=True)
class IngestSettings:
    """Limits and quarantine behaviour. `from_env` reads the `MARSAD_*` variables."""

    max_bytes: int = 2 * 1024 * 1024  # largest article text (UTF-8 bytes)
    min_age_seconds: float = 0.0  # files modified more recently wait for the next run
    oversize: Literal["quarantine", "split"] = "quarantine"
    max_read_bytes: int = 16 * 1024 * 1024  # hard cap on one file / JSONL line held in memory
    quarantine_dir: Path | None = None  # None: report only, write no files
    quarantine_mode: Literal["copy", "move"] = "copy"
    require_arabic: bool = True  # quarantine text that is not mostly Arabic letters

    @classmethod
    def from_env(cls, landing_dir: Path | None = None, default_quarantine: bool = True,
                 settings: Settings | None = None) -> "IngestSettings":
        """Settings from the environment (`pipelines.settings`). Without `MARSAD_QUARANTINE_DIR` the
        quarantine folder is `<landing>/../quarantine`, or none (report only) with
        `default_quarantine=False` (what the Dagster assets and `marsad load` use: the warehouse
        `quarantine` table is the record)."""
        s = settings or Settings.from_env()
        default = Path(landing_dir).resolve().parent / "quarantine" if landing_dir and default_quarantine else None
        return cls(max_bytes=s.max_article_bytes, min_age_seconds=s.min_file_age_seconds,
                   oversize=s.oversize, max_read_bytes=s.max_read_bytes,
                   quarantine_dir=s.quarantine_dir or default, quarantine_mode=s.quarantine_mode)

    def page_read_limit(self, html: bool) -> int:
        """Largest page file worth decoding. UTF-8 text is at least a quarter of the file's bytes
        (UTF-16 CRLF is the worst case), so a `.txt` file over 4 x `max_bytes` cannot give an
        article under the limit; HTML markup has no such bound, nor has a page to be split."""
        if html or self.oversize == "split":
            return self.max_read_bytes
        return min(self.max_read_bytes, 4 * self.max_bytes + 4)

    def line_read_limit(self) -> int:
        """Longest JSONL line read (characters): an article under `max_bytes` escaped as JSON
        (`\\u0627` is 6 characters for 2 UTF-8 bytes) with room for the other fields."""
        if self.oversize == "split":
            return self.max_read_bytes
        return max(1, min(self.max_read_bytes, 4 * self.max_bytes + 64 * 1024))


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
    """ISO 8601 date or date-time (a `Z` suffix allowed) -> date; ValueError when unreadable or
    outside the plausible range (`plausible_published`)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"'published' must be an ISO 8601 string or null, not {type(value).__name__}")
    s = value.strip()
    try:
        day = datetime.fromisoformat(s.replace("Z", "+00:00")).date()
    except ValueError:
        try:
            day = date.fromisoformat(s[:10])
        except ValueError:
            raise ValueError(f"'published' is not an ISO 8601 date: {s[:40]!r}") from None
    return plausible_published(day)


def plausible_published(day: date) -> date:
    """`day`, or ValueError when no news article can have it: before 1900 or after today + 1 year
    (year 2999 and 0001 are typing or export errors; the partitions could not hold them)."""
    latest = date.today() + timedelta(days=366)
    if not EARLIEST_PUBLISHED <= day <= latest:
        raise ValueError(f"'published' {day.isoformat()} is outside the plausible range "
                         f"{EARLIEST_PUBLISHED.isoformat()}..{latest.isoformat()} (today + 1 year)")
    return day


def _record_id(value: Any) -> str:
    """The record's `id` as text; "" when absent or null (the content hash is used then)."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        # a float is never an id: NaN, Infinity and 1e3 are JSON-parsable but name no article
        raise ValueError(f"'id' must be a string (or an integer), not {type(value).__name__} {str(value)[:20]}")
    if isinstance(value, int) and abs(value) >= 10 ** MAX_ID_CHARS:
        raise ValueError(f"'id' is longer than {MAX_ID_CHARS} characters")
    text = str(value).strip()
    if not text:
        raise ValueError("'id' is empty (leave it out, or null, for an id from the content)")
    if len(text) > MAX_ID_CHARS:
        raise ValueError(f"'id' is longer than {MAX_ID_CHARS} characters ({len(text)})")
    if _UNPRINTABLE.search(text):
        raise ValueError(f"'id' contains control characters: {printable(text[:40])!r}")
    return text


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
    fields = {k: _field(record, k) for k in ("title", "source", "url", "abstract")}
    fields["id"] = _record_id(record.get("id"))
    for key, value in (("text", text), *fields.items()):
        if _SURROGATE.search(value):
            raise ValueError(f"'{key}' contains an unpaired surrogate (invalid Unicode)")
    return Article(
        article_id=fields["id"] or content_id(text),
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
        return plausible_published(date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
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


Item = Article | Quarantined | tuple[str, str]  # an article, a rejected input, ("pending", origin)
NOT_READ = "not read (only regular files inside the landing folder are)"
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def printable(text: str) -> str:
    """`text` safe to store and print: bytes that were not UTF-8 (the surrogate escapes `os.listdir`
    gives for a Windows-1256 file name) and control characters become `\\xNN`."""
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()) & 0xFF:02x}", text)


def landing_path(landing_dir: Path, origin: str) -> Path:
    """The file an origin names: the inverse of `printable` on a relative path (exact for names
    that were not UTF-8; a name holding a literal `\\x..` is read back as that byte)."""
    def byte(m: re.Match) -> str:
        n = int(m.group(1), 16)
        return chr(n) if n < 0x80 else chr(0xDC00 + n)

    return Path(landing_dir) / _ESCAPE.sub(byte, origin)


def preview(data: bytes) -> bytes:
    """All quarantine keeps of an input: its first `FIRST_BYTES` bytes, escaped (`printable`)."""
    return printable(data[:FIRST_BYTES].decode("utf-8", "surrogateescape")).encode("utf-8")


def _not_regular(mode: int) -> str | None:
    """Why a landing entry of this `st_mode` is not read, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    kinds = ((stat.S_ISLNK, "symbolic link"), (stat.S_ISFIFO, "named pipe (FIFO)"), (stat.S_ISSOCK, "socket"),
             (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"), (stat.S_ISDIR, "folder"))
    kind = next((name for test, name in kinds if test(mode)), "special file")
    return f"{kind}: {NOT_READ}"


def _open_regular(path: Path) -> tuple[BinaryIO, int]:
    """(binary file, size) of a regular file. Anything else raises `_Reject` unread: a symbolic
    link is not followed (O_NOFOLLOW), a FIFO does not block the open (O_NONBLOCK), and the kind is
    checked again on the open descriptor (fstat), so a file swapped after listing is caught too."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _Reject(_not_regular(stat.S_IFLNK)) from None
        raise
    try:
        st = os.fstat(fd)
        why = _not_regular(st.st_mode)
        if why:
            raise _Reject(why)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb"), st.st_size
    except BaseException:
        os.close(fd)
        raise


def _read_bounded(path: Path, limit: int, too_big) -> bytes:
    """The whole file when it has at most `limit` bytes (from fstat, before reading), else
    `_Reject(too_big(size))` with the first bytes only."""
    f, size = _open_regular(path)
    with f:
        if size > limit:
            raise _Reject(too_big(size), f.read(FIRST_BYTES))
        data = f.read(limit + 1)  # a file growing meanwhile is still cut at the limit
    if len(data) > limit:
        raise _Reject(too_big(len(data)), data[:FIRST_BYTES])
    return data


def _page_articles(path: Path, rel: str, settings: IngestSettings) -> list[Article]:
    html = path.suffix.lower() in HTML_SUFFIXES
    limit = settings.page_read_limit(html)

    def too_big(size: int) -> str:
        if limit < settings.max_read_bytes:
            return f"file is {size} bytes, so its text is over the {settings.max_bytes}-byte limit (size checked before decoding)"
        return f"file is {size} bytes, over the {settings.max_read_bytes}-byte read limit"

    data = _read_bounded(path, limit, too_big)
    try:
        decoded = decode_bytes(data, settings.require_arabic, markup=html)
    except DecodeError as exc:
        raise _Reject(str(exc), data[:FIRST_BYTES]) from None
    parse = parse_html_page if html else parse_txt_page
    try:
        article = parse(decoded.text, rel)
    except ValueError as exc:
        raise _Reject(str(exc), data[:FIRST_BYTES]) from None
    try:
        _check_text(article, settings)
    except _Reject as exc:
        exc.first_bytes = data[:FIRST_BYTES]
        raise
    return _sized(article, settings)


def read_page(path: Path, origin: str | None = None, require_arabic: bool = False) -> Article:
    """One `.txt` or `.html` file -> Article, encoding detected as in the landing folder.

    For single-file callers (`marsad extract FILE`): no article size limit, and ValueError(reason)
    when the file is unreadable (or not a regular file: resolve a link the user named first).
    """
    path = Path(path)
    settings = IngestSettings(max_bytes=1 << 62, require_arabic=require_arabic)
    try:
        return _page_articles(path, origin or path.name, settings)[0]
    except _Reject as exc:
        raise ValueError(exc.reason) from None


class _Prefixed(io.RawIOBase):
    """A stream that cannot seek back (standard input, a pipe), with its first bytes, already read
    to sniff the encoding, put back in front."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        super().__init__()
        self._head, self._rest = memoryview(head), rest

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        if self._head:
            n = min(len(b), len(self._head))
            b[:n], self._head = self._head[:n], self._head[n:]
            return n
        data = self._rest.read(len(b))
        b[:len(data)] = data
        return len(data)


def _open_jsonl(path: Path) -> tuple[TextIO, str]:
    """(text stream, encoding) of a JSONL file (see `_jsonl_text`)."""
    return _jsonl_text(_open_regular(path)[0])


def _jsonl_text(raw: BinaryIO) -> tuple[TextIO, str]:
    """(text stream, encoding) of JSONL bytes: the encoding is sniffed from the first bytes, lines
    end at LF only, and bytes the encoding cannot decode stay as surrogate escapes (line by line).
    `raw` is a regular file or a stream read once (standard input)."""
    try:
        head = raw.read(_SNIFF_BYTES)
        encoding = stream_encoding(head)
        if raw.seekable():
            raw.seek(0)
        else:
            raw = io.BufferedReader(_Prefixed(head, raw))
    except DecodeError as exc:
        raw.close()
        raise _Reject(str(exc), head[:FIRST_BYTES]) from None
    except BaseException:
        raw.close()
        raise
    return io.TextIOWrapper(raw, encoding=encoding, errors="surrogateescape", newline="\n"), encoding


def _jsonl_items(opened: tuple[TextIO, str], rel: str, settings: IngestSettings) -> Iterator[tuple[Article | Quarantined, int]]:
    """Stream JSONL (`_open_jsonl`/`_jsonl_text`), each item with its line number: bad lines are
    quarantined one by one, the rest still load. No line longer than `settings.line_read_limit()`
    is held in memory."""
    stream, encoding = opened
    with stream:
        limit = settings.line_read_limit()
        lineno = 0
        records = 0
        while True:
            try:
                line = stream.readline(limit)
            except UnicodeDecodeError as exc:  # e.g. a UTF-16 file cut inside a character
                records += 1
                yield Quarantined(rel, f"cannot decode the rest of the file as {encoding}: {exc.reason}",
                                  b"", lineno + 1), lineno + 1
                break
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
                reason = f"line longer than the {limit}-character read limit ({n}+ characters)"
                yield Quarantined(rel, reason, preview(first), lineno), lineno
                continue
            if blank:
                continue
            try:
                for article in _line_articles(line, rel, lineno, encoding, settings):
                    yield article, lineno
            except _Reject as exc:
                yield Quarantined(rel, exc.reason, preview(exc.first_bytes), lineno), lineno
        if records == 0:
            raise _Reject(NO_RECORDS)


def _as_bytes(text: str, encoding: str) -> bytes:
    """`text` as it was in a file of `encoding` (best effort: for diagnosis and quarantine copies)."""
    try:
        return text.encode(encoding, "surrogateescape")
    except (UnicodeError, LookupError):
        return text.encode("utf-8", "backslashreplace")


def _first_bytes(line: str, encoding: str) -> bytes:
    return _as_bytes(line[:FIRST_BYTES], encoding)[:FIRST_BYTES]


def _line_articles(line: str, rel: str, lineno: int, encoding: str, settings: IngestSettings) -> list[Article]:
    first = _first_bytes(line, encoding)
    if _SURROGATE.search(line):
        raise _Reject(f"invalid {encoding} bytes in the line", first)
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _Reject(f"bad JSONL line: invalid JSON ({exc.msg}, column {exc.colno}): truncated or malformed line", first) from None
    except RecursionError:
        raise _Reject("bad JSONL line: invalid JSON: nested too deeply", first) from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise _Reject(f"bad JSONL line: {str(exc)[:120]}", first) from None
    try:
        article = replace(article_from_record(record, origin=rel), line=lineno)
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


def _sorted_entries(folder: str | Path) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=lambda e: e.name)
    except OSError:
        return []  # vanished or unreadable while listing


def landing_entries(landing_dir: Path, skip: Path | None = None) -> Iterator[Path]:
    """Every entry ingest looks at, in path order: what is not a folder, found by entering real
    folders only (a linked folder is an entry of its own, reported and not entered). Hidden names
    (.git, .DS_Store, editor state) and the folder `skip` (the quarantine folder) are left out."""
    skip_id = None
    if skip is not None:
        try:
            st = os.stat(skip)
            skip_id = (st.st_dev, st.st_ino)
        except OSError:
            pass
    stack = [iter(_sorted_entries(landing_dir))]
    while stack:  # iterative: a hostile folder may be nested thousands deep
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        if entry.name.startswith("."):
            continue
        try:
            folder = entry.is_dir(follow_symlinks=False)
            if folder and skip_id is not None:
                st = entry.stat(follow_symlinks=False)
                if (st.st_dev, st.st_ino) == skip_id:
                    continue
        except OSError:
            continue
        if folder:
            stack.append(iter(_sorted_entries(entry.path)))
        else:
            yield Path(entry.path)


def iter_landing(landing_dir: Path, settings: IngestSettings = IngestSettings()) -> Iterator[Item]:
    """Yield, file by file, each `Article`, each `Quarantined` input, and `("pending", origin)`.

    Duplicates are not removed here (see `read_landing`). Nothing raises for a bad file.
    """
    for item, _ in _landing_items(Path(landing_dir), settings):
        yield item


def _landing_items(landing: Path, settings: IngestSettings, files: Iterable[Path | str] | None = None
                   ) -> Iterator[tuple[Item, int | None]]:
    """(item, JSONL line or None) for the whole folder, or for `files` of it only."""
    if not landing.is_dir():
        raise FileNotFoundError(f"landing folder not found: {landing}")
    now = time.time()
    if files is None:
        for path in landing_entries(landing, settings.quarantine_dir):
            yield from _located(path, printable(path.relative_to(landing).as_posix()), settings, now)
        return
    for f in files:
        path = Path(f) if Path(f).is_absolute() else landing / f
        if not os.path.lexists(path) and not Path(f).is_absolute():
            path = landing_path(landing, str(f))  # an origin, as `printable` wrote it
        rel = path.relative_to(landing)
        if ".." in rel.parts or not os.path.lexists(path):
            raise FileNotFoundError(f"not in the landing folder: {path}")
        origin = printable(rel.as_posix())
        if any(os.path.islink(landing.joinpath(*rel.parts[:i])) for i in range(1, len(rel.parts))):
            yield Quarantined(origin, f"symbolic link in its path: {NOT_READ}"), None
            continue
        yield from _located(path, origin, settings, now)


def _located(path: Path, rel: str, settings: IngestSettings, now: float, jsonl: bool = False
             ) -> Iterator[tuple[Item, int | None]]:
    """What one file yields (see `iter_landing`), each item with its JSONL line (None for a whole
    file); nothing raises for a bad file. `jsonl=True`: a JSONL file named by the user (any name,
    no file-age rule)."""
    try:
        st = os.lstat(path)
    except OSError:
        return  # vanished between listing and reading
    why = _not_regular(st.st_mode)
    if why:
        yield Quarantined(rel, why), None
        return
    suffix = path.suffix.lower()
    if not jsonl:
        if _is_partial(path.name) or (settings.min_age_seconds and now - st.st_mtime < settings.min_age_seconds):
            yield ("pending", rel), None
            return
        if suffix in DOC_SUFFIXES:
            return
    try:
        if jsonl or suffix in JSONL_SUFFIXES:
            items: Iterable[tuple[Item, int | None]] = _jsonl_items(_open_jsonl(path), rel, settings)
        elif suffix in TXT_SUFFIXES or suffix in HTML_SUFFIXES:
            items = ((article, None) for article in _page_articles(path, rel, settings))
        else:
            raise _Reject(f"unsupported file type {printable(suffix) or '(no extension)'!r}; expected .txt, .html or .jsonl", _head(path))
        for item, line in items:
            yield _landed(item, st.st_mtime), line
    except _Reject as exc:
        yield Quarantined(rel, exc.reason, preview(exc.first_bytes or _head(path)), exc.line), exc.line
    except OSError as exc:
        yield Quarantined(rel, f"cannot read: {exc.strerror or exc}"), None


def _landed(item: Item, mtime: float) -> Item:
    """An undated article with the day its file landed (its partition day, see `pipelines.days`)."""
    if isinstance(item, Article) and item.published is None:
        return replace(item, landed=utc_day(mtime))
    return item


def _head(path: Path) -> bytes:
    try:
        f, _ = _open_regular(path)
    except (OSError, _Reject):
        return b""
    with f:
        return f.read(FIRST_BYTES)


def read_landing(landing_dir: Path, settings: IngestSettings = IngestSettings(),
                 files: Iterable[Path | str] | None = None) -> IngestResult:
    """Read every input of the landing folder once (or only `files` of it, absolute or relative to
    it): loaded (deduplicated) or quarantined; the quarantine folder is written when `settings`
    name one. `marsad load`, the Dagster assets and the sensor (`read_file`) all read this way."""
    landing = Path(landing_dir)
    result = _collect(_landing_items(landing, settings, files))
    if settings.quarantine_dir is not None:
        write_quarantine_folder(result.quarantined, landing, settings)
    return result


def read_file(path: Path, landing_dir: Path, settings: IngestSettings = IngestSettings()) -> IngestResult:
    """Read ONE file of the landing folder exactly as `read_landing` reads it (same origin, limits,
    pending and quarantine rules; duplicates removed within the file only).

    For callers that must look at a few changed files without re-reading the folder (the landing
    sensor). `path` is absolute, relative to `landing_dir`, or an origin (a printable name, see
    `landing_path`). Nothing is written to the quarantine
    folder: that stays `read_landing`'s job, so a look-ahead cannot leave copies behind.
    """
    return _collect(_landing_items(Path(landing_dir), settings, [path]))


def read_jsonl(path: Path, settings: IngestSettings = IngestSettings()) -> IngestResult:
    """Every record of ONE JSONL file named by the user, whatever its name (`marsad extract
    --input`): the landing reader's boundary, limits, line and id rules, without the file-age rule
    and without merging records of equal text, so every id in the file gets its own answer."""
    path = Path(path)
    if not os.path.lexists(path):
        raise FileNotFoundError(errno.ENOENT, "no such file", str(path))
    return _collect(_located(path, printable(path.name), settings, time.time(), jsonl=True), dedupe_content=False)


def read_jsonl_stream(raw: BinaryIO, name: str, settings: IngestSettings = IngestSettings()) -> IngestResult:
    """`read_jsonl` for a stream read once, such as standard input (`marsad extract --input -`):
    the same line, id and size rules; records are reported under `name`. The stream is read
    to its end and closed."""
    def items() -> Iterator[tuple[Item, int | None]]:
        try:
            yield from _jsonl_items(_jsonl_text(raw), name, settings)
        except _Reject as exc:
            yield Quarantined(name, exc.reason, preview(exc.first_bytes), exc.line), exc.line
    return _collect(items(), dedupe_content=False)


def _collect(items: Iterable[tuple[Item, int | None]], dedupe_content: bool = True) -> IngestResult:
    """Sort located items into an IngestResult. The same content is kept once (reported as a
    duplicate); a second record with an id already used is quarantined with its line."""
    result = IngestResult()
    by_hash: dict[str, str] = {}  # content hash -> article_id kept
    by_id: dict[str, tuple[str, str]] = {}  # article_id -> (content hash, where)
    for item, line in items:
        if isinstance(item, tuple):
            result.pending.append(item[1])
        elif isinstance(item, Quarantined):
            result.quarantined.append(item)
        else:
            h = content_hash(item.text)
            if dedupe_content and h in by_hash:
                result.duplicates.append((item.origin, by_hash[h]))
                continue
            if item.article_id in by_id:
                other_hash, other = by_id[item.article_id]
                what = " by different content" if other_hash != h else ""
                result.quarantined.append(Quarantined(
                    item.origin, f"id {item.article_id!r} already used{what} in {other}",
                    preview(item.text.encode("utf-8", "surrogatepass")), line))
                continue
            by_hash.setdefault(h, item.article_id)
            by_id[item.article_id] = (h, item.origin + (f" line {line}" if line else ""))
            result.articles.append(item)
    return result


# ---------------------------------------------------------------------------------------------
# The quarantine folder


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    f, _ = _open_regular(path)
    with f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_quarantine_folder(quarantined: list[Quarantined], landing: Path, settings: IngestSettings) -> list[Path]:
    """Copy (or move) each rejected file, or write the rejected JSONL line, beside a `.reason.txt`.

    Only what failed leaves: a JSONL file with bad lines stays (its good lines loaded) and each bad
    line is written on its own, even in move mode. What was not read (a link, a FIFO, a device) gets
    a `.reason.txt` only: nothing is copied through it. Names start with the content hash, so a
    re-run rewrites the same entry and a fixed file (new hash) is never mistaken for the rejected one.
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
        src = landing_path(landing, origin)
        name = Path(origin).name
        whole = [q for q in items if q.line is None]
        try:
            if whole and not stat.S_ISREG(os.lstat(src).st_mode):
                dest = qdir / f"{hashlib.sha256(origin.encode()).hexdigest()[:12]}-{name}"
                _write_reason(dest, whole[0], "(not read)", stamp)
                written.append(Path(f"{dest}.reason.txt"))
                continue
            if whole:
                digest = _file_sha256(src)
                dest = qdir / f"{digest[:12]}-{name}"
                if settings.quarantine_mode == "move":
                    shutil.move(str(src), dest)
                else:
                    f, _ = _open_regular(src)
                    with f, open(dest, "wb") as out:
                        shutil.copyfileobj(f, out)
                _write_reason(dest, whole[0], digest, stamp)
                written.append(dest)
                continue
            for q in items:  # bad lines of a JSONL file: keep just the line
                line = _read_line(src, q.line or 0)
                digest = hashlib.sha256(line).hexdigest()
                dest = qdir / f"{digest[:12]}-{Path(name).stem}.line{q.line}{Path(name).suffix}"
                dest.write_bytes(line)
                _write_reason(dest, q, digest, stamp)
                written.append(dest)
        except (OSError, _Reject):
            continue  # vanished or replaced since it was read: the warehouse entry stays the record
    return written


def _read_line(path: Path, lineno: int, cap: int = 1 << 20) -> bytes:
    """Line `lineno` (1-based, counted as the reader counts) as it is in the file, at most `cap`
    characters of it (an oversize line stays out of memory)."""
    stream, encoding = _open_jsonl(path)
    with stream:
        current, at_start = 0, True
        while piece := stream.readline(cap):
            current += at_start
            if current == lineno:
                return _as_bytes(piece, encoding)
            at_start = piece.endswith("\n")
    return b""


def _write_reason(dest: Path, q: Quarantined, digest: str, stamp: str) -> None:
    lines = [
        f"origin: {printable(q.origin)}",
        f"line: {q.line}" if q.line is not None else "line: (whole file)",
        f"reason: {printable(q.reason)}",
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
