"""Profile the pipeline (clean -> analysis -> dates -> extraction) on corpus articles.

    python -m bench.profile_pipeline [--limit 500] [--sort cumulative|tottime] [--top 40]

cProfile of `process_articles` on the first N corpus articles, after a warm-up article so that
lexicon and model loading are not counted. Prints the top functions and, per pipelines/ area,
the share of self time spent in its code (where to optimise next).
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from collections import defaultdict
from pathlib import Path

from bench.run import DEFAULT_CORPUS, read_corpus


def area_of(filename: str) -> str:
    p = filename.replace("\\", "/")
    if "/pipelines/" in p:
        rel = p.split("/pipelines/", 1)[1]
        parts = rel.split("/")
        return "pipelines/" + ("/".join(parts[:2]) if len(parts) > 1 else parts[0])
    if "site-packages/" in p:
        return "lib:" + p.split("site-packages/", 1)[1].split("/", 1)[0]
    if p.startswith("~") or "<built-in" in p or "{" in p:
        return "builtins"
    return "python"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=500)
    ap.add_argument("--sort", default="tottime")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--out", type=Path, default=None, help="also dump the raw stats here")
    args = ap.parse_args(argv)

    from pipelines.nlp import get_analyzer
    from pipelines.process import process_articles

    articles = read_corpus(args.corpus, args.limit + 1)
    analyzer = get_analyzer()
    process_articles(articles[:1], analyzer)  # warm-up: lexicons, gazetteer, caches
    prof = cProfile.Profile()
    prof.enable()
    process_articles(articles[1:], analyzer)
    prof.disable()
    if args.out:
        prof.dump_stats(str(args.out))
    stats = pstats.Stats(prof)
    total = stats.total_tt
    by_area: dict[str, float] = defaultdict(float)
    for (fname, _line, _fn), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():
        by_area[area_of(fname)] += tt
    print(f"{len(articles) - 1} articles, {total:.2f}s profiled (self time by area):")
    for area, tt in sorted(by_area.items(), key=lambda kv: -kv[1])[:25]:
        print(f"  {area:<40} {tt:7.2f}s {100 * tt / total:5.1f}%")
    stats.sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
