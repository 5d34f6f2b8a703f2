"""Calendar arithmetic behind the temporal rules.

dateparser is the calendar engine for explicit Gregorian dates (it knows each month system's
names per locale and rejects impossible days such as 31 February); hijridate converts Umm
al-Qura Hijri dates. What dateparser does not do (anchoring a day-month or a weekday to the
publication date, ISO weeks, "N months ago") is plain `datetime` arithmetic here.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

import dateparser
from hijridate import Gregorian, Hijri

from pipelines.caching import memo

Anchor = Literal["on_or_before", "past", "next", "current"]

_DP_SETTINGS = {
    "RETURN_AS_TIMEZONE_AWARE": False,
    "DATE_ORDER": "DMY",
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PARSERS": ["absolute-time"],
}


@memo(8192)
def parse_day(text: str, locale: str | None) -> date | None:
    """Parse one explicit day ("15 كانون الأول 2023", "12/03/2018") with dateparser; cached."""
    kwargs = {"languages": ["ar"], "locales": [locale]} if locale else {"languages": ["ar", "en"]}
    try:
        parsed = dateparser.parse(text, settings=_DP_SETTINGS, **kwargs)
    except (ValueError, OverflowError):
        return None
    return parsed.date() if parsed else None


@memo(512)
def month_number(month_name: str, locale: str) -> int | None:
    """The Gregorian month a month name denotes in a locale's month system, as dateparser reads it.

    Asked once per (name, locale): parsing every distinct date string with dateparser costs
    ~15 ms each, and the corpus has thousands of them.
    """
    d = parse_day(f"1 {month_name} 2000", locale)
    return d.month if d else None


def gregorian_day(day: int, month_name: str, year: int, locale: str) -> date | None:
    """The day `day month_name year` in the given month system, or None if it does not exist."""
    if not (1 <= day <= 31 and 1 <= year <= 9999):
        return None
    month = month_number(month_name, locale)
    if month is None:
        return None
    try:
        return date(year, month, day)  # rejects 31 February like dateparser does
    except ValueError:
        return None


def hijri_to_gregorian(year: int, month: int, day: int) -> date | None:
    """Umm al-Qura Hijri -> Gregorian; None outside the supported range or for invalid days."""
    try:
        return Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError):
        return None


def hijri_year_of(d: date, month: int, day: int) -> int | None:
    """Hijri year for a Hijri day-month with no year: the latest on or before `d`."""
    try:
        h = Gregorian(d.year, d.month, d.day).to_hijri()
    except (ValueError, OverflowError):
        return None
    return h.year if (month, day) <= (h.month, h.day) else h.year - 1


def anchor_year(month: int, day: int | None, published: date, anchor: Anchor) -> int:
    """Year of a month (or day-month) written without one, relative to the publication date.

    on_or_before: the latest such month/day on or before publication; past ("الماضي"): the latest
    one strictly before it (a month: before the publication month); next ("المقبل"): the first one
    strictly after; current ("الجاري"): the publication year.
    """
    if anchor == "current":
        return published.year
    key = (month, day if day is not None else 0)
    pub = (published.month, published.day if day is not None else 0)
    if anchor == "past":
        return published.year if key < pub else published.year - 1
    if anchor == "next":
        return published.year if key > pub else published.year + 1
    return published.year if key <= pub else published.year - 1


def weekday_date(weekday: int, published: date, anchor: Anchor) -> date:
    """A weekday relative to publication: bare = latest on or before; past/next strictly so."""
    back = (published.weekday() - weekday) % 7
    if anchor == "past":
        return published - timedelta(days=back or 7)
    if anchor == "next":
        return published + timedelta(days=((weekday - published.weekday()) % 7) or 7)
    return published - timedelta(days=back)


def iso_week(d: date) -> str:
    iso = d.isocalendar()
    return f"{iso[0]}-W{iso[1]:02d}"


def shift_months(d: date, months: int) -> tuple[int, int]:
    """(year, month) `months` months after `d` (negative: before)."""
    index = d.year * 12 + (d.month - 1) + months
    return index // 12, index % 12 + 1


def period_value(unit: str, published: date, offset: int) -> tuple[str, str] | None:
    """Value and precision of the day/week/month/year `offset` units from publication."""
    try:
        if unit == "day":
            return (published + timedelta(days=offset)).isoformat(), "day"
        if unit == "week":
            return iso_week(published + timedelta(weeks=offset)), "week"
        if unit == "month":
            y, m = shift_months(published, offset)
            return (f"{y:04d}-{m:02d}", "month") if 1 <= y <= 9999 else None
        if unit == "year":
            y = published.year + offset
            return (f"{y:04d}", "year") if 1 <= y <= 9999 else None
    except OverflowError:
        return None
    raise ValueError(f"unknown period unit {unit!r}")
