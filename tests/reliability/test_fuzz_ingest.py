"""Property tests: the ingest parsers and the cleaner never crash and keep their invariants.

Each parser either returns a well-formed record or raises ValueError (DecodeError is one) with a
message; nothing else escapes. Budgets come from `fuzzing.examples` (HYPOTHESIS_PROFILE).
"""
from __future__ import annotations

import codecs
import os
import re
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.clean import clean_article
from pipelines.ingest import IngestSettings, article_from_record, parse_txt_page, printable, read_landing
from pipelines.ingest.core import _SNIFF_BYTES as SNIFF_BYTES
from pipelines.ingest.core import parse_html_page
from pipelines.ingest.encoding import DecodeError, decode_bytes, normalize_newlines, stream_encoding, text_problem
from pipelines.records import Article

from .fuzzing import examples
from .strategies import LETTERS, any_text, arabic_text, html_pages, jsonl_lines, news_text, pages, records

_WORD = re.compile(f"[{LETTERS}]{{2,}}")


@settings(max_examples=examples(2300))
@given(st.binary(max_size=600))
def test_decode_bytes_on_random_bytes(data):
    try:
        decoded = decode_bytes(data)
    except DecodeError as exc:
        assert str(exc)
    else:
        assert text_problem(decoded.text) is None and "\r" not in decoded.text


@settings(max_examples=examples(800))
@given(st.text(alphabet=st.sampled_from(list(LETTERS) + [" ", "\n", "،", ".", "7"]), min_size=30, max_size=300),
       st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1256"]))
def test_arabic_round_trips_through_every_encoding(text, encoding):
    # Real text: some words of two letters or more. (Two single-byte Arabic characters can form a
    # valid UTF-8 sequence by chance, "ط،" in cp1256 is "ء" in UTF-8; no detector can tell.)
    if text_problem(text) is not None or len(_WORD.findall(text)) < 3:
        return
    assert decode_bytes(text.encode(encoding)).text == normalize_newlines(text)


@settings(max_examples=examples(1200))
@given(pages())
def test_parse_txt_page(raw):
    try:
        art = parse_txt_page(raw, "x.txt")
    except ValueError as exc:
        assert str(exc)
        return
    assert art.text == normalize_newlines(raw.lstrip("\ufeff"))
    assert art.title in art.text and art.abstract in art.text


@settings(max_examples=examples(1000))
@given(html_pages())
def test_parse_html_page(raw):
    try:
        art = parse_html_page(raw, "x.html")
    except ValueError as exc:
        assert str(exc)
        return
    assert art.text.strip() and "\r" not in art.text


@settings(max_examples=examples(1500))
@given(records())
def test_article_from_record(rec):
    try:
        art = article_from_record(rec, "x.jsonl")
    except ValueError as exc:
        assert str(exc)
        return
    assert art.text == rec["text"] and art.article_id
    art.text.encode("utf-8")  # storable


@settings(max_examples=examples(200))
@given(jsonl_lines())
def test_jsonl_file_every_line_loaded_duplicate_or_quarantined(data):
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "in.jsonl").write_bytes(data)
        result = read_landing(Path(tmp), IngestSettings(require_arabic=False))
    whole_file = [q for q in result.quarantined if q.line is None]
    if whole_file:
        assert not result.articles and len(whole_file) == 1 and whole_file[0].reason
        return
    assert not result.pending
    # JSONL lines end at LF only; a line of JSON whitespace is blank, anything else is content. A file
    # the reader took for UTF-16 (no BOM) has its lines in that encoding.
    quarantined = Counter(q.line for q in result.quarantined)
    assert all(q.reason for q in result.quarantined)
    if codecs.lookup(stream_encoding(data[:SNIFF_BYTES])).name.startswith("utf-16"):
        return  # read as UTF-16 (no BOM): its lines are not the LF bytes of the file ("{}\n\x00" is one)
    lines = [n for n, line in enumerate(data.split(b"\n"), 1) if line.strip(b" \t\r\n")]
    assert len(result.articles) + len(result.duplicates) + sum(quarantined.values()) == len(lines)


@settings(max_examples=examples(2000))
@given(st.one_of(pages(), any_text, news_text), st.sampled_from(["txt", "jsonl", "html"]))
def test_clean_regions_are_ordered_disjoint_and_inside_the_text(text, fmt):
    clean = clean_article(Article("x", text, fmt=fmt))
    spans = sorted([(r.start, r.end) for r in clean.regions] + [(r.start, r.end) for r, _ in clean.removed])
    assert all(0 <= s < e <= len(text) for s, e in spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    assert all(why for _, why in clean.removed)
    assert [r.start for r in clean.regions] == sorted(r.start for r in clean.regions)


@settings(max_examples=examples(300))
@given(arabic_text)
def test_single_line_text_is_kept_unless_it_is_furniture(text):
    line = " ".join(text.split())
    if not line:
        return
    clean = clean_article(Article("x", line, fmt="jsonl"))
    kept = [line[r.start:r.end] for r in clean.regions]
    assert kept == [line] or clean.removed


_SECRET = "سر-لا-يقرأ " * 8  # the text of a file outside the landing folder
_FILE_NAME = st.binary(min_size=1, max_size=16).filter(lambda b: b"/" not in b and b"\0" not in b and not b.startswith(b"."))
_CONTENT = st.one_of(st.binary(max_size=200), jsonl_lines(), pages().map(lambda t: t.encode("utf-8", "surrogatepass")),
                     st.just(b"\x1b]0;title\x07\x1b[2J" + "غارة جوية على إدلب اليوم".encode()))
_ENTRY = st.tuples(_FILE_NAME, st.sampled_from([".txt", ".jsonl", ".html", ".bin", ".md", ""]),
                   st.sampled_from(["file", "file", "file", "link-out", "link-dir", "fifo"]), _CONTENT)


@settings(max_examples=examples(80))
@given(st.lists(_ENTRY, max_size=6, unique_by=lambda e: e[0] + e[1].encode()))
def test_landing_folder_of_hostile_entries(entries):
    """Any names (bytes that are not UTF-8, controls), links out of the folder, FIFOs, junk: the
    reader returns (never hangs or raises), stores printable origins and escaped previews only,
    reads nothing outside the folder and accounts for every regular file."""
    with tempfile.TemporaryDirectory() as tmp:
        land, outside = Path(tmp, "landing"), Path(tmp, "outside")
        land.mkdir()
        outside.mkdir()
        (outside / "secret.txt").write_text(_SECRET, encoding="utf-8")
        files, not_read = set(), set()
        for name, suffix, kind, content in entries:
            raw = os.fsencode(land) + b"/" + name + suffix.encode()
            origin = printable(os.fsdecode(name + suffix.encode()))
            if kind == "file":
                Path(os.fsdecode(raw)).write_bytes(content)
                files.add(origin)
            else:
                if kind == "fifo":
                    os.mkfifo(raw)
                else:
                    os.symlink(os.fsencode(outside / "secret.txt") if kind == "link-out" else os.fsencode(outside), raw)
                not_read.add(origin)
        result = read_landing(land, IngestSettings(require_arabic=False, quarantine_dir=Path(tmp, "q")))
        copies = list(Path(tmp, "q").iterdir()) if Path(tmp, "q").exists() else []
        assert not any(_SECRET.strip().encode() in p.read_bytes() for p in copies)
    stored = [q.origin for q in result.quarantined] + [a.origin for a in result.articles]
    assert not any(re.search("[\x00-\x1f\x7f-\x9f\ud800-\udfff]", o) for o in stored)  # no controls, no surrogates
    assert all(not re.search(rb"[\x00-\x1f\x7f]", q.first_bytes) for q in result.quarantined)
    assert not any(_SECRET.strip() in a.text for a in result.articles)
    assert {q.origin for q in result.quarantined if "not read" in q.reason} == not_read
    assert all(q.first_bytes == b"" for q in result.quarantined if q.origin in not_read)
    seen = {a.origin for a in result.articles} | {o for o, _ in result.duplicates} | {q.origin for q in result.quarantined}
    docs = {o for o in files if o.lower().endswith((".md", ".rst"))}
    assert seen | docs | set(result.pending) >= files


# Regression tests for what the fuzzers found.

def test_regression_control_character_line_is_quarantined_not_skipped(tmp_path):
    (tmp_path / "in.jsonl").write_bytes(b'{}\n\x1c\n')
    result = read_landing(tmp_path, IngestSettings(require_arabic=False))
    assert sorted(q.line for q in result.quarantined) == [1, 2]


def test_regression_tiny_cp1256_text_that_is_valid_utf8(tmp_path):
    # "آ،" in cp1256 is the valid UTF-8 "¡": the UTF-8 reading fails the checks, cp1256 is tried.
    text = "7777777777 آ، ءء ءء طط"
    assert decode_bytes(text.encode("cp1256")).text == text
