"""Processing time against article length on text without sentence punctuation (10 KB -> 1 MB).

    python -m bench.linearity                 # 10, 100 and 1000 KB
    python -m bench.linearity --sizes 10,30,100,300

The text is the words of `samples/*.txt` in seeded random runs of 3-12 words, with every sentence
mark, clause separator, other punctuation and line break removed: one "sentence" as long as the
article, what a scraper that loses punctuation or a hostile sender delivers. Before sentences were
bounded (`pipelines.nlp.sentences.MAX_SENTENCE_CHARS`) 48 KB of it took over 300 s. Each size is processed
once by `process_articles` (clean, analysis, dates, extraction) after a warm-up article, without a
time budget; the table gives seconds, microseconds per byte and the machine's load average.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import time
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
_NOT_WORD = re.compile(r"[^\w\s]|\d")  # punctuation of every script (and digits: no counts or dates)


def unpunctuated_text(n_bytes: int, seed: int = 0) -> str:
    """About `n_bytes` (UTF-8) of Arabic news words without any punctuation or line break."""
    words = _NOT_WORD.sub(" ", " ".join(p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt")))).split()
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    while size < n_bytes:
        k = rng.randrange(len(words))
        run = words[k:k + rng.randint(3, 12)]
        out.extend(run)
        size += sum(len(w.encode("utf-8")) + 1 for w in run)
    return " ".join(out)


def measure(sizes_kb: list[int]) -> list[dict]:
    from pipelines.nlp import get_analyzer
    from pipelines.process import process_articles
    from pipelines.records import Article, Quarantined

    analyzer = get_analyzer()
    process_articles([Article("warm-up", unpunctuated_text(2000, seed=-1))], analyzer, seconds=0)
    rows = []
    for kb in sizes_kb:
        text = unpunctuated_text(kb * 1000, seed=kb)
        t = time.perf_counter()
        [out] = process_articles([Article(f"unpunctuated-{kb}kb", text)], analyzer, seconds=0)
        seconds = time.perf_counter() - t
        if isinstance(out, Quarantined):
            raise SystemExit(f"{kb} KB failed at {out.stage}: {out.reason}")
        n_bytes = len(text.encode("utf-8"))
        rows.append({"kb": kb, "seconds": seconds, "us_per_byte": 1e6 * seconds / n_bytes,
                     "sentences": len(out.sentences), "events": len(out.events)})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10,100,1000", help="article sizes in KB, comma-separated")
    args = parser.parse_args(argv)
    rows = measure([int(s) for s in args.sizes.split(",")])
    print(f"| size | seconds | µs/byte | sentences | events |\n|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['kb']} KB | {r['seconds']:.2f} | {r['us_per_byte']:.1f} | {r['sentences']} | {r['events']} |")
    first, last = rows[0], rows[-1]
    print(f"{last['kb'] / first['kb']:g}x the text took {last['seconds'] / first['seconds']:.1f}x the time; "
          "load average %.2f %.2f %.2f" % os.getloadavg())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
