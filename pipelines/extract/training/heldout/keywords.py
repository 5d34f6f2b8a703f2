"""Keyword lists for the held-out sample's strata and for the keyword baseline.

A sentence "mentions" a type when any of these stems occurs; the baseline says yes for every such
sentence, which is exactly what the extractor must beat (denials, warnings, analysis, background)."""
from __future__ import annotations

import re

VIOLENCE = ["قتل", "قصف", "غارة", "غارات", "هجوم", "هجمات", "اشتباك", "انفجار", "مقتل",
            "استهداف", "استهدف", "تفجير", "اغتيال", "قذائف", "قذيفة", "مسلحين", "اقتحام"]
PROTEST = ["تظاهر", "مظاهر", "احتجاج", "احتج", "اعتصام", "اعتصم", "معتصم", "مسيرة", "مسيرات",
           "إضراب", "اضراب", "مضرب", "شغب", "وقفة احتجاجية"]

# Words that talk about violence without naming an act: the sentences where most non-events live.
BROAD_VIOLENCE = ["الحرب", "حرب", "العنف", "الإرهاب", "إرهابي", "عسكري", "العسكرية", "ضربة", "ضربات",
                  "صاروخ", "صواريخ", "معارك", "القتال", "قتلى", "جرحى", "ضحايا", "دمار", "تدمير"]

VIOLENCE_RE = re.compile("|".join(map(re.escape, VIOLENCE)))
PROTEST_RE = re.compile("|".join(map(re.escape, PROTEST)))
BROAD_VIOLENCE_RE = re.compile("|".join(map(re.escape, BROAD_VIOLENCE)))
KEYWORDS = {"ASSAULT": VIOLENCE_RE, "PROTEST": PROTEST_RE}


def keyword_says(etype: str, sentence: str) -> bool:
    return bool(KEYWORDS[etype].search(sentence))
