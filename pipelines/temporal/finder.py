"""Find and resolve Arabic date expressions: compiled candidate patterns + calendar rules.

Patterns run over the normalised copy of the text (`pipelines.text`), each one proposing spans
with named groups; a resolver per pattern turns the groups into a value against the publication
date. Overlapping candidates are settled longest-first. Explicit Gregorian days go through
dateparser (cached, with the locale of their month system); everything relative is arithmetic in
`calendar.py`. Spans are mapped back to the original text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable

from pipelines.caching import resource
from pipelines.records import TemporalExpression
from pipelines.temporal import calendar as cal
from pipelines.temporal.lexicon import Lexicon, MonthName, lexicon, trie_regex
from pipelines.text import normalize, normalize_with_offsets

YEAR_MIN, YEAR_MAX = 1800, 2100  # with a month name or "عام" before it
BARE_YEAR_MIN = 1900  # a number with only a preposition before it
HIJRI_YEAR_MIN, HIJRI_YEAR_MAX = 1300, 1500

# A resolved candidate: (value, precision, source) or None when the candidate is not a date.
Resolved = tuple[str | None, str | None, str] | None


@dataclass(frozen=True, slots=True)
class _Rule:
    name: str
    pattern: re.Pattern[str]
    resolve: Callable[[re.Match[str], date | None], Resolved]
    priority: int  # lower wins between candidates of equal length
    needs: frozenset[str]  # gate categories: the rule runs only if the text has one of them


_W = r"(?<![\w])"  # word start
_E = r"(?![\w])"  # word end
_CL = r"(?:[وف]?ب?)"  # clitics that may glue onto a date word (و، ف، ب)


_YEAR = r"(?P<y>\d{4})(?:\s*م)?"
_YEAR_GLUE = r"\s*[,،]?\s*(?:من\s+)?(?:(?:عام|العام|سنه|السنه)\s+)?"
_DEICTIC = (r"(?P<deictic>اليوم|امس\s+الاول|اول\s+(?:من\s+)?امس|الامس|امس|بعد\s+غد|غدا|الغد|"
            r"الليله\s+الماضيه|الليله|ليل\s+امس|ليله\s+امس)")


@dataclass(frozen=True)
class _Pieces:
    """Regex pieces the patterns are built from: the lexicon's word lists as alternations, and the
    phrases several patterns share (a month pair, a day, a year relative to publication)."""
    month: str
    hmonth: str
    weekday: str
    parts: str  # parts of the day: صباح، مساء ...
    ordinal: str
    cardinal: str
    units: str
    periods: str
    past: str
    nxt: str
    cur: str
    cues: str  # words that make a bare year a date (في، خلال ...)

    @classmethod
    def of(cls, lex: Lexicon) -> "_Pieces":
        words = (lex.months, lex.hijri_months, lex.weekdays, lex.day_parts, lex.ordinals, lex.cardinals,
                 lex.units, lex.periods, lex.past, lex.next, lex.current, lex.year_cues)
        return cls(*(trie_regex(w) for w in words))

    @property
    def rel(self) -> str:
        """Past | next | current."""
        return rf"(?:(?P<past>{self.past})|(?P<next>{self.nxt})|(?P<cur>{self.cur}))"

    @property
    def pair(self) -> str:
        """"أيار/مايو", "مايو (أيار)": one month in two calendars' names."""
        month = self.month
        return (rf"(?:شهر\s+)?(?P<m1>{month})(?:\s*[/\\]\s*(?P<m2>{month})|\s*\(\s*(?P<m3>{month})\s*\)"
                rf"|\s+-\s+(?P<m4>{month}))?")

    @property
    def day(self) -> str:
        return rf"(?:(?:ال\s*)?(?P<dn>[0-3]?\d)|(?P<do>{self.ordinal}))"

    @property
    def year_rel(self) -> str:
        """"مايو من العام الماضي", "يناير من هذا العام": the year relative to publication."""
        return (rf"\s*[,،]?\s*(?:من\s+)?(?:(?P<ythis>هذا\s+العام|هذه\s+السنه)|(?:العام|السنه)\s+"
                rf"(?:(?P<ypast>{self.past})|(?P<ynext>{self.nxt})|(?P<ycur>{self.cur})))")

    @property
    def wd_phrase(self) -> str:
        """A weekday or a part of the day before a day number."""
        return (rf"(?:(?:{self.parts})\s+)?(?:(?:اليوم|امس)\s+)?(?P<wd>{self.weekday})\s*[,،]?\s*"
                rf"(?:الموافق\s+)?|(?:{self.parts})\s+")


def _rule(name: str, core: str, resolve, priority: int, needs: str, pre: str = _W + _CL) -> _Rule:
    """A pattern: `core` (captured as `x`) after `pre`, ending at a word end."""
    pattern = re.compile(pre + "(?P<x>" + core + ")" + _E)
    return _Rule(name, pattern, resolve, priority, frozenset(needs.split()))


def _anchor_words(lex: Lexicon) -> dict[str, set[str]]:
    """A cheap gate finds which kinds of anchor words a text has (a set of its tokens looked up in a
    dict, plus one digit search); a rule runs only when its anchors are present. Most sentences have
    no month name, weekday or 4-digit number. Word (with its clitics) -> gate categories."""
    first_words = {
        "month": [n.split()[0] for n in lex.months], "hmonth": [n.split()[0] for n in lex.hijri_months],
        "weekday": list(lex.weekdays), "deictic": ["اليوم", "امس", "الامس", "غدا", "الغد", "غد", "الليله"],
        "period": list(lex.periods) + list(lex.current), "ago": ["قبل", "منذ"],
    }
    anchors: dict[str, set[str]] = {}
    for category, words in first_words.items():
        for w in words:
            for clitic in ("", "و", "ف", "ب", "وب", "فب"):
                anchors.setdefault(clitic + w, set()).add(category)
    return anchors


class _Grammar:
    """All compiled patterns and their resolvers, built once from the lexicon."""

    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex
        pieces = _Pieces.of(lex)
        self.rules: list[_Rule] = self._calendar_rules(pieces) + self._relative_rules(pieces)
        self.anchors = _anchor_words(lex)
        self.year4 = re.compile(r"\d{4}")
        self.numsep = re.compile(r"\d[/.-]\d")
        self.dateline = re.compile(
            r"^[ \t]*[^\W\d_]+(?:[ \t]+[^\W\d_]+){0,3}[ \t]*[,،]?[ \t]*"
            r"(?P<x>(?P<d>\d{1,2})[ \t]*[-/][ \t]*(?P<m>\d{1,2}))(?![ \t]*[-/][ \t]*\d)"
            r"[ \t]*(?:\([^()\n]{1,30}\)|[-–—])",
            re.MULTILINE)

    def _calendar_rules(self, p: _Pieces) -> list[_Rule]:
        """Dates named in the calendar: a day and month, a Hijri date, a month, a year, 16/3/2018."""
        day, pair, rel, year, year_glue, year_rel = p.day, p.pair, p.rel, _YEAR, _YEAR_GLUE, p.year_rel
        # "يومي 14 و15 أيار", "من 5 إلى 7 مايو": the span covers both days, the value is the first
        day_pair = r"(?:\s*(?:و|-|الي|حتي)\s*[0-3]?\d(?!\d))?"
        return [
            _rule("day_month", rf"(?:{p.wd_phrase})?{day}{day_pair}\s+(?:من\s+)?{pair}(?:{year_glue}{year}|\s+{rel}|{year_rel})?",
                  self._day_month, 0, "month"),
            _rule("hijri", rf"{day}\s+(?:من\s+)?(?:شهر\s+)?(?P<hm>{p.hmonth})(?:\s+(?:(?:عام|سنه)\s+)?(?P<hy>\d{{4}}))?"
                  r"(?P<hmark>\s*ه(?:جريه|جري)?(?![\w]))?", self._hijri, 1, "hmonth"),
            _rule("month_year", rf"{pair}{year_glue}{year}", self._month_year, 2, "month"),
            _rule("month_rel", rf"{pair}(?:\s+{rel}|{year_rel})", self._month_rel, 2, "month"),
            _rule("month_cue", rf"{pair}(?!\s*\d)", self._month_cue, 5, "month",
                  pre=rf"{_W}(?:(?P<cue>{p.cues})\s+|(?=شهر\s))"),
            # "في الخامس من الشهر الجاري", "في 15 الجاري"
            _rule("day_of_period",
                  rf"{day}\s+(?:من\s+)?(?:(?P<this_month>هذا\s+)?الشهر(?:\s+{rel})?|(?P<cur_only>{p.cur}))",
                  self._day_of_period, 1, "period"),
            _rule("year_cued",
                  r"(?P<cue>عام|العام|سنه|السنه|لعام|للعام|عامي|العامين|سنتي|السنتين)\s+(?P<y>\d{4})(?:\s*م)?",
                  self._year_cued, 3, "year"),
            _rule("year_bare", r"(?P<y>\d{4})(?P<ad>\s*م(?![\w]))?", self._year_bare, 6, "year",
                  pre=rf"{_W}(?:(?P<cue>{p.cues}|من)\s+)?(?P<and>و\s*)?"),
            _rule("numeric", rf"(?:{p.wd_phrase})?(?P<a>\d{{1,4}})(?P<sep>[/.-])(?P<b>\d{{1,2}})(?P=sep)(?P<c>\d{{1,4}})",
                  self._numeric, 2, "numsep", pre=_W),
        ]

    def _relative_rules(self, p: _Pieces) -> list[_Rule]:
        """Dates told relative to publication: أمس، الخميس الماضي، الشهر المقبل، قبل يومين."""
        weekday, past, nxt, cur, month, hmonth = p.weekday, p.past, p.nxt, p.cur, p.month, p.hmonth
        return [
            _rule("deictic", rf"(?:(?P<part>{p.parts})\s+)?{_DEICTIC}(?:\s+(?P<wd>{weekday}))?",
                  self._deictic, 3, "deictic"),
            _rule("weekday", rf"(?:(?P<part>{p.parts})\s+)?(?P<wd>{weekday})(?:\s+(?:(?P<past>{past})|(?P<next>{nxt})))?",
                  self._weekday, 4, "weekday"),
            # "ليل السبت الأحد", "ليلة الخميس/الجمعة": one night across two consecutive days
            _rule("night_pair", rf"(?:منتصف\s+)?(?:ليل|ليله)\s+(?P<wd>{weekday})(?:\s*[/-]\s*|\s+)(?P<wd2>{weekday})"
                  rf"(?:\s+(?:(?P<past>{past})|(?P<next>{nxt})))?", self._night_pair, 3, "weekday"),
            _rule("period", rf"(?:(?P<this>هذا|هذه)\s+(?P<per0>{p.periods})"
                  rf"|(?P<per>{p.periods})\s+(?:(?P<before>قبل\s+الماضي)|{p.rel})"
                  rf"|(?:مطلع|بدايه|منتصف|نهايه|اواخر|اوائل|اواسط)\s+(?P<per1>{p.periods})(?!\s+(?:{past}|{nxt}|{cur}|قبل|\d)))",
                  self._period, 3, "period"),
            _rule("ago", rf"(?P<dir>قبل|منذ)\s+(?:(?:نحو|حوالي|قرابه|زهاء|اكثر\s+من|اقل\s+من)\s+)?"
                  rf"(?:(?P<n>\d{{1,3}}|{p.cardinal})\s+)?(?P<unit>{p.units})"
                  # not "قبل يومين من الانتخابات", "منذ عام 2011", "قبل يوم الجمعة", "قبل شهر رمضان"
                  rf"(?!\s+(?:من|على)\s)(?!\s*\d)(?!\s+(?:ال|{month}|{hmonth}))", self._ago, 3, "ago"),
        ]

    def present(self, norm: str) -> set[str]:
        """Gate categories found in a normalised text."""
        found: set[str] = set()
        for token in self.anchors.keys() & set(_TOKEN_BREAK.split(norm)):
            found |= self.anchors[token]
        if self.year4.search(norm):
            found.add("year")
        if self.numsep.search(norm):
            found.add("numsep")
        return found

    # -- helpers ---------------------------------------------------------------------------
    def _day(self, m: re.Match[str]) -> int | None:
        if m.group("dn"):
            return int(m.group("dn"))
        return self.lex.ordinals.get(_squash(m.group("do")))

    def _month(self, m: re.Match[str]) -> MonthName | None:
        first = self.lex.months[_squash(m.group("m1"))]
        for g in ("m2", "m3", "m4"):
            other = m.groupdict().get(g)
            if other and self.lex.months[_squash(other)].month != first.month:
                return None  # "يونيو/تموز" disagrees with itself: not a date we can trust
        return first

    @staticmethod
    def _year_offset(m: re.Match[str]) -> int | None:
        """-1/0/+1 for "من العام الماضي/الجاري/المقبل" after a month, None when absent."""
        gd = m.groupdict()
        if gd.get("ythis") or gd.get("ycur"):
            return 0
        if gd.get("ypast"):
            return -1
        if gd.get("ynext"):
            return 1
        return None

    @staticmethod
    def _anchor(m: re.Match[str]) -> cal.Anchor:
        gd = m.groupdict()
        if gd.get("past"):
            return "past"
        if gd.get("next"):
            return "next"
        if gd.get("cur"):
            return "current"
        return "on_or_before"

    # -- resolvers ---------------------------------------------------------------------------
    def _day_month(self, m: re.Match[str], published: date | None) -> Resolved:
        day, month = self._day(m), self._month(m)
        if day is None or month is None or not 1 <= day <= 31:
            return None
        if m.group("y"):
            y = int(m.group("y"))
            if not YEAR_MIN <= y <= YEAR_MAX:
                return None
            d = cal.gregorian_day(day, month.canonical, y, month.locale)
            return (d.isoformat(), "day", "explicit") if d else None
        if published is None:
            exists = cal.gregorian_day(day, month.canonical, 2000, month.locale) is not None  # leap year
            return (None, None, "relative") if exists else None
        offset = self._year_offset(m)
        if offset is not None:
            y = published.year + offset
        else:
            y = cal.anchor_year(month.month, day, published, self._anchor(m))
        d = cal.gregorian_day(day, month.canonical, y, month.locale)
        if d is None and month.month == 2 and day == 29:  # 29 February: the latest leap year
            y -= 1
            while (d := cal.gregorian_day(day, month.canonical, y, month.locale)) is None and y > YEAR_MIN:
                y -= 1
        return (d.isoformat(), "day", "relative") if d else None

    def _hijri(self, m: re.Match[str], published: date | None) -> Resolved:
        day = self._day(m)
        hm = self.lex.hijri_months[_squash(m.group("hm"))]
        if day is None or not 1 <= day <= 30:
            return None
        if m.group("hy"):
            hy = int(m.group("hy"))
            if not HIJRI_YEAR_MIN <= hy <= HIJRI_YEAR_MAX:
                return None
            d = cal.hijri_to_gregorian(hy, hm, day)
            return (d.isoformat(), "day", "explicit") if d else None
        if hm == 2 and not m.group("hmark"):
            return None  # "3 صفر" is a score, not a date, unless marked هـ
        if published is None:
            return (None, None, "relative")
        hy = cal.hijri_year_of(published, hm, day)
        d = cal.hijri_to_gregorian(hy, hm, day) if hy else None
        return (d.isoformat(), "day", "relative") if d else None

    def _month_year(self, m: re.Match[str], published: date | None) -> Resolved:
        month = self._month(m)
        y = int(m.group("y"))
        if month is None or not YEAR_MIN <= y <= YEAR_MAX:
            return None
        return f"{y:04d}-{month.month:02d}", "month", "explicit"

    def _month_rel(self, m: re.Match[str], published: date | None) -> Resolved:
        month = self._month(m)
        if month is None:
            return None
        if published is None:
            return (None, None, "relative")
        offset = self._year_offset(m)
        y = published.year + offset if offset is not None else cal.anchor_year(month.month, None, published,
                                                                                 self._anchor(m))
        return f"{y:04d}-{month.month:02d}", "month", "relative"

    def _month_cue(self, m: re.Match[str], published: date | None) -> Resolved:
        month = self._month(m)
        if month is None:
            return None
        if published is None:
            return (None, None, "relative")
        y = cal.anchor_year(month.month, None, published, "on_or_before")
        return f"{y:04d}-{month.month:02d}", "month", "relative"

    def _day_of_period(self, m: re.Match[str], published: date | None) -> Resolved:
        gd = m.groupdict()
        if not (gd["this_month"] or gd["cur_only"] or gd["past"] or gd["next"] or gd["cur"]):
            return None  # "في 24 من الشهر ذاته": some month of the story, not of publication
        day = self._day(m)
        if day is None or not 1 <= day <= 31:
            return None
        if published is None:
            return (None, None, "relative")
        offset = {"past": -1, "next": 1}.get(self._anchor(m), 0)
        y, mo = cal.shift_months(published, offset)
        try:
            return date(y, mo, day).isoformat(), "day", "relative"
        except ValueError:
            return None

    def _year_cued(self, m: re.Match[str], published: date | None) -> Resolved:
        y = int(m.group("y"))
        if not YEAR_MIN <= y <= YEAR_MAX:
            return None
        return f"{y:04d}", "year", "explicit"

    def _year_bare(self, m: re.Match[str], published: date | None) -> Resolved:
        y = int(m.group("y"))
        if not YEAR_MIN <= y <= YEAR_MAX:
            return None
        if not (m.group("cue") or m.group("ad") or m.group("and")) or y < BARE_YEAR_MIN:
            return None  # a bare number needs a cue word or the "م" era mark (ranges: see _accept)
        return f"{y:04d}", "year", "explicit"

    def _numeric(self, m: re.Match[str], published: date | None) -> Resolved:
        a, b, c = m.group("a"), m.group("b"), m.group("c")
        if len(a) == 4 and len(c) <= 2:
            y, mo, d = int(a), int(b), int(c)
        elif len(c) == 4 and len(a) <= 2:
            y, mo, d = int(c), int(b), int(a)
        else:
            return None
        if not (YEAR_MIN <= y <= YEAR_MAX and 1 <= mo <= 12 and 1 <= d <= 31):
            return None
        parsed = cal.parse_day(f"{d:02d}/{mo:02d}/{y:04d}", None)
        return (parsed.isoformat(), "day", "explicit") if parsed else None

    def _deictic(self, m: re.Match[str], published: date | None) -> Resolved:
        word = _squash(m.group("deictic"))
        offset = _DEICTIC_OFFSETS.get(word)
        if offset is None:
            return None
        if published is None:
            return (None, None, "relative")
        resolved = cal.period_value("day", published, offset)
        if resolved and m.group("wd") and offset <= 0:
            # "أمس الجمعة" on a Sunday stamp: the outlet wrote it a day before the stamp (time zones,
            # late posting); the weekday is the finer fact, so it names the day: the latest such
            # weekday on or before the deictic one.
            day = date.fromisoformat(resolved[0])
            wd = self.lex.weekdays[_squash(m.group("wd"))]
            resolved = (cal.weekday_date(wd, day, None).isoformat(), "day")
        return (resolved + ("relative",)) if resolved else None

    def _weekday(self, m: re.Match[str], published: date | None) -> Resolved:
        wd = self.lex.weekdays[_squash(m.group("wd"))]
        if published is None:
            return (None, None, "relative")
        try:
            return cal.weekday_date(wd, published, self._anchor(m)).isoformat(), "day", "relative"
        except OverflowError:  # a weekday before 1 January of year 1
            return None

    def _night_pair(self, m: re.Match[str], published: date | None) -> Resolved:
        first, second = (self.lex.weekdays[_squash(m.group(g))] for g in ("wd", "wd2"))
        if second != (first + 1) % 7:
            return None
        return self._weekday(m, published)

    def _period(self, m: re.Match[str], published: date | None) -> Resolved:
        unit = self.lex.periods[_squash(m.group("per") or m.group("per0") or m.group("per1"))]
        if published is None:
            return (None, None, "relative")
        if m.group("before"):
            offset = -2
        else:
            offset = {"past": -1, "next": 1}.get(self._anchor(m), 0)
        resolved = cal.period_value(unit, published, offset)
        return (resolved + ("relative",)) if resolved else None

    def _ago(self, m: re.Match[str], published: date | None) -> Resolved:
        unit, implied = self.lex.units[_squash(m.group("unit"))]
        scale = 1
        if unit == "decade":
            unit, scale = "year", 10
        n_text = m.group("n")
        if n_text:
            if implied == 2:
                return None  # "3 يومين" is not Arabic
            n = int(n_text) if n_text.isdigit() else self.lex.cardinals.get(_squash(n_text))
        else:
            n = implied
        if not n or n > 400:
            return None
        if published is None:
            return (None, None, "relative")
        resolved = cal.period_value(unit, published, -n * scale)
        return (resolved + ("relative",)) if resolved else None


_DEICTIC_OFFSETS = {"اليوم": 0, "الليله": 0, "امس": -1, "الامس": -1, "الليله الماضيه": -1, "ليل امس": -1,
                    "ليله امس": -1, "غدا": 1, "الغد": 1, "بعد غد": 2, "امس الاول": -2, "اول امس": -2,
                    "اول من امس": -2}
_SPACES = re.compile(r"\s+")
_TRAILING_MARKS = frozenset(chr(c) for c in range(0x064B, 0x0660)) | {"\u0670", "\u0640"}
_TOKEN_BREAK = re.compile(r"[\s،,.;؛:!؟?()\[\]{}«»\"'\-–—/\\]+")
_PREV_WORD = re.compile(r"([^\W\d_]+)[\s,،]*$")
# "منذ 7 أكتوبر"، "منذ صيف سنة 2014"، "ومنذ مطلع العام": the expression opens a span (normalised text)
_SINCE_BEFORE = re.compile(r"(?:^|[^\w])و?منذ(?:\s+(?:صيف|شتاء|ربيع|خريف|مطلع|بدايه|اوايل|اواخر|منتصف|نهايه|اول))?[\s,،]*$")
_NEXT_WORD = re.compile(r"[\s,،]*([^\W\d_]+)")
# "2000 و3000 مقاتل", "من 2000 إلى 3000 شخص": the noun after the second number counts
_NUMBER_PARTNER = re.compile(r"\s*(?:و|-|الي|حتي)\s*\d+(?:[.,]\d+)?")


def _squash(s: str) -> str:
    return _SPACES.sub(" ", s.strip())


@resource
def grammar() -> _Grammar:
    return _Grammar(lexicon())


_YEAR_BEFORE = re.compile(r"(?<!\d)(\d{4})\s*(?:م\s*)?$")
_YEAR_RANGE_AFTER = re.compile(r"\s*(?:-|الي|حتي|و)\s*(\d{4})(?!\d)")
_HIJRI_MARK = re.compile(r"\s*ه(?:جري|جريه)?(?!\w)")  # "عام 1445 هـ" is a Hijri year, not Gregorian
_DUAL_DEMONSTRATIVES = frozenset({"كلا", "هذين", "هاتين", "هذان", "هاتان"})


def _counted(norm: str, end: int, nxt: str, lex: Lexicon) -> bool:
    """True when the number ending at `end` (or the range it starts) counts a noun: not a year."""
    if nxt in lex.count_nouns:
        return True
    partner = _NUMBER_PARTNER.match(norm, end)
    if partner is None:
        return False
    after = _NEXT_WORD.match(norm, partner.end())
    return after is not None and after.group(1) in lex.count_nouns


def _accept(rule: _Rule, m: re.Match[str], norm: str, lex: Lexicon) -> bool:
    """Context checks a regex cannot express cheaply (words around the match)."""
    start, end = m.start("x"), m.end("x")
    before = _PREV_WORD.search(norm, max(0, start - 30), start)
    prev = before.group(1) if before else ""
    after = _NEXT_WORD.match(norm, end)
    nxt = after.group(1) if after else ""
    name = rule.name
    if name == "weekday":
        if prev in lex.weekday_blockers:
            return False
        if nxt in ("عشر", "عشره") and not m.group("part"):
            return False  # "اللاعبين الأحد عشر": the eleven, not Sunday
        # "الجثمانين الاثنين" / "كلا الاثنين": "the two", not Monday. Only a definite oblique dual
        # noun counts ("أعلنت البحرين الاثنين", "قال سلمان الاثنين" are Mondays).
        if not m.group("part") and _squash(m.group("wd")) == "الاثنين" and (
                prev in _DUAL_DEMONSTRATIVES
                or (prev.startswith("ال") and prev.endswith("ين") and len(prev) >= 7
                    and prev not in lex.names_in_yn)):
            return False
    elif name == "deictic":
        word = _squash(m.group("deictic"))
        if prev in lex.weekday_blockers or prev in lex.today_prev_blockers:
            return False  # "صلاة الجمعة", "في ذلك اليوم", "طوال اليوم"
        if nxt in lex.today_blockers and not m.group("wd"):
            return False  # "اليوم العالمي", "اليوم التالي"
        if word == "الغد" and not m.group("part"):
            return False  # "حزب الغد": only "صباح الغد", "يوم الغد"
    elif name == "year_bare":
        if prev in lex.number_blockers or _counted(norm, end, nxt, lex) or _HIJRI_MARK.match(norm, end):
            return False
        cue = _squash(m.group("cue") or "")
        if m.group("and") and not cue:
            # "بين 1985 و2008": the second year of a pair needs a year just before it
            pair = _YEAR_BEFORE.search(norm, max(0, m.start() - 12), m.start())
            return pair is not None and BARE_YEAR_MIN <= int(pair.group(1)) <= YEAR_MAX
        if cue == "من":
            # "من 1954 إلى 1962" is a range; "من 2000 شخص" is not
            partner = _YEAR_RANGE_AFTER.match(norm, end)
            return partner is not None and BARE_YEAR_MIN <= int(partner.group(1)) <= YEAR_MAX
    elif name == "year_cued":
        return not _counted(norm, end, nxt, lex) and not _HIJRI_MARK.match(norm, end)
    elif name == "period":
        # "الأمين العام السابق", "النائب العام": العام as "general", not "year"
        if prev in lex.general_nouns:
            return False
        if m.group("per") and _squash(m.group("per")) == "العام" and m.group("past") and \
                _squash(m.group("past")).startswith("السابق"):
            return False
    return True


def find_dates(text: str, published: date | None) -> list[TemporalExpression]:
    """Every date expression in `text`, resolved against `published` (offsets into `text`).

    Relative expressions are resolved only when `published` is known; otherwise their value and
    precision are None (never guessed). `rule` names the pattern that fired; a "+since" suffix
    marks an expression introduced by "منذ" (the start of a background period).
    """
    if not isinstance(text, str):
        raise TypeError(f"find_dates needs text as str, got {type(text).__name__}")
    if isinstance(published, datetime):
        published = published.date()  # a timestamp: only its calendar day matters
    elif published is not None and not isinstance(published, date):
        raise TypeError(f"published must be a datetime.date or None, got {type(published).__name__}")
    if not text:
        return []
    g = grammar()
    norm = normalize(text)
    found: list[tuple[int, int, int, str, Resolved]] = []
    present = g.present(norm)
    if not present:
        return []
    for rule in g.rules:
        if rule.needs.isdisjoint(present):
            continue
        for m in rule.pattern.finditer(norm):
            if not _accept(rule, m, norm, g.lex):
                continue
            resolved = rule.resolve(m, published)
            if resolved is None:
                continue
            found.append((m.start("x"), m.end("x"), rule.priority, rule.name, resolved))
    for m in (g.dateline.finditer(norm) if "numsep" in present else ()):
        resolved = _dateline_value(m, published)
        if resolved is not None:
            found.append((m.start("x"), m.end("x"), 0, "dateline", resolved))
    if not found:
        return []
    found.sort(key=lambda f: (-(f[1] - f[0]), f[2], f[0]))
    # normalize() maps characters 1:1 unless it drops some (diacritics, tatweel, bidi marks); only
    # then are offsets mapped back through the index.
    to_original = (lambda s, e: (s, e)) if len(norm) == len(text) else normalize_with_offsets(text).to_original
    taken = bytearray(len(norm))  # 1 where a longer (or earlier-ranked) candidate already sits
    out: list[TemporalExpression] = []
    for start, end, _prio, name, (value, precision, source) in found:
        if taken.find(1, start, end) != -1:
            continue
        taken[start:end] = b"\x01" * (end - start)
        o_start, o_end = to_original(start, end)
        while o_end < len(text) and text[o_end] in _TRAILING_MARKS:
            o_end += 1  # keep the last letter's diacritics and tatweel ("غداً", "هـ") in the span
        rule = name + ("+since" if name != "ago" and _SINCE_BEFORE.search(norm, max(0, start - 24), start) else "")
        out.append(TemporalExpression(text[o_start:o_end], o_start, o_end, value,
                                      precision if value else None,  # type: ignore[arg-type]
                                      source, rule))  # type: ignore[arg-type]
    out.sort(key=lambda t: t.start)
    return out


def _dateline_value(m: re.Match[str], published: date | None) -> Resolved:
    day, month = int(m.group("d")), int(m.group("m"))
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    if published is None:
        return (None, None, "explicit")
    y = cal.anchor_year(month, day, published, "on_or_before")
    try:
        return date(y, month, day).isoformat(), "day", "explicit"
    except ValueError:
        return None
