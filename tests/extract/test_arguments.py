"""Table-driven tests for actor/target/location assignment (our own Arabic sentences).

The gazetteer's output is given explicitly (surface, code) so that these tests exercise only the
argument rules: which mention fills which slot for an event.
"""
from __future__ import annotations

import pytest

from pipelines.extract.arguments import SentenceView, find_arguments
from pipelines.extract.quantities import find_quantity_mentions
from pipelines.records import ActorMention, AnalyzedSentence, Place, Sentence, Token


def _sentence(text: str, tokens: tuple[Token, ...] = ()) -> AnalyzedSentence:
    return AnalyzedSentence(Sentence("doc", 0, 0, len(text), text), tokens)


def _find(text: str, surface: str) -> tuple[int, int]:
    i = text.find(surface)
    assert i >= 0, f"{surface!r} not in {text!r}"
    return i, i + len(surface)


def _actors(text: str, specs) -> list[ActorMention]:
    out = []
    for surface, code in specs:
        a, b = _find(text, surface)
        out.append(ActorMention(surface, a, b, code, code))
    return out


def _places(text: str, specs) -> list[Place]:
    out = []
    for surface, country, precision in specs:
        a, b = _find(text, surface)
        out.append(Place(surface, a, b, surface, country, precision=precision))
    return out


def _run(text, triggers, etype, actors=(), places=(), fallback=None, tokens=()):
    s = _sentence(text, tokens)
    view = SentenceView.build(s)
    spans = [_find(text, t) for t in triggers]
    victims = [(m.noun_start, m.noun_end) for m in find_quantity_mentions(text)
               if m.quantity.role in ("killed", "injured", "abducted", "detained") and m.noun_start >= 0]
    return find_arguments(view, spans, etype, _actors(text, actors), _places(text, places), victims, fallback)


def _covers(span_obj, expected: str | None, text: str) -> bool:
    if expected is None:
        return span_obj is None
    if span_obj is None:
        return False
    a, b = _find(text, expected)
    return span_obj.start < b and a < span_obj.end and text[span_obj.start:span_obj.end] == span_obj.text


# (sentence, triggers, type, actors [(surface, code)], places [(surface, iso3, precision)],
#  expected actor, expected target, expected location); "-" = not checked
CASES = [
    ("قتل 10 مدنيين في غارة روسية على بلدة معرة النعمان", ["غارة"], "ASSAULT",
     [("روسية", "RUS")], [("معرة النعمان", "SYR", "city")], "روسية", "مدنيين", "معرة النعمان"),
    ("شن الطيران الإسرائيلي غارات على مواقع لحزب الله في جنوب لبنان", ["غارات"], "ASSAULT",
     [("الطيران الإسرائيلي", "ISR"), ("حزب الله", "HEZBOLLAH")], [("لبنان", "LBN", "country")],
     "الطيران الإسرائيلي", "مواقع", "لبنان"),
    ("اعتقلت الشرطة المصرية عشرات الناشطين في القاهرة", ["اعتقلت"], "COERCE",
     [("الشرطة المصرية", "EGY")], [("القاهرة", "EGY", "city")], "الشرطة المصرية", "-", "القاهرة"),
    ("قصفت المدفعية التركية قرى في ريف عفرين", ["قصفت"], "ASSAULT",
     [("المدفعية التركية", "TUR")], [("عفرين", "SYR", "city")], "المدفعية التركية", "-", "عفرين"),
    ("أعلن الجيش العراقي مقتل 5 من مسلحي داعش في اشتباك قرب الموصل", ["اشتباك"], "ASSAULT",
     [("الجيش العراقي", "IRQ"), ("داعش", "ISIL")], [("الموصل", "IRQ", "city")],
     "الجيش العراقي", "مسلحي داعش", "الموصل"),
    ("نفذت طائرات التحالف الدولي ضربات جوية ضد مواقع التنظيم في دير الزور", ["ضربات"], "ASSAULT",
     [("طائرات التحالف الدولي", "USA"), ("التنظيم", "ISIL")], [("دير الزور", "SYR", "admin1")],
     "طائرات التحالف الدولي", "مواقع التنظيم", "دير الزور"),
    ("قتل ثلاثة أشخاص على يد مسلحين مجهولين في بغداد", ["قتل"], "ASSAULT",
     [("مسلحين مجهولين", None)], [("بغداد", "IRQ", "city")], "مسلحين مجهولين", "أشخاص", "بغداد"),
    ("تعرض الجنود لهجوم من قبل عناصر حركة الشباب في مقديشو", ["لهجوم"], "ASSAULT",
     [("الجنود", None), ("حركة الشباب", "SHABAAB")], [("مقديشو", "SOM", "city")],
     "حركة الشباب", "-", "مقديشو"),
    ("قتل 7 مدنيين بقصف مدفعي تركي على قرية جنديرس", ["بقصف"], "ASSAULT",
     [("تركي", "TUR")], [("جنديرس", "SYR", "city")], "تركي", "مدنيين", "جنديرس"),
    ("أدت غارات التحالف إلى مقتل 20 شخصا في صنعاء", ["غارات"], "ASSAULT",
     [("التحالف", "SAU")], [("صنعاء", "YEM", "city")], "التحالف", "شخصا", "صنعاء"),
    ("قتل 4 جنود أتراك في هجوم شنه حزب العمال الكردستاني في ولاية هكاري", ["هجوم"], "ASSAULT",
     [("أتراك", "TUR"), ("حزب العمال الكردستاني", "PKK")], [("هكاري", "TUR", "admin1")],
     "حزب العمال الكردستاني", "جنود", "هكاري"),
    ("ألقت قوات الأمن القبض على خلية إرهابية في عمان", ["القبض"], "COERCE",
     [("قوات الأمن", "JOR")], [("عمان", "JOR", "city")], "قوات الأمن", "خلية إرهابية", "عمان"),
    ("قال المرصد السوري إن 12 شخصا قتلوا في قصف القوات الحكومية على دوما", ["قصف"], "ASSAULT",
     [("المرصد السوري", None), ("القوات الحكومية", "SYR")], [("دوما", "SYR", "city")],
     "القوات الحكومية", "شخصا", "دوما"),
    ("أفادت وكالة الأنباء الرسمية بأن 3 أشخاص قتلوا في انفجار", ["انفجار"], "ASSAULT",
     [("وكالة الأنباء الرسمية", None)], [], None, "أشخاص", None),
    ("هاجم مسلحون من بوكو حرام قرية في ولاية بورنو", ["هاجم"], "ASSAULT",
     [("بوكو حرام", "BOKO")], [("بورنو", "NGA", "admin1")], "بوكو حرام", "-", "بورنو"),
    ("القوات الأمريكية قصفت مواقع للميليشيات في البوكمال", ["قصفت"], "ASSAULT",
     [("القوات الأمريكية", "USA")], [("البوكمال", "SYR", "city")], "القوات الأمريكية", "-", "البوكمال"),
    ("قتل جندي في هجوم في مدينة درعا جنوب سوريا", ["هجوم"], "ASSAULT",
     [], [("درعا", "SYR", "city"), ("سوريا", "SYR", "country")], None, "-", "درعا"),
    ("قال مسؤول في دمشق إن انفجارا وقع في حلب وأسفر عن مقتل 3 أشخاص", ["انفجارا"], "ASSAULT",
     [], [("دمشق", "SYR", "city"), ("حلب", "SYR", "city")], None, "-", "حلب"),
    ("هاجمت قوات سوريا الديمقراطية مواقع داعش في الرقة", ["هاجمت"], "ASSAULT",
     [("قوات سوريا الديمقراطية", "SDF"), ("داعش", "ISIL")],
     [("سوريا", "SYR", "country"), ("الرقة", "SYR", "city")], "قوات سوريا الديمقراطية", "-", "الرقة"),
    ("اتهمت إيران الولايات المتحدة بدعم الإرهاب", ["اتهمت"], "ACCUSE",
     [("إيران", "IRN"), ("الولايات المتحدة", "USA")], [], "إيران", "الولايات المتحدة", None),
    ("انسحبت القوات الروسية من قاعدة حميميم", ["انسحبت"], "RETREAT",
     [("القوات الروسية", "RUS")], [("حميميم", "SYR", "city")], "القوات الروسية", "-", "حميميم"),
    ("تظاهر مئات الطلاب أمام وزارة التعليم في الرباط", ["تظاهر"], "PROTEST",
     [], [("الرباط", "MAR", "city")], None, "-", "الرباط"),
    ("أطلقت حركة حماس صواريخ على مستوطنات غلاف غزة", ["أطلقت"], "ASSAULT",
     [("حركة حماس", "HAMAS")], [("غزة", "PSE", "city")], "حركة حماس", "مستوطنات", "-"),
    ("قتل شرطيان في هجوم مسلح استهدف دورية أمنية في العريش", ["هجوم"], "ASSAULT",
     [], [("العريش", "EGY", "city")], None, "دورية أمنية", "العريش"),
    ("وأسفرت الغارة التي نفذتها طائرات روسية عن مقتل 9 مدنيين في إدلب", ["الغارة"], "ASSAULT",
     [("روسية", "RUS")], [("إدلب", "SYR", "admin1")], "روسية", "مدنيين", "إدلب"),
    ("أكد الجيش أن مسلحين هاجموا حاجزا للشرطة", ["هاجموا"], "ASSAULT",
     [("الجيش", None)], [], None, "-", None),
    ("قتل 40 مدنيا في الغارات على دوما", ["الغارات"], "ASSAULT",
     [], [("دوما", "SYR", "city")], None, "مدنيا", "دوما"),
    ("وفي درعا، قتل 6 عناصر من قوات النظام في كمين", ["كمين"], "ASSAULT",
     [("قوات النظام", "SYR")], [("درعا", "SYR", "city")], "-", "قوات النظام", "درعا"),
    ("وقتل 3 أشخاص في الغوطة الشرقية قرب دمشق", ["وقتل"], "ASSAULT",
     [], [("الغوطة الشرقية", "SYR", "region"), ("دمشق", "SYR", "city")], None, "أشخاص", "الغوطة الشرقية"),
    ("أعلنت الشرطة اعتقال الصحفي محمد علي في الخرطوم", ["اعتقال"], "COERCE",
     [("الشرطة", None)], [("الخرطوم", "SDN", "city")], "الشرطة", "الصحفي محمد علي", "الخرطوم"),
    ("تنشر فرنسا 5 آلاف جندي في منطقة الساحل", ["تنشر"], "MOBILIZE",
     [("فرنسا", "FRA")], [("الساحل", None, "region")], "فرنسا", "-", "الساحل"),
    ("وتعرضت دورية تركية لهجوم بعبوة ناسفة في ريف حلب", ["لهجوم"], "ASSAULT",
     [("تركية", "TUR")], [("حلب", "SYR", "city")], None, "-", "حلب"),
    ("وتكثف قوات النظام بدعم روسي قصفها على ريف إدلب", ["قصفها"], "ASSAULT",
     [("قوات النظام", "SYR"), ("روسي", "RUS")], [("إدلب", "SYR", "admin1")], "قوات النظام", "-", "إدلب"),
    ("وتكبدت خسائر كبيرة في صفوف ميليشيات الحوثي جراء الغارات", ["الغارات"], "ASSAULT",
     [("ميليشيات الحوثي", "HOUTHI")], [], None, "-", None),
    ("وجه الجيش ضربة جوية لتجمع لعناصر داعش", ["ضربة جوية"], "ASSAULT",
     [("الجيش", None), ("داعش", "ISIL")], [], "الجيش", "-", None),
    ("التوتر شديد بين إيران وإسرائيل، التي شنت غارات على أهداف في سوريا", ["غارات"], "ASSAULT",
     [("إيران", "IRN"), ("إسرائيل", "ISR")], [("سوريا", "SYR", "country")], "إسرائيل", "أهداف", "سوريا"),
    ("وقالت أنقرة إنه يستهدف المقاتلين الأكراد", ["يستهدف"], "ASSAULT",
     [("أنقرة", "TUR"), ("المقاتلين الأكراد", "YPG")], [], None, "المقاتلين الأكراد", None),
    ("أفادت مصادر بمقتل ثلاثة من رجال الأمن وامرأة في الهجوم", ["الهجوم"], "ASSAULT",
     [("رجال الأمن", None), ("امرأة", None)], [], None, "رجال الأمن", None),
    ("ارتفع عدد القتلى المدنيين إلى 20", ["القتلى"], "ASSAULT",
     [("المدنيين", None)], [], None, "-", None),
]


@pytest.mark.parametrize("text,triggers,etype,actors,places,actor,target,location", CASES)
def test_argument_slots(text, triggers, etype, actors, places, actor, target, location) -> None:
    args = _run(text, triggers, etype, actors, places)
    if actor != "-":
        assert _covers(args.actor, actor, text), (args.actor, args.rules)
    if target != "-":
        assert _covers(args.target, target, text), (args.target, args.rules)
    if location != "-":
        assert _covers(args.location, location, text), (args.location, args.rules)


def test_compound_actors_stay_a_list() -> None:
    text = "ونفذت القوات الأميركية والبريطانية والفرنسية ضربات جوية في سوريا"
    args = _run(text, ["ضربات"], "ASSAULT",
                [("القوات الأميركية", "USA"), ("البريطانية", "GBR"), ("الفرنسية", "FRA")],
                [("سوريا", "SYR", "country")])
    assert [a.code for a in args.actors] == ["USA", "GBR", "FRA"]
    assert args.actor.code == "USA"


def test_compound_states() -> None:
    text = "دانت مصر والأردن الهجوم على الكنيسة"
    args = _run(text, ["دانت"], "ACCUSE", [("مصر", "EGY"), ("الأردن", "JOR")])
    assert [a.code for a in args.actors] == ["EGY", "JOR"]


def test_dateline_place_is_only_a_fallback() -> None:
    fallback = Place("بيروت", 0, 5, "Beirut", "LBN", precision="city")
    text = "قتل شخصان في اشتباك مسلح"
    args = _run(text, ["اشتباك"], "ASSAULT", fallback=fallback)
    assert args.location is fallback and "location:dateline" in args.rules
    text2 = "قتل شخصان في اشتباك مسلح في طرابلس"
    args2 = _run(text2, ["اشتباك"], "ASSAULT", places=[("طرابلس", "LBN", "city")], fallback=fallback)
    assert args2.location.text == "طرابلس"


def test_all_governed_places_are_listed() -> None:
    text = "وتنشر الولايات المتحدة 900 جندي في سوريا، و2500 جندي في العراق"
    args = _run(text, ["وتنشر"], "MOBILIZE", [("الولايات المتحدة", "USA")],
                [("سوريا", "SYR", "country"), ("العراق", "IRQ", "country")])
    assert [p.country for p in args.locations] == ["SYR", "IRQ"]
    assert args.actor.code == "USA"


def test_dependency_relations_are_used_when_present() -> None:
    text = "قصفت إسرائيل مواقع حماس"
    spans = [(0, 4), (5, 12), (13, 18), (19, 23)]
    assert [text[a:b] for a, b in spans] == ["قصفت", "إسرائيل", "مواقع", "حماس"]
    heads = [(0, "root"), (1, "nsubj"), (1, "obj"), (3, "nmod")]
    tokens = tuple(Token(text[a:b], a, b, head=h, deprel=r) for (a, b), (h, r) in zip(spans, heads))
    args = _run(text, ["قصفت"], "ASSAULT", [("إسرائيل", "ISR"), ("حماس", "HAMAS")], tokens=tokens)
    assert "actor:dependency" in args.rules
    assert args.actor.code == "ISR" and args.target.code == "HAMAS"


def test_fronted_place_frames_the_sentence() -> None:
    text = "وفي تعز، قتل 5 مدنيين في جبهة الضباب جراء قصف مدفعي للحوثيين"
    args = _run(text, ["قصف مدفعي", "قتل"], "ASSAULT", [("لحوثيين", "HOUTHI")],
                [("تعز", "YEM", "city"), ("جبهة الضباب", "YEM", "admin2")])
    assert args.location.text == "تعز"


def test_dependency_genitive_of_an_outcome_noun_is_the_target() -> None:
    text = "مقتل القيادي الحوثي"
    spans = [(0, 4), (5, 12), (13, 19)]
    assert [text[a:b] for a, b in spans] == ["مقتل", "القيادي", "الحوثي"]
    heads = [(0, "root"), (1, "nmod"), (2, "amod")]
    tokens = tuple(Token(text[a:b], a, b, head=h, deprel=r) for (a, b), (h, r) in zip(spans, heads))
    args = _run(text, ["مقتل"], "ASSAULT", [("الحوثي", "HOUTHI")], tokens=tokens)
    assert args.actor is None and args.target.code == "HOUTHI"
