"""Offline analyzer: clitic segmentation, verb lemmas, sentence splitting, offsets, entities."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from pipelines.nlp import OfflineAnalyzer, get_analyzer, split_sentences
from pipelines.nlp.offline import lemmatize_verb, tag_entities, tokenize
from pipelines.records import Article, CleanArticle, Region, Token


def words(text: str) -> list[str]:
    return [t.text for t in tokenize(text)]


@pytest.mark.parametrize("text, expected", [
    ("للجيش", ["ل", "لجيش"]),  # ل+ال: the article's alef is not written
    ("وبالمدفعية", ["و", "ب", "المدفعية"]),
    ("والتقى", ["و", "التقى"]),
    ("وسيقصف", ["و", "س", "يقصف"]),
    ("عليه", ["علي", "ه"]),
    ("لديهم", ["لدي", "هم"]),
    ("قتلهم", ["قتل", "هم"]),
    ("نشرتها", ["نشرت", "ها"]),
    ("حياته", ["حيات", "ه"]),  # ة is written ت before the pronoun
    ("فإن", ["ف", "إن"]),
    ("به", ["ب", "ه"]),
    ("بشكل", ["ب", "شكل"]),
    # words that only look like clitic + word
    ("وزير", ["وزير"]), ("بيروت", ["بيروت"]), ("لبنان", ["لبنان"]), ("كتبت", ["كتبت"]),
    ("وصلت", ["وصلت"]), ("كان", ["كان"]), ("الله", ["الله"]), ("اتهم", ["اتهم"]),
    ("سيارة", ["سيارة"]), ("ولايته", ["ولايت", "ه"]),
])
def test_clitic_segmentation(text, expected):
    assert words(text) == expected


def test_contracted_article_lemma_restores_alef():
    toks = tokenize("وصل الوفد للعاصمة")
    host = [t for t in toks if t.text == "لعاصمة"][0]
    assert host.lemma == "عاصمة" and host.upos == "NOUN"


def test_punctuation_numbers_and_latin():
    assert words("قتل 3.5% من السكان، (BBC) ؛ هل؟") == \
        ["قتل", "3.5", "%", "من", "السكان", "،", "(", "BBC", ")", "؛", "هل", "؟"]
    assert words("٢٠١٨") == ["٢٠١٨"]


def test_diacritics_stay_with_their_letters():
    text = "وَقَالَ الجَيْشُ"
    toks = tokenize(text)
    assert [t.text for t in toks] == ["وَ", "قَالَ", "الجَيْشُ"]
    assert toks[1].lemma == "قال"


def test_tatweel_alone_is_punctuation():
    assert words("الإحصاء ـ لا") == ["الإحصاء", "ـ", "لا"]
    assert words("الـقتال") == ["الـقتال"]


@pytest.mark.parametrize("form, lemma", [
    ("يقول", "قال"), ("قالت", "قال"), ("يعلن", "أعلن"), ("أعلنت", "أعلن"), ("يستخدمون", "استخدم"),
    ("اجتمعوا", "اجتمع"), ("انسحبت", "انسحب"), ("يصل", "وصل"), ("قتلت", "قتل"), ("دعت", "دعا"),
    ("انتهت", "انتهى"), ("يكون", "كان"), ("تكون", "كان"), ("يؤكد", "أكد"), ("يستطيع", "استطاع"),
    ("أقيمت", "أقام"), ("يجري", "جرى"), ("هاجموا", "هاجم"), ("يتم", "تم"),
])
def test_verb_lemmas_from_lexicon(form, lemma):
    assert lemmatize_verb(form) == lemma


@pytest.mark.parametrize("form, lemma", [
    ("طرحت", "طرح"),  # unknown Form I perfect
    ("تأسست", "تأسس"),  # Form V perfect
    ("يستهينون", "استهان"),  # Form X hollow
    ("ينمو", "نما"),  # defective
])
def test_verb_lemma_patterns_for_unlisted_verbs(form, lemma):
    assert lemmatize_verb(form) == lemma


def test_verb_lemma_none_for_nouns():
    assert lemmatize_verb("سيارة", strict=True) is None
    assert lemmatize_verb("مستشفى", strict=True) is None


def _clean(text: str, regions=None) -> CleanArticle:
    return CleanArticle(Article("t", text), tuple(regions or (Region(0, len(text)),)))


def test_sentence_splitting_punctuation_abbreviations_decimals():
    text = "قال د. أحمد إن 3.5 مليون شخص نزحوا. وأضاف: هل انتهى القتال؟ لا، لم ينته؛ والمعارك مستمرة!\nسطر"
    got = [s.text for s in split_sentences(_clean(text))]
    assert got == ["قال د. أحمد إن 3.5 مليون شخص نزحوا.", "وأضاف: هل انتهى القتال؟",
                   "لا، لم ينته؛ والمعارك مستمرة!", "سطر"]


def test_sentence_splitting_keeps_closing_quote_and_us_abbreviation():
    text = 'قال: "انتهى الأمر." ثم غادر. وصل وفد U.S. إلى بغداد.'
    got = [s.text for s in split_sentences(_clean(text))]
    assert got == ['قال: "انتهى الأمر."', "ثم غادر.", "وصل وفد U.S. إلى بغداد."]


def test_sentences_respect_body_regions():
    text = "العنوان الرئيسي اقرأ أيضا: خبر آخر قال الوزير إن الهجوم فشل"
    body = (Region(0, 15), Region(35, len(text)))
    sents = split_sentences(_clean(text, body))
    assert [s.text for s in sents] == ["العنوان الرئيسي", "قال الوزير إن الهجوم فشل"]
    assert all(text[s.start:s.end] == s.text for s in sents)
    assert [s.index for s in sents] == [0, 1]


def test_analyzer_offsets_point_into_original_article():
    text = "مقدمة محذوفة\nوقالت وزارة الدفاع للصحفيين إنّ 12 مسلحاً قُتلوا في الغارة."
    clean = _clean(text, [Region(13, len(text))])
    result = OfflineAnalyzer().analyze(clean)
    assert len(result) == 1 and result[0].analyzer == "offline"
    toks = result[0].tokens
    assert all(text[t.start:t.end] == t.text for t in toks)
    assert toks[0].start == 13 and [t.text for t in toks[:3]] == ["و", "قالت", "وزارة"]
    by_text = {t.text: t for t in toks}
    assert by_text["قالت"].lemma == "قال" and by_text["قالت"].upos == "VERB"
    assert by_text["قُتلوا"].lemma == "قتل"


ARABIC_CHUNKS = st.sampled_from([
    "و", "ب", "ال", "لل", "قتل", "ه", "ها", "هم", "َ", "ّ", "ـ", " ", "،", ".", "؟", "\n", "3", ".5",
    "سي", "يقول", "ون", "ة", "ت", "أ", "إ", "ى", "x", "!", "\u00a0", "\u200f", "«", "»",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(ARABIC_CHUNKS, max_size=40).map("".join))
def test_tokens_are_ordered_substrings(text):
    toks = tokenize(text, 7)
    prev = 7
    for t in toks:
        assert t.text and ("x" + text)[t.start - 6:t.end - 6] == t.text
        assert t.start >= prev
        prev = t.end
    # nothing but whitespace is lost
    covered = set()
    for t in toks:
        covered.update(range(t.start - 7, t.end - 7))
    assert all(text[i].isspace() or "\u200e" <= text[i] <= "\u200f" for i in range(len(text)) if i not in covered)


def test_tag_entities_skips_proclitics_and_keeps_bio():
    toks = tokenize("وصل وفد من بغداد وللموصل")
    # spans as a gazetteer would give them, covering the whole written word
    text = "وصل وفد من بغداد وللموصل"
    spans = [(text.index("بغداد"), text.index("بغداد") + 5, "LOC"),
             (text.index("وللموصل"), len(text), "LOC")]
    tagged = tag_entities(toks, spans)
    tags = [(t.text, t.ner) for t in tagged]
    assert ("بغداد", "B-LOC") in tags and ("و", "O") in tags and ("ل", "O") in tags
    assert ("لموصل", "B-LOC") in tags
    assert [t for t in tagged if t.text == "بغداد"][0].upos == "PROPN"


def test_offline_analyzer_uses_gazetteer_spans(monkeypatch):
    import pipelines.gazetteer as gaz
    from pipelines.records import Place

    def fake_places(text, context_countries=()):
        i = text.find("حلب")
        return [Place("حلب", i, i + 3, "Aleppo", "SYR")] if i >= 0 else []

    monkeypatch.setattr(gaz, "find_places", fake_places)
    monkeypatch.setattr(gaz, "find_actors", lambda text, on=None: [])
    sent = OfflineAnalyzer().analyze(_clean("قصفت الطائرات بحلب"))[0]
    assert [(t.text, t.ner) for t in sent.tokens][-2:] == [("ب", "O"), ("حلب", "B-LOC")]


def test_get_analyzer_offline_without_models(monkeypatch, tmp_path, caplog):
    monkeypatch.delenv("MARSAD_STANZA_DIR", raising=False)
    assert get_analyzer().name == "offline"
    (tmp_path / "resources.json").write_text('{"ar": {"lang_name": "Arabic"}}')
    monkeypatch.setenv("MARSAD_STANZA_DIR", str(tmp_path))
    from pipelines.nlp.models import describe_choice

    choice = describe_choice(tmp_path)
    assert choice.name == "offline" and "Arabic entries" in choice.reason
    assert get_analyzer().name == "offline"


def test_models_status_command(monkeypatch, capsys):
    from pipelines.cli import main

    monkeypatch.delenv("MARSAD_STANZA_DIR", raising=False)
    assert main(["models", "status"]) == 0
    out = capsys.readouterr().out
    assert "active analyzer: offline" in out and "MARSAD_STANZA_DIR is not set" in out


def test_train_ner_command_rejects_missing_and_malformed_files(tmp_path, capsys):
    from pipelines.cli import main

    assert main(["models", "train-ner", "--train", str(tmp_path / "nope.txt"), "--dev", str(tmp_path / "x")]) == 2
    bad = tmp_path / "bad.txt"
    bad.write_text("onlyonecolumn\n", encoding="utf-8")
    assert main(["models", "train-ner", "--train", str(bad), "--dev", str(bad), "--out", str(tmp_path / "m")]) == 2
    assert "expected 'token TAG'" in capsys.readouterr().err


def test_tokens_are_records():
    t = tokenize("قال")[0]
    assert isinstance(t, Token) and t.ner == "O" and t.head is None
