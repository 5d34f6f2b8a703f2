"""Draws the held-out QUANTITY sample (seeded, reproducible) from ../shared/corpus.

A candidate is a 60-320 character sentence in which a number (ASCII or Arabic-Indic digits, a
number word, or a dual of a person/weapon noun) stands within a few words of an event keyword.
Two strata: `cue` (the number is next to a casualty / detention / displacement / deployment /
launch / crowd word, where most gold quantities live) and `event` (only near a violence or protest
keyword: dates, ages, distances and background figures, which test spurious quantities).
Articles in the dev gold or in the detection sample are left out; one sentence per article.

The number vocabulary here is written independently of the extractor's lexicons on purpose, so the
sample is not biased towards what the extractor already knows. Prints candidates for a human to
label; writes nothing into the repo. Usage: python -m bench.heldout.quantity_sample [SHARED_DIR]"""
from __future__ import annotations

import csv
import json
import random
import re
from pathlib import Path

from bench.heldout.keywords import PROTEST, VIOLENCE
from bench.heldout.sample import split_sentences
from pipelines.text import normalize

SEED = 20181205
# "cue2" is a second draw from the cue pool (added to get more gold counts); earlier picks are unchanged.
STRATA = {"cue": 110, "event": 40, "cue2": 80}
NEAR = 6  # words between the number and the keyword, at most

# Words around which role-bearing counts cluster (stems, matched inside a word like keywords.py).
ROLE_CUES = ["قتل", "قتيل", "مقتل", "مصرع", "جرح", "جريح", "إصاب", "اصاب", "أصيب", "ضحايا", "اعتقال",
             "اعتقل", "معتقل", "احتجاز", "احتجز", "محتجز", "اختطاف", "اختطف", "مختطف", "خطف", "أسر",
             "توقيف", "نزوح", "نازح", "نزح", "تهجير", "مهجر", "لاجئ", "نشر", "جندي", "جنود", "عسكري",
             "صاروخ", "صواريخ", "قذيفة", "قذائف", "متظاهر", "محتج", "مشارك"]

_CLITIC = r"(?:[وف])?(?:[بلك])?(?:ال)?"
_NUMBER_WORD = re.compile(_CLITIC + r"(?:" + "|".join([
    r"واحد[اه]?", r"اثن(?:ان|ين|تان|تين)", r"ثلاث(?:ه|ين|ون)?", r"اربع(?:ه|ين|ون)?", r"خمس(?:ه|ين|ون)?",
    r"ست(?:ه|ين|ون)?", r"سبع(?:ه|ين|ون)?", r"ثمان(?:ي|يه|ين|ون)?", r"تسع(?:ه|ين|ون)?",
    r"عشر(?:ه|ين|ون|ات)?", r"مي?[اي]?ه", r"مي?[اي]?ت(?:ين|ان)", r"مئات", r"الف(?:ا|ين|ان)?", r"الاف",
    r"مليون(?:ا|ين|ان)?", r"ملايين", r"نصف",
    # duals of nouns that get counted: a dual is a number by itself
    r"(?:جندي|شخص|طفل|شاب|رجل|عنصر|ضابط|مدني|قتيل|جريح|صاروخ|مسلح|امرات|سيدت|فلسطيني)(?:ان|ين)",
]) + r")")
_DIGITS = re.compile(r"\d")
_WORD = re.compile(r"\S+")


def _is_number(word: str) -> bool:
    w = normalize(word).strip("،,.:;؛!?؟()\"'«»-")
    return bool(_DIGITS.search(w)) or bool(_NUMBER_WORD.fullmatch(w))


def _near(words: list[str], stems: list[str]) -> bool:
    nums = [i for i, w in enumerate(words) if _is_number(w)]
    keys = [i for i, w in enumerate(words) if any(s in w for s in stems)]
    return any(abs(i - j) <= NEAR and i != j for i in nums for j in keys)


_ROLE_STEMS = [normalize(s) for s in ROLE_CUES]
_EVENT_STEMS = [normalize(s) for s in VIOLENCE + PROTEST]


def stratum_of(sentence: str) -> str | None:
    """`cue`, `event` or None (not a candidate) for one sentence."""
    words = _WORD.findall(normalize(sentence))
    if _near(words, _ROLE_STEMS):
        return "cue"
    if _near(words, _EVENT_STEMS):
        return "event"
    return None


def _detection_articles(first_batch_only: bool) -> set[str]:
    with Path(__file__).with_name("detect_labels.tsv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return {r["article_id"] for r in rows if not (first_batch_only and r["stratum"][-1:].isdigit())}


def excluded_articles(shared: Path) -> set[str]:
    """Articles kept out of the draw: the dev gold and the detection sample as it was when this
    sample was drawn (detection batch 1; later batches are dropped after the draw, see `draw`)."""
    gold = shared / "gold" / "events_dev.jsonl"
    out = {json.loads(l)["article_id"] for l in gold.open(encoding="utf-8") if l.strip()}
    return out | _detection_articles(first_batch_only=True)


def draw(shared: Path) -> list[tuple[str, str, int, int, str]]:
    """(stratum, article_id, start, end, sentence) for the whole sample, in a fixed order.

    Articles that a later detection batch labelled are dropped after the draw, so the draw itself
    (and every earlier pick) stays reproducible while no article is in both samples."""
    exclude = excluded_articles(shared)
    pools: dict[str, list] = {"cue": [], "event": []}
    with (shared / "corpus" / "ant_middleeast.jsonl").open(encoding="utf-8") as f:
        for line in f:
            art = json.loads(line)
            if art["id"] in exclude:
                continue
            text = art["text"] or ""
            for s, e in split_sentences(text):
                sent = text[s:e]
                if not 60 <= len(sent) <= 320:
                    continue
                key = stratum_of(sent)
                if key:
                    pools[key].append((art["id"], s, e, sent))
    rng = random.Random(SEED)
    seen: set[str] = set()
    picked = []
    for stratum, n in STRATA.items():
        pool = pools[stratum.rstrip("0123456789")]
        rng.shuffle(pool)
        k = 0
        for art_id, s, e, sent in pool:  # one sentence per article keeps the sample diverse
            if art_id in seen:
                continue
            seen.add(art_id)
            picked.append((stratum, art_id, s, e, sent))
            k += 1
            if k == n:
                break
    later_detection = _detection_articles(first_batch_only=False)
    return [p for p in picked if p[1] not in later_detection]


def main(shared: Path) -> None:
    for stratum, art_id, s, e, sent in draw(shared):
        print(f"{stratum}\t{art_id}\t{s}\t{e}\t{sent}")


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("shared", nargs="?", type=Path, default=Path(__file__).resolve().parents[3] / "shared")
    main(ap.parse_args().shared)
