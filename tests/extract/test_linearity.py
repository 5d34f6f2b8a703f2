"""Bounded work: sentences are bounded, extraction is linear in article length, and an article past
its time budget is quarantined as too slow (issue 19)."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from bench.linearity import unpunctuated_text
from pipelines.clean import clean_article
from pipelines.extract import budget
from pipelines.nlp import split_sentences
from pipelines.nlp.sentences import MAX_SENTENCE_CHARS
from pipelines.process import process_articles
from pipelines.records import Article, Quarantined


def _pieces(text: str) -> list:
    return split_sentences(clean_article(Article("t", text)))


@pytest.mark.parametrize("text, separator", [
    (unpunctuated_text(30_000, seed=1), None),  # words without any punctuation: cut at spaces
    ("ب" * 12_000, None),  # one "word" of 12,000 letters: cut at the bound
    (("قال مسؤول إن القصف استمر طوال الليل، " * 400).strip(), "،"),  # clauses, no full stop: at a comma
    ("قتل " + "٩" * 6_000 + " شخصا", None),  # a digit run longer than a sentence
])
def test_a_run_without_sentence_punctuation_is_cut_into_bounded_pieces(text, separator):
    pieces = _pieces(text)
    assert len(pieces) > 1 and all(len(p.text) <= MAX_SENTENCE_CHARS for p in pieces)
    assert [p.index for p in pieces] == list(range(len(pieces)))
    assert all(p.text == text[p.start:p.end] for p in pieces)  # offsets into the original text
    assert "".join(p.text for p in pieces).replace(" ", "") == text.replace(" ", "")  # nothing lost
    if separator:
        assert all(p.text.endswith(separator) for p in pieces[:-1])


def test_sentences_of_real_articles_are_not_cut(samples_dir):
    for path in sorted(samples_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        pieces = _pieces(text)
        assert max(len(p.text) for p in pieces) < MAX_SENTENCE_CHARS // 2, path.name


def test_a_100_kb_unpunctuated_article_is_processed_in_seconds(repo_dir):
    """48 KB of such text took over 300 s when argument search saw it as one sentence."""
    script = textwrap.dedent("""
        import time
        from bench.linearity import unpunctuated_text
        from pipelines.process import process_articles
        from pipelines.records import Article
        process_articles([Article("warm", "قتل 5 أشخاص في غارة على حلب.")])
        text = unpunctuated_text(100_000, seed=100)
        t = time.perf_counter()
        [out] = process_articles([Article("big", text)], seconds=0)
        print(type(out).__name__, len(out.events), round(time.perf_counter() - t, 2))
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=repo_dir, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    kind, n_events, seconds = done.stdout.split()
    assert kind == "ArticleResult" and int(n_events) > 50
    assert float(seconds) < 20.0  # about 1.5 s on the 2-core build machine


def test_an_article_past_its_time_budget_is_quarantined_and_the_next_goes_on():
    good = Article("good", "قتل 5 مدنيين في غارة جوية على بلدة معرة النعمان في ريف إدلب.", origin="a.jsonl")
    process_articles([good])  # lexicons and gazetteer loaded before the clock runs
    slow = Article("slow", unpunctuated_text(300_000, seed=3), origin="b.jsonl", line=7)
    out = process_articles([slow, good], seconds=0.2)
    assert isinstance(out[0], Quarantined) and not isinstance(out[1], Quarantined)
    assert (out[0].stage, out[0].article_id, out[0].origin, out[0].line) == ("extract", "slow", "b.jsonl", 7)
    assert out[0].reason == f"too slow: extraction passed its 0.2 s budget ({budget.ENV})"
    assert [e.event_type for e in out[1].events] == ["ASSAULT"]


@pytest.mark.parametrize("value, seconds", [
    (None, budget.DEFAULT_SECONDS), ("", budget.DEFAULT_SECONDS), ("0", None), ("2.5", 2.5), (" 90 ", 90.0),
    ("abc", ValueError), ("-1", ValueError), ("nan", ValueError),
])
def test_the_budget_setting(monkeypatch, value, seconds):
    if value is None:
        monkeypatch.delenv(budget.ENV, raising=False)
    else:
        monkeypatch.setenv(budget.ENV, value)
    if seconds is ValueError:
        with pytest.raises(ValueError, match=budget.ENV):
            budget.budget_seconds()
    else:
        assert budget.budget_seconds() == seconds
