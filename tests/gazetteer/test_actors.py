"""Actor dictionary: nisba forms, state organs, groups, context codes, date-bounded roles."""
from __future__ import annotations

from datetime import date

import pytest

from pipelines.gazetteer import actor_at, actors_table, find_actors


def codes(text, on=None, context=()):
    return [(a.text, a.code) for a in find_actors(text, on, context)]


def code_of(text, surface, on=None, context=()):
    for a in find_actors(text, on, context):
        if a.text == surface:
            return a
    raise AssertionError(f"{surface!r} not in {codes(text, on, context)}")


@pytest.mark.parametrize("surface", ["تركي", "التركي", "تركية", "التركية", "الأتراك", "أتراك"])
def test_turkish_nisba_forms(surface):
    a = code_of(f"قصف {surface} على القرية", surface)
    assert a.code == "TUR" and a.country == "TUR"


@pytest.mark.parametrize("text, surface, code", [
    ("قتل 62 فلسطينيا برصاص الجنود", "فلسطينيا", "PSE"),
    ("تظاهر آلاف الإسرائيليين", "الإسرائيليين", "ISR"),
    ("معظمهم إيرانيون", "إيرانيون", "IRN"),
    ("أكدت مصادر يمنية", "يمنية", "YEM"),
    ("الغارات الروسية على الغوطة", "الروسية", "RUS"),
])
def test_nisba_forms_of_other_countries(text, surface, code):
    assert code_of(text, surface).code == code


@pytest.mark.parametrize("text, surface, code", [
    ("وقصفت القوات التركية مواقع", "القوات التركية", "TUR MIL"),
    ("شن الجيش الإسرائيلي غارات", "الجيش الإسرائيلي", "ISR MIL"),
    ("غارة للقوات الجوية الملكية السعودية", "لقوات الجوية الملكية السعودية", "SAU MIL"),  # modifiers between
    ("اعتقلت الشرطة العراقية مشتبها", "الشرطة العراقية", "IRQ COP"),
    ("طالبت المعارضة السورية بوقف القصف", "المعارضة السورية", "SYR OPP"),
    ("قتل عدد من المدنيين الفلسطينيين", "المدنيين الفلسطينيين", "PSE CVL"),
    ("صوت مجلس الشعب السوري على القانون", "مجلس الشعب السوري", "SYR LEG"),
    ("أقر البرلمان العراقي الموازنة", "البرلمان العراقي", "IRQ LEG"),
])
def test_head_noun_with_nisba(text, surface, code):
    a = code_of(text, surface)
    assert a.code == code and a.country == code.split()[0]


@pytest.mark.parametrize("text, surface, code", [
    ("تقدمت قوات النظام في ريف حماة", "قوات النظام", "SYR GOV MIL"),
    ("قصفت طائرات الاحتلال مواقع في غزة", "طائرات الاحتلال", "ISR MIL"),
    ("وقمع جيش الاحتلال المظاهرات", "جيش الاحتلال", "ISR MIL"),
    ("هجوم لتنظيم الدولة الإسلامية", "تنظيم الدولة الإسلامية", "ISIL"),
    ("قتل 3 من مسلحي داعش", "مسلحي داعش", "ISIL"),
    ("وشن التنظيم المتطرف هجوما", "التنظيم المتطرف", "ISIL"),
    ("مقتل 13 عنصرا من مليشيا الحوثي", "مليشيا الحوثي", "HOUTHI"),
    ("أطلق الحوثيون صاروخا", "الحوثيون", "HOUTHI"),
    ("مقتل 128 مسلحا حوثيا", "حوثيا", "HOUTHI"),
    ("مقتل خبراء من ميليشيات حزب الله اللبناني", "خبراء من ميليشيات حزب الله اللبناني", "HEZBOLLAH"),
    ("قصف مواقع لحماس", "حماس", "HAMAS"),  # the span starts after the clitic
    ("تسيطر عليه قوات سوريا الديمقراطية", "قوات سوريا الديمقراطية", "SDF"),
    ("غارات طيران التحالف العربي", "طيران التحالف العربي", "SAU MIL"),
    ("غارات التحالف الدولي على هجين", "التحالف الدولي", "USA MIL"),
    ("عناصر كتائب حزب الله العراقية", "عناصر كتائب حزب الله العراقية", "KH"),
])
def test_groups_and_fixed_organs(text, surface, code):
    assert code_of(text, surface).code == code


def test_government_forces_take_the_context_country():
    text = "قتل 40 شخصا جراء قصف القوات الحكومية"
    assert code_of(text, "القوات الحكومية", context=["SYR"]).code == "SYR GOV MIL"
    assert code_of(text, "القوات الحكومية", context=["YEM"]).code == "YEM GOV MIL"
    # without a given context the text's own country is used, and without any the code has no country
    assert code_of("قصفت القوات الحكومية ريف إدلب", "القوات الحكومية").code == "SYR GOV MIL"
    bare = code_of(text, "القوات الحكومية")
    assert bare.code == "GOV MIL" and bare.country is None


def test_office_holders_are_bounded_by_dates():
    text = "قال رئيس الوزراء العراقي إن المعركة انتهت"
    assert code_of(text, "رئيس الوزراء العراقي", date(2017, 12, 9)).name == "Haider al-Abadi"
    assert code_of(text, "رئيس الوزراء العراقي", date(2019, 6, 1)).name == "Adil Abdul-Mahdi"
    assert code_of(text, "رئيس الوزراء العراقي", date(2021, 1, 1)).name == "Mustafa al-Kadhimi"
    a = code_of(text, "رئيس الوزراء العراقي", date(2019, 6, 1))
    assert a.code == "IRQ GOV" and a.country == "IRQ"
    # construct form + country name
    assert code_of("التقى وزير خارجية إيران نظيره", "وزير خارجية إيران",
                   date(2018, 5, 1)).name == "Mohammad Javad Zarif"
    # without a date the office is still coded, but nobody is named
    assert code_of(text, "رئيس الوزراء العراقي").name.startswith("prime minister of")


def test_people_roles_are_bounded_by_dates():
    text = "وغرد ترامب على تويتر"
    assert code_of(text, "ترامب", date(2018, 9, 5)).code == "USA GOV"
    assert code_of(text, "ترامب", date(2022, 6, 1)).code == "USA"  # between terms
    assert code_of(text, "ترامب", date(2025, 3, 1)).code == "USA GOV"
    assert code_of("قال الرئيس الأميركي، دونالد ترامب", "الرئيس الأميركي", date(2018, 5, 8)).name == "Donald Trump"
    assert code_of("قال الرئيس الأميركي باراك أوباما", "الرئيس الأميركي", date(2015, 5, 8)).name == "Barack Obama"
    assert code_of("نفى الرئيس السوري بشار الأسد", "بشار الأسد", date(2018, 4, 14)).code == "SYR GOV"


def test_ignored_phrases_are_not_actors():
    assert not [a for a in find_actors("سقط صاروخ قرب قاعدة عين الأسد") if a.name == "Bashar al-Assad"]


def test_civilian_categories():
    assert code_of("قتل 16 مدنيا", "مدنيا").code == "CVL"
    assert code_of("أطلقت النار على المتظاهرين", "المتظاهرين").sector == "CVL"
    assert code_of("هجوم ضد مخيم للنازحين", "لنازحين").code == "REF"


def test_offsets_point_into_the_original_text():
    text = "وقصفت القوّاتُ التركيّةُ قرى في عفرين"  # diacritics inside the phrase
    a = code_of(text, "القوّاتُ التركيّةُ")
    assert text[a.start:a.end] == a.text and a.code == "TUR MIL"


def test_actor_at_and_table():
    text = "شن الجيش الإسرائيلي غارات"
    assert actor_at(text, 3, 8).code == "ISR MIL"
    assert actor_at(text, 21, 26) is None
    table = actors_table()
    assert len(table) >= 300
    assert {"code", "name", "country", "sector"} <= set(table[0])
    assert any(r["code"] == "HOUTHI" for r in table)


def test_empty_input():
    assert find_actors("") == []
    assert find_actors("nothing Arabic here") == []
