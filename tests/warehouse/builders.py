"""Hand-written ArticleResults for warehouse tests (independent of extraction quality)."""
from __future__ import annotations

import random
from datetime import date, timedelta

from pipelines.process import ArticleResult
from pipelines.records import (ActorMention, AnalyzedSentence, Article, CleanArticle, Event, Place, Quantity,
                               Region, Sentence, Span, TemporalExpression)

PLACES = {
    "دوما": dict(name="Douma", country="SYR", admin1="Rif Dimashq", lat=33.571, lon=36.402, geonameid=170654,
                 precision="city"),
    "حرستا": dict(name="Harasta", country="SYR", admin1="Rif Dimashq", lat=33.558, lon=36.365,
                  geonameid=170063, precision="city"),
    "حلب": dict(name="Aleppo", country="SYR", admin1="Aleppo", lat=36.202, lon=37.134, geonameid=170063 + 1,
                precision="city"),
    "سوريا": dict(name="Syria", country="SYR", lat=35.0, lon=38.0, geonameid=163843, precision="country"),
    "العراق": dict(name="Iraq", country="IRQ", lat=33.0, lon=44.0, geonameid=99237, precision="country"),
    "القاهرة": dict(name="Cairo", country="EGY", admin1="Cairo", lat=30.044, lon=31.236, geonameid=360630,
                    precision="city"),
}
ACTORS = {
    "القوات السورية": dict(code="SYR GOV MIL", country="SYR", name="Syrian armed forces", sector="MIL"),
    "النظام السوري": dict(code="SYR GOV", country="SYR", name="Syrian government", sector="GOV"),
    "الولايات المتحدة": dict(code="USA", country="USA", name="United States", sector="GOV"),
    "المعارضة": dict(code="SYR REB", country="SYR", name="Syrian rebels", sector="REB"),
    "متظاهرون": dict(code="EGY CVL", country="EGY", name="Egyptian protesters", sector="CVL"),
    "داعش": dict(code="ISIL", country=None, name="Islamic State", sector="REB"),
}


def _span(text: str, needle: str) -> tuple[int, int]:
    i = text.index(needle)
    return i, i + len(needle)


def event(text: str, doc_id: str, etype: str, trigger: str, *, actor: str | None = None,
          target: str | None = None, place: str | None = None, date_value: str | None = None,
          precision: str | None = None, date_source: str = "explicit", quantities=(), modality="asserted",
          confidence: float = 0.8, sentence_index: int = 0, mode: str | None = None) -> Event:
    ts, te = _span(text, trigger)

    def actor_mention(word):
        s, e = _span(text, word)
        return ActorMention(word, s, e, **ACTORS[word])

    loc = None
    if place:
        s, e = _span(text, place)
        loc = Place(place, s, e, **PLACES[place])
    d = None
    if date_value:
        d = TemporalExpression("", 0, 0, date_value, precision, date_source)  # no span in the text
    qs = []
    for qtext, value, role, *rest in quantities:
        s, e = _span(text, qtext)
        qs.append(Quantity(qtext, s, e, value, rest[0] if rest else None, role))
    return Event(doc_id, sentence_index, etype, Span(trigger, ts, te), modality=modality, mode=mode,
                 actor=actor_mention(actor) if actor else None, target=actor_mention(target) if target else None,
                 location=loc, quantities=qs, date=d, confidence=confidence)


def result(article_id: str, text: str, published: date | None, source: str, events_spec: list[dict],
           title: str = "") -> ArticleResult:
    art = Article(article_id, text, title or text[:30], published, source,
                  f"https://{source}.example/{article_id}", origin=f"{article_id}.jsonl", fmt="jsonl")
    clean = CleanArticle(art, (Region(0, len(text)),))
    sents = [AnalyzedSentence(Sentence(article_id, 0, 0, len(text), text), ())]
    evs = [event(text, article_id, **spec) for spec in events_spec]
    return ArticleResult(clean, sents, [], evs)


T1 = "قتلت القوات السورية 5 مدنيين في قصف على دوما يوم الجمعة."
T2 = "ارتفع عدد قتلى قصف القوات السورية على دوما إلى 12 مدنيا وأصيب 20 آخرون."
T3 = "قصفت القوات السورية أحياء في حلب وقتل 3 أشخاص."
T4 = "أعلنت الولايات المتحدة نشر 900 جندي إضافي في سوريا هذا الشهر."
T5 = "سحبت الولايات المتحدة 500 جندي من العراق."
T6 = "نفى النظام السوري أنه قصف حرستا."
T7 = "تظاهر متظاهرون في القاهرة بمشاركة 1000 شخص ضد الغلاء."
T8 = "هاجم داعش مواقع المعارضة في حلب."


def sample_results() -> list[ArticleResult]:
    """Eight articles: a strike reported twice (bbc + cnn), a nearby different strike, troop moves,
    a denied strike, a protest in an undated article, an ISIL attack without date."""
    return [
        result("a1", T1, date(2018, 3, 10), "bbc", [dict(
            etype="ASSAULT", trigger="قتلت", actor="القوات السورية", place="دوما", date_value="2018-03-09",
            precision="day", quantities=[("5", 5, "killed")], mode="aerial")]),
        result("a2", T2, date(2018, 3, 11), "cnn", [dict(
            etype="ASSAULT", trigger="قصف", actor="القوات السورية", place="دوما", date_value="2018-03-09",
            precision="day", quantities=[("12", 12, "killed"), ("20", 20, "injured")], mode="aerial")]),
        result("a3", T3, date(2018, 3, 11), "france24", [dict(
            etype="ASSAULT", trigger="قصفت", actor="القوات السورية", place="حلب", date_value="2018-03-09",
            precision="day", quantities=[("3", 3, "killed")])]),
        result("a4", T4, date(2018, 4, 2), "cnn", [dict(
            etype="MOBILIZE", trigger="نشر", actor="الولايات المتحدة", place="سوريا", date_value="2018-04",
            precision="month", quantities=[("900", 900, "deployed")])]),
        result("a5", T5, date(2018, 5, 20), "bbc", [dict(
            etype="RETREAT", trigger="سحبت", actor="الولايات المتحدة", place="العراق", date_value="2018-05-19",
            precision="day", date_source="relative", quantities=[("500", 500, "deployed")])]),
        result("a6", T6, date(2018, 3, 12), "bbc", [dict(
            etype="ASSAULT", trigger="قصف", actor="النظام السوري", place="حرستا", date_value="2018-03-09",
            precision="day", modality="negated")]),
        result("a7", T7, None, "skynews", [dict(
            etype="PROTEST", trigger="تظاهر", actor="متظاهرون", place="القاهرة",
            quantities=[("1000", 1000, "participants")])]),
        result("a8", T8, date(2018, 6, 1), "bbc", [dict(
            etype="ASSAULT", trigger="هاجم", actor="داعش", target="المعارضة", place="حلب")]),
    ]


def random_results(seed: int, n: int = 60):
    """Many overlapping reports: few places, actors and days, so clusters chain and compete."""
    rng = random.Random(seed)
    places = ["دوما", "حرستا", "حلب", None]
    actors = ["القوات السورية", "النظام السوري", "المعارضة", None]
    out = []
    for i in range(n):
        place, actor = rng.choice(places), rng.choice(actors)
        day = date(2018, 3, 1) + timedelta(days=rng.randrange(10))
        published = day + timedelta(days=rng.randrange(3))
        dated = rng.random() < 0.7
        words = [w for w in ("قصفت", actor, place) if w]
        text = " ".join(words) + f" وقتل {i + 1} أشخاص."
        spec = dict(etype="ASSAULT", trigger="قصفت", actor=actor, place=place,
                    date_value=day.isoformat() if dated else published.isoformat(),
                    precision="day", date_source="explicit" if dated else "published",
                    quantities=[(str(i + 1), i + 1, "killed")])
        out.append(result(f"r{i:03d}", text, published, rng.choice(["bbc", "cnn", "afp"]), [spec]))
    return out
