"""pipelines.caching: memos scoped to a run (and "text" ones to a chunk), resources loaded once."""
import re
from pathlib import Path

import pytest

from pipelines import caching, text  # noqa: F401 - text registers its memo
from pipelines.caching import RunCaches, memo, resource

PIPELINES = Path(__file__).resolve().parents[1] / "pipelines"

calls: list[str] = []


@memo(8)
def _word(w: str) -> str:
    calls.append(w)
    return w.upper()


@memo(scope="text")
def _text(t: str) -> int:
    calls.append(t)
    return len(t)


@resource
def _lexicon() -> dict:
    calls.append("load")
    return {"a": 1}


@pytest.fixture(autouse=True)
def _fresh():
    calls.clear()
    _word.cache_clear()
    _text.cache_clear()
    yield


def test_memos_and_resources_are_registered_by_name():
    assert caching.memos()[f"{__name__}._word"] == "run"
    assert caching.memos()[f"{__name__}._text"] == "text"
    assert caching.memos()["pipelines.text.normalize_with_offsets"] == "text"
    assert f"{__name__}._lexicon" in caching.resources()
    assert _text.cache_info().maxsize == caching.TEXT_MEMO_SIZE


def test_a_run_counts_hits_and_misses_and_empties_the_memos_at_its_end():
    _word("stale")  # before the run: emptied when it starts
    with RunCaches() as run:
        assert _word.cache_info().currsize == 0
        _word("x"), _word("x"), _word("y")
        assert run.stats()[f"{__name__}._word"].hits == 1  # counted while open
    s = run.stats()[f"{__name__}._word"]
    assert (s.hits, s.misses, s.peak, s.filled) == (1, 2, 2, False)
    assert _word.cache_info().currsize == 0
    assert run.metadata()[f"{__name__}._word"] == {"hits": 1, "misses": 2, "peak": 2, "maxsize": 8,
                                                     "filled": False}


def test_chunk_done_empties_the_text_memos_only_and_keeps_counting():
    with RunCaches() as run:
        _word("w"), _text("one sentence"), _text("one sentence")
        run.chunk_done()
        assert _text.cache_info().currsize == 0 and _word.cache_info().currsize == 1
        _text("one sentence"), _word("w")
    assert calls == ["w", "one sentence", "one sentence"]
    t = run.stats()[f"{__name__}._text"]
    assert (t.hits, t.misses, t.peak) == (1, 2, 1)
    assert run.stats()[f"{__name__}._word"].hits == 1


def test_a_filled_memo_is_reported():
    with RunCaches() as run:
        for i in range(10):
            _word(str(i))
    assert run.metadata()[f"{__name__}._word"]["filled"] is True


def test_current_nests_inside_the_open_run_and_a_second_run_is_refused():
    with RunCaches() as outer:
        _word("kept")
        with RunCaches.current() as inner:
            assert inner is outer
            _word("kept")
        assert _word.cache_info().currsize == 1  # the inner exit did not end the run
        with pytest.raises(RuntimeError):
            RunCaches().__enter__()
    assert RunCaches.current() is not outer
    assert outer.stats()[f"{__name__}._word"].hits == 1


def test_a_resource_is_loaded_once_until_reset():
    assert _lexicon() is _lexicon()
    assert calls == ["load"]
    assert caching.resources()[f"{__name__}._lexicon"] is True
    caching.reset_resources()
    assert caching.resources()[f"{__name__}._lexicon"] is False
    _lexicon()
    assert calls == ["load", "load"]


def test_no_module_of_the_library_keeps_a_cache_of_its_own():
    """Every cache goes through pipelines.caching, so a run owns it and its counts are reported."""
    offenders = [str(p.relative_to(PIPELINES)) for p in PIPELINES.rglob("*.py")
                 if p.name != "caching.py" and re.search(r"\blru_cache\b|functools\.cache\b|@cache\b", p.read_text())]
    assert offenders == []


def test_process_articles_gives_the_same_outcomes_whatever_the_chunk_size():
    from pipelines.process import process_articles
    from pipelines.records import Article

    texts = ["قتل ثلاثة أشخاص في قصف على مدينة حلب يوم الاثنين.",
             "اعتقلت الشرطة خمسة متظاهرين في بغداد.",
             "قتل ثلاثة أشخاص في قصف على مدينة حلب يوم الاثنين."]
    articles = [Article(f"a{i}", t) for i, t in enumerate(texts)]
    with RunCaches() as run:
        one = process_articles(articles, chunk=1)
    assert run.stats()["pipelines.text.normalize_with_offsets"].misses > 0
    assert one == process_articles(articles, chunk=3)
    assert any(r.events for r in one)
