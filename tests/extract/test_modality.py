"""Modality: table-driven cases written for these rules (not taken from any gold file)."""
from __future__ import annotations

from datetime import date

import pytest

from pipelines.extract.modality import ModalityDecision, classify_modality, load_cues
from pipelines.extract.triggers import TriggerMatch, find_triggers
from pipelines.records import AnalyzedSentence, Sentence


def _sentence(text: str, start: int = 0) -> AnalyzedSentence:
    return AnalyzedSentence(Sentence("doc", 0, start, start + len(text), text), ())


def _modality(text: str, trigger: str, published: date | None = None) -> ModalityDecision:
    sent = _sentence(text)
    ms = sorted((m for m in find_triggers(sent) if trigger in m.text), key=lambda m: m.end - m.start)
    assert ms, f"no trigger containing {trigger!r} in {text!r}: {[m.text for m in find_triggers(sent)]}"
    return classify_modality(sent, ms[0], published=published)


CASES = [
    # --- cases added for misfires seen on real corpus sentences (sentences written for the test) -
    ("وتعهد زعيم الجماعة بالانتقام لمقتل القائد.", "مقتل", "historical"),
    ("وكشف التقرير ملابسات مقتل المهندس في العاصمة.", "مقتل", "historical"),
    ("وقتل أكثر من عشرة آلاف شخص منذ تدخل التحالف في اليمن.", "قتل", "historical"),
    ("وتستمر الاحتجاجات منذ بداية العام في المدن الكبرى.", "احتجاجات", "asserted"),
    ("وقالت الوزارة إنها لن تسمح بأية احتجاجات في العاصمة.", "احتجاجات", "hypothetical"),
    ("وعرضت القناة الصور دليلا على فبركة الهجوم الكيماوي.", "الهجوم", "negated"),
    ("وتحقق الشرطة في مزاعم مقتل الصحفي.", "مقتل", "hypothetical"),
    ("وما زال المدنيون متخوفين من الاستهداف التركي لقراهم.", "الاستهداف", "hypothetical"),
    ("وصعد المسؤولون لهجتهم قبل هجوم الحكومة السورية المتوقع على إدلب.", "هجوم", "future"),
    ("وبحث المبعوث التهديدات الغربية بتوجيه ضربة عسكرية إلى النظام.", "ضربة", "future"),
    ("وتداول نشطاء منشورات تدعو للتظاهر والعصيان المدني.", "العصيان", "future"),
    ("وطالب بعض مشجعي النادي عبر موقع \"تويتر\" بتنظيم مظاهرة أمام السفارة.", "مظاهرة", "future"),
    ("وأوصت الشرطة بتوجيه اتهامات إلى رئيس الوزراء.", "توجيه", "future"),
    ("وخرج آلاف المحتجين إلى الشوارع داعين إلى استقالته.", "استقالته", "future"),
    ("وأفادت وسائل إعلام بأن الجيش نفى قصف المستشفى.", "قصف", "negated"),
    ("وإذا هاجمت القوات المدينة فإن الخسائر ستكون كبيرة.", "هاجمت", "hypothetical"),
    ("ويسعى الوسطاء إلى منع وقوع مذبحة في المدينة المحاصرة.", "مذبحة", "hypothetical"),
    ("وقاد الزعيم مظاهرات حاشدة ضد الحكومة في عام 2016.", "مظاهرات", "historical"),
    ("وخرجت مظاهرات في يوليو 2013 ضد حكم الرئيس.", "مظاهرات", "historical"),
    # without a publication date, any dated-by-year sentence is background (held-out: 3 of ~130 were events)
    ("وقتل ثلاثة متظاهرين في 30 مارس 2018 خلال احتجاجات قرب الحدود.", "احتجاجات", "historical"),
    ("- 12 أيار 2015: قتل خمسة جنود في كمين قرب الحدود.", "قتل", "historical"),      # a timeline item
    # an event named only as the time or cause of another piece of news
    ("استدعت الخارجية السفير على خلفية اعتداء محتجين على القنصلية.", "اعتداء", "historical"),
    ("وفرضت السلطات حظر التجول في أعقاب احتجاجات عنيفة.", "احتجاجات", "historical"),
    ("وعاد النازحون بعد توقف القصف على القرى.", "القصف", "historical"),
    ("رصد التقرير 40 حالة اختطاف في المحافظة.", "اختطاف", "historical"),        # statistics
    ("البصرة التي تشهد احتجاجات منذ أسبوع تعيش حالة تأهب.", "احتجاجات", "historical"),
    ("وأعلنت الحكومة دعمها للتظاهرات التي تشهدها البلاد.", "للتظاهرات", "historical"),
    # purpose, decision, eve, accusation, hearing
    ("وأرسل الجيش طائرات لقصف مواقع المسلحين.", "لقصف", "future"),
    ("تعرضت القافلة لقصف مدفعي عنيف.", "لقصف", "asserted"),                      # ل after تعرض
    ("واستخدمت الشرطة الهراوات لتفريق المحتجين.", "لتفريق", "asserted"),          # force used for it
    ("قررت النقابة تنفيذ إضراب عام الأسبوع المقبل.", "إضراب", "future"),
    ("وحذرت الشرطة السكان عشية مظاهرة دعت إليها المعارضة.", "مظاهرة", "future"),
    ("اتهمت المعارضة الحكومة باغتيال ناشطين في الخارج.", "باغتيال", "hypothetical"),
    ("وقال سكان إنهم سمعوا دوي انفجار قوي في المنطقة.", "انفجار", "hypothetical"),
    # stopped, organisations, prohibitions, recent pluperfect, months without a day
    ("وأعلنت النقابة وقف الإضراب حتى إشعار آخر.", "الإضراب", "historical"),
    ("دعت المنظمة إلى وقف الإضراب فورا.", "الإضراب", "asserted"),     # a call to stop: it goes on
    ("وأصدرت تنسيقية مظاهرات المدينة بيانا.", "مظاهرات", "historical"),
    ("والقانون يمنع تنظيم المسيرات دون ترخيص.", "تنظيم المسيرات", "negated"),
    ("وفرضت السلطات حظر التجول بعد احتجاجات.", "احتجاجات", "historical"),         # حظر التجول is no ban on it
    ("وكانت القوات قد قصفت البلدة الأربعاء.", "قصفت", "asserted"),           # pluperfect, this week
    ("وكانت القوات قد قصفت البلدة قبل عامين.", "قصفت", "historical"),
    ("وفي نيسان الماضي قصفت الطائرات مطار المدينة.", "قصفت", "historical"),
    ("وكانت غارة جوية استهدفت القرية في فبراير 2016.", "غارة", "historical"),  # فبراير is not و/ف + براير
    ("ويشتبه بأن الجيش نفذ هجمات كيماوية على البلدة.", "هجمات", "hypothetical"),
    ("وقتل في الصراع نحو عشرة آلاف شخص.", "قتل", "historical"),
    ("وسحبت الحكومة مشروع القانون الذي أثار موجة احتجاجات واسعة.", "احتجاجات", "historical"),
    ("17 آذار/مارس: الجيش يعلن أنه قصف مخزنا للأسلحة.", "قصف", "historical"),      # a timeline entry
    ("وأدت هذه الاحتجاجات إلى استقالة الحكومة.", "الاحتجاجات", "historical"),      # points back
    ("وارتفع التوتر بعد أن شن الجيش هجوما على معاقل المسلحين.", "شن", "historical"),  # time clause
    ("ويمثل اقتحام القنصلية أوضح علامة على الغضب.", "اقتحام", "historical"),        # commentary
    ("وأعلن الجيش تحييد 1931 مسلحا منذ بدء العملية.", "تحييد", "asserted"),          # a count, not a year
    ("هل حققت الضربات الغربية على مواقع الجيش هدفها الرئيسي في تدمير ما تبقى من الترسانة؟", "تدمير", "hypothetical"),
    ("ويقول أصدقاؤه إنهم يخشون أن يكون قد تم اختطافه.", "اختطافه", "hypothetical"),
    ("وتعرضت العاصمة في أحيان كثيرة لهجمات من الجماعة.", "لهجمات", "historical"),
    ("وأكد أن حكومته تحتفظ بالحق في تنفيذ عمليات عسكرية.", "تنفيذ عمليات", "hypothetical"),
    ("وقتل ثلاثون في الهجوم الأكبر على المحافظة التي بقيت بمنأى عن النزاع، منذ اندلاعه في العام 2011.", "قتل", "asserted"),
    ("وجاء هذا بعد يوم من شن الطائرات سلسلة من الغارات.", "شن", "historical"),      # من + verbal noun
    ("وأعلنت منظمات نسائية عن تنظيم مسيرة للمطالبة بالمساواة.", "تنظيم مسيرة", "future"),
    ("وحذر المحللون من أن المدينة قد تشهد «معارك طاحنة» قريبا.", "معارك", "hypothetical"),  # quotes
    ("وقال الرئيس إن أي ضربة يجب أن تستهدف مخازن السلاح.", "تستهدف", "hypothetical"),
    ("ويقول ناشطون إن الجيش قتل في السنتين الماضيتين عشرات المدنيين.", "قتل", "historical"),
    ("وكثير من ملاك البيوت قتلوا في الحرب.", "قتلوا", "historical"),
    ("وقال قائد الميليشيا التي تقاتل دعما للحكومة إن الوضع هادئ.", "تقاتل", "historical"),  # describes
    # "بعد + noun" names a time; events.py keeps this attack asserted because its own verb (شنه) tells it
    ("وقتل جنديان بعد هجوم شنه مسلحون على نقطة تفتيش.", "هجوم", "historical"),
    ("وناقش الوزيران قضية اغتيال الصحفي في إسطنبول.", "اغتيال", "historical"),
    # --- asserted -----------------------------------------------------------------------------
    ("قال الجيش إنه رد بقصف مواقع المسلحين.", "قصف", "asserted"),
    ("قتل 16 مدنيا إثر غارة تركية على عفرين.", "قتل", "asserted"),
    ("لم يعلن أحد مسؤوليته عن الهجوم.", "هجوم", "asserted"),
    ("نفى الجيش مسؤوليته عن الهجوم الذي استهدف السوق.", "هجوم", "asserted"),
    ("نفت الحركة أي تورط لها في التفجير.", "تفجير", "asserted"),
    ("لا يزال القصف مستمرا على الغوطة.", "قصف", "asserted"),
    ("لم يسفر الهجوم عن إصابات.", "هجوم", "asserted"),
    ("لم يسفر الهجوم عن إصابات.", "يسفر", "negated"),
    ("دعت الأمم المتحدة إلى وقف القصف على الغوطة.", "قصف", "asserted"),
    # the threat does not reach past بعد أن; the clause it opens is the time of the threat (background)
    ("هدد الحرس الثوري بالرد بعد أن قصفت إسرائيل قاعدة التيفور.", "قصفت", "historical"),
    ("هدد الحرس الثوري بالرد، فيما قصفت إسرائيل قاعدة التيفور.", "قصفت", "asserted"),
    ("أدانت فرنسا الهجوم على القافلة.", "هجوم", "asserted"),
    ("قد قتل الجنود عشرة مدنيين بحسب الشهود.", "قتل", "asserted"),
    ("قد تشن تركيا هجوما على منبج، بينما قتل عشرة مدنيين في غارة على إدلب.", "غارة", "asserted"),
    ("نفى الوزير الاتهامات، وقال إن القوات قصفت مواقع المسلحين فقط.", "قصفت", "asserted"),
    ("تصدت الدفاعات الجوية لهجوم بطائرات مسيرة.", "هجوم", "asserted"),
    # --- negated ------------------------------------------------------------------------------
    ("نفى الأسد إصدار أمر بالهجوم.", "هجوم", "negated"),
    ("نفت وزارة الدفاع أن تكون القاعدة قد تعرضت لهجوم.", "هجوم", "negated"),
    ("لم تشهد المدينة أي قصف منذ أسبوع.", "قصف", "negated"),
    ("لم تشن القوات هجوما على البلدة.", "تشن", "negated"),
    ("لن تقصف إسرائيل المنشآت المدنية.", "تقصف", "negated"),
    ("انسحب المسلحون من دون قتال.", "قتال", "negated"),
    ("أكد الطرفان عدم الاعتداء على المدنيين.", "اعتداء", "negated"),
    ("أحبطت الشرطة هجوما انتحاريا في القاهرة.", "هجوما", "negated"),
    ("نفت موسكو الأنباء التي تحدثت عن قصف مستشفى في إدلب.", "قصف", "negated"),
    ("وصفت الوزارة الأنباء عن اعتقال الصحفي بأنها عارية عن الصحة.", "اعتقال", "negated"),
    ("لا صحة للأنباء عن انسحاب القوات من المدينة.", "انسحاب", "negated"),
    ("لم يتم اعتقال أي شخص حتى الآن.", "اعتقال", "negated"),
    # --- hypothetical ---------------------------------------------------------------------------
    ("إذا هاجمت إسرائيل لبنان فإن الرد سيكون قاسيا.", "هاجمت", "hypothetical"),
    ("وفي حال شن هجوم على إدلب ستقع كارثة إنسانية.", "شن", "hypothetical"),
    ("قد تشن تركيا هجوما على منبج.", "تشن", "hypothetical"),
    ("ربما تتعرض المدينة لقصف عنيف.", "قصف", "hypothetical"),
    ("يمكن أن تستخدم المعارضة السلاح الكيماوي.", "كيماوي", "hypothetical"),
    ("حذر المبعوث من احتمال وقوع مجزرة في إدلب.", "مجزرة", "hypothetical"),
    ("أي هجوم على السفن سيقابل برد حازم.", "هجوم", "hypothetical"),
    ("لم تستبعد واشنطن توجيه ضربة عسكرية لدمشق.", "ضربة", "hypothetical"),
    ("تخشى المنظمات من حدوث مجزرة في المدينة.", "مجزرة", "hypothetical"),
    ("نشرت القوات تعزيزات تحسبا لهجوم محتمل.", "هجوم", "hypothetical"),
    # --- future -------------------------------------------------------------------------------
    ("حذر ترامب من أن هجوم الأسد على إدلب سيجعل الوضع كارثيا.", "هجوم", "future"),
    ("هددت إسرائيل بقصف مواقع إيرانية في سوريا.", "قصف", "future"),
    ("ستشن القوات هجوما واسعا على المدينة.", "تشن", "future"),
    ("سوف تنسحب القوات الأمريكية من سوريا.", "تنسحب", "future"),
    ("يعتزم الجيش شن هجوم على آخر معاقل التنظيم.", "شن", "future"),
    ("توعد زعيم الجماعة بتنفيذ هجمات جديدة.", "هجمات", "future"),
    ("دعت النقابات إلى إضراب عام الأسبوع المقبل.", "إضراب", "future"),
    ("من المقرر أن يلتقي الرئيسان في هلسنكي.", "يلتقي", "future"),
    ("تستعد القوات لاقتحام المدينة.", "اقتحام", "future"),
    ("يتوقع مراقبون أن يبدأ الهجوم المرتقب على درعا.", "هجوم", "future"),
    # --- historical -----------------------------------------------------------------------------
    ("وكانت القوات التركية قد قصفت مواقع كردية في عفرين.", "قصفت", "historical"),
    ("قتل أكثر من 350 ألف شخص منذ اندلاع النزاع في 2011.", "قتل", "historical"),
    ("يذكر أن التنظيم نفذ هجمات عديدة في المنطقة.", "هجمات", "historical"),
    ("سبق أن اعتقلت السلطات الناشط مرتين.", "اعتقلت", "historical"),
    ("قتل مئات الآلاف منذ 2011.", "قتل", "historical"),
    ("شهدت المدينة احتجاجات واسعة العام الماضي.", "احتجاجات", "historical"),
    ("أحيا الفلسطينيون ذكرى مجزرة دير ياسين.", "مجزرة", "historical"),
    ("وأعلنت طهران وقتها مقتل سبعة من مستشاريها.", "مقتل", "historical"),
    ("ضبطت الشرطة عبوة ناسفة معدة للتفجير.", "تفجير", "hypothetical"),
    ("طالب المحتجون بإسقاط الحكومة.", "المحتجون", "asserted"),   # the call's subject is real
    ("طالب الأهالي بتحقيق في المجزرة.", "تحقيق", "future"),
    ("طالب الأهالي بتحقيق في المجزرة.", "مجزرة", "asserted"),
    ("دعت النقابات إلى إضراب عام الأسبوع المقبل.", "دعت", "asserted"),      # the call itself happened
    ("لم ترد أنباء عن وقوع إصابات.", "إصابات", "negated"),
    ("وكان مسلحون هاجموا نقطة تفتيش في المنطقة.", "هاجموا", "historical"),
    ("وكانت الغارة استهدفت مخزنا للسلاح.", "استهدفت", "historical"),
    ("كانت الشرطة تعتقل المحتجين عندما اندلعت المواجهات.", "تعتقل", "asserted"),
    ("وحوكم ثلاثة جنود بتهمة قتل صحفي.", "قتل", "historical"),                     # hist.involvement
    ("وانتقد الوزير دعوات التظاهر أمام البرلمان.", "التظاهر", "future"),             # fut.call_noun
    ("وتتعرض القوافل بين الحين والآخر لهجمات مسلحة.", "هجمات", "historical"),        # hist.habitual
    ("ووصف الوزير الغارة الجوية بأنها جريمة حرب.", "الغارة", "historical"),          # hist.characterised
    ("وقال الخبير إن الاشتباكات المسلحة تهدد الاستقرار.", "الاشتباكات", "historical"),  # hist.commentary
    ("وشن التنظيم 30 هجوما منذ إعلان الخلافة في صيف 2014.", "هجوما", "historical"),
    ("وتذكر الأهالي مظاهرات 2011 في الساحة.", "مظاهرات", "historical"),              # year after the noun
    ("ولم يتضح سبب هجوم المسلحين على القاعدة العسكرية.", "هجوم", "historical"),      # topic: its cause
    ("ونقدم تعازينا لأسر كل من قتل في الحرب.", "قتل", "historical"),                 # whoever, in general
    ("وقتل 20 شخصا في غارة على السوق الشهر الماضي.", "غارة", "historical"),
    ("ونفذ الأسرى إضرابا عن الطعام قبل عامين في سجن عوفر.", "إضرابا", "historical"),
    ("وشهدت المدينة موجة احتجاجات في السنوات الأخيرة.", "احتجاجات", "historical"),
    # --- cancelled cues -------------------------------------------------------------------------
    ("وخرج الآلاف في أكبر المظاهرات في السنوات الأخيرة.", "المظاهرات", "asserted"),  # superlative
    ("وقتل عشرات المدنيين في أعنف قصف منذ بداية الحرب.", "قتل", "asserted"),         # superlative + منذ
    ("قتل عشرات المسلحين منذ بدء العملية العسكرية على الجبهة.", "قتل", "asserted"),  # running toll
    ("قصفت الطائرات دون طيار مواقع التنظيم.", "قصفت", "asserted"),             # drone, not "without"
    ("تواصلت الاحتجاجات لا سيما في العاصمة.", "احتجاجات", "asserted"),
    ("أوصت اللجنة بتوجيه تهمة الفساد للوزير.", "توجيه", "future"),              # a recommendation
    # a verbal-noun trigger as the object of a future verb (سـ + imperfect)
    ("وقال الوزير إن بلاده ستتوصل إلى اتفاق مع الجانب التركي.", "اتفاق", "future"),
    ("وأكد المتحدث أن الجيش سيشن هجوما واسعا على معاقل التنظيم.", "هجوما", "future"),
    ("وقتل ستين شخصا في هجوم على السوق.", "هجوم", "asserted"),                # ستين is a number
    ("وتوصل الطرفان إلى اتفاق لوقف إطلاق النار.", "اتفاق", "asserted"),
    ("وفشلت الأطراف اليمنية في التوصل إلى اتفاق في جنيف.", "اتفاق", "negated"),   # a failure
    ("وفشل هجوم شنه المسلحون على الثكنة.", "هجوم", "asserted"),                 # a failed attack happened
]


@pytest.mark.parametrize("text,trigger,expected", CASES, ids=[f"{i:02d}-{c[2]}" for i, c in enumerate(CASES)])
def test_modality_table(text, trigger, expected):
    d = _modality(text, trigger)
    assert d.modality == expected, d
    if expected != "asserted":
        assert d.cue and d.rule


def test_at_least_40_cases_cover_every_modality():
    assert len(CASES) >= 40
    assert {c[2] for c in CASES} == {"asserted", "negated", "hypothetical", "future", "historical"}


def test_an_earlier_explicit_year_is_historical_when_the_publication_date_says_so():
    sent_text = "قتل عشرات المدنيين في قصف على المدينة عام 2014."
    # without a publication date, an event dated by its year alone is background
    assert _modality(sent_text, "قصف").rule == "hist.bare_year"
    d = _modality(sent_text, "قصف", published=date(2018, 3, 1))
    assert d.modality == "historical" and d.rule == "hist.past_year"
    assert _modality(sent_text, "قصف", published=date(2014, 6, 1)).modality == "asserted"


def test_cue_governs_only_its_own_clause():
    text = "هددت واشنطن بفرض عقوبات، فيما قصفت الطائرات مواقع في إدلب."
    assert _modality(text, "قصفت").modality == "asserted"


def test_offsets_inside_a_longer_article():
    prefix = "عنوان الخبر. "
    text = "نفى الجيش قصف المستشفى."
    sent = AnalyzedSentence(Sentence("doc", 1, len(prefix), len(prefix) + len(text), text), ())
    [m] = [t for t in find_triggers(sent) if t.event_type == "ASSAULT"]  # نفى itself is a REJECT
    assert m.start >= len(prefix)
    assert classify_modality(sent, m).modality == "negated"


def test_trigger_outside_the_sentence_is_a_clear_error():
    sent = _sentence("قتل جندي.")
    bad = TriggerMatch("ASSAULT", None, 50, 53, "قتل", "قتل")
    with pytest.raises(ValueError, match="outside the sentence"):
        classify_modality(sent, bad)


def test_cue_file_validation(tmp_path):
    p = tmp_path / "modality.yaml"
    p.write_text("cues:\n- {id: x, modality: maybe, scope: clause, words: [ربما]}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="modality must be"):
        load_cues(p)
    p.write_text("cues:\n- {id: x, modality: negated, scope: everywhere, words: [لم]}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="scope must be"):
        load_cues(p)


# A count whose verb is future is a level to come, not one reported (the count's cue word is the
# record's trigger: `quantity:<role>`). Sentences written for the test.
@pytest.mark.parametrize("text, cue, expected", [
    ("وأشار البيان إلى أن عدد العسكريين المنتشرين في الجنوب سيرتفع إلى 10000 عنصر بحلول كانون الثاني المقبل.",
     "المنتشرين", "future"),
    ("وقال المتحدث إن عدد الجنود المنتشرين على الحدود سيصل إلى نحو ٤٠٠٠ جندي.", "المنتشرين", "future"),
    ("وأعلنت الوزارة أنها ستنشر 3000 جندي في المنطقة.", "جندي", "future"),
    # present and past levels stay reported
    ("وقال البيان إن عدد العسكريين المنتشرين في الجنوب ارتفع إلى 10000 عنصر.", "المنتشرين", "asserted"),
    ("ويبلغ عدد الجنود المنتشرين في القاعدة 900 جندي.", "المنتشرين", "asserted"),
    # a future verb after the number is not the count's verb
    ("وانتشر 900 جندي في المدينة وسيبقون فيها.", "جندي", "asserted"),
])
def test_a_count_set_by_a_future_verb_is_future(text, cue, expected):
    sent = _sentence(text)
    start = text.index(cue)
    pseudo = TriggerMatch("MOBILIZE", "troops", start, start + len(cue), cue, "quantity:deployed", 0.75)
    d = classify_modality(sent, pseudo)
    assert d.modality == expected, d
    if expected == "future":
        assert d.rule in ("fut.sa_count", "fut.sa_governor")


def test_a_future_troop_level_in_an_article_is_not_asserted():
    from pipelines.process import process_articles
    from pipelines.records import Article

    text = ("أعلن الجيش اللبناني، الثلاثاء، أنه عزز انتشاره جنوب نهر الليطاني.\n"
            "وأشار البيان إلى أن عدد العسكريين المنتشرين في الجنوب سيرتفع إلى 10000 عنصر بحلول كانون الثاني المقبل.")
    [result] = process_articles([Article("d", text, None, date(2024, 12, 3))])
    events = result.events
    counted = [e for e in events if any(q.value == 10000 for q in e.quantities)]
    assert counted and all(e.modality != "asserted" for e in counted), [(e.event_type, e.modality) for e in counted]
