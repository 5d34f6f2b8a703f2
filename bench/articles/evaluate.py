"""Article-level evaluation on our coded articles, with the project's scorer (`score.py articles`).

    python -m bench.articles.evaluate                      # blind split: the scorer's summary and per type
    python -m bench.articles.evaluate --split dev          # or train / dev
    python -m bench.articles.evaluate --agreement          # second coder against the first (double-coded)
    python -m bench.articles.evaluate --write-quality      # blind per-type table -> lexicons/quality.tsv
    python -m bench.articles.evaluate --calibration PNG    # blind ECE and a reliability plot

The gold files are rebuilt in a temporary folder from our offset labels and ../shared/corpus; nothing
of the corpus is written into the repository. The scorer runs the shipped `marsad` CLI.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipelines.extract.training.articles.labels import double_codings, gold_records, read_corpus, read_labels, split_rows, write_jsonl
from pipelines.extract.training.articles.sample import SHARED

REPO = Path(__file__).resolve().parents[2]
QUALITY = REPO / "pipelines" / "extract" / "lexicons" / "quality.tsv"
_TYPE_ROW = re.compile(r"^([A-Z]+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$")
_SUMMARY = re.compile(r"^articles: .*$", re.M)


@dataclass(frozen=True)
class Scored:
    summary: str
    per_type: dict[str, tuple[int, int, int, int]]  # type -> (core, tp, fp, fn)
    output: str


def run_scorer(gold: Path, marsad: str | None = None, shared: Path = SHARED) -> Scored:
    marsad = marsad or str(REPO / ".venv" / "bin" / "marsad")
    p = subprocess.run([sys.executable, str(shared / "eval" / "score.py"), "articles", str(gold)],
                       capture_output=True, text=True, env=dict(os.environ, MARSAD_CMD=marsad))
    m = _SUMMARY.search(p.stdout)
    if p.returncode != 0 or not m:
        raise RuntimeError(f"score.py articles failed:\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}")
    per_type = {}
    for line in p.stdout.splitlines():
        t = _TYPE_ROW.match(line.strip())
        if t:
            per_type[t.group(1)] = tuple(int(t.group(k)) for k in (2, 3, 4, 5))
    return Scored(m.group(0), per_type, p.stdout)


def score_rows(rows: list[dict], marsad: str | None = None) -> Scored:
    corpus = read_corpus({r["id"] for r in rows})
    with tempfile.TemporaryDirectory() as tmp:
        gold = Path(tmp) / "gold.jsonl"
        write_jsonl(gold_records(rows, corpus), gold)
        return run_scorer(gold, marsad)


def agreement() -> Scored:
    """The second coding served as the CLI (the scorer's own tool), scored against the first."""
    pairs = double_codings(read_labels())
    corpus = read_corpus({a["id"] for a, _ in pairs})
    with tempfile.TemporaryDirectory() as tmp:
        first, second = Path(tmp) / "first.jsonl", Path(tmp) / "second.jsonl"
        write_jsonl(gold_records([a for a, _ in pairs], corpus), first)
        write_jsonl(gold_records([b for _, b in pairs], corpus), second)
        cli = f"{sys.executable} {SHARED / 'eval' / 'coding_as_cli.py'} {second} all"
        return run_scorer(first, cli)


def write_quality(scored: Scored, articles: int, threshold: float, path: Path = QUALITY) -> None:
    lines = ["# Measured quality per event type: the shipped extractor on our blind split of coded articles",
             f"# ({articles} articles, `python -m bench.articles.evaluate --write-quality`), asserted records at",
             f"# the judge's threshold {threshold:.2f}. precision = true records / records; recall = core events",
             "# found / core events. Loaded into the warehouse table `type_quality`.",
             "event_type\tcore_events\ttrue_records\tfalse_records\tmissed\tprecision\trecall"]
    for t, (core, tp, fp, fn) in sorted(scored.per_type.items()):
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        lines.append(f"{t}\t{core}\t{tp}\t{fp}\t{fn}\t{p:.3f}\t{r:.3f}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def calibration_plot(path: Path, split: str = "blind") -> str:
    """Candidate-level reliability of `confidence` on a split: ECE and a PNG."""
    from pipelines.extract.training.articles.train import calibration, candidates, scored
    from pipelines.extract.judge import default_judge

    rows = split_rows(split)
    cands, _ = candidates(rows, read_corpus({r["id"] for r in rows}))
    points = scored(cands, default_judge())
    ece, table = calibration(points)
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(4.2, 4.2), dpi=110)
    ax.plot([0, 1], [0, 1], color="#999", lw=1, ls="--")
    ax.plot([m for m, _, _ in table], [r for _, r, _ in table], marker="o", color="#1f5f8b")
    for m, r, n in table:
        ax.annotate(str(n), (m, r), textcoords="offset points", xytext=(4, -10), fontsize=7, color="#555")
    ax.set_xlabel("confidence (mean in bin)")
    ax.set_ylabel("share that are real reported acts")
    ax.set_title(f"{split} split: {len(points)} candidates, ECE {ece:.3f}", fontsize=9)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    fig.tight_layout()
    fig.savefig(path)
    return f"{split} calibration: {len(points)} labelled candidates, ECE {ece:.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="blind", choices=["train", "dev", "blind"])
    ap.add_argument("--agreement", action="store_true")
    ap.add_argument("--write-quality", action="store_true")
    ap.add_argument("--calibration", type=Path)
    ap.add_argument("--verbose", action="store_true", help="print the scorer's notes too")
    a = ap.parse_args(argv)
    if a.agreement:
        s = agreement()
        print(f"agreement ({len(double_codings(read_labels()))} double-coded articles): {s.summary}")
        return 0
    if a.calibration:
        print(calibration_plot(a.calibration, a.split))
        return 0
    rows = split_rows(a.split)
    s = score_rows(rows)
    print(s.output if a.verbose else "\n".join(l for l in s.output.splitlines() if not l.startswith("  ")))
    if a.write_quality:
        if a.split != "blind":
            raise SystemExit("the quality table is measured on the blind split only")
        from pipelines.extract.judge import default_judge
        write_quality(s, len(rows), default_judge().threshold)
        print(f"wrote {QUALITY}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
