"""Analysis cache: re-analysing unchanged sentences does no NLP work; offsets follow the sentence."""
from __future__ import annotations

from pipelines.nlp import OfflineAnalyzer
from pipelines.nlp import get_analyzer
from pipelines.nlp.cache import CachedAnalyzer
from pipelines.records import Article, CleanArticle, Region


class CountingAnalyzer(OfflineAnalyzer):
    def __init__(self):
        super().__init__(entities=False)
        self.calls = 0

    def analyze_sentences(self, sentences):
        self.calls += len(sentences)
        return super().analyze_sentences(sentences)


def _clean(aid: str, text: str) -> CleanArticle:
    return CleanArticle(Article(aid, text), (Region(0, len(text)),))


def test_second_run_is_all_hits(tmp_path):
    inner = CountingAnalyzer()
    cached = CachedAnalyzer(inner, tmp_path / "cache")
    docs = [_clean("a", "قتل جنديان في هجوم. وأصيب ثلاثة آخرون."), _clean("b", "اجتمع الوزراء في بغداد.")]
    first = cached.analyze_many(docs)
    assert cached.stats.misses == 3 and cached.stats.hits == 0 and inner.calls == 3
    second = CachedAnalyzer(CountingAnalyzer(), tmp_path / "cache")
    again = second.analyze_many(docs)
    assert second.stats.hits == 3 and second.stats.misses == 0 and second.inner.calls == 0
    assert again == first
    assert second.stats.as_metadata()["nlp_cache_hit_rate"] == 1.0


def test_moved_sentence_hits_with_shifted_offsets(tmp_path):
    cached = CachedAnalyzer(CountingAnalyzer(), tmp_path)
    cached.analyze(_clean("a", "وقالت الشرطة إنها اعتقلت خمسة."))
    text = "مقدمة جديدة. وقالت الشرطة إنها اعتقلت خمسة."
    sents = cached.analyze(_clean("b", text))
    assert cached.stats.hits == 1 and cached.stats.misses == 2
    moved = sents[1]
    assert moved.sentence.article_id == "b"
    assert all(text[t.start:t.end] == t.text for t in moved.tokens)
    assert moved.tokens[0].start == text.index("وقالت")


def test_duplicate_sentences_in_one_batch_are_analysed_once(tmp_path):
    inner = CountingAnalyzer()
    cached = CachedAnalyzer(inner, tmp_path)
    cached.analyze_many([_clean("a", "عاجل."), _clean("b", "عاجل.")])
    assert inner.calls == 1 and cached.stats.misses == 2


def test_version_change_invalidates(tmp_path):
    cached = CachedAnalyzer(CountingAnalyzer(), tmp_path)
    cached.analyze(_clean("a", "انفجرت سيارة مفخخة."))
    other = CountingAnalyzer()
    other.version = "changed-lexicon"
    cached2 = CachedAnalyzer(other, tmp_path)
    cached2.analyze(_clean("a", "انفجرت سيارة مفخخة."))
    assert cached2.stats.misses == 1 and other.calls == 1


def test_default_cache_location(monkeypatch, tmp_path):
    monkeypatch.setenv("MARSAD_NLP_CACHE", str(tmp_path / "c"))
    assert get_analyzer(cache=True).path == tmp_path / "c"
    monkeypatch.delenv("MARSAD_NLP_CACHE")
    monkeypatch.setenv("MARSAD_WAREHOUSE", str(tmp_path / "wh" / "w.duckdb"))
    assert get_analyzer(cache=True).path == tmp_path / "wh" / "nlp_cache"
