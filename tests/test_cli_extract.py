"""Contract tests for `marsad extract` (the scorer and users rely on this output)."""
from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from pipelines.cli import main

MODALITIES = {"asserted", "negated", "hypothetical", "future", "historical"}
ROLES = {"killed", "injured", "detained", "abducted", "displaced", "deployed", "participants", "launched"}

DOCS = [
    {"id": "a1", "published": "2024-03-08",
     "text": "قتل 16 مدنيا الجمعة إثر غارة تركية استهدفت مستشفى في مدينة عفرين شمال سوريا."},
    {"id": "a2", "published": "2024-03-08T10:00:00+00:00",
     "text": "وتظاهر آلاف الأشخاص في بغداد احتجاجا على انقطاع الكهرباء. واعتقلت الشرطة ٢٠ متظاهرا."},
    {"id": "a3", "published": None, "text": "وقتل 3 جنود وأصيب ٧ آخرون بجروح في هجوم على حاجز عسكري."},
]


def _run(capsys, argv: list[str]) -> tuple[int, list[dict], str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines() if line.strip()], err


def _write(tmp_path: Path, lines: list[str]) -> Path:
    p = tmp_path / "docs.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_event_objects_follow_the_contract(tmp_path: Path, capsys) -> None:
    path = _write(tmp_path, [json.dumps(d, ensure_ascii=False) for d in DOCS])
    code, events, _ = _run(capsys, ["extract", "--input", str(path)])
    assert code == 0 and events
    texts = {d["id"]: d["text"] for d in DOCS}
    for e in events:
        text = texts[e["doc_id"]]
        assert isinstance(e["sentence_index"], int)
        assert e["event_type"].isupper() and e["modality"] in MODALITIES
        assert 0.0 <= e["confidence"] <= 1.0
        t = e["trigger"]
        assert text[t["start"]:t["end"]] == t["text"]
        for slot in ("actor", "target", "location"):
            v = e[slot]
            assert v is None or text[v["start"]:v["end"]] == v["text"]
        if e["location"]:
            assert "name" in e["location"] and "country" in e["location"]
        for q in e["quantities"]:
            assert text[q["start"]:q["end"]] == q["text"]
            assert isinstance(q["value"], int) and q["role"] in ROLES
            assert "value_max" in q
        if e["date"] is not None:
            assert {"value", "precision", "source"} <= set(e["date"])
        assert "explain" not in e


def test_casualty_counts_reach_the_output(tmp_path: Path, capsys) -> None:
    path = _write(tmp_path, [json.dumps(d, ensure_ascii=False) for d in DOCS])
    _, events, _ = _run(capsys, ["extract", "--input", str(path)])
    assault = [e for e in events if e["doc_id"] == "a3" and e["event_type"] == "ASSAULT"]
    assert assault and assault[0]["modality"] == "asserted"
    got = {(q["value"], q["role"]) for e in assault for q in e["quantities"]}
    assert got == {(3, "killed"), (7, "injured")}
    detained = {(q["value"], q["role"]) for e in events if e["doc_id"] == "a2" for q in e["quantities"]}
    assert (20, "detained") in detained


def test_explain_flag_adds_the_rules(tmp_path: Path, capsys) -> None:
    path = _write(tmp_path, [json.dumps(DOCS[0], ensure_ascii=False)])
    _, events, _ = _run(capsys, ["extract", "--input", str(path), "--explain"])
    assert events and all(isinstance(e["explain"], list) and e["explain"] for e in events)
    assert any(x.startswith("trigger:") for e in events for x in e["explain"])


def test_bad_lines_are_reported_and_skipped(tmp_path: Path, capsys) -> None:
    path = _write(tmp_path, [
        "{not json",
        json.dumps({"id": "no-text"}),
        json.dumps(["a", "list"]),
        json.dumps(DOCS[2], ensure_ascii=False),
    ])
    code, events, err = _run(capsys, ["extract", "--input", str(path)])
    assert code == 0
    assert ":1:" in err and ":2:" in err and ":3:" in err and "skipped" in err
    assert {e["doc_id"] for e in events} == {"a3"}


def test_missing_input_is_an_error(tmp_path: Path, capsys) -> None:
    code, events, err = _run(capsys, ["extract", "--input", str(tmp_path / "absent.jsonl")])
    assert code != 0 and events == [] and "absent.jsonl" in err


def test_seed_article_gives_the_deployment_event(samples_dir: Path, capsys) -> None:
    seed = samples_dir / "2024-09-19-levant-coalition-iraq.txt"
    if not seed.exists():
        pytest.skip("seed sample absent")
    code, events, _ = _run(capsys, ["extract", str(seed), "--published", "2024-09-19"])
    assert code == 0
    text = seed.read_text(encoding="utf-8-sig")
    mobilize = [e for e in events if e["event_type"] == "MOBILIZE" and e["quantities"]]
    assert mobilize, "no MOBILIZE event with counts"
    e = mobilize[0]
    assert e["doc_id"] == "2024-09-19-levant-coalition-iraq.txt" and e["modality"] == "asserted"
    assert {(q["value"], q["role"]) for q in e["quantities"]} == {(900, "deployed"), (2500, "deployed")}
    assert {p["country"] for p in e["locations"]} >= {"SYR", "IRQ"}
    assert e["actor"]["code"].split()[0] == "USA"
    for span in [e["trigger"], e["actor"], *e["quantities"], *e["locations"]]:
        assert text[span["start"]:span["end"]] == span["text"]


# --- standard input and exit codes (README "The marsad command line": exit status table) -------

class _Pipe(io.RawIOBase):
    """Bytes that can be read once and not sought back, as standard input from a pipe."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        chunk = self._data.read(min(len(b), 7))  # short reads, as a pipe gives them
        b[:len(chunk)] = chunk
        return len(chunk)


def _stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(_Pipe(data))))


def test_input_dash_reads_standard_input_like_a_file(tmp_path: Path, capsys, monkeypatch) -> None:
    lines = [json.dumps(d, ensure_ascii=False) for d in DOCS]
    path = _write(tmp_path, lines)
    code_f, from_file, _ = _run(capsys, ["extract", "--input", str(path)])
    _stdin(monkeypatch, path.read_bytes())
    code_s, from_stdin, _ = _run(capsys, ["extract", "--input", "-"])
    assert code_f == code_s == 0 and from_stdin == from_file and from_stdin
    _stdin(monkeypatch, path.read_bytes())
    code_d, dates, _ = _run(capsys, ["dates", "--input", "-"])
    assert code_d == 0 and {d["doc_id"] for d in dates} >= {"a1"}


def test_standard_input_keeps_the_readers_rules(capsys, monkeypatch) -> None:
    # UTF-16 is sniffed from the first bytes (which a pipe cannot give back: they are put in front),
    # a line over the read limit is skipped with its number, a reused id is refused.
    monkeypatch.setenv("MARSAD_MAX_READ_BYTES", "4096")
    lines = [json.dumps(DOCS[2], ensure_ascii=False),
             json.dumps({"id": "long", "text": "قتل " * 3000}, ensure_ascii=False),
             json.dumps({**DOCS[2], "text": "واعتقلت الشرطة ٢٠ متظاهرا."}, ensure_ascii=False)]
    _stdin(monkeypatch, ("\n".join(lines) + "\n").encode("utf-16"))
    code, events, err = _run(capsys, ["extract", "--input", "-"])
    assert code == 0 and {e["doc_id"] for e in events} == {"a3"}
    assert "-:2: skipped: line longer than" in err and "-:3: skipped: id 'a3' already used" in err
    assert "marsad: -: 2 lines skipped, 1 read" in err


def test_a_bad_line_is_counted_and_exits_zero(tmp_path: Path, capsys) -> None:
    path = _write(tmp_path, ["{not json", json.dumps(DOCS[0], ensure_ascii=False)])
    code, events, err = _run(capsys, ["extract", "--input", str(path)])
    assert code == 0 and events
    assert err.count("skipped") == 2 and "1 line skipped, 1 read" in err


@pytest.mark.parametrize("content, code", [
    (b"", 0),  # empty: nothing to extract, not an error
    (b"\n  \n", 0),  # blank lines only: the same
    (b"{not json\n[1]\n", 2),  # every record line bad: nothing could be read
    (b"\x00\x01\x02\xff\xfe\x00" * 20, 2),  # no text encoding fits
])
@pytest.mark.parametrize("command", ["extract", "dates"])
def test_exit_status_follows_the_readme_table(tmp_path: Path, capsys, monkeypatch, content, code, command) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(content)
    got, out, err = _run(capsys, [command, "--input", str(path)])
    assert (got, out) == (code, [])
    _stdin(monkeypatch, content)
    got, out, err = _run(capsys, [command, "--input", "-"])
    assert (got, out) == (code, [])
    if code:
        assert err.startswith("marsad: ") and err.rstrip().splitlines()[-1].startswith("marsad: ")


def test_settings_are_read_once_and_passed_down(tmp_path: Path, capsys, monkeypatch) -> None:
    """`main` reads the settings once: a bad MARSAD_* value is a usage error (exit 2, named), and the
    commands take their values from that object. The one other reader left on this path is the
    gazetteer's lazily loaded place index (its cache folder), a module-level cache."""
    import sys as _sys

    import pipelines.settings

    path = _write(tmp_path, [json.dumps(DOCS[0], ensure_ascii=False)])
    monkeypatch.setenv("MARSAD_MAX_READ_BYTES", "0")
    code, events, err = _run(capsys, ["extract", "--input", str(path)])
    assert (code, events) == (2, []) and "MARSAD_MAX_READ_BYTES='0'" in err
    monkeypatch.delenv("MARSAD_MAX_READ_BYTES")
    readers = []
    real = pipelines.settings.Settings.from_env.__func__

    def spy(cls, environ=None):
        readers.append(_sys._getframe(1).f_globals["__name__"])
        return real(cls, environ)

    monkeypatch.setattr(pipelines.settings.Settings, "from_env", classmethod(spy))
    code, events, _ = _run(capsys, ["extract", "--input", str(path)])
    assert code == 0 and events
    assert readers.count("pipelines.cli") == 1 and set(readers) <= {"pipelines.cli", "pipelines.gazetteer.index"}
