"""Keyword lists for the held-out sample's strata and for the keyword baseline.

A sentence "mentions" a type when any of these stems occurs; the baseline says yes for every such
sentence, which is exactly what the extractor must beat (denials, warnings, analysis, background)."""
from __future__ import annotations

import re

VIOLENCE = ["قتل", "قصف", "غارة", "غارات", "هجوم", "هجمات", "اشتباك", "انفجار", "مقتل",
            "استهداف", "استهدف", "تفجير", "اغتيال", "قذائف", "قذيفة", "مسلحين", "اقتحام"]
PROTEST = ["تظاهر", "مظاهر", "احتجاج", "احتج", "اعتصام", "اعتصم", "معتصم", "مسيرة", "مسيرات",
           "إضراب", "اضراب", "مضرب", "شغب", "وقفة احتجاجية"]

VIOLENCE_RE = re.compile("|".join(map(re.escape, VIOLENCE)))
PROTEST_RE = re.compile("|".join(map(re.escape, PROTEST)))
KEYWORDS = {"ASSAULT": VIOLENCE_RE, "PROTEST": PROTEST_RE}


def keyword_says(etype: str, sentence: str) -> bool:
    return bool(KEYWORDS[etype].search(sentence))
