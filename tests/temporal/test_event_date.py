"""The event-date rule, the dateline and the lead date."""
from __future__ import annotations

from datetime import date

import pytest

from pipelines.temporal import dateline_date, event_date, find_dates, lead_date

PUB = date(2018, 3, 17)  # a Saturday


def _event(sentence: str, trigger: str, published: date | None = PUB, lead=None):
    dates = find_dates(sentence, published)
    return event_date(sentence.index(trigger), 0, len(sentence), dates, published, lead, text=sentence)


@pytest.mark.parametrize("sentence,trigger,value,precision", [
    # the only date of the sentence
    ("قتل 16 مدنيا الجمعة إثر غارة تركية على عفرين.", "قتل", "2018-03-16", "day"),
    # date before the trigger, no other
    ("أفاد المرصد الجمعة أن 43 مدنيا قتلوا في قصف.", "قتلوا", "2018-03-16", "day"),
    # two dates: the nearer one (after the trigger) governs
    ("شنت الطائرات غارات صباح اليوم ردا على هجوم وقع الأسبوع الماضي.", "غارات", "2018-03-17", "day"),
    # the background range opened by منذ loses to a plain date
    ("قتل 20 شخصا الخميس في المعارك المستمرة منذ 7 فبراير 2018.", "قتل", "2018-03-15", "day"),
    # ... but is used when it is the only date in the sentence
    ("تتواصل الاشتباكات منذ 7 فبراير 2018 في المدينة.", "الاشتباكات", "2018-02-07", "day"),
    # a clause break pushes the farther date back
    ("اندلعت اشتباكات الأربعاء، وأعلن الجيش في 2014 خطة.", "اشتباكات", "2018-03-14", "day"),
])
def test_sentence_date_governs(sentence: str, trigger: str, value: str, precision: str) -> None:
    got = _event(sentence, trigger)
    assert got is not None
    assert (got.value, got.precision) == (value, precision)


def test_after_trigger_is_preferred_at_equal_distance() -> None:
    s = "الخميس قصف الجمعة"
    dates = find_dates(s, PUB)
    got = event_date(s.index("قصف"), 0, len(s), dates, PUB, text=s)
    assert got is not None and got.text == "الجمعة"


def test_dates_outside_the_sentence_are_ignored() -> None:
    text = "قتل مدنيون في قصف. وفي يوم الجمعة عقد اجتماع."
    dates = find_dates(text, PUB)
    first_end = text.index(".") + 1
    got = event_date(text.index("قصف"), 0, first_end, dates, PUB)
    assert got is not None and got.source == "published" and got.value == "2018-03-17"


def test_falls_back_to_the_lead_date() -> None:
    article = "الرياض 9-10 (رويترز) - قالت الوزارة إنها تتابع التطورات. وقتل ثلاثة جنود في هجوم."
    published = date(2023, 10, 11)
    lead = lead_date(article, published)
    assert lead is not None and (lead.value, lead.source) == ("2023-10-09", "dateline")
    dates = find_dates(article, published)
    s_start = article.index("وقتل")
    got = event_date(article.index("هجوم"), s_start, len(article), dates, published, lead)
    assert got is lead


def test_falls_back_to_publication_date() -> None:
    got = _event("وقتل ثلاثة جنود في هجوم على حاجز.", "هجوم")
    assert got is not None
    assert (got.value, got.precision, got.source) == ("2018-03-17", "day", "published")


def test_nothing_known_gives_none() -> None:
    assert _event("وقتل ثلاثة جنود في هجوم على حاجز.", "هجوم", published=None) is None


def test_unresolved_sentence_dates_are_skipped_without_publication() -> None:
    # "أمس" cannot be resolved without a publication date; the explicit year still can
    got = _event("قتل جنديان أمس في المدينة التي دمرت عام 2016.", "قتل", published=None)
    assert got is not None and got.value == "2016"


@pytest.mark.parametrize("text,published,value", [
    ("الرياض 9-10 (رويترز) - قالت وزارة الخارجية السعودية إنها تتابع التطورات.", date(2023, 10, 9), "2023-10-09"),
    ("بيروت 28/12 (أ ف ب) - أعلن الجيش اللبناني توقيف مطلوبين.", date(2024, 1, 2), "2023-12-28"),
    ("دمشق 3-4 (سانا) - استقبل الرئيس وفدا.", date(2019, 4, 3), "2019-04-03"),
])
def test_dateline(text: str, published: date, value: str) -> None:
    got = dateline_date(text, published)
    assert got is not None and got.value == value and got.source == "dateline"
    assert text[got.start:got.end] == got.text


@pytest.mark.parametrize("text", [
    "دبي، الإمارات العربية المتحدة (CNN) – أدان رئيس الحزب الهجوم.",
    "قتل 9-10 أشخاص في الهجوم.",
    "الرياض 9-10-2023 تقرير.",
])
def test_no_dateline(text: str) -> None:
    assert dateline_date(text, date(2023, 10, 9)) is None


def test_lead_date_from_the_first_sentence() -> None:
    text = "أعلنت وزارة الدفاع الخميس مقتل 5 مسلحين. وكان الهجوم قد وقع في 2014."
    got = lead_date(text, PUB)
    assert got is not None and got.value == "2018-03-15" and got.source == "dateline"
    assert lead_date("أعلنت وزارة الدفاع مقتل 5 مسلحين. الخميس", PUB) is None


def test_report_date_ranks_below_the_event_date() -> None:
    s = "وكانت مصادر يمنية قد أكدت، الاثنين، مقتل 3 خبراء في غارة جوية شنتها طائرات التحالف قبل أسبوع."
    got = _event(s, "مقتل", published=date(2018, 4, 17))
    assert got is not None and (got.value, got.precision) == ("2018-W15", "week")


def test_report_date_is_used_when_it_is_the_only_date() -> None:
    s = "أفاد المرصد السوري الجمعة أن 43 مدنيا قتلوا في قصف مدفعي."
    got = _event(s, "قتلوا")
    assert got is not None and got.value == "2018-03-16"


def test_commas_around_the_date_are_not_a_clause_break() -> None:
    s = "وشن التنظيم، الجمعة، هجوما على مخيم قرب البلدة التي سيطر عليها في 2014 بعد معارك."
    got = _event(s, "هجوما", published=date(2018, 10, 19))
    assert got is not None and got.value == "2018-10-19"
