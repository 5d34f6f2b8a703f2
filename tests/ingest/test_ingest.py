"""Ingest: page layouts, encodings, JSONL streaming, deduplication, limits and quarantine."""
from __future__ import annotations

import json
import os
import time
from datetime import date
from pathlib import Path

import pytest

from pipelines.ingest import IngestSettings, article_from_record, parse_txt_page, read_landing
from pipelines.ingest.core import content_id, parse_html_page, read_quarantine_folder, split_text
from pipelines.ingest.encoding import DecodeError, decode_bytes, text_problem
from pipelines.ingest.txt import page_layout

BODY = "قتل ثلاثة مدنيين في غارة جوية على بلدة في ريف إدلب الجنوبي، وفق الدفاع المدني."
PAGE = f"-\nغارة جوية على ريف إدلب\n-\nالدفاع المدني يحصي الضحايا\n{BODY}\nوأصيب خمسة آخرون بجروح.\n"


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# --- .txt pages ---------------------------------------------------------------------------------

def test_seed_page_title_subtitle_and_offsets(samples_dir):
    raw = (samples_dir / "2024-09-19-levant-coalition-iraq.txt").read_text(encoding="utf-8")
    art = parse_txt_page(raw, "2024-09-19-levant-coalition-iraq.txt")
    assert art.title == "تصاعد التوترات يؤخر خطط انسحاب التحالف الدولي من العراق"
    assert art.abstract.startswith("التطورات الأخيرة في المنطقة")
    assert art.text == raw  # offsets slice the page as read
    assert art.fmt == "txt" and art.article_id.startswith("sha1-")


def test_page_without_subtitle_keeps_first_paragraph_as_body():
    page = f"-\nعنوان\n-\n{BODY}\nوأصيب خمسة آخرون.\n"
    layout = page_layout(page)
    assert layout.subtitle is None
    assert page[layout.body_start:].startswith(BODY)


def test_page_with_explicit_subtitle_separator():
    page = "-\nعنوان الخبر\n-\nعنوان فرعي ينتهي بنقطة.\n-\n" + BODY
    art = parse_txt_page(page)
    assert art.title == "عنوان الخبر" and art.abstract == "عنوان فرعي ينتهي بنقطة."


def test_page_without_separators_uses_first_line_as_title():
    art = parse_txt_page("عنوان بلا فواصل\n" + BODY)
    assert art.title == "عنوان بلا فواصل" and art.abstract == ""


def test_crlf_and_bom_are_normalised():
    art = parse_txt_page("\ufeff" + PAGE.replace("\n", "\r\n"))
    assert art.text == PAGE
    assert art.article_id == parse_txt_page(PAGE).article_id


def test_empty_page_is_an_error():
    with pytest.raises(ValueError):
        parse_txt_page(" \n\n")


# --- encodings ----------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1256", "iso8859_6"])
def test_arabic_encodings_decode_to_the_same_text(encoding):
    text = PAGE.replace("ك", "")  # keep the sample inside ISO-8859-6's repertoire
    decoded = decode_bytes(text.encode(encoding))
    assert decoded.text == text


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"),
    (b"\x00\x01\x02\x03" * 100, "binary"),
    ("Breaking news in English only, nothing else.".encode(), "not Arabic"),
    (BODY.encode("utf-8").decode("latin-1").encode("utf-8"), "mojibake"),
])
def test_unreadable_bytes_are_rejected_with_a_reason(data, reason):
    with pytest.raises(DecodeError, match=reason):
        decode_bytes(data)


def test_text_problem_accepts_arabic_with_some_latin():
    assert text_problem("قال مسؤول في CNN إن الهجوم وقع صباحاً في مدينة حلب.") is None


# --- HTML ---------------------------------------------------------------------------------------

def test_html_keeps_paragraphs_and_drops_markup_furniture():
    html = (
        "<html><head><title>موقع</title><meta property='article:published_time' content='2024-05-02T10:00:00Z'>"
        "<script>var x = 1;</script></head><body><nav>الرئيسية | سياسة</nav><article><h1>غارة على إدلب</h1>"
        f"<p>{BODY}</p><p>وأصيب <b>خمسة</b> آخرون\n بجروح.</p></article><footer>جميع الحقوق محفوظة</footer></body></html>"
    )
    art = parse_html_page(html, "x.html")
    assert art.title == "غارة على إدلب"
    assert art.text == BODY + "\nوأصيب خمسة آخرون بجروح."
    assert art.published == date(2024, 5, 2) and art.fmt == "html"


def test_html_without_text_is_an_error():
    with pytest.raises(ValueError):
        parse_html_page("<html><body><script>x</script></body></html>")


# --- JSONL records ------------------------------------------------------------------------------

def test_record_without_id_gets_a_content_id_stable_under_noise():
    a = article_from_record({"text": BODY})
    b = article_from_record({"text": BODY.replace(" ", "\u00a0", 2) + "  "})
    assert a.article_id == b.article_id == content_id(BODY)


@pytest.mark.parametrize("record, message", [
    ({"id": "x"}, "no 'text'"),
    ({"id": "x", "text": "   "}, "no 'text'"),
    ({"id": "x", "text": BODY, "published": "yesterday"}, "ISO 8601"),
    ({"id": "x", "text": BODY, "published": 20240101}, "ISO 8601"),
    ({"id": {"a": 1}, "text": BODY}, "'id' must be a string"),
    ({"id": "x", "text": "نص \ud800"}, "surrogate"),
])
def test_bad_records_raise_value_error(record, message):
    with pytest.raises(ValueError, match=message):
        article_from_record(record)


def test_published_accepts_dates_and_datetimes():
    assert article_from_record({"text": BODY, "published": "2018-02-18T20:50:44+00:00"}).published == date(2018, 2, 18)
    assert article_from_record({"text": BODY, "published": "2018-02-18Z"}).published == date(2018, 2, 18)
    assert article_from_record({"text": BODY, "published": None}).published is None


# --- the landing folder -------------------------------------------------------------------------

def test_samples_all_load(samples_dir):
    result = read_landing(samples_dir)
    assert not result.quarantined
    assert len(result.articles) >= 13
    assert len({a.article_id for a in result.articles}) == len(result.articles)
    months = {a.published.strftime("%Y-%m") for a in result.articles if a.published}
    assert len(months) >= 6


def test_landing_loads_good_and_quarantines_bad_without_stopping(tmp_path):
    land = tmp_path / "landing"
    land.mkdir()
    write(land, "2024-03-05-good.txt", PAGE)
    write(land, "same-content-other-name.txt", PAGE.encode("cp1256"))
    write(land, "empty.txt", b"")
    write(land, "binary.txt", bytes(range(256)) * 4)
    write(land, "notes.pdf", b"%PDF-1.4")
    lines = [
        json.dumps({"id": "r1", "text": "تظاهر المئات في البصرة احتجاجاً على انقطاع الكهرباء.", "published": "2024-01-02"}, ensure_ascii=False),
        '{"id": "r2", "text": "قتل',  # truncated
        "",
        json.dumps({"id": "r3", "text": "Only English here, no Arabic at all."}),
        json.dumps({"id": "r4", "text": BODY}, ensure_ascii=False),  # same body as a page? no: page text differs
    ]
    write(land, "batch.jsonl", "\n".join(lines) + "\n")
    result = read_landing(land)
    ids = sorted(a.article_id for a in result.articles)
    assert "r1" in ids and "r4" in ids and len(ids) == 3
    page = next(a for a in result.articles if a.fmt == "txt")
    assert page.published == date(2024, 3, 5) and page.origin == "2024-03-05-good.txt"
    assert result.duplicates == [("same-content-other-name.txt", page.article_id)]
    reasons = {(q.origin, q.line): q.reason for q in result.quarantined}
    assert set(reasons) == {("empty.txt", None), ("binary.txt", None), ("notes.pdf", None),
                            ("batch.jsonl", 2), ("batch.jsonl", 4)}
    assert "invalid JSON" in reasons[("batch.jsonl", 2)]
    assert "not Arabic" in reasons[("batch.jsonl", 4)]
    assert "unsupported file type" in reasons[("notes.pdf", None)]
    assert all(q.first_bytes or q.origin == "empty.txt" for q in result.quarantined)


def test_same_id_with_different_content_is_quarantined(tmp_path):
    rec = lambda t: json.dumps({"id": "dup", "text": t}, ensure_ascii=False)  # noqa: E731
    write(tmp_path, "a.jsonl", rec(BODY) + "\n" + rec("تظاهر المئات في عمّان.") + "\n")
    result = read_landing(tmp_path)
    assert [a.text for a in result.articles] == [BODY]
    assert "already used" in result.quarantined[0].reason and result.quarantined[0].origin == "a.jsonl"


def test_oversize_articles_are_quarantined_or_split(tmp_path):
    big = "\n".join(f"{BODY} الفقرة {i}." for i in range(40))  # ~6 KB of distinct Arabic lines
    write(tmp_path, "big.txt", big)
    write(tmp_path, "big.jsonl", json.dumps({"id": "big", "text": big}, ensure_ascii=False) + "\n")
    q = read_landing(tmp_path, IngestSettings(max_bytes=2000))
    assert not q.articles
    assert len(q.quarantined) == 2 and all("over the 2000-byte limit" in x.reason for x in q.quarantined)
    s = read_landing(tmp_path, IngestSettings(max_bytes=2000, oversize="split"))
    assert not s.quarantined
    parts = [a for a in s.articles if a.article_id.startswith("big#part")]
    assert len(parts) >= 3 and "".join(p.text for p in parts) == big
    assert all(len(a.text.encode()) <= 2000 for a in s.articles)


def test_split_text_cuts_long_paragraphs_at_spaces():
    parts = split_text("كلمة " * 1000, 500)
    assert "".join(parts) == "كلمة " * 1000
    assert all(len(p.encode()) <= 500 for p in parts)


def test_jsonl_line_over_read_limit_is_skipped_in_bounded_memory(tmp_path):
    long_line = json.dumps({"id": "huge", "text": "ا" * 50_000})
    good = json.dumps({"id": "ok", "text": BODY}, ensure_ascii=False)
    write(tmp_path, "x.jsonl", long_line + "\n" + good + "\n")
    result = read_landing(tmp_path, IngestSettings(max_read_bytes=4096))
    assert [a.article_id for a in result.articles] == ["ok"]
    assert result.quarantined[0].line == 1 and "read limit" in result.quarantined[0].reason


def test_file_over_read_limit_is_not_read(tmp_path):
    write(tmp_path, "huge.txt", PAGE * 100)
    result = read_landing(tmp_path, IngestSettings(max_read_bytes=1000))
    assert "read limit" in result.quarantined[0].reason and not result.articles


def test_recent_and_partial_files_wait(tmp_path):
    write(tmp_path, "fresh.txt", PAGE)
    write(tmp_path, "download.txt.part", PAGE)
    old = write(tmp_path, "old.txt", PAGE.replace("ثلاثة", "أربعة"))
    past = time.time() - 3600
    os.utime(old, (past, past))
    result = read_landing(tmp_path, IngestSettings(min_age_seconds=60))
    assert [a.origin for a in result.articles] == ["old.txt"]
    assert sorted(result.pending) == ["download.txt.part", "fresh.txt"]


def test_hidden_files_and_readme_are_not_inputs(tmp_path):
    write(tmp_path, ".DS_Store", b"\x00\x01")
    write(tmp_path, "README.md", "# notes")
    write(tmp_path, "a.txt", PAGE)
    result = read_landing(tmp_path)
    assert len(result.articles) == 1 and not result.quarantined


def test_quarantine_folder_and_fixed_file_picked_up_again(tmp_path):
    land, qdir = tmp_path / "landing", tmp_path / "quarantine"
    land.mkdir()
    write(land, "a.txt", b"\xff\xfe\x00garbage" * 3)
    write(land, "b.jsonl", '{"id": "b1", "text": "نص"\n')
    settings = IngestSettings(quarantine_dir=qdir, quarantine_mode="move")
    first = read_landing(land, settings)
    assert len(first.quarantined) == 2
    entries = read_quarantine_folder(qdir)
    assert {e["origin"] for e in entries} == {"a.txt", "b.jsonl"}
    assert all(e["reason"] for e in entries)
    assert not (land / "a.txt").exists()  # moved
    assert (land / "b.jsonl").exists()  # a bad line leaves the file; the line is copied
    line_copy = [p for p in qdir.iterdir() if ".line1." in p.name and not p.name.endswith(".reason.txt")]
    assert line_copy and line_copy[0].read_bytes().startswith(b'{"id": "b1"')
    # The user fixes the file and drops it again under the same name.
    write(land, "a.txt", PAGE)
    write(land, "b.jsonl", json.dumps({"id": "b1", "text": BODY}, ensure_ascii=False) + "\n")
    second = read_landing(land, settings)
    assert not second.quarantined and len(second.articles) == 2


def test_settings_from_env(monkeypatch, tmp_path):
    monkeypatch.setenv("MARSAD_MAX_ARTICLE_BYTES", "1234")
    monkeypatch.setenv("MARSAD_OVERSIZE", "split")
    monkeypatch.delenv("MARSAD_QUARANTINE_DIR", raising=False)
    s = IngestSettings.from_env(tmp_path / "landing")
    assert s.max_bytes == 1234 and s.oversize == "split"
    assert s.quarantine_dir == (tmp_path / "quarantine").resolve()


def test_missing_landing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="landing folder"):
        read_landing(tmp_path / "nope")


def test_jsonl_with_only_an_oversize_line_is_quarantined_once(tmp_path):
    write(tmp_path, "x.jsonl", json.dumps({"id": "huge", "text": "ا" * 5000}) + "\n")
    result = read_landing(tmp_path, IngestSettings(max_read_bytes=1000))
    assert [(q.origin, q.line) for q in result.quarantined] == [("x.jsonl", 1)]


def test_read_page_detects_the_encoding_of_a_single_file(tmp_path):
    from pipelines.ingest.core import read_page

    path = write(tmp_path, "old-scraper.txt", PAGE.encode("cp1256"))
    assert read_page(path).text == PAGE
    with pytest.raises(ValueError, match="empty"):
        read_page(write(tmp_path, "e.txt", b""))
