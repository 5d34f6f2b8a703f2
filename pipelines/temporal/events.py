"""Which date an event takes: its sentence's governing date, else the lead date, else publication.

Rule (issue 3), in order:
1. the nearest resolved date expression inside the event's sentence. Distance is measured from
   the trigger; an expression after the trigger counts as slightly nearer (Arabic news puts the
   time after the verb: "قتل 16 مدنيا الجمعة"). Expressions marked "+since" ("منذ 7 أكتوبر") open
   a background period the event happens *within*, so they are used only when nothing else is in
   the sentence. With the sentence `text`, a clause break (، ; :) between trigger and date adds to
   the distance, and a date just after a reporting verb that precedes the trigger ("أكدت مصادر،
   الاثنين، مقتل 3 في غارة قبل أسبوع") is when it was said and ranks below the event's own date.
2. else the article's lead date (the dateline "الرياض 9-10 (رويترز)", or a day-precision date in
   the opening sentence), passed in by the caller (`lead_date`);
3. else the publication date, with `source="published"` and day precision;
4. else None.
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from typing import Sequence

from pipelines.records import TemporalExpression
from pipelines.temporal.finder import find_dates
from pipelines.temporal.lexicon import lexicon
from pipelines.text import normalize

AFTER_BIAS = 0.8  # an expression after the trigger counts as 20% nearer
CLAUSE_PENALTY = 40  # characters added per clause break between trigger and date
REPORT_PENALTY = 60  # characters added to the date of a report ("قال ... الجمعة إن")
REPORT_WINDOW = 6  # words before a date searched for a reporting verb
BACKGROUND_PENALTY = 10_000
_LEAD_CHARS = 300
_CLAUSE_BREAK = re.compile(r"[،,;؛:]")
_SENTENCE_END = re.compile(r"[.!؟?\n]")
_WORD = re.compile(r"\w+")
_SET_OFF = " \u00a0،,"


def event_date(
    trigger_start: int,
    sentence_start: int,
    sentence_end: int,
    dates: Sequence[TemporalExpression],
    published: date | None,
    lead_date: TemporalExpression | None = None,
    text: str | None = None,
) -> TemporalExpression | None:
    """The date of an event whose trigger starts at `trigger_start` (offsets as in `dates`).

    `text` (optional, the text the offsets point into) lets clause breaks count and measures
    distances from the end of the trigger word rather than its start.
    """
    if isinstance(published, datetime):
        published = published.date()
    trigger_end = trigger_start
    if text is not None:
        word = _WORD.match(text, trigger_start)
        trigger_end = word.end() if word else trigger_start
    best: tuple[float, TemporalExpression] | None = None
    for d in dates:
        if d.value is None or d.start < sentence_start or d.end > sentence_end:
            continue
        if d.start >= trigger_start:
            gap_start, gap_end = trigger_end, d.start
            distance = max(0, d.start - trigger_end) * AFTER_BIAS
        else:
            gap_start, gap_end = d.end, trigger_start
            distance = max(0, trigger_start - d.end)
        if text is not None and gap_end > gap_start:
            gap = text[gap_start:gap_end]
            # commas that set the date itself off ("شن التنظيم، الجمعة، هجوما") are not clause breaks
            gap = gap.lstrip(_SET_OFF) if d.start < trigger_start else gap.rstrip(_SET_OFF)
            distance += CLAUSE_PENALTY * len(_CLAUSE_BREAK.findall(gap))
        if "+since" in d.rule:
            distance += BACKGROUND_PENALTY
        if text is not None and d.end <= trigger_start and _after_reporting_verb(text, d.start, sentence_start):
            distance += REPORT_PENALTY
        if best is None or distance < best[0]:
            best = (distance, d)
    if best is not None:
        return best[1]
    if lead_date is not None and lead_date.value is not None:
        return lead_date
    if published is not None:
        return TemporalExpression("", sentence_start, sentence_start, published.isoformat(), "day", "published",
                                  "publication_date")
    return None


def _after_reporting_verb(text: str, start: int, sentence_start: int) -> bool:
    """True when one of the few words before `start` is a reporting verb ("أفاد المرصد الجمعة")."""
    verbs = lexicon().reporting_verbs
    words = _WORD.findall(normalize(text[max(sentence_start, start - 80):start]))[-REPORT_WINDOW:]
    for w in words:
        if w in verbs or (w[:1] in ("و", "ف") and w[1:] in verbs):
            return True
    return False


def dateline_date(text: str, published: date | None) -> TemporalExpression | None:
    """The dateline date at the head of an article ("الرياض 9-10 (رويترز) -"), if there is one."""
    head = text[:_LEAD_CHARS]
    for d in find_dates(head, published):
        if d.rule.startswith("dateline") and d.value is not None:
            return replace(d, source="dateline")
    return None


def lead_date(text: str, published: date | None,
              dates: Sequence[TemporalExpression] | None = None) -> TemporalExpression | None:
    """The article's lead date: its dateline, else the first day-precision date of its first sentence.

    `dates` may pass the article's `find_dates` result to avoid a second search.
    """
    dl = dateline_date(text, published)
    if dl is not None:
        return dl
    end_match = _SENTENCE_END.search(text, 0, _LEAD_CHARS)
    first_end = end_match.start() if end_match else min(len(text), _LEAD_CHARS)
    candidates = dates if dates is not None else find_dates(text[:first_end], published)
    for d in sorted(candidates, key=lambda t: t.start):
        if d.end > first_end:
            break
        if d.precision == "day" and d.value is not None and "+since" not in d.rule:
            return replace(d, source="dateline")
    return None


def times_within(start: int, end: int, dates: Sequence[TemporalExpression]) -> list[TemporalExpression]:
    """The time expressions a span of the article holds itself ("الجمعة"، "أمس"), not the publication
    date the others fall back on."""
    return [d for d in dates if d.source != "published" and start <= d.start < end]

