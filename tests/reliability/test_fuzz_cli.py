"""Property tests for the CLI's JSON input and `marsad extract` on random bytes and random Arabic.

The contract: a bad line is reported on stderr and skipped, a bad file (or one whose every line is
bad) is a clean error (exit 2),
never a traceback; every event's offsets slice its input text.
"""
from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.cli import CliError, main, read_input_docs

from .fuzzing import examples
from .strategies import arabic_text, jsonl_lines, news_text


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(argv)
    return rc, out.getvalue(), err.getvalue()


@settings(max_examples=examples(500))
@given(jsonl_lines())
def test_read_input_docs_skips_bad_lines(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "in.jsonl")
        path.write_bytes(data)
        with contextlib.redirect_stderr(io.StringIO()):
            try:
                docs = list(read_input_docs(path))
            except CliError as exc:  # a file no text encoding fits: reported, exit non-zero
                assert str(exc).startswith(f"cannot read {path}: ")
                return
    assert len(docs) <= sum(1 for line in data.split(b"\n") if line.strip())
    for d in docs:
        assert d.text.strip() and d.article_id


@settings(max_examples=examples(100))
@given(st.lists(st.tuples(st.one_of(news_text, arabic_text),
                          st.sampled_from([None, "2024-03-01", "2018-02-18T20:50:44+00:00"])), min_size=1, max_size=4))
def test_extract_on_random_arabic(docs):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "in.jsonl")
        texts = {}
        with open(path, "w", encoding="utf-8") as f:
            for i, (text, published) in enumerate(docs):
                texts[f"d{i}"] = text
                f.write(json.dumps({"id": f"d{i}", "text": text, "published": published}, ensure_ascii=False) + "\n")
        rc, out, _err = run_cli(["extract", "--input", str(path)])
    # exit 2 only when nothing could be read: every record was refused (no text, no letters)
    assert rc == 0 or (rc == 2 and _err.rstrip().endswith("every record line is bad") and not out), _err
    for line in out.splitlines():
        ev = json.loads(line)
        text = texts[ev["doc_id"]]
        t = ev["trigger"]
        assert text[t["start"]:t["end"]] == t["text"]
        for q in ev["quantities"]:
            assert text[q["start"]:q["end"]] == q["text"]


@settings(max_examples=examples(150))
@given(st.binary(max_size=400), st.sampled_from(["a.txt", "a.jsonl"]))
def test_extract_on_random_bytes_exits_cleanly(data, name):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, name)
        path.write_bytes(data)
        rc, out, err = run_cli(["extract", str(path)])
    assert rc in (0, 2)
    if rc == 2:
        assert err.startswith("marsad: ") and "Traceback" not in err
    for line in out.splitlines():
        json.loads(line)


# Regression tests for crashes the fuzzers found.

def test_regression_extract_empty_txt_file_is_a_clean_error(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"")
    rc, _out, err = run_cli(["extract", str(path)])
    assert rc == 2 and "empty" in err
