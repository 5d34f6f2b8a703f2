"""Property tests: any Arabic-ish text is handled, spans slice the input, values parse.

Example count comes from the HYPOTHESIS_PROFILE env var: "ci" (default, 200 examples) or
"nightly" (5,000); any other name gets the "ci" count.
"""
from __future__ import annotations

import os
import re
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.temporal import event_date, find_dates

# Applied per test (not loaded globally, so other areas' hypothesis settings are untouched).
_EXAMPLES = {"ci": 200, "nightly": 5000}.get(os.environ.get("HYPOTHESIS_PROFILE", "ci"), 200)
PROFILE = settings(max_examples=_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Words that build date expressions, so random text often contains (broken) dates.
DATE_WORDS = [
    "في", "منذ", "قبل", "عام", "سنة", "يوم", "مساء", "فجر", "ليلة", "اليوم", "أمس", "أول", "غداً", "الماضي",
    "المقبل", "الجاري", "الأسبوع", "الشهر", "العام", "الخميس", "الجمعة", "الاثنين", "السابع", "من",
    "يناير", "كانون", "الثاني", "تشرين", "الأول", "أيار", "آب", "جانفي", "/", "(", ")", "هـ", "رمضان",
    "صفر", "ذي", "الحجة", "أيام", "يومين", "أسبوعين", "ثلاثة", "أشهر", "2014", "٢٠٢٣", "29", "31", "0",
    "9-10", "12/03/2018", "1446", "القرار", "2254", "جندي", "(رويترز)", "-", "،", ".", "\n", "\u00a0",
    "ـ", "\u064b", "\u0650", "\u200f",
]
ARABIC = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
TEXT = st.one_of(
    st.text(alphabet=st.one_of(ARABIC, st.sampled_from(" 0123456789/-().،\n\u00a0")), max_size=200),
    st.lists(st.sampled_from(DATE_WORDS), max_size=40).map(" ".join),
    st.lists(st.one_of(st.sampled_from(DATE_WORDS), st.text(alphabet=ARABIC, max_size=6)), max_size=30).map("".join),
)
PUBLISHED = st.one_of(st.none(), st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31)),
                      st.dates())  # the calendar's edges must not crash either
VALUE_RE = {
    "day": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "week": re.compile(r"^(\d{4})-W(\d{2})$"),
    "month": re.compile(r"^\d{4}-(\d{2})$"),
    "year": re.compile(r"^\d{4}$"),
}


def _valid(value: str, precision: str) -> bool:
    m = VALUE_RE[precision].match(value)
    if not m:
        return False
    if precision == "day":
        date.fromisoformat(value)
    elif precision == "week":
        date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    elif precision == "month":
        return 1 <= int(m.group(1)) <= 12
    return True


@PROFILE
@given(TEXT, PUBLISHED)
def test_spans_slice_input_and_values_parse(text: str, published: date | None) -> None:
    found = find_dates(text, published)
    previous_end = -1
    for d in found:
        assert 0 <= d.start < d.end <= len(text)
        assert text[d.start:d.end] == d.text
        assert d.start >= previous_end  # sorted and non-overlapping
        previous_end = d.end
        assert d.source in ("explicit", "relative")
        assert d.rule
        if d.value is None:
            assert d.precision is None
        else:
            assert d.precision is not None and _valid(d.value, d.precision)
        if published is None and d.source == "relative":
            assert d.value is None


@PROFILE
@given(TEXT, PUBLISHED, st.integers(min_value=0, max_value=200))
def test_event_date_never_crashes(text: str, published: date | None, trigger: int) -> None:
    found = find_dates(text, published)
    got = event_date(min(trigger, len(text)), 0, len(text), found, published, None, text=text)
    if got is not None:
        assert got.value is not None
        assert got in found or got.source == "published"
    elif published is not None:
        raise AssertionError("with a publication date an event always has a date")
