"""Draws the held-out QUANTITY sample (seeded, reproducible) from ../shared/corpus.

A candidate is a 60-320 character sentence in which a number (ASCII or Arabic-Indic digits, a
number word, or a dual of a person/weapon noun) stands within a few words of an event keyword.
Two strata: `cue` (the number is next to a casualty / detention / displacement / deployment /
launch / crowd word, where most gold quantities live) and `event` (only near a violence or protest
keyword: dates, ages, distances and background figures, which test spurious quantities).
Articles in the dev gold or in the detection sample are left out; one sentence per article.

Batches: batch 1 = strata `cue`, `event`, `cue2` (seed 20181205); batch 2 = `cue3`, `event3` (a fresh
seed), drawn blind after the extractor had been tuned on batch 1's errors. Batch 2 also leaves out
every article of batch 1 and of detection batches 1-3. Which batch a stratum belongs to is the
explicit table `BATCHES` (`batch_of`), not a rule on the suffix: "cue2" is part of batch 1.

The number vocabulary here is written independently of the extractor's lexicons on purpose, so the
sample is not biased towards what the extractor already knows. Prints candidates for a human to
label; writes nothing into the repo. Usage: python -m bench.heldout.quantity_sample [--batch N] [SHARED_DIR]"""
from __future__ import annotations

import csv
import json
import random
import re
from pathlib import Path

from pipelines.extract.training.heldout.keywords import PROTEST, VIOLENCE
from bench.heldout.sample import corpus_sentences
from pipelines.extract.training.heldout.labels import LABELS
from pipelines.extract.training.heldout.labels import batch_of as detection_batch_of
from pipelines.text import normalize

SEED = 20181205
# "cue2" is a second draw from the cue pool (added to get more gold counts); earlier picks are unchanged.
STRATA = {"cue": 110, "event": 40, "cue2": 80}
# Batch 2: a fresh blind draw (2026-11-29) once batch 1 had been used to tune the extractor.
SEED_2 = 20261129
STRATA_2 = {"cue3": 110, "event3": 40}
BATCHES = {1: (SEED, STRATA), 2: (SEED_2, STRATA_2)}
# Detection batches that existed when quantity batch 2 was drawn; later ones are dropped after the draw.
DETECTION_BATCHES_AT_BATCH_2 = 3
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


def batch_of(stratum: str) -> int:
    """The quantity batch a stratum belongs to; raises ValueError for an unknown stratum."""
    for batch, (_, strata) in BATCHES.items():
        if stratum in strata:
            return batch
    raise ValueError(f"unknown quantity stratum {stratum!r}: known are {[s for _, st in BATCHES.values() for s in st]}")


def _detection_articles(max_batch: int | None) -> set[str]:
    with LABELS.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return {r["article_id"] for r in rows if max_batch is None or detection_batch_of(r["stratum"]) <= max_batch}


def _quantity_articles(batch: int) -> set[str]:
    """Articles labelled in quantity batches before `batch` (read from the labels, not from a redraw)."""
    with Path(__file__).with_name("quantity_labels.tsv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return {r["article_id"] for r in rows if batch_of(r["stratum"]) < batch}


def excluded_articles(shared: Path, batch: int = 1) -> set[str]:
    """Articles kept out of the draw: the dev gold and the detection sample as it was when this batch
    was drawn (batch 1: detection batch 1; batch 2: detection batches 1-3 and quantity batch 1).
    Detection batches labelled later are dropped after the draw, see `draw`."""
    gold = shared / "gold" / "events_dev.jsonl"
    out = {json.loads(l)["article_id"] for l in gold.open(encoding="utf-8") if l.strip()}
    if batch == 1:
        return out | _detection_articles(max_batch=1)
    return out | _detection_articles(max_batch=DETECTION_BATCHES_AT_BATCH_2) | _quantity_articles(batch)


def draw(shared: Path, batch: int = 1) -> list[tuple[str, str, int, int, str]]:
    """(stratum, article_id, start, end, sentence) for one batch of the sample, in a fixed order.

    Articles that a later detection batch labelled are dropped after the draw, so the draw itself
    (and every earlier pick) stays reproducible while no article is in both samples."""
    if batch not in BATCHES:
        raise ValueError(f"no quantity batch {batch}: known are {sorted(BATCHES)}")
    seed, strata = BATCHES[batch]
    exclude = excluded_articles(shared, batch)
    pools: dict[str, list] = {"cue": [], "event": []}
    for art_id, s, e, sent in corpus_sentences(shared / "corpus" / "ant_middleeast.jsonl", exclude):
        key = stratum_of(sent)
        if key:
            pools[key].append((art_id, s, e, sent))
    rng = random.Random(seed)
    seen: set[str] = set()
    picked = []
    for stratum, n in strata.items():
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
    # (detection batch 4 and later were drawn after both quantity batches and may share articles)
    later_detection = _detection_articles(max_batch=DETECTION_BATCHES_AT_BATCH_2)
    return [p for p in picked if p[1] not in later_detection]


def main(shared: Path, batch: int = 1) -> None:
    for stratum, art_id, s, e, sent in draw(shared, batch):
        print(f"{stratum}\t{art_id}\t{s}\t{e}\t{sent}")


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("shared", nargs="?", type=Path, default=Path(__file__).resolve().parents[3] / "shared")
    ap.add_argument("--batch", type=int, choices=sorted(BATCHES), default=1)
    args = ap.parse_args()
    main(args.shared, args.batch)
