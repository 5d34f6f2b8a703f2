"""Property tests: the ingest parsers and the cleaner never crash and keep their invariants.

Each parser either returns a well-formed record or raises ValueError (DecodeError is one) with a
message; nothing else escapes. Budgets come from `fuzzing.examples` (HYPOTHESIS_PROFILE).
"""
from __future__ import annotations

import tempfile
from collections import Counter
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.clean import clean_article
from pipelines.ingest import IngestSettings, article_from_record, parse_txt_page, read_landing
from pipelines.ingest.core import parse_html_page
from pipelines.ingest.encoding import DecodeError, decode_bytes, normalize_newlines, text_problem
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
    # JSONL lines end at LF only; a line of JSON whitespace is blank, anything else is content.
    lines = [n for n, line in enumerate(data.split(b"\n"), 1) if line.strip(b" \t\r\n")]
    quarantined = Counter(q.line for q in result.quarantined)
    assert all(q.reason for q in result.quarantined)
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


# Regression tests for what the fuzzers found.

def test_regression_control_character_line_is_quarantined_not_skipped(tmp_path):
    (tmp_path / "in.jsonl").write_bytes(b'{}\n\x1c\n')
    result = read_landing(tmp_path, IngestSettings(require_arabic=False))
    assert sorted(q.line for q in result.quarantined) == [1, 2]


def test_regression_tiny_cp1256_text_that_is_valid_utf8(tmp_path):
    # "آ،" in cp1256 is the valid UTF-8 "¡": the UTF-8 reading fails the checks, cp1256 is tried.
    text = "7777777777 آ، ءء ءء طط"
    assert decode_bytes(text.encode("cp1256")).text == text
