"""Draws the held-out detection sample (seeded, stratified) from ../shared/corpus.

Prints candidate sentences with their article offsets for a human to label; writes nothing into the
repo (corpus text must not be copied here). Usage: python -m bench.heldout.sample [SHARED_DIR]."""
from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

from bench.heldout.keywords import PROTEST_RE, VIOLENCE_RE

SEED = 20181020
STRATA = {"violence": 150, "protest": 100, "other": 50}
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


def candidates(corpus: Path, exclude: set[str]):
    pools = {k: [] for k in STRATA}
    with corpus.open(encoding="utf-8") as f:
        for line in f:
            art = json.loads(line)
            if art["id"] in exclude:
                continue
            text = art["text"] or ""
            for s, e in split_sentences(text):
                sent = text[s:e]
                if not 60 <= len(sent) <= 320 or len(sent.split()) < 8:
                    continue
                key = ("protest" if PROTEST_RE.search(sent) else
                       "violence" if VIOLENCE_RE.search(sent) else "other")
                pools[key].append((art["id"], s, e, sent))
    return pools


def main(shared: Path) -> None:
    gold = shared / "gold" / "events_dev.jsonl"
    exclude = {json.loads(l)["article_id"] for l in gold.open(encoding="utf-8") if l.strip()}
    pools = candidates(shared / "corpus" / "ant_middleeast.jsonl", exclude)
    rng = random.Random(SEED)
    for stratum, n in STRATA.items():
        pool = pools[stratum]
        rng.shuffle(pool)
        seen_articles: set[str] = set()
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
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[3] / "shared")
