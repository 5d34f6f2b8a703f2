"""End-to-end benchmark over the ANT corpus (issue 9).

    python -m bench.run [--limit N] [--corpus PATH] [--scaling] [--incremental] [--dagster]
                        [--naive-sample N] [--synthetic N]
    python -m bench.run --backfill [--limit N]   # the corpus through the daemon vs `marsad load`

Runs ingest -> clean -> analysis -> dates -> extraction -> warehouse load outside Dagster and
prints, per stage, wall time, articles/s, sentences/s and peak RSS. In the same run it does the
naive alternative of the two stages that have one (dateparser.search_dates per sentence; per-row
INSERTs) on a sample and prints the ratio. The last line is a one-line summary.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "ant_middleeast.jsonl"


def peak_rss_mb() -> float:
    """Peak resident memory of this process or of the largest worker it has waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024.0


@dataclass
class StageTime:
    name: str
    seconds: float
    articles: int
    sentences: int

    def row(self) -> str:
        aps = self.articles / self.seconds if self.seconds else float("inf")
        sps = self.sentences / self.seconds if self.seconds else float("inf")
        return (f"| {self.name:<22} | {self.seconds:8.2f} | {aps:10.1f} | {sps:11.1f} | "
                f"{peak_rss_mb():8.0f} |")


def timed(fn: Callable[[], object]) -> tuple[object, float]:
    gc.collect()
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def read_corpus(path: Path, limit: int | None, offset: int = 0):
    from pipelines.ingest import article_from_record

    arts = []
    with open(path, encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i < offset:
                continue
            if limit is not None and len(arts) >= limit:
                break
            arts.append(article_from_record(json.loads(line), origin=f"{path.name}:{i + 1}"))
    return arts


def _process_chunk(batch) -> tuple[list, tuple[float, float, float, float]]:
    """clean -> analysis -> dates -> extraction on one chunk, each stage timed (runs in a worker)."""
    from pipelines.caching import RunCaches
    from pipelines.clean import clean_article
    from pipelines.extract import extract_events
    from pipelines.nlp import get_analyzer
    from pipelines.process import ArticleResult, article_dates

    analyzer = get_analyzer()
    t0 = time.perf_counter()
    cleans = [clean_article(a) for a in batch]
    t1 = time.perf_counter()
    analyses = analyzer.analyze_many(cleans)
    t2 = time.perf_counter()
    dates = [article_dates(c) for c in cleans]
    t3 = time.perf_counter()
    events = [extract_events(c, s, d) for c, s, d in zip(cleans, analyses, dates)]
    t4 = time.perf_counter()
    RunCaches.current().chunk_done()  # as process_articles does: the next chunk has other sentences
    results = [ArticleResult(c, list(s), d, e) for c, s, d, e in zip(cleans, analyses, dates, events)]
    return results, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)


def warm_up(articles) -> float:
    """Load lexicons, gazetteer and analyzer once (before forking workers); seconds taken."""
    from pipelines.process import process_articles

    t = time.perf_counter()
    process_articles(articles[:1])
    return time.perf_counter() - t


def run_pipeline(articles, db_path: Path, workers: int = 1, chunk: int | None = None):
    """The stages of `pipelines.process.process_articles`, chunk by chunk, each stage timed.

    With `workers` > 1 the chunks go to a fork-based process pool (the analysis cache and lexicons
    are inherited from the warmed-up parent); stage rows are then worker-seconds summed over
    workers, and `wall` is the real elapsed time. The warehouse load runs in this process.
    """
    from pipelines.nlp import get_analyzer
    from pipelines.process import CHUNK, chunks
    from pipelines.warehouse import load_results

    analyzer = get_analyzer()
    n = len(articles)
    totals = [0.0, 0.0, 0.0, 0.0]
    results = []
    gc.collect()
    t_start = time.perf_counter()
    batches = list(chunks(articles, chunk or CHUNK))
    if workers > 1 and len(batches) > 1:
        import multiprocessing as mp

        with mp.get_context("fork").Pool(workers) as pool:
            outs = pool.imap(_process_chunk, batches)
            for res, times in outs:
                results.extend(res)
                totals = [a + b for a, b in zip(totals, times)]
    else:
        for batch in batches:
            res, times = _process_chunk(batch)
            results.extend(res)
            totals = [a + b for a, b in zip(totals, times)]
    t_process = time.perf_counter() - t_start
    n_sent = sum(len(r.sentences) for r in results)
    _, t_load = timed(lambda: load_results(db_path, results))
    stages = [
        StageTime("clean", totals[0], n, n_sent),
        StageTime(f"analysis ({getattr(analyzer, 'name', '?')})", totals[1], n, n_sent),
        StageTime("dates", totals[2], n, n_sent),
        StageTime("extraction", totals[3], n, n_sent),
        StageTime("warehouse load", t_load, n, n_sent),
    ]
    return stages, results, t_process + t_load


def naive_dates(sentences: Sequence[str]) -> float:
    """dateparser.search_dates per sentence, the way a user would without our layer."""
    import warnings

    from dateparser.search import search_dates

    warnings.filterwarnings("ignore")
    t = time.perf_counter()
    for s in sentences:
        search_dates(s, languages=["ar"])
    return time.perf_counter() - t


def ours_dates(sentences: Sequence[str]) -> float:
    from pipelines.temporal import find_dates

    t = time.perf_counter()
    for s in sentences:
        find_dates(s, None)
    return time.perf_counter() - t


def naive_inserts(results, db_path: Path, sample: int = 2000) -> tuple[float, int]:
    """Row-by-row INSERTs of the event mentions (what the bulk load replaces), timed on `sample`
    rows and scaled to all of them (one INSERT costs the same whatever the table size here)."""
    import duckdb

    con = duckdb.connect(str(db_path))
    con.execute("CREATE TABLE m (doc_id VARCHAR, sentence_index INT, event_type VARCHAR, "
                "start_ INT, end_ INT, payload VARCHAR)")
    rows = [(e.doc_id, e.sentence_index, e.event_type, e.trigger.start, e.trigger.end,
             json.dumps(e.to_json(), ensure_ascii=False)) for r in results for e in r.events]
    t = time.perf_counter()
    for row in rows[:sample]:
        con.execute("INSERT INTO m VALUES (?, ?, ?, ?, ?, ?)", row)
    secs = time.perf_counter() - t
    con.close()
    return secs * len(rows) / max(1, min(sample, len(rows))), len(rows)


def bulk_inserts(results, db_path: Path) -> float:
    import duckdb
    import polars as pl

    con = duckdb.connect(str(db_path))
    rows = [(e.doc_id, e.sentence_index, e.event_type, e.trigger.start, e.trigger.end,
             json.dumps(e.to_json(), ensure_ascii=False)) for r in results for e in r.events]
    frame = pl.DataFrame(rows, schema=["doc_id", "sentence_index", "event_type", "start_", "end_",
                                       "payload"], orient="row")
    t = time.perf_counter()
    con.execute("CREATE TABLE m AS SELECT * FROM frame")
    secs = time.perf_counter() - t
    con.close()
    return secs


def header() -> str:
    return ("| stage                  |   wall s | articles/s |  sentences/s |  peak MB |\n"
            "|------------------------|----------|------------|--------------|----------|")


def load_avg() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=None, help="articles to use (default: all)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                    help="processes for clean..extraction (default: one per core)")
    ap.add_argument("--naive-sample", type=int, default=2000, help="sentences for the dateparser ratio")
    ap.add_argument("--scaling", action="store_true", help="also time 1k, 2k, 4k, all")
    ap.add_argument("--incremental", action="store_true", help="also time adding 100 new articles")
    ap.add_argument("--dagster", action="store_true", help="also run through dagster.materialize")
    ap.add_argument("--synthetic", type=int, default=0, help="N synthetic events for view timings")
    ap.add_argument("--backfill", action="store_true",
                    help="only the corpus backfill: daemon (Postgres, 2 runs at once, DuckLake) vs `marsad load`")
    args = ap.parse_args(argv)
    if not args.corpus.exists():
        print(f"bench: corpus not found at {args.corpus} (needs ../shared); nothing to measure")
        return 0
    if args.backfill:
        from bench.backfill import run_backfill

        run_backfill(args.corpus, args.limit)
        return 0

    print(f"machine: {platform.machine()} {platform.processor() or ''}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, load average {load_avg()} (other processes share the cores)")
    work = Path(tempfile.mkdtemp(prefix="marsad-bench-"))
    try:
        (articles, t_ingest) = timed(lambda: read_corpus(args.corpus, args.limit))
        n = len(articles)
        t_warm = warm_up(articles)
        cpu0 = time.process_time()
        kids0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        stages, results, wall = run_pipeline(articles, work / "warehouse.duckdb", workers=args.workers)
        kids1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (time.process_time() - cpu0 + kids1.ru_utime + kids1.ru_stime - kids0.ru_utime - kids0.ru_stime)
        n_sent = stages[0].sentences
        total = t_ingest + wall
        print(f"\n{n} articles, {n_sent} sentences, {args.workers} worker(s); start-up (lexicons, gazetteer, "
              f"analyzer) {t_warm:.1f}s, not counted\n")
        print(header())
        print(StageTime("ingest", t_ingest, n, n_sent).row())
        for s in stages:
            print(s.row())
        print(StageTime("end to end (wall)", total, n, n_sent).row())
        if args.workers > 1:
            print("(stage rows 'clean'..'extraction' are worker-seconds summed over the workers)")
        print(f"CPU time {cpu:.1f}s = {n / cpu:.1f} articles per CPU-second")

        # Naive alternatives, same run, same data.
        sents = [s.sentence.text for r in results for s in r.sentences][: args.naive_sample]
        ours_dates(sents[:50])  # warm both sides (lexicon and month tables; dateparser's language data)
        naive_dates(sents[:50])
        t_ours = ours_dates(sents)
        t_naive = naive_dates(sents)
        print(f"\ndates on {len(sents)} sentences: ours {len(sents) / t_ours:,.0f}/s, "
              f"dateparser.search_dates {len(sents) / t_naive:,.0f}/s, ratio {t_naive / t_ours:.1f}x")
        t_bulk = bulk_inserts(results, work / "bulk.duckdb")
        t_rows, n_rows = naive_inserts(results, work / "naive.duckdb")
        print(f"load {n_rows} mentions: bulk (Arrow) {t_bulk:.3f}s, per-row INSERT {t_rows:.1f}s "
              f"(timed on 2,000 rows, scaled), ratio {t_rows / max(t_bulk, 1e-9):.0f}x")
        del results
        gc.collect()

        if args.incremental:
            # 100 articles new to the warehouse the main run loaded (all n articles): the last 100 under
            # new ids (wire copies of stories already stored, as happens daily), so dedup merges them
            # into existing events exactly as a real incremental run would.
            from dataclasses import replace

            fresh = [replace(a, article_id=f"{a.article_id}-incr") for a in articles[-100:]]
            st, _, t_incr = run_pipeline(fresh, work / "warehouse.duckdb", workers=args.workers)
            t_load = st[-1].seconds
            print(f"\nincremental: +100 new articles into the loaded {n}-article warehouse {t_incr:.2f}s "
                  f"({100 * t_incr / wall:.1f}% of the full run's {wall:.1f}s; warehouse load {t_load:.2f}s of it: "
                  f"insert, re-cluster the affected event types over the whole warehouse, publish the snapshot)"
                  f"; a cold process adds start-up {t_warm:.1f}s")

        if args.scaling:
            print("\nscaling (end to end, fresh warehouse each):")
            for k in [1000, 2000, 4000, n]:
                if k > n:
                    continue
                if k == n:  # the main run above is this point
                    print(f"  {n:>5} articles: {wall:7.2f}s  ({n / wall:6.1f} articles/s, "
                          f"{1000 * wall / n:5.1f} ms/article)")
                    continue
                _, _, secs = run_pipeline(articles[:k], work / f"scale{k}.duckdb", workers=args.workers)
                print(f"  {k:>5} articles: {secs:7.2f}s  ({k / secs:6.1f} articles/s, "
                      f"{1000 * secs / k:5.1f} ms/article)")
                gc.collect()

        if args.dagster:
            from bench.dagster_bench import run_dagster

            secs = run_dagster(articles, work)
            print(f"\nthrough dagster.materialize: {secs:.2f}s ({n / secs:.1f} articles/s)")

        if args.synthetic:
            from bench.synthetic import time_views

            time_views(args.synthetic, work / "synthetic.duckdb")

        print(f"\nSUMMARY: {n} articles end to end in {total:.1f}s = {n / total:.1f} articles/s, "
              f"{n_sent / total:.0f} sentences/s, {args.workers} worker(s), peak RSS {peak_rss_mb():.0f} MB "
              f"(largest process), load average {load_avg()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
