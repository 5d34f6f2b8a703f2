"""The person-name tagger (`pipelines/nlp/names.py`): spans, the weights format, and the recipe."""
from __future__ import annotations

import pytest

from pipelines.nlp import names
from pipelines.nlp.names import NameTagger, default_tagger, name_spans, parse_weights

from tests.conftest import SHARED

TABLE = "# written for this test\n@threshold\t0.5\nbias\t-3.0\nw-1=المتحدث\t2.0\nw=المالكي\t4.0\nw+1=المالكي\t4.0\n"


def test_a_run_of_name_words_is_one_name():
    t = parse_weights(TABLE)
    text = "وقال المتحدث تركي المالكي، إن الصاروخ اعترض."
    assert [text[a:b] for a, b in t.spans(text)] == ["تركي المالكي"]
    assert t.threshold == 0.5 and t.weights["bias"] == -3.0


@pytest.mark.parametrize("tags,spans", [
    ([False, True, True, False, True], {(1, 3), (4, 5)}),
    ([True], {(0, 1)}),
    ([False, False], set()),
])
def test_name_spans(tags, spans):
    assert name_spans(tags) == spans


def test_weights_errors_name_the_line():
    with pytest.raises(ValueError, match="line 2"):
        parse_weights("bias\t1.0\nw=x\tnot-a-number\n")


def test_the_shipped_tagger_finds_names_in_news():
    t = default_tagger()
    assert t is not None
    text = "قال وزير الخارجية العراقي إبراهيم الجعفري إن بلاده ترفض التدخل."
    assert "إبراهيم الجعفري" in [text[a:b] for a, b in t.spans(text)]
    assert t.spans("وقصفت الطائرات مدينة دوما أمس.") == []


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "nlp" / "anercorp_train.txt").exists(), reason="../shared/nlp is absent")
def test_the_shipped_weights_are_the_recipe_fit(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(names, "WEIGHTS", tmp_path / "refit.tsv")
    names.main([str(SHARED / "nlp" / "anercorp_train.txt"), str(SHARED / "nlp" / "anercorp_test.txt"), "--write"])
    fresh = parse_weights((tmp_path / "refit.tsv").read_text(encoding="utf-8"))
    shipped = default_tagger()
    assert fresh.threshold == shipped.threshold
    keys = set(fresh.weights) | set(shipped.weights)
    worst = max(abs(fresh.weights.get(k, 0.0) - shipped.weights.get(k, 0.0)) for k in keys)
    assert worst < 1e-5, f"person-name weights differ from the recipe by {worst}: rerun python -m pipelines.nlp.names"
