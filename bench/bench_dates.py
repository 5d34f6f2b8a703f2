"""Benchmark: Marsad's temporal layer vs dateparser.search_dates on the same corpus sentences.

    python -m bench.bench_dates [--limit 2000] [--shared ../shared] [--cli]

Takes the first N sentences of ../shared/corpus/ant_middleeast.jsonl (deterministic split on
sentence punctuation), runs `find_dates` and `dateparser.search_dates` (Arabic, same publication
date as base) over them in one process, and prints both throughputs and the ratio (the fastest of
`--repeat` runs of each, since the machine is shared). `--cli` also times `marsad dates --input` on
the same sentences (process start-up included). Skips with a message when ../shared is absent.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = Path(os.environ.get("MARSAD_SHARED_DIR", REPO.parent / "shared"))
_SENTENCE_SPLIT = re.compile(r"(?<=[.!؟?])\s+|\n+")


def load_sentences(shared: Path, limit: int) -> list[tuple[str, date | None]]:
    """The first `limit` sentences (10+ characters) of the corpus, with their article's date."""
    out: list[tuple[str, date | None]] = []
    with open(shared / "corpus" / "ant_middleeast.jsonl", encoding="utf-8") as handle:
        for line in handle:
            rec = json.loads(line)
            published = None
            if rec.get("published"):
                try:
                    published = date.fromisoformat(str(rec["published"])[:10])
                except ValueError:
                    published = None
            for sent in _SENTENCE_SPLIT.split(rec.get("text") or ""):
                sent = sent.strip()
                if len(sent) >= 10:
                    out.append((sent, published))
                    if len(out) >= limit:
                        return out
    return out


def best_of(repeat: int, run) -> tuple[float, int]:
    """Fastest of `repeat` runs: the machine is shared, the minimum is the least disturbed one."""
    results = [run() for _ in range(max(1, repeat))]
    return min(r[0] for r in results), results[0][1]


def time_ours(sentences: list[tuple[str, date | None]]) -> tuple[float, int]:
    from pipelines.temporal import calendar, find_dates

    # Warm-up: compile the patterns and let dateparser load each month system's locale once (a
    # one-off cost per process, as the dateparser warm-up below).
    find_dates("الخميس 15 مارس 2018 و3 آذار 2018 و4 جانفي 2018 و5 غشت 2018", date(2018, 3, 16))
    calendar.parse_day.cache_clear()  # every run starts with a cold date cache
    t = time.perf_counter()
    n = sum(len(find_dates(s, p)) for s, p in sentences)
    return time.perf_counter() - t, n


def time_dateparser(sentences: list[tuple[str, date | None]]) -> tuple[float, int]:
    from datetime import datetime

    from dateparser.search import search_dates

    search_dates("الخميس 15 مارس 2018", languages=["ar"])  # warm up
    t = time.perf_counter()
    n = 0
    for s, p in sentences:
        settings = {"RELATIVE_BASE": datetime(p.year, p.month, p.day)} if p else {}
        n += len(search_dates(s, languages=["ar"], settings=settings) or [])
    return time.perf_counter() - t, n


def _run_cli(sentences: list[tuple[str, date | None]]) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for i, (s, p) in enumerate(sentences):
            f.write(json.dumps({"id": str(i), "text": s, "published": p.isoformat() if p else None},
                               ensure_ascii=False) + "\n")
        path = f.name
    marsad = Path(sys.executable).with_name("marsad")
    try:
        t = time.perf_counter()
        subprocess.run([str(marsad), "dates", "--input", path], check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - t
    finally:
        os.unlink(path)


def time_cli(sentences: list[tuple[str, date | None]]) -> tuple[float, float]:
    """(seconds for all sentences, seconds for one) with `marsad dates --input`: the difference is
    the CLI's work without its process start-up (imports of every command group)."""
    return _run_cli(sentences), _run_cli(sentences[:1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=2000, help="number of sentences (default 2000)")
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared data folder")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each side; the fastest counts")
    ap.add_argument("--cli", action="store_true", help="also time `marsad dates` as a subprocess")
    args = ap.parse_args(argv)
    if not (args.shared / "corpus" / "ant_middleeast.jsonl").exists():
        print(f"bench_dates: skipped: {args.shared}/corpus/ant_middleeast.jsonl is absent")
        return 0
    sentences = load_sentences(args.shared, args.limit)
    warnings.filterwarnings("ignore")
    ours_s, ours_n = best_of(args.repeat, lambda: time_ours(sentences))
    dp_s, dp_n = best_of(args.repeat, lambda: time_dateparser(sentences))
    n = len(sentences)
    print(f"sentences: {n} (fastest of {max(1, args.repeat)} runs each)")
    print(f"marsad find_dates:        {n / ours_s:10.0f} sentences/s ({ours_s:.2f}s, {ours_n} expressions)")
    print(f"dateparser.search_dates:  {n / dp_s:10.0f} sentences/s ({dp_s:.2f}s, {dp_n} expressions)")
    print(f"speed-up: {dp_s / ours_s:.1f}x")
    if args.cli:
        cli_s, startup_s = time_cli(sentences)
        work_s = cli_s - startup_s
        print(f"marsad dates (CLI): {cli_s:.2f}s for all, {startup_s:.2f}s for one sentence (start-up); "
              f"speed-up {dp_s / cli_s:.1f}x counting start-up")
        if work_s > 0.1 * cli_s:
            print(f"  after start-up: {n / work_s:.0f} sentences/s, speed-up {dp_s / work_s:.1f}x")
        else:
            print("  after start-up: the work is too small to separate from start-up noise")
    return 0


if __name__ == "__main__":
    sys.exit(main())
