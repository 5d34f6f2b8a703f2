"""Draws the held-out detection sample (seeded, stratified) from ../shared/corpus.

Prints candidate sentences with their article offsets for a human to label; writes nothing into the
repo (corpus text must not be copied here). Usage: python -m bench.heldout.sample [SHARED_DIR] [--batch N]."""
from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

from pipelines.extract.training.heldout.keywords import BROAD_VIOLENCE_RE, PROTEST_RE, VIOLENCE_RE
from pipelines.extract.training.heldout.labels import LABELS

# Batch 1 was stratified to hold many events; batch 2 draws keyword sentences as they come, plus
# sentences that only talk *about* violence (war, terrorism, military), the mix the issue describes.
BATCHES = {
    1: (20181020, {"violence": 150, "protest": 100, "other": 50}),
    2: (20181117, {"violence2": 240, "broad2": 90, "protest2": 150}),
    3: (20181208, {"violence3": 240, "broad3": 90, "protest3": 150}),  # labelled after batch 2's rules
    4: (20181229, {"violence4": 240, "broad4": 90, "protest4": 150}),  # blind check after tuning on 1-3
    5: (20190112, {"violence5": 240, "broad5": 90, "protest5": 150}),  # blind check after tuning on 1-4
    6: (20190126, {"violence6": 240, "broad6": 90, "protest6": 150}),  # blind check after tuning on 1-5
    7: (20190209, {"violence7": 240, "broad7": 90, "protest7": 150}),  # blind check after tuning on 1-6
    8: (20190223, {"violence8": 240, "broad8": 90, "protest8": 150}),  # blind check after tuning on 1-7
    # From batch 9 on, the articles of earlier batches may give another sentence (the pool of unused
    # articles ran out in batch 8); labelled sentences themselves stay out.
    9: (20190309, {"violence9": 240, "broad9": 90, "protest9": 150}),  # blind check of the assessor
    10: (20190323, {"violence10": 400, "broad10": 160, "protest10": 400}),  # blind check after fitting on 1-9
    11: (20190406, {"violence11": 400, "broad11": 160, "protest11": 400}),  # blind check after fitting on 1-10
    12: (20190420, {"violence12": 400, "broad12": 160, "protest12": 400}),  # blind check after fitting on 1-11
}
REUSE_ARTICLES_FROM = 9
SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+|\n+")


def split_sentences(text: str):
    """Yields (start, end) of sentence-like spans in the original text."""
    pos = 0
    for m in list(SENTENCE_END.finditer(text)) + [None]:
        end = m.start() if m else len(text)
        seg = text[pos:end]
        lead = len(seg) - len(seg.lstrip())
        s, e = pos + lead, pos + len(seg.rstrip())
        if e > s:
            yield s, e
        pos = m.end() if m else len(text)


def corpus_sentences(corpus: Path, exclude: set[str]):
    """(article id, start, end, sentence) of every 60-320 character sentence of the articles not in
    `exclude`, in corpus order (both samplers draw from this)."""
    with corpus.open(encoding="utf-8") as f:
        for line in f:
            art = json.loads(line)
            if art["id"] in exclude:
                continue
            text = art["text"] or ""
            for s, e in split_sentences(text):
                if 60 <= e - s <= 320:
                    yield art["id"], s, e, text[s:e]


def candidates(corpus: Path, exclude: set[str]):
    pools: dict[str, list] = {"protest": [], "violence": [], "broad": [], "other": []}
    for art_id, s, e, sent in corpus_sentences(corpus, exclude):
        if len(sent.split()) < 8:
            continue
        key = ("protest" if PROTEST_RE.search(sent) else
               "violence" if VIOLENCE_RE.search(sent) else "other")
        pools[key].append((art_id, s, e, sent))
        if key == "other" and BROAD_VIOLENCE_RE.search(sent):
            pools["broad"].append((art_id, s, e, sent))
    return pools


def main(shared: Path, batch: int = 1) -> None:
    gold = shared / "gold" / "events_dev.jsonl"
    exclude = {json.loads(l)["article_id"] for l in gold.open(encoding="utf-8") if l.strip()}
    labelled: set[tuple[str, int, int]] = set()
    if batch > 1:  # earlier batches' articles (or, from batch 9, sentences) stay out: none is labelled twice
        labels = LABELS.read_text(encoding="utf-8").splitlines()
        rows = [line.split("\t", 3)[:3] for line in labels[1:]]
        if batch < REUSE_ARTICLES_FROM:
            exclude |= {art for art, _, _ in rows}
        else:
            labelled = {(art, int(s), int(e)) for art, s, e in rows}
    seed, strata = BATCHES[batch]
    pools = candidates(shared / "corpus" / "ant_middleeast.jsonl", exclude)
    for key, pool in pools.items():
        pools[key] = [c for c in pool if c[:3] not in labelled]
    rng = random.Random(seed)
    seen_articles: set[str] = set()
    for stratum, n in strata.items():
        pool = pools[stratum.rstrip("0123456789")]
        rng.shuffle(pool)
        if batch == 1:  # batch 1 allowed one sentence per article per stratum; kept to reproduce it
            seen_articles = set()
        picked = []
        for art_id, s, e, sent in pool:  # one sentence per article keeps the sample diverse
            if art_id in seen_articles:
                continue
            seen_articles.add(art_id)
            picked.append((art_id, s, e, sent))
            if len(picked) == n:
                break
        for art_id, s, e, sent in picked:
            print(f"{stratum}\t{art_id}\t{s}\t{e}\t{sent}")


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("shared", nargs="?", type=Path, default=Path(__file__).resolve().parents[3] / "shared")
    ap.add_argument("--batch", type=int, default=1, choices=sorted(BATCHES))
    args = ap.parse_args()
    main(args.shared, args.batch)
