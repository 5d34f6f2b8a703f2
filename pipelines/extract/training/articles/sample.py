"""Draw the articles to code: `python -m pipelines.extract.training.articles.sample --helpers 8 --per 60 OUTDIR`.

Deterministic (seeded by article id hashes, not by run order): corpus articles of all four outlets in
proportion to the corpus, never one of the 42 ids of ../shared/gold/articles_dev.jsonl. Every tenth
article of a helper's list is also given to the next helper (double coding, for agreement). Writes one
id per line to OUTDIR/hN.ids; the split of each id (train/dev/blind) comes from `split_of`.
"""
from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

from pipelines.extract.training import REPO

SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus" / "ant_middleeast.jsonl"
DEV_GOLD = SHARED / "gold" / "articles_dev.jsonl"


def stable_hash(s: str, salt: str) -> int:
    return int(hashlib.sha1(f"{salt}:{s}".encode()).hexdigest()[:12], 16)


def split_of(article_id: str) -> str:
    """train 60 % / dev 20 % / blind 20 %, by a hash of the id alone (stable across draws)."""
    r = stable_hash(article_id, "split") % 10
    return "blind" if r < 2 else "dev" if r < 4 else "train"


def draw(n: int) -> list[str]:
    dev = {json.loads(l)["id"] for l in DEV_GOLD.open(encoding="utf-8") if l.strip()}
    ids = [json.loads(l)["id"] for l in CORPUS.open(encoding="utf-8") if l.strip()]
    ids = [i for i in ids if i not in dev]
    return sorted(ids, key=lambda i: stable_hash(i, "draw"))[:n]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--helpers", type=int, default=8)
    ap.add_argument("--per", type=int, default=60)
    ap.add_argument("--skip", type=int, default=0, help="articles already drawn by earlier rounds")
    a = ap.parse_args(argv)
    own = a.per - a.per // 10
    ids = draw(a.skip + a.helpers * own)[a.skip:]
    lists = [ids[k * own:(k + 1) * own] for k in range(a.helpers)]
    a.out.mkdir(parents=True, exist_ok=True)
    for k in range(a.helpers):
        mine = list(lists[k])
        prev = lists[k - 1]
        for j in range(a.per // 10):  # every tenth slot: an article of the previous helper's list
            mine.insert(10 * j + 5, prev[min(10 * j, len(prev) - 1)])
        (a.out / f"h{k + 1}.ids").write_text("\n".join(mine) + "\n", encoding="utf-8")
    print(f"{len(ids)} articles, {a.helpers} lists of {a.per}")


if __name__ == "__main__":
    main()
