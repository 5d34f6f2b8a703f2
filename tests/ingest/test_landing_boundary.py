"""The landing folder is a boundary, and one reader serves every path (issue 19).

Each failure class is fed beside good articles: the good ones load, the bad one is quarantined or
reported with a reason (and its line number when it is a JSONL line), and no byte of a file outside
the folder, nor of anything that is not a regular file, is read or stored.
"""
from __future__ import annotations

import json
import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.ingest import IngestSettings, read_file, read_landing
from pipelines.ingest import core
from pipelines.ingest.core import read_quarantine_folder
from tests.reliability.landing_runs import time_limit

GOOD = "قتل خمسة مدنيين في غارة جوية على مدينة دوما أمس بحسب الدفاع المدني."
OTHER = "تظاهر مئات الطلاب في القاهرة احتجاجا على رفع الرسوم الجامعية."
OUTSIDE = "اعتقلت قوات الأمن عشرين شخصا في مدينة حمص فجر اليوم وفق ناشطين."
LANDED = "أصيب ثلاثة جنود بجروح في انفجار عبوة ناسفة قرب الحدود صباح اليوم."
MORE = "قصفت المدفعية قرى في ريف حماة الشمالي مساء الخميس دون ضحايا."
PAGE = "-\nغارة على دوما\n-\n" + GOOD + "\n"


def rec(id_: object = "g1", text: str = GOOD, **extra: object) -> str:
    return json.dumps({"id": id_, "text": text, **extra}, ensure_ascii=False)


def _landing(tmp_path: Path) -> Path:
    land = tmp_path / "landing"
    land.mkdir()
    (land / "good.jsonl").write_text(rec("good", LANDED) + "\n", encoding="utf-8")
    return land


def _outside(tmp_path: Path) -> Path:
    out = tmp_path / "outside"
    out.mkdir(exist_ok=True)
    (out / "secret.txt").write_text("-\nسري\n-\n" + OUTSIDE + "\n", encoding="utf-8")
    return out


# --- what is not a regular file inside the folder is reported, never opened -----------------------

def _link_to_outside_file(land: Path, tmp: Path) -> str:
    (land / "link.txt").symlink_to(_outside(tmp) / "secret.txt")
    return "link.txt"


def _link_to_environ(land: Path, tmp: Path) -> str:
    (land / "env.txt").symlink_to("/proc/self/environ")
    return "env.txt"


def _link_to_passwd(land: Path, tmp: Path) -> str:
    (land / "passwd.jsonl").symlink_to("/etc/passwd")
    return "passwd.jsonl"


def _link_to_outside_dir(land: Path, tmp: Path) -> str:
    (land / "linked").symlink_to(_outside(tmp), target_is_directory=True)
    return "linked"


def _fifo(land: Path, tmp: Path) -> str:
    os.mkfifo(land / "pipe.txt")
    return "pipe.txt"


def _dangling_link(land: Path, tmp: Path) -> str:
    (land / "gone.txt").symlink_to(tmp / "does-not-exist.txt")
    return "gone.txt"


NOT_READ = [
    pytest.param(_link_to_outside_file, "symbolic link", id="symlink-to-file-outside"),
    pytest.param(_link_to_environ, "symbolic link", id="symlink-to-proc-self-environ"),
    pytest.param(_link_to_passwd, "symbolic link", id="symlink-to-etc-passwd"),
    pytest.param(_link_to_outside_dir, "symbolic link", id="symlink-to-dir"),
    pytest.param(_dangling_link, "symbolic link", id="dangling-symlink"),
    pytest.param(_fifo, "FIFO", id="fifo"),
]


def _secrets() -> list[bytes]:
    """Byte strings that must never reach the warehouse or the quarantine folder."""
    with open("/proc/self/environ", "rb") as f:
        env = [v for v in f.read().split(b"\0") if len(v) >= 8]
    return [OUTSIDE.encode(), b"root:x:0:0", *env[:20]]


def _stored_bytes(result, qdir: Path) -> bytes:
    stored = b"".join(q.first_bytes + q.reason.encode() for q in result.quarantined)
    stored += b"".join(a.text.encode() for a in result.articles)
    if qdir.exists():
        stored += b"".join(p.read_bytes() for p in qdir.iterdir())
    return stored


@pytest.mark.parametrize("mode", ["copy", "move"])
@pytest.mark.parametrize("make, word", NOT_READ)
def test_only_regular_files_inside_the_folder_are_read(tmp_path, make, word, mode):
    land = _landing(tmp_path)
    origin = make(land, tmp_path)
    qdir = tmp_path / "quarantine"
    with time_limit(10):
        result = read_landing(land, IngestSettings(quarantine_dir=qdir, quarantine_mode=mode))
    assert [a.article_id for a in result.articles] == ["good"]
    assert [(q.origin, q.line, q.first_bytes) for q in result.quarantined] == [(origin, None, b"")]
    assert word in result.quarantined[0].reason and "not read" in result.quarantined[0].reason
    stored = _stored_bytes(result, qdir)
    assert not any(secret in stored for secret in _secrets())
    assert os.path.lexists(land / origin)  # reported, never moved away or followed
    assert [e["origin"] for e in read_quarantine_folder(qdir)] == [origin]


@pytest.mark.parametrize("make, word", NOT_READ)
def test_the_sensor_reads_one_file_with_the_same_boundary(tmp_path, make, word):
    land = _landing(tmp_path)
    origin = make(land, tmp_path)
    with time_limit(10):
        result = read_file(origin, land)
    assert not result.articles and [q.first_bytes for q in result.quarantined] == [b""]
    assert word in result.quarantined[0].reason


def test_a_path_through_a_linked_folder_is_not_read(tmp_path):
    land = _landing(tmp_path)
    _link_to_outside_dir(land, tmp_path)
    result = read_file("linked/secret.txt", land)
    assert not result.articles and "symbolic link" in result.quarantined[0].reason
    assert result.quarantined[0].first_bytes == b""


# --- file names and previews ---------------------------------------------------------------------

WIN1256_NAME = "خبر-عاجل".encode("cp1256") + b".txt"  # not UTF-8: os.listdir gives surrogate escapes


def test_a_file_name_that_is_not_utf8_loads_under_a_printable_name(tmp_path, capsys):
    land = _landing(tmp_path)
    with open(os.fsencode(land) + b"/" + WIN1256_NAME, "wb") as f:
        f.write(PAGE.encode("utf-8"))
    with open(os.fsencode(land) + b"/" + b"bad-\xe4\xf1.bin", "wb") as f:
        f.write(b"\x00\x01 binary")
    qdir = tmp_path / "quarantine"
    result = read_landing(land, IngestSettings(quarantine_dir=qdir))
    page = next(a for a in result.articles if a.fmt == "txt")
    assert page.text.startswith("-\nغارة")
    for origin in [page.origin] + [q.origin for q in result.quarantined]:
        origin.encode("utf-8")  # no surrogates: DuckDB, polars and JSON accept it
        assert origin.isprintable()
    assert page.origin == "\\xce\\xc8\\xd1-\\xda\\xc7\\xcc\\xe1.txt"
    assert [q.origin for q in result.quarantined] == ["bad-\\xe4\\xf1.bin"]
    assert main(["quarantine", "list", "--folder", str(qdir), "--json"]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [e["origin"] for e in listed] == ["bad-\\xe4\\xf1.bin"]
    db = tmp_path / "w.duckdb"
    assert main(["load", str(land), "--warehouse", str(db)]) == 0
    from pipelines.warehouse.readonly import run_readonly_sql
    _, rows = run_readonly_sql(db, "SELECT origin FROM articles ORDER BY origin")
    assert [r[0] for r in rows] == [page.origin, "good.jsonl"]


def test_move_mode_moves_a_bad_file_whose_name_is_not_utf8(tmp_path):
    land = _landing(tmp_path)
    bad = os.fsencode(land) + b"/" + b"bad-\xe4\xf1.txt"
    with open(bad, "wb") as f:
        f.write(b"\x00\x01 binary")
    qdir = tmp_path / "quarantine"
    result = read_landing(land, IngestSettings(quarantine_dir=qdir, quarantine_mode="move"))
    assert [q.origin for q in result.quarantined] == ["bad-\\xe4\\xf1.txt"]
    assert not os.path.lexists(bad) and (land / "good.jsonl").exists()
    [entry] = read_quarantine_folder(qdir)
    assert entry["origin"] == "bad-\\xe4\\xf1.txt" and (qdir / entry["file"]).read_bytes() == b"\x00\x01 binary"


def test_quarantine_previews_are_short_and_escaped(tmp_path):
    land = _landing(tmp_path)
    (land / "term.bin").write_bytes(b"\x1b]0;owned\x07\x1b[31mred\x1b[0m" + b"x" * 10_000)
    (land / "term.jsonl").write_bytes(b'{"id": "\x1b[2J' + b"y" * 5000 + b"\n")
    result = read_landing(land)
    assert len(result.quarantined) == 2
    for q in result.quarantined:
        assert 0 < len(q.first_bytes) <= 4 * core.FIRST_BYTES
        assert b"\x1b" not in q.first_bytes and b"\x07" not in q.first_bytes
        assert b"\\x1b" in q.first_bytes


# --- size is checked before decoding --------------------------------------------------------------

@pytest.mark.parametrize("name, settings", [
    pytest.param("big.txt", IngestSettings(), id="txt-default-limits"),
    pytest.param("big.txt", IngestSettings(oversize="split"), id="txt-split"),
    pytest.param("big.html", IngestSettings(), id="html"),
])
def test_a_60mb_file_is_rejected_by_its_size_before_any_decoding(tmp_path, monkeypatch, name, settings):
    land = _landing(tmp_path)
    with open(land / name, "wb") as f:
        f.write("-\nعنوان\n-\n".encode())
        f.truncate(60 * 1024 * 1024)  # sparse: costs no disk
    decoded: list[int] = []

    def spy(data: bytes, *args, **kwargs):
        decoded.append(len(data))
        if len(data) > 20 * 1024 * 1024:
            raise AssertionError(f"decoded {len(data)} bytes before the size check")
        return real(data, *args, **kwargs)

    real = core.decode_bytes
    monkeypatch.setattr(core, "decode_bytes", spy)
    result = read_landing(land, settings)
    assert [a.article_id for a in result.articles] == ["good"]
    [q] = result.quarantined
    assert q.origin == name and "62914560 bytes" in q.reason and "limit" in q.reason
    assert not decoded or max(decoded) < 1024  # only good.jsonl's line, if anything


def test_a_jsonl_line_is_read_with_a_cap(tmp_path):
    land = _landing(tmp_path)
    huge = rec("huge", "ا" * (5 * 1024 * 1024))  # one 5 M-character line: over 4 x a 1 MB article limit
    (land / "feed.jsonl").write_text(rec("a", OTHER) + "\n" + huge + "\n" + rec("b", MORE) + "\n", encoding="utf-8")
    result = read_landing(land, IngestSettings(max_bytes=1024 * 1024))
    assert sorted(a.article_id for a in result.articles) == ["a", "b", "good"]
    assert [(q.origin, q.line) for q in result.quarantined] == [("feed.jsonl", 2)]
    assert "read limit" in result.quarantined[0].reason


# --- JSONL records: one bad record never takes the good ones with it ------------------------------

FUTURE = (date.today() + timedelta(days=2 * 366)).isoformat()

BAD_RECORDS = [
    pytest.param("{not json", "invalid JSON", id="malformed-line"),
    pytest.param(rec("g1", OTHER), "already used", id="duplicate-id"),
    pytest.param(rec("p1", OTHER, published="2999-01-01"), "plausible", id="published-2999"),
    pytest.param(rec("p2", OTHER, published="0001-01-01"), "plausible", id="published-0001"),
    pytest.param(rec("p3", OTHER, published=FUTURE), "plausible", id="published-in-2-years"),
    pytest.param(rec("p4", OTHER, published="1899-12-31"), "plausible", id="published-1899"),
    pytest.param('{"id": NaN, "text": "%s"}' % OTHER, "'id'", id="nan-id"),
    pytest.param('{"id": Infinity, "text": "%s"}' % OTHER, "'id'", id="inf-id"),
    pytest.param('{"id": 1.5, "text": "%s"}' % OTHER, "'id'", id="float-id"),
    pytest.param('{"id": true, "text": "%s"}' % OTHER, "'id'", id="bool-id"),
    pytest.param('{"id": ["x"], "text": "%s"}' % OTHER, "'id'", id="list-id"),
    pytest.param(rec("  ", OTHER), "'id' is empty", id="blank-id"),
    pytest.param('{"id": %s, "text": "%s"}' % ("9" * 5000, OTHER), "", id="5000-digit-id"),
    pytest.param(rec("x" * 1000, OTHER), "'id'", id="1000-char-id"),
]


@pytest.mark.parametrize("bad, word", BAD_RECORDS)
def test_a_bad_record_between_good_ones_is_quarantined_with_its_line(tmp_path, bad, word):
    land = _landing(tmp_path)
    lines = [rec("g1"), bad, rec("g2", MORE)]
    (land / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = read_landing(land)
    assert sorted(a.article_id for a in result.articles) == ["g1", "g2", "good"]
    assert [(q.origin, q.line) for q in result.quarantined] == [("feed.jsonl", 2)]
    assert word in result.quarantined[0].reason


def test_move_mode_moves_only_the_lines_that_failed(tmp_path):
    land = _landing(tmp_path)
    lines = [rec("g1"), "{not json", rec("g2", MORE), rec("g1", OTHER), rec("p", OTHER, published="2999-01-01")]
    feed = land / "feed.jsonl"
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    qdir = tmp_path / "quarantine"
    result = read_landing(land, IngestSettings(quarantine_dir=qdir, quarantine_mode="move"))
    assert sorted(a.article_id for a in result.articles) == ["g1", "g2", "good"]
    assert sorted((q.origin, q.line) for q in result.quarantined) == [("feed.jsonl", 2), ("feed.jsonl", 4), ("feed.jsonl", 5)]
    copies = sorted(p for p in qdir.iterdir() if not p.name.endswith(".reason.txt"))
    assert sorted(p.read_text(encoding="utf-8").strip() for p in copies) == sorted([lines[1], lines[3], lines[4]])
    assert {e["line"] for e in read_quarantine_folder(qdir)} == {"2", "4", "5"}
    assert feed.exists()  # the good lines stay where they are: nothing that loaded was moved


# --- `marsad load` and `marsad extract --input` read with the same reader -------------------------

def _load(tmp_path: Path, target: Path) -> tuple[list[str], list[tuple]]:
    from pipelines.warehouse.readonly import run_readonly_sql

    db = tmp_path / "w.duckdb"
    assert main(["load", str(target), "--warehouse", str(db)]) == 0
    _, arts = run_readonly_sql(db, "SELECT article_id FROM articles ORDER BY 1")
    _, quar = run_readonly_sql(db, "SELECT origin, line, reason, first_bytes FROM quarantine ORDER BY origin, line")
    return [r[0] for r in arts], quar


def test_marsad_load_file_jsonl_goes_through_the_landing_reader(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("MARSAD_QUARANTINE_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in").mkdir()
    feed = Path("in") / "feed.jsonl"  # relative to the working folder, as typed
    feed.write_text("\n".join([
        rec("g1"), rec("g1", OTHER),  # duplicate id: quarantined, not silently dropped
        rec("en", "Only English here, no Arabic at all in this line."),  # the Arabic check applies
        rec("p", OTHER, published="2999-01-01"),
        rec("g2", MORE),
    ]) + "\n", encoding="utf-8")
    arts, quar = _load(tmp_path, feed)
    assert arts == ["g1", "g2"]
    assert [(o, ln) for o, ln, _, _ in quar] == [("feed.jsonl", 2), ("feed.jsonl", 3), ("feed.jsonl", 4)]
    assert "already used" in quar[0][2] and "not Arabic" in quar[1][2] and "plausible" in quar[2][2]


def test_marsad_load_applies_the_file_age_rule_and_the_size_limit(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("MARSAD_QUARANTINE_DIR", raising=False)
    land = _landing(tmp_path)
    monkeypatch.setenv("MARSAD_MIN_FILE_AGE_SECONDS", "3600")
    arts, _ = _load(tmp_path, land)
    assert arts == [] and "pending" in capsys.readouterr().err  # still being written: next run
    monkeypatch.setenv("MARSAD_MIN_FILE_AGE_SECONDS", "0")
    monkeypatch.setenv("MARSAD_MAX_ARTICLE_BYTES", "60")
    arts, quar = _load(tmp_path, land)
    assert arts == [] and [(o, ln) for o, ln, _, _ in quar] == [("good.jsonl", 1)] and "limit" in quar[0][2]


def test_marsad_load_folder_keeps_every_good_article_beside_hostile_input(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("MARSAD_QUARANTINE_DIR", raising=False)
    land = _landing(tmp_path)
    for make, _ in [p.values for p in NOT_READ]:
        make(land, tmp_path)
    with open(os.fsencode(land) + b"/" + WIN1256_NAME, "wb") as f:
        f.write(PAGE.encode("utf-8"))
    (land / "feed.jsonl").write_text("\n".join(
        [rec("g1", OTHER), "{not json", rec("g1", MORE), '{"id": NaN, "text": "%s"}' % MORE]) + "\n",
        encoding="utf-8")
    with time_limit(60):
        arts, quar = _load(tmp_path, land)
    assert arts == sorted(["good", "g1", core.content_id(PAGE)])
    by_origin = {(o, ln): (r, fb) for o, ln, r, fb in quar}
    assert set(by_origin) == {("link.txt", None), ("env.txt", None), ("passwd.jsonl", None), ("linked", None),
                              ("gone.txt", None), ("pipe.txt", None),
                              ("feed.jsonl", 2), ("feed.jsonl", 3), ("feed.jsonl", 4)}
    assert not any(secret in bytes(fb or b"") for _, fb in by_origin.values() for secret in _secrets())


def test_extract_input_reads_records_with_the_same_rules(tmp_path, capsys):
    docs = tmp_path / "docs.jsonl"
    docs.write_text("\n".join([
        rec("a1"), rec("a1", OTHER), '{"id": NaN, "text": "%s"}' % OTHER, rec("a2", GOOD),
    ]) + "\n", encoding="utf-8")
    assert main(["extract", "--input", str(docs)]) == 0
    out, err = capsys.readouterr()
    ids = {json.loads(line)["doc_id"] for line in out.splitlines()}
    assert ids == {"a1", "a2"}  # the same text under two ids: each id gets its answer
    assert ":2:" in err and "already used" in err and ":3:" in err and "'id'" in err
    link = tmp_path / "link.jsonl"
    link.symlink_to(docs)  # a path the user names on the command line is theirs to follow
    assert main(["extract", "--input", str(link)]) == 0
    os.mkfifo(tmp_path / "pipe.jsonl")
    with time_limit(10):
        assert main(["extract", "--input", str(tmp_path / "pipe.jsonl")]) == 2
    assert "FIFO" in capsys.readouterr().err


def test_the_landing_sensor_plans_runs_for_any_file_name_and_follows_no_link(tmp_path):
    from assets.automation import encode_cursor, plan_runs, run_key
    from assets.resources import LandingFolder, Warehouse

    land = _landing(tmp_path)
    with open(os.fsencode(land) + b"/" + WIN1256_NAME, "wb") as f:
        f.write(PAGE.encode("utf-8"))
    _link_to_outside_file(land, tmp_path)
    _fifo(land, tmp_path)
    with time_limit(10):
        runs, state = plan_runs({}, LandingFolder(path=str(land)), Warehouse(path=str(tmp_path / "none.duckdb")))
    assert set(state) == {"good.jsonl", "link.txt", "pipe.txt", "\\xce\\xc8\\xd1-\\xda\\xc7\\xcc\\xe1.txt"}
    encode_cursor(state).encode("utf-8")  # the cursor and run keys are stored as UTF-8
    for day, files in runs.items():
        run_key(day, files, state)


def test_dagster_reads_the_landing_folder_with_the_same_reader_and_settings(tmp_path, monkeypatch):
    from assets.resources import LandingFolder

    monkeypatch.delenv("MARSAD_QUARANTINE_DIR", raising=False)
    land = _landing(tmp_path)
    _link_to_environ(land, tmp_path)
    _fifo(land, tmp_path)
    folder = LandingFolder(path=str(land))
    monkeypatch.setenv("MARSAD_MIN_FILE_AGE_SECONDS", "3600")
    assert folder.read().pending == ["good.jsonl"]
    monkeypatch.setenv("MARSAD_MIN_FILE_AGE_SECONDS", "0")
    with time_limit(10):
        result = folder.read()
    assert [a.article_id for a in result.articles] == ["good"]
    assert [(q.origin, q.first_bytes) for q in result.quarantined] == [("env.txt", b""), ("pipe.txt", b"")]
    assert not (tmp_path / "quarantine").exists()  # Dagster writes no folder unless told where


def test_a_utf16_jsonl_cut_inside_a_character_keeps_its_whole_lines(tmp_path):
    land = _landing(tmp_path)
    data = (rec("u1") + "\n" + rec("u2", OTHER) + "\n").encode("utf-16-le")
    (land / "cut.jsonl").write_bytes(b"\xff\xfe" + data + b"{")  # an odd byte: half a character
    res = read_landing(land, IngestSettings(min_age_seconds=0))
    assert sorted(a.article_id for a in res.articles) == ["good", "u1", "u2"]
    [q] = res.quarantined
    assert q.line == 3 and q.reason.startswith("cannot decode the rest of the file as utf-16")


def test_extract_input_on_an_empty_file_extracts_nothing(tmp_path, capsys):
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"\n  \n")
    assert main(["extract", "--input", str(empty)]) == 0
    assert capsys.readouterr().out == ""
