"""The article-level judge, the role ranker and within-article coreference: formats and semantics.

Hand-written weight tables pin the mechanisms, not the fitted numbers (those are checked against the
training recipe in tests/test_article_models.py, and measured on our blind articles)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from pipelines.extract.assessor import DEMOTED_RULE as ASSESSOR_DEMOTED
from pipelines.extract.coref import assign_event_ids
from pipelines.extract.judge import (
    DEMOTED_RULE, RESTORED_RULE, SentenceInfo, candidate_features, default_judge, parse_weights,
)
from pipelines.extract.ranker import Ranker, default_ranker
from pipelines.extract.ranker import parse_weights as parse_ranker
from pipelines.records import (
    ActorMention, AnalyzedSentence, Event, Place, Quantity, Sentence, Span, TemporalExpression,
)

LEAD = "قصفت طائرات حربية بلدة سراقب أمس."
SECOND = "وقال المرصد إن الغارات قتلت خمسة مدنيين."
TEXT = LEAD + " " + SECOND
PUBLISHED = date(2018, 2, 5)


def sentences() -> list[AnalyzedSentence]:
    b = len(LEAD) + 1
    return [AnalyzedSentence(Sentence("d", 0, 0, len(LEAD), LEAD), ()),
            AnalyzedSentence(Sentence("d", 1, b, b + len(SECOND), SECOND), ())]


def event(etype="ASSAULT", sentence=0, word="قصفت", modality="asserted", explain=(), quantities=(),
          location=None, when=None, actor=None) -> Event:
    start = TEXT.index(word)
    return Event("d", sentence, etype, Span(word, start, start + len(word)), modality,  # type: ignore[arg-type]
                 explain=list(explain), quantities=list(quantities), location=location, date=when, actor=actor)


def infos() -> dict[int, SentenceInfo]:
    return {s.sentence.index: SentenceInfo(s.sentence.text, s.sentence.start, i, ()) for i, s in enumerate(sentences())}


def test_features_place_the_candidate_in_its_article():
    first, second = event(), event(sentence=1, word="الغارات")
    f1, f2 = candidate_features([first, second], infos(), PUBLISHED)
    assert f1["sent=0"] == f1["type_rank=0"] == f1["type_n=3"] == f1["type=ASSAULT"] == 1.0
    assert f2["sent=1"] == f2["type_rank=1"] == 1.0
    assert f1["ASSAULT|sent=0"] == 1.0  # crossed with the type
    assert "ASSAULT|w=قصفت" not in f1  # sentence words are not crossed


@pytest.mark.parametrize("value,source,gap", [
    ("2018-02-04", "relative", "gap=1"), ("2018-02-05", "explicit", "gap=0"), ("2018-01-20", "explicit", "gap=30"),
    ("2017-06-01", "explicit", "gap=365"), ("2016-01-01", "explicit", "gap=>365"), ("2018-02-09", "relative", "gap=future"),
    ("2018-02-05", "published", "gap=published"), ("2018-01", "explicit", "gap=365"),  # from the 1st
])
def test_date_gap_feature(value, source, gap):
    when = TemporalExpression("x", 0, 1, value, "day", source)
    [f] = candidate_features([event(when=when)], infos(), PUBLISHED)
    assert f[gap] == 1.0


TABLE = "# written for this test\n@threshold\t0.5\nbias\t-2.0\nsent=0\t4.0\n"


def test_weights_format_and_errors():
    j = parse_weights(TABLE)
    assert j.threshold == 0.5 and j.weights == {"bias": -2.0, "sent=0": 4.0}
    with pytest.raises(ValueError, match="no @threshold"):
        parse_weights("bias\t1.0\n")
    with pytest.raises(ValueError, match="2 tab-separated"):
        parse_weights("@threshold\t0.5\nbias\t1\t2\n")
    with pytest.raises(ValueError, match="not a number"):
        parse_weights("@threshold\t0.5\nbias\tx\n")


def judged(events, table=TABLE):
    return parse_weights(table).judge(events, sentences(), [], PUBLISHED)


def test_the_lead_is_kept_and_a_later_mention_demoted():
    lead, later = judged([event(), event(sentence=1, word="الغارات")])
    assert lead.modality == "asserted" and lead.confidence == pytest.approx(0.881, abs=1e-3)
    assert later.modality == "historical" and later.explain[-1] == DEMOTED_RULE
    assert later.confidence == pytest.approx(0.119, abs=1e-3)


def test_the_judge_never_asserts_what_the_rules_marked():
    [e] = judged([event(modality="negated")])
    assert e.modality == "negated" and e.confidence > 0.5  # scored, not promoted


def test_the_judge_overrules_an_assessor_demotion():
    demoted = event(modality="historical", explain=("assessor:p=0.30 threshold 0.50", ASSESSOR_DEMOTED))
    [e] = judged([demoted])
    assert e.modality == "asserted" and e.explain[-1] == RESTORED_RULE


def test_a_troop_level_is_never_demoted():
    troops = event(etype="MOBILIZE", sentence=1, word="الغارات",
                   quantities=(Quantity("900", 0, 3, 900, role="deployed"),))
    [e] = judged([troops], "@threshold\t0.5\nbias\t-5.0\n")
    assert e.modality == "asserted" and e.confidence < 0.01


@pytest.mark.parametrize("value, precision, asserted", [
    ("2018-02-05", "day", True),  # the publication day
    ("2018-02", "month", True),  # this month
    ("2018-01-20", "day", True),
    ("2018-03", "month", False),  # "بحلول آذار المقبل": a level planned, not reported
    ("2018-02-06", "day", False),
    ("2019", "year", False),
])
def test_a_troop_level_dated_after_publication_is_judged_like_any_record(value, precision, asserted):
    when = TemporalExpression("x", 0, 1, value, precision, "relative")
    troops = event(etype="MOBILIZE", sentence=1, word="الغارات", when=when,
                   quantities=(Quantity("900", 0, 3, 900, role="deployed"),))
    [e] = judged([troops], "@threshold\t0.5\nbias\t-5.0\n")
    assert (e.modality == "asserted") is asserted
    if not asserted:
        assert e.explain[-1] == DEMOTED_RULE


def test_the_shipped_judge_loads():
    j = default_judge()
    assert j is not None and 0.0 < j.threshold < 1.0 and len(j.weights) > 100


def place(name, word, country="SYR", precision="city", gid=1, admin1=None):
    s = TEXT.index(word)
    return Place(word, s, s + len(word), name, country, admin1, precision=precision, geonameid=gid)


@pytest.mark.parametrize("a,b,same", [
    (dict(), dict(sentence=1, word="الغارات"), True),  # nothing tells them apart
    (dict(location=place("Saraqib", "سراقب")), dict(sentence=1, word="الغارات", location=place("Idlib", "المرصد", gid=2)), False),
    (dict(location=place("Saraqib", "سراقب")), dict(sentence=1, word="الغارات", location=place("Syria", "المرصد", precision="country", gid=3)), True),
    (dict(location=place("Saraqib", "سراقب")), dict(sentence=1, word="الغارات", location=place("Mosul", "المرصد", country="IRQ", gid=4)), False),
    (dict(when=TemporalExpression("أمس", 0, 3, "2018-02-04", "day", "relative")),
     dict(sentence=1, word="الغارات", when=TemporalExpression("x", 0, 1, "2018-02-02", "day", "explicit")), False),
    (dict(when=TemporalExpression("أمس", 0, 3, "2018-02-04", "day", "relative")),
     dict(sentence=1, word="الغارات", when=TemporalExpression("x", 0, 1, "2018-02-05", "day", "published")), True),
    # a province's capital beside a town of that province: one campaign; two towns of it: two acts
    (dict(location=place("Al Ḩudaydah", "سراقب", "YEM", gid=5, admin1="Al Hudaydah Governorate")),
     dict(sentence=1, word="الغارات", location=place("Ad Durayhimi", "المرصد", "YEM", "admin2", 6, "Al Hudaydah Governorate")), True),
    (dict(location=place("Bayt al Faqih", "سراقب", "YEM", gid=7, admin1="Al Hudaydah Governorate")),
     dict(sentence=1, word="الغارات", location=place("Ad Durayhimi", "المرصد", "YEM", "admin2", 6, "Al Hudaydah Governorate")), False),
    (dict(location=place("Damascus", "سراقب", gid=8, admin1="Damascus Governorate")),
     dict(sentence=1, word="الغارات", location=place("Al-Hajar al-Aswad", "المرصد", gid=9, admin1="Rif Dimashq")), False),
    (dict(), dict(etype="PROTEST", sentence=1, word="الغارات"), False),
    (dict(), dict(sentence=1, word="الغارات", modality="negated"), False),
])
def test_records_of_one_act_share_an_event_id(a, b, same):
    x, y = assign_event_ids([event(**a), event(**b)])
    assert x.event_id and y.event_id and (x.event_id == y.event_id) is same


def test_event_ids_are_per_article_and_stable():
    evs = assign_event_ids([event(), event(etype="PROTEST")])
    assert [e.event_id for e in evs] == ["d#1", "d#2"]


def test_ranker_weights_format():
    assert parse_ranker("# c\nactor|bias\t1.5\n").weights == {"actor|bias": 1.5}
    with pytest.raises(ValueError, match="not a number"):
        parse_ranker("actor|bias\tx\n")


def test_ranker_picks_the_best_scored_candidate_and_says_so(monkeypatch):
    from pipelines.extract import mentions as m
    monkeypatch.setattr(m, "find_places", lambda text, ctx=(): [Place(w, text.index(w), text.index(w) + len(w), w, "SYR", precision="city")
                                                                 for w in ("سراقب",) if w in text])
    monkeypatch.setattr(m, "find_actors", lambda text, on=None, context_countries=(): [
        ActorMention(w, text.index(w), text.index(w) + len(w), "SYR MIL" if w == "طائرات" else None)
        for w in ("طائرات", "المرصد") if w in text])
    monkeypatch.setattr(m, "article_countries", lambda text, extra=(): ["SYR"])
    from pipelines.extract.events import article_mentions
    from pipelines.records import Article, CleanArticle, Region
    clean = CleanArticle(Article("d", TEXT, published=PUBLISHED), (Region(0, len(TEXT)),))
    mentions, dateline = article_mentions(clean, sentences())
    e = event(sentence=1, word="الغارات")  # the rules found nobody in the second sentence
    ranker = Ranker({"actor|origin=previous": 2.0, "actor|sector=-": 0.0, "location|origin=previous": 1.0,
                     "actor|origin=sentence": -1.0})
    [out] = ranker.rank([e], sentences(), mentions, dateline)
    assert out.actor.text == "طائرات" and out.location.text == "سراقب"
    assert any(x.startswith("ranker:actor previous 'طائرات'") for x in out.explain)
    assert out.actors == [out.actor] and out.locations[0] == out.location


def test_the_shipped_ranker_loads():
    r = default_ranker()
    assert r is not None and any(k.startswith("location|") for k in r.weights)


DETECTOR_TABLE = """# written for this test
ACCUSE\t@threshold\t0.5
ACCUSE\tbias\t-2.0
ACCUSE\tw=تورط\t3.0
ACCUSE\tw=قال\t0.5
REJECT\t@threshold\t0.5
REJECT\tbias\t-3.0
"""


def test_detector_proposes_a_type_on_its_strongest_word():
    from pipelines.extract.detector import from_table
    d = from_table(DETECTOR_TABLE)
    text = "وقال المتحدث إن الحكومة تورطت في الهجوم."
    [p] = d.propose("وقال المتحدث إن الحكومة تورط في الهجوم.", 0)
    assert p.event_type == "ACCUSE" and p.probability == pytest.approx(0.818, abs=1e-3)
    assert "وقال المتحدث إن الحكومة تورط في الهجوم."[p.start:p.end] == "تورط"
    assert d.propose("وقال المتحدث إن الحكومة تورط في الهجوم.", 0, skip=frozenset({"ACCUSE"})) == []
    assert d.propose(text, 0) == []  # "تورطت" is another word: no evidence, no proposal


def test_detector_candidates_are_decided_like_any_other(monkeypatch):
    from pipelines.extract import events as ev
    from pipelines.extract.detector import from_table
    from pipelines.records import Article, CleanArticle, Region
    text = "وقال المتحدث إن الحكومة تورط في تهريب السلاح."
    clean = CleanArticle(Article("d", text, published=PUBLISHED), (Region(0, len(text)),))
    sents = [AnalyzedSentence(Sentence("d", 0, 0, len(text), text), ())]
    found = ev.extract_events(clean, sents, [], judge=False, rank=False, detect=from_table(DETECTOR_TABLE))
    [e] = [e for e in found if e.event_type == "ACCUSE"]
    assert e.trigger.text == "تورط" and e.explain[0].startswith("trigger:detector ACCUSE/-")
    assert not [e for e in ev.extract_events(clean, sents, [], judge=False, rank=False, detect=False)
                if e.event_type == "ACCUSE"]


def test_records_of_one_act_share_the_roles_one_of_them_names():
    strike = event(location=place("Saraqib", "سراقب"), actor=ActorMention("طائرات", 4, 10, "SYR MIL"))
    toll = event(sentence=1, word="الغارات", quantities=(Quantity("خمسة", 0, 4, 5, role="killed"),))
    a, b = assign_event_ids([strike, toll])
    assert a.event_id == b.event_id
    assert b.location == a.location and b.actor == a.actor and b.actors == [a.actor]
    assert "coref:location from sentence 0" in b.explain
    assert a.quantities == b.quantities and len(b.quantities) == 1  # the act's first record takes its toll
    assert "coref:quantity 5 killed from sentence 1" in a.explain


def test_the_first_record_keeps_its_own_counts_and_later_ones_keep_theirs():
    own = Quantity("ثلاثة", 0, 5, 3, role="killed")
    later = Quantity("خمسة", 0, 4, 5, role="killed")
    hurt = Quantity("سبعة", 0, 4, 7, role="injured")
    a, b = assign_event_ids([event(quantities=(own,)), event(sentence=1, word="الغارات", quantities=(later, hurt))])
    assert a.quantities == [own, hurt]  # a role it counts itself is not overwritten
    assert b.quantities == [later, hurt]


def test_the_detector_probability_is_a_judge_feature():
    from pipelines.extract.detector import features, from_table
    d = from_table(DETECTOR_TABLE)
    accuse = event(etype="ACCUSE", sentence=1, word="الغارات")
    [plain] = candidate_features([accuse], infos(), PUBLISHED)
    [seen] = candidate_features([accuse], infos(), PUBLISHED, d)
    assert "det_p" not in plain
    p = d.probability("ACCUSE", features(SECOND, 1))
    assert seen["det_p"] == pytest.approx(p) and seen["ACCUSE|det_p"] == pytest.approx(p)
    [other] = candidate_features([event(etype="PROTEST")], infos(), PUBLISHED, d)
    assert "det_p" not in other  # a type the detector has no model for


@pytest.mark.parametrize("own,days_before,shared", [
    ("relative", 1, True),    # "فجر السبت" in the lead, "وقالت إسرائيل إنها شنت غارات" later
    ("relative", 3, True),
    ("relative", 0, False),   # the same day: nothing to change
    ("relative", 5, False),   # an older act is not the day of the news
    ("published", 1, False),  # only a day the sentence gives itself is shared
])
def test_records_of_one_act_share_the_day_one_of_them_gives(own, days_before, shared):
    from datetime import timedelta
    day = (PUBLISHED - timedelta(days=days_before)).isoformat()
    strike = event(when=TemporalExpression("السبت", 0, 5, day, "day", own))
    fallback = TemporalExpression("", 0, 0, PUBLISHED.isoformat(), "day", "published")
    later = event(sentence=1, word="الغارات", when=fallback)
    a, b = assign_event_ids([strike, later])
    assert a.event_id == b.event_id
    assert (b.date == a.date) is shared and ("coref:date from sentence 0" in b.explain) is shared


def test_a_place_the_gazetteer_does_not_list_is_offered_after_its_place_noun():
    from pipelines.extract.arguments import SentenceView
    from pipelines.extract.ranker import _unlisted_places
    text = "وقصفت الطائرات مديرية شدا وقرية آل عمار، ومنطقة عسكرية."
    s = AnalyzedSentence(Sentence("d", 0, 0, len(text), text), ())
    found = _unlisted_places(SentenceView.build(s), text, [], ("YEM",))
    assert [(c.value.text, c.value.name, c.value.country, c.origin) for c in found][:2] == [
        ("مديرية شدا", "شدا", "YEM", "sentence+unlisted"), ("وقرية آل عمار", "آل عمار", "YEM", "sentence+unlisted")]
    assert all(c.value.geonameid is None for c in found)  # named, not located: the ranker weighs them


def test_an_unlisted_place_does_not_tell_two_acts_apart():
    shada = Place("شدا", 0, 3, "شدا", "YEM", precision="city")
    strike = event(location=place("Sa'dah", "سراقب", "YEM", gid=10))
    toll = event(sentence=1, word="الغارات", location=replace(shada, start=TEXT.index("المرصد"), end=TEXT.index("المرصد") + 6))
    a, b = assign_event_ids([strike, toll])
    assert a.event_id == b.event_id


@pytest.mark.parametrize("text, names", [
    ("وقصفت الطائرات المنطقة التي يسيطر عليها المسلحون.", []),        # a definite noun, then its clause
    ("وعاد إلى بلده بعد الحرب.", []),                                   # "his country", not "بلدة"
    ("واقتحمت مديرية أمن المحافظة.", []),                               # a directorate of security
    ("وتقدمت القوات في منطقة شرق النهر.", []),                          # a direction, not a name
    ("وقصفت المدفعية قرية المشابيح وبلدة حاجين.", ["المشابيح", "حاجين"]),
    ("وسقطت قذيفة على مخيم الفلاح.", ["الفلاح"]),
])
def test_only_a_place_noun_in_construct_offers_an_unlisted_place(text, names):
    from pipelines.extract.arguments import SentenceView
    from pipelines.extract.ranker import _unlisted_places
    s = AnalyzedSentence(Sentence("d", 0, 0, len(text), text), ())
    assert [c.value.name for c in _unlisted_places(SentenceView.build(s), text, [], ("SYR",))] == names


@pytest.mark.parametrize("text, actor, expected", [
    ("أدان الرئيس الفرنسي إيمانويل ماكرون الهجوم.", "الرئيس الفرنسي", "الرئيس الفرنسي إيمانويل ماكرون"),
    ("أدان الرئيس الفرنسي، وقال ماكرون إن ...", "الرئيس الفرنسي", "الرئيس الفرنسي"),  # a comma ends the title
])
def test_a_title_and_the_name_after_it_are_one_actor(monkeypatch, text, actor, expected):
    from pipelines.extract import mentions as m
    from pipelines.extract.ranker import _titled
    from pipelines.records import Article, CleanArticle, Region
    start = text.index(actor)
    title = ActorMention(actor, start, start + len(actor), "FRA GOV", "FRA", "France GOV", "GOV")
    monkeypatch.setattr(m, "find_actors", lambda t, on=None, context_countries=(): [title])
    monkeypatch.setattr(m, "find_places", lambda t, ctx=(): [])
    monkeypatch.setattr(m, "article_countries", lambda t, extra=(): ["FRA"])

    class Names:
        def spans(self, t):
            return [(t.index("ماكرون") - (len("إيمانويل ") if "إيمانويل" in t else 0), t.index("ماكرون") + 6)]
    monkeypatch.setattr(m, "default_tagger", lambda: Names())
    s = [AnalyzedSentence(Sentence("d", 0, 0, len(text), text), ())]
    mentions = m.ArticleMentions(CleanArticle(Article("d", text), (Region(0, len(text)),)), s)
    got = _titled(title, mentions, 0)
    assert (got.text, got.code, text[got.start:got.end]) == (expected, "FRA GOV", expected)
