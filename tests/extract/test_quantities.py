"""Table-driven tests for the quantity parser (our own Arabic sentences, not gold items)."""
from __future__ import annotations

import pytest

from pipelines.extract.quantities import find_quantities, find_quantity_mentions, lexicon

# (sentence, expected [(value, role)] of the counts that carry a role, in order)
ROLE_CASES = [
    ("قتل 5 جنود في هجوم على نقطة تفتيش", [(5, "killed")]),
    ("أصيب ١٢ شخصا بجروح في الانفجار", [(12, "injured")]),
    ("اعتقلت الشرطة 1,200 متظاهر في العاصمة", [(1200, "detained")]),
    ("نشرت روسيا ثلاثة آلاف جندي في المنطقة", [(3000, "deployed")]),
    ("قتل خمسة عشر مدنيا في القصف", [(15, "killed")]),
    ("لقي مئتا شخص حتفهم في الفيضانات", [(200, "killed")]),
    ("نزح ألفان من السكان عن القرية", [(2000, "displaced")]),
    ("شارك نحو 3 آلاف شخص في المسيرة", [(3000, "participants")]),
    ("قتل جنديين في كمين", [(2, "killed")]),
    ("وقتل جندي وأصيب اثنان آخران في الهجوم", [(2, "injured")]),  # اثنان after a verb counts alone
    ("وأصيب شخصان في الحادث", [(2, "injured")]),
    ("قتلت امرأتان وطفل في الغارة", [(2, "killed")]),
    ("أطلقت الفصائل 20 صاروخا على المدينة", [(20, "launched")]),
    ("أطلق الحوثيون صاروخين باليستيين باتجاه جازان", [(2, "launched")]),
    ("قتل أكثر من 50 مسلحا في المعارك", [(50, "killed")]),
    ("قتل ما لا يقل عن 13 شخصا", [(13, "killed")]),
    ("قتل حوالي 30 شخصا في الاشتباكات", [(30, "killed")]),
    ("أصيب ما بين 10 و20 شخصا", [(10, "injured")]),
    ("على بعد 5 كيلومترات من الحدود قتل جندي", []),
    ("قتل طفل يبلغ من العمر 12 عاما", []),
    ("دعا المجلس إلى تطبيق القرار 2254 بشأن سوريا", []),
    ("في 30 مارس الماضي قتل 3 أشخاص", [(3, "killed")]),
    ("منذ عام 2011 تشهد البلاد حربا", []),
    ("قتل عشرات المدنيين في القصف", []),
    ("وتظاهر الآلاف في الساحة", []),
    ("قتل 80 شخصا بينهم 14 طفلا", [(80, "killed")]),
    ("خلف الهجوم 25 قتيلا و40 جريحا", [(25, "killed"), (40, "injured")]),
    ("اختطف مسلحون 7 عمال على الطريق", [(7, "abducted")]),
    ("خلفت الحرب نصف مليون نازح", [(500000, "displaced")]),
    ("نزح 2.5 مليون شخص منذ بداية المعارك", [(2500000, "displaced")]),
    ("وارتفعت حصيلة القتلى إلى 45", [(45, "killed")]),
    ("قتل ٣ جنود وأصيب ٧ آخرون", [(3, "killed"), (7, "injured")]),
    ("اعتقلت قوات الأمن 15 مشتبها به", [(15, "detained")]),
    ("أرسلت الولايات المتحدة 1500 جندي إضافي إلى المنطقة", [(1500, "deployed")]),
    ("قتل 3 من عناصر الشرطة في الهجوم", [(3, "killed")]),
    ("عند الساعة 10:30 صباحا قتل شخص واحد", [(1, "killed")]),
    ("قتل ثلاثة وعشرون شخصا", [(23, "killed")]),
    ("قتل مئة وخمسون مدنيا", [(150, "killed")]),
    ("قتل 1,200 شخص خلال العام", [(1200, "killed")]),
    ("تنشر واشنطن 2500 جندي في العراق، و900 في سوريا", [(2500, "deployed"), (900, "deployed")]),
    ("أعلنت الوزارة مقتل 4 أشخاص في 3 قرى", [(4, "killed")]),
    ("دمرت الغارات 10 منازل في البلدة", []),
    ("بلغت نسبة المشاركة 40 في المئة", []),
    ("ثلاثة أشخاص قتلوا في الحادث", [(3, "killed")]),
    ("قتل 5 أشخاص و3 أطفال في الغارة", [(5, "killed"), (3, "killed")]),
    ("قتل 5 وأصيب 10 بجروح", [(5, "killed"), (10, "injured")]),
    ("اعتقلت الشرطة التركية ٤٥ شخصا للاشتباه بصلتهم بالتنظيم", [(45, "detained")]),
    ("أرسلت تركيا تعزيزات عسكرية تضم 50 دبابة", []),
    ("وقع الهجوم في 16/3/2018 قرب الحدود", []),
    ("يتمركز نحو ألفي جندي أمريكي في سوريا", [(2000, "deployed")]),
    ("احتشد عشرة آلاف متظاهر أمام البرلمان", [(10000, "participants")]),
    ("أسفر القصف عن مقتل سبعة مدنيين وإصابة أحد عشر آخرين", [(7, "killed"), (11, "injured")]),
    ("قتل 12 شخصا، بينهم 3 نساء وطفلان", [(12, "killed")]),
    ("اعترضت الدفاعات الجوية 4 طائرات مسيرة", [(4, "launched")]),
    ("وقتل شرطي وأصيب ثلاثة آخرون", [(3, "injured")]),
    ("قتل ٢٠٠ شخص على الأقل", [(200, "killed")]),
    ("قتل يوم الاثنين 6 أشخاص", [(6, "killed")]),
    ("اختطف 3 صحفيين أجانب في المدينة", [(3, "abducted")]),
    ("هجر أكثر من 10 آلاف شخص من منازلهم", [(10000, "displaced")]),
    ("دفعت إيران بـ 500 مقاتل إلى الجبهة", [(500, "deployed")]),
    ("بلغ عدد سكان البلدة 30 ألف نسمة", []),
    ("أفرجت السلطات عن 50 معتقلا بموجب عفو", []),
    ("بدأت عودة 500 نازح إلى قراهم", []),
    ("وقتل صباح السبت مدنيين اثنين في القصف", [(2, "killed")]),
    ("قتل فلسطينيان وأصيب ثالث في المواجهات", [(2, "killed")]),
    ("تعرض نحو 361 طفلا لإصابات متفاوتة", [(361, "injured")]),
    ("اعتقلت الشرطة 12 متظاهرا، من ضمنهم 3 صحفيين", [(12, "detained")]),
    ("أصدرت الوزارة بيانا حول الهجوم", []),
]


@pytest.mark.parametrize("sentence,expected", ROLE_CASES)
def test_roles(sentence: str, expected: list[tuple[int, str]]) -> None:
    got = [(q.value, q.role) for q in find_quantities(sentence) if q.role]
    assert got == expected


@pytest.mark.parametrize("sentence,_", ROLE_CASES)
def test_offsets_slice_the_input(sentence: str, _) -> None:
    for m in find_quantity_mentions(sentence, vague=True):
        q = m.quantity
        assert sentence[q.start:q.end] == q.text
        assert q.text.strip() == q.text and q.text
        if m.noun_start >= 0:
            assert sentence[m.noun_start:m.noun_end].strip()


def test_range_sets_value_max() -> None:
    q = [q for q in find_quantities("أصيب ما بين 10 و20 شخصا") if q.role][0]
    assert (q.value, q.value_max) == (10, 20)


def test_approximator_is_in_the_quantity_text() -> None:
    q = find_quantities("وأصيب نحو 3 آلاف آخرين بجروح")[0]
    assert q.text == "نحو 3 آلاف" and q.value == 3000 and q.role == "injured"


def test_vague_only_on_request() -> None:
    text = "قتل عشرات المدنيين وأصيب الآلاف"
    assert find_quantities(text) == []
    vague = find_quantities(text, vague=True)
    assert (vague[0].value, vague[0].value_max) == (20, 99)


def test_subset_kept_without_role() -> None:
    qs = find_quantity_mentions("قتل 80 شخصا، من بينهم 14 طفلا")
    assert [(m.quantity.value, m.subset, m.quantity.role) for m in qs] == [(80, False, "killed"), (14, True, None)]


def test_counted_noun_and_cue_are_reported() -> None:
    text = "وأفادت مصادر بمقتل 3 من مسلحي التنظيم"
    m = find_quantity_mentions(text)[0]
    assert text[m.noun_start:m.noun_end].startswith("مسلحي")
    assert text[m.cue_start:m.cue_end] == "بمقتل"


def test_noise_characters_keep_offsets() -> None:
    text = "قُتِلَ\u00a0٥ جنود\u200f في الهجوم"
    q = find_quantities(text)[0]
    assert (q.value, q.role) == (5, "killed") and text[q.start:q.end] == "٥"


def test_lexicons_load_and_are_normalised() -> None:
    lex = lexicon()
    assert lex.words["ثلاثه"] == ("unit", 3.0)
    assert "قتلي" in lex.inherent  # قتلى after normalisation
    assert "killed" in lex.cues_before["مقتل"]
