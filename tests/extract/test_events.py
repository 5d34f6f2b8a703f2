"""Event assembly: grouping, casualty-evidenced events, quantity attachment, dropping background.

Triggers, modality and the gazetteer are replaced by tiny fakes so that these tests exercise only
`events.py` (the real components have their own tests; `test_dev_scores.py` runs everything).
"""
from __future__ import annotations

from datetime import date

import pytest

from pipelines.extract import events as ev
from pipelines.extract import mentions
from pipelines.extract.modality import ModalityDecision
from pipelines.extract.triggers import TriggerMatch
from pipelines.records import (
    ActorMention, AnalyzedSentence, Article, CleanArticle, Place, Region, Sentence, TemporalExpression,
)

# surface -> (type, mode, weight)
FAKE_TRIGGERS = {
    "غارة": ("ASSAULT", "aerial", 0.8),
    "قصف": ("ASSAULT", "heavy-weapons", 0.85),
    "الهجوم": ("ASSAULT", None, 0.55),
    "تنشر": ("MOBILIZE", "troops", 0.85),
    "تظاهر": ("PROTEST", "demo", 0.9),
    "المتظاهرين": ("PROTEST", "demo", 0.55),
    "إطلاق النار": ("ASSAULT", "firearms", 0.9),
}
FAKE_ACTORS = {"الولايات المتحدة": "USA", "روسية": "RUS", "الجيش": "ISR", "الشرطة": "EGY"}
FAKE_PLACES = {"سوريا": ("SYR", "country"), "العراق": ("IRQ", "country"), "إدلب": ("SYR", "admin1"),
               "القاهرة": ("EGY", "city"), "بيروت": ("LBN", "city")}


def _all(text: str, table: dict):
    for surface, val in table.items():
        i = text.find(surface)
        while i >= 0:
            yield surface, i, val
            i = text.find(surface, i + 1)


def fake_triggers(s: AnalyzedSentence) -> list[TriggerMatch]:
    out = []
    for surface, i, (t, mode, w) in _all(s.sentence.text, FAKE_TRIGGERS):
        out.append(TriggerMatch(t, mode, s.sentence.start + i, s.sentence.start + i + len(surface), surface, surface, w))
    return out


def fake_modality(s: AnalyzedSentence, trig: TriggerMatch, published=None) -> ModalityDecision:
    before = s.sentence.text[: trig.start - s.sentence.start]
    if "نفى" in before or "نفت" in before:
        return ModalityDecision("negated", "نفى", "fake.negation")
    return ModalityDecision("asserted")


def fake_actors(text: str, on=None, context_countries=()) -> list[ActorMention]:
    return [ActorMention(s, i, i + len(s), code, code) for s, i, code in _all(text, FAKE_ACTORS)]


def fake_places(text: str, context_countries=()) -> list[Place]:
    return [Place(s, i, i + len(s), s, c, precision=p) for s, i, (c, p) in _all(text, FAKE_PLACES)]


@pytest.fixture(autouse=True)
def fakes(monkeypatch):
    monkeypatch.setattr(ev, "find_triggers", fake_triggers)
    monkeypatch.setattr(ev, "classify_modality", fake_modality)
    monkeypatch.setattr(mentions, "find_actors", fake_actors)
    monkeypatch.setattr(mentions, "find_places", fake_places)
    monkeypatch.setattr(ev, "find_places", fake_places)
    monkeypatch.setattr(mentions, "article_countries", lambda text, extra=(): list(extra))


def _extract(text: str, dates=(), published=date(2024, 9, 19), sentences=None):
    art = Article("doc", text, published=published)
    clean = CleanArticle(art, (Region(0, len(text)),))
    if sentences is None:
        sentences = [(0, len(text))]
    sents = [AnalyzedSentence(Sentence("doc", i, a, b, text[a:b]), ()) for i, (a, b) in enumerate(sentences)]
    return ev.extract_events(clean, sents, list(dates), judge=False, rank=False, detect=False)  # the rules, not the models


def test_casualty_report_is_an_assault_without_an_attack_noun() -> None:
    text = "قتل 16 مدنيا الجمعة في ريف إدلب"
    (e,) = _extract(text)
    assert e.event_type == "ASSAULT" and e.modality == "asserted"
    assert e.trigger.text == "قتل" and text[e.trigger.start:e.trigger.end] == "قتل"
    assert [(q.value, q.role) for q in e.quantities] == [(16, "killed")]
    assert e.location.country == "SYR"
    assert any(x.startswith("trigger:quantity:killed") for x in e.explain)


def test_arrest_count_makes_a_coerce_event() -> None:
    (e,) = _extract("اعتقلت الشرطة 20 شخصا في القاهرة")
    assert (e.event_type, e.mode) == ("COERCE", "arrest")
    assert [(q.value, q.role) for q in e.quantities] == [(20, "detained")]
    assert e.actor.code == "EGY" and e.location.text == "القاهرة"


def test_deployment_keeps_both_counts_and_both_places() -> None:
    text = "وتنشر الولايات المتحدة 900 جندي في سوريا، و2500 جندي في العراق ضمن قوات التحالف."
    (e,) = _extract(text)
    assert e.event_type == "MOBILIZE" and e.actor.code == "USA"
    assert [(q.value, q.role) for q in e.quantities] == [(900, "deployed"), (2500, "deployed")]
    assert [p.country for p in e.locations] == ["SYR", "IRQ"]
    for q in e.quantities:
        assert text[q.start:q.end] == q.text


def test_triggers_of_one_type_merge_into_one_event() -> None:
    (e,) = _extract("قتل 5 أشخاص في غارة روسية تلاها قصف على إدلب")
    assert e.event_type == "ASSAULT"
    assert sum(x.startswith("trigger:") for x in e.explain) >= 2
    assert e.actor.code == "RUS"


def test_different_modalities_stay_apart() -> None:
    evs = _extract("نفى الجيش شن غارة على المدينة")
    assert [e.modality for e in evs] == ["negated"]


def test_bare_definite_noun_is_background() -> None:
    assert _extract("وتحدث الوزير مطولا عن الهجوم") == []


def test_participant_noun_inside_a_target_is_not_a_protest() -> None:
    evs = _extract("وأدى إطلاق النار من قبل الجيش على المتظاهرين إلى مقتل 6 أشخاص")
    assert [e.event_type for e in evs] == ["ASSAULT"]
    assert evs[0].actor.code == "ISR"


def test_protest_gets_participants() -> None:
    (e,) = _extract("تظاهر 5000 شخص في القاهرة")
    assert e.event_type == "PROTEST"
    assert [(q.value, q.role) for q in e.quantities] == [(5000, "participants")]


def test_a_crowd_count_without_a_protest_word_is_no_protest() -> None:
    assert [e.event_type for e in _extract("شارك 500 طالب في المسابقة العلمية")] == []


def test_subsets_and_vague_amounts_are_not_attached() -> None:
    (e,) = _extract("قتل 30 شخصا بينهم 8 أطفال وأصيب العشرات في غارة")
    assert [(q.value, q.role) for q in e.quantities] == [(30, "killed")]


def test_offsets_are_into_the_original_article() -> None:
    text = "بيروت - عنوان أول. ثم قتل 4 جنود في قصف على إدلب."
    s2 = text.index("ثم")
    evs = _extract(text, sentences=[(0, s2 - 1), (s2, len(text))])
    (e,) = evs
    assert e.sentence_index == 1
    assert text[e.trigger.start:e.trigger.end] == e.trigger.text
    assert text[e.location.start:e.location.end] == e.location.text == "إدلب"
    for q in e.quantities:
        assert text[q.start:q.end] == q.text


def test_date_comes_from_the_sentence() -> None:
    text = "قتل 3 أشخاص الخميس في قصف على إدلب"
    i = text.index("الخميس")
    d = TemporalExpression("الخميس", i, i + 6, "2024-09-19", "day", "relative", "weekday")
    (e,) = _extract(text, dates=[d])
    assert e.date is d


def test_date_falls_back_to_publication() -> None:
    (e,) = _extract("قتل 3 أشخاص في قصف على إدلب", published=date(2024, 1, 2))
    assert (e.date.value, e.date.source) == ("2024-01-02", "published")


def test_confidence_grows_with_evidence() -> None:
    (weak,) = _extract("قصف على منطقة")
    (strong,) = _extract("قتل 9 أشخاص في قصف روسية على إدلب")
    assert 0 < weak.confidence < strong.confidence <= 1


def test_explain_names_entries_and_rules() -> None:
    (e,) = _extract("قتل 5 أشخاص في غارة روسية على إدلب")
    text = " ".join(e.explain)
    assert "trigger:غارة" in text and "quantity:5 killed" in text and "actor:" in text and "location:" in text
    assert "explain" in e.to_json(explain=True) and "explain" not in e.to_json()


def test_sentence_without_evidence_gives_nothing() -> None:
    assert _extract("وصل الوزير إلى بيروت صباح اليوم في زيارة رسمية") == []


def test_dateline_place_is_the_fallback_location() -> None:
    text = "بيروت - قتل 3 أشخاص في اشتباك مسلح"
    s = text.index("قتل")
    (e,) = _extract(text, sentences=[(s, len(text))])
    assert e.location.text == "بيروت" and "location:dateline" in e.explain


def test_accidental_deaths_are_not_an_assault() -> None:
    assert _extract("أعلنت الوزارة مقتل 3 جنود في حادث تحطم مروحية خلال تدريب") == []
    assert _extract("لقي 12 شخصا مصرعهم في حادث سير على الطريق الدولي") == []


def test_an_attack_word_beats_the_accident_words() -> None:
    (e,) = _extract("قتل 3 جنود في قصف على مروحية بعد تحطم محركها")
    assert e.event_type == "ASSAULT"


def test_a_war_toll_is_background() -> None:
    (e,) = _extract("وأدى النزاع منذ عام 2015 إلى مقتل نحو عشرة آلاف شخص")
    assert e.modality == "historical" and e.quantities[0].value == 10000
    (e2,) = _extract("قتل 4 أشخاص في قصف على إدلب خلال الحرب")
    assert e2.modality == "asserted"


def test_explosion_with_an_accident_cause_is_not_an_assault(monkeypatch) -> None:
    monkeypatch.setitem(FAKE_TRIGGERS, "انفجار", ("ASSAULT", "explosives", 0.65))
    assert _extract("وقع انفجار أسطوانة غاز في مطعم بالقاهرة") == []
    (e,) = _extract("وقع انفجار سيارة مفخخة قرب مطعم في القاهرة")
    assert e.event_type == "ASSAULT" and e.modality == "asserted"


def test_a_court_case_is_background() -> None:
    evs = _extract("قضت محكمة في القاهرة بسجن 3 رجال بتهمة قصف مبنى حكومي")
    assert [e.modality for e in evs if e.event_type == "ASSAULT"] == ["historical"]
