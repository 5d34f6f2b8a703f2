"""Trigger matching: clitics, offsets, multi-word triggers, longest match, lemmas, negatives."""
from __future__ import annotations

import pytest

from pipelines.extract.triggers import (
    TriggerMatch, conjugate_imperfect, conjugate_perfect, decline_noun, find_triggers, peel,
)
from pipelines.records import AnalyzedSentence, Sentence, Token


def _sentence(text: str, start: int = 0, tokens: tuple[Token, ...] = ()) -> AnalyzedSentence:
    return AnalyzedSentence(Sentence("doc", 0, start, start + len(text), text), tokens)


def _found(text: str) -> list[tuple[str, str]]:
    return [(m.event_type, m.text) for m in find_triggers(_sentence(text))]


def _types(text: str) -> set[str]:
    return {m.event_type for m in find_triggers(_sentence(text))}


@pytest.mark.parametrize("text,trigger,prefix", [
    ("وقصفت الطائرات البلدة.", "وقصفت", "و"),          # و + perfect 3fs
    ("تعرض الحي للقصف ليلا.", "للقصف", "لل"),          # لل = ل + ال
    ("قتل طفلان بالقصف.", "بالقصف", "بال"),
    ("فقصفوا المدرسة.", "فقصفوا", "ف"),                # ف + perfect 3mp
    ("وسيقصف الجيش المواقع.", "وسيقصف", "وس"),         # و + س + imperfect
    ("قصفتها المدفعية أمس.", "قصفتها", ""),            # object suffix
    ("وأعلن الجيش أن غارتها أصابت الهدف.", "غارتها", ""),  # ة -> ت before a suffix
    ("يقصفون القرى كل يوم.", "يقصفون", ""),
    ("استشهد ثلاثة شبان.", "استشهد", ""),
    ("اعتقلوهم عند الحاجز.", "اعتقلوهم", ""),          # -وا + pronoun written -و
])
def test_clitic_and_inflected_forms(text, trigger, prefix):
    ms = [m for m in find_triggers(_sentence(text)) if m.text == trigger]
    assert ms, _found(text)
    assert ms[0].prefix == prefix


def test_offsets_point_into_the_article_text_even_with_diacritics_and_tatweel():
    article = "مقدمة طويلة. " + "وقَصَفَـت الطائراتُ الحيَّ."
    start = article.index("وقَ")
    sent = _sentence(article[start:], start=start)
    [m] = find_triggers(sent)
    assert m.entry == "قصف"
    assert article[m.start:m.end] == m.text == "وقَصَفَـت"
    assert m.prefix == "و"


@pytest.mark.parametrize("text,entry,span", [
    ("أطلق مسلحون النار على دورية.", "اطلاق_النار", "أطلق مسلحون النار"),
    ("لقي ثلاثة جنود مصرعهم في كمين.", "لقي_مصرعه", "لقي ثلاثة جنود مصرعهم"),
    ("ألقت الشرطة القبض على المشتبه به.", "القاء_القبض", "ألقت الشرطة القبض"),
    ("شنت الطائرات الحربية غارات على المواقع.", "شن_غارة", "شنت الطائرات الحربية غارات"),
    ("وأسفر الانفجار عن مقتل سبعة.", "اسفر_عن_مقتل", "وأسفر الانفجار عن مقتل"),
    ("انفجرت سيارة مفخخة قرب السوق.", "سيارة_مفخخة", "سيارة مفخخة"),
    ("تبادل لإطلاق النار بين الطرفين.", "تبادل_اطلاق_النار", "تبادل لإطلاق النار"),
])
def test_multi_word_triggers(text, entry, span):
    ms = [m for m in find_triggers(_sentence(text)) if m.entry == entry]
    assert ms and ms[0].text == span


def test_longest_match_wins_and_one_match_per_span():
    ms = find_triggers(_sentence("قتل مدنيون في قصف جوي على السوق."))
    assert [m.entry for m in ms] == ["قتل", "قصف_جوي"]
    assert ms[1].mode == "aerial"
    spans = [(m.start, m.end) for m in ms]
    assert len(spans) == len(set(spans))


def test_gap_words_stay_free_for_other_triggers():
    ms = find_triggers(_sentence("أسفر هجوم كيماوي عن مقتل العشرات."))
    assert {m.entry for m in ms} >= {"اسفر_عن_مقتل", "هجوم_كيماوي"}


def test_gap_does_not_cross_clause_punctuation_but_skips_bracketing_commas():
    assert "اطلاق_النار" not in {m.entry for m in find_triggers(_sentence("أطلق الرئيس وعدا؛ النار مشتعلة."))}
    assert "شن_غارة" in {m.entry for m in find_triggers(_sentence("وشن الطيران، الجمعة، غارات على المواقع."))}
    # commas do not count as gap words, but the words between them do
    assert "شن_غارة" not in {m.entry for m in find_triggers(
        _sentence("شن الرئيس في خطابه أمس، وسط حضور كبير، هجوما ثم أعلن غارات."))}


def test_verbs_weigh_more_than_background_nouns():
    [kill] = find_triggers(_sentence("قتل مسلحون جنديا."))
    [attack] = find_triggers(_sentence("تحدث التقرير عن الهجوم."))
    assert kill.weight > attack.weight
    [noun_shelling] = find_triggers(_sentence("تحدث عن القصف."))
    [verb_shelling] = find_triggers(_sentence("قصف الجيش القرية."))
    assert verb_shelling.weight > noun_shelling.weight


@pytest.mark.parametrize("text", [
    "وصلت القوات إلى المدينة.",            # القوات is not a trigger
    "هناك مخاوف كبيرة.",                   # هناك is not هنأ + ك
    "بعد 30 عاما في الحكم.",               # الحكم is not ألحّ + كم
    "استيقظ السكان فجر اليوم.",           # فجر = dawn, not "detonated"
    "سلم المدرب الجائزة للاعب.",          # سلم is not س + لم
    "ورد في التقرير أن الوضع هادئ.",       # ورد is not و + رد
    "حسم الملاكم النزال بالضربة القاضية.",  # sport
    "أنهى اللاعب مسيرة كروية حافلة.",      # career, not a march
    "تسعى الحكومة إلى تحقيق الاستقرار.",   # achieving, not investigating
    "أطلقت الوزارة حملة للتوعية.",        # launching a campaign
    "أعلنت وزارة الخارجية موقفها.",        # وزارة is not و + زار + ه (ة is not the pronoun)
    "قادت حركة النهضة الائتلاف.",          # حركة is not حرّك + ه
    "وصفت الصحيفة الوضع بالمعقد.",         # وصفت is not و + صفّت
    "ويعد هذا القرار الأول من نوعه.",       # يعد = "is considered", not "promises"
])
def test_negative_cases_fire_nothing(text):
    assert _found(text) == []


def test_ambiguous_release_is_not_shooting():
    assert _types("أطلقت الحركة سراح جنديين.") == {"RETREAT"}
    assert _types("أطلق الحوثيون صاروخا على الرياض.") == {"ASSAULT"}


def test_ceasefire_is_not_an_assault_but_its_breach_is():
    assert _types("صمد وقف إطلاق النار في الجنوب.") == {"RETREAT"}
    assert "ASSAULT" in _types("اتهمت المعارضة النظام بخرق الهدنة.")


def test_lemma_from_the_analyzer_finds_forms_the_generator_does_not_make():
    text = "اقتتل المسلحون في الحي."
    assert "ASSAULT" not in _types(text)
    tok = Token("اقتتل", 0, 5, lemma="قَتَل")
    ms = find_triggers(_sentence(text, tokens=(tok,)))
    assert [(m.entry, m.text) for m in ms] == [("قتل", "اقتتل")]


def test_empty_and_non_arabic_sentences():
    assert find_triggers(_sentence("")) == []
    assert find_triggers(_sentence("The army shelled the village, 12 dead.")) == []


def test_trigger_match_is_hashable_and_frozen():
    m = find_triggers(_sentence("قتل جندي."))[0]
    assert isinstance(m, TriggerMatch) and hash(m)
    with pytest.raises(Exception):
        m.start = 3  # type: ignore[misc]


def test_morphology_helpers():
    assert {"قصفت", "قصفوا", "قصفا"} <= set(conjugate_perfect("قصف"))
    assert {"رمت", "رموا"} <= set(conjugate_perfect("رمي"))
    assert {"يقصف", "تقصف", "يقصفون", "يقصفوا"} <= set(conjugate_imperfect("يقصف"))
    assert {"غاره", "غارتين", "غارات"} <= set(decline_noun("غاره"))
    assert {"هجوما", "هجومين"} <= set(decline_noun("هجوم"))
    assert ("قصف", "بال", "") in peel("بالقصف")


@pytest.mark.parametrize("text,protest_word", [
    ("فرقت الشرطة المتظاهرين بالقوة.", "المتظاهرين"),
    ("استخدمت قوات الأمن خراطيم المياه لتفريق مظاهرة أمام الوزارة.", "مظاهرة"),
    ("فضت قوات الأمن اعتصام العمال أمام المصنع.", "اعتصام"),
])
def test_dispersing_a_protest_reports_the_protest_too(text, protest_word):
    """An entry's `also` adds a second event on the protest noun of its tail."""
    matches = find_triggers(_sentence(text))
    assert any(m.event_type == "ASSAULT" and m.mode == "crowd-control" for m in matches)
    protest = [m for m in matches if m.event_type == "PROTEST"]
    assert len(protest) == 1 and protest[0].text == protest_word and protest[0].entry.endswith("+also")


@pytest.mark.parametrize("text,hidden", [
    ("أكد الجيش أن قواعد الاشتباك لم تتغير.", "ASSAULT"),       # rules of engagement
    ("عاد النازحون إلى أسرهم.", "ASSAULT"),                     # their families, not "captured them"
    ("أجرى الجنود تدريبات على إطلاق النار.", "ASSAULT"),         # shooting practice
    ("ندد البيان بانتهاك الشرطة لحق التظاهر.", "PROTEST"),       # the right to protest
    ("أشاد الوزير بمسيرة التنمية.", "PROTEST"),                 # the course of development
    ("نقل السفير احتجاج بلاده إلى وزارة الخارجية.", "PROTEST"),  # a diplomatic protest
    ("أعلنت الوزارة إسقاط طائرة مسيرة.", "PROTEST"),            # a drone, not a march
    ("عبر الوزير عن احتجاجه على القرار.", "PROTEST"),           # a verbal objection
    ("سلمت الخارجية السفير مذكرة احتجاج.", "PROTEST"),          # a note of protest
])
def test_false_friends_do_not_fire_their_type(text, hidden):
    assert hidden not in _types(text)


@pytest.mark.parametrize("text,word", [
    ("وقتل الجنود قرب تدمر في وسط البلاد.", "تدمر"),        # the city, not "she destroys"
])
def test_no_verb_reading_after_a_preposition(text, word):
    sent = AnalyzedSentence(Sentence("d", 0, 0, len(text), text), ())
    assert not [m for m in find_triggers(sent) if m.text == word and m.kind in ("perf", "imperf")]
