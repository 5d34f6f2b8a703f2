"""Our article-level labels: import a coding, rebuild gold files, split by article.

A coding (helpers write it under ../shared/gold/CODEBOOK.md, outside the repository) names its spans
by their text. The repository keeps only offsets and codes:

    {"id", "coder", "events": [{"type", "core", "trigger": [s, e], "quotes": [[s, e], ...],
      "actor": {"span": [s, e], "code"} | null, "target": ... , "location": {"span": [s, e], "name",
      "country", "precision"} | null, "quantities": [...], "date": {...} | null}]}

`gold_records` turns them back into the codebook's format, with the text read from the corpus in
../shared at run time, so `score.py articles` can score them.

    python -m pipelines.extract.training.articles.labels import CODED.jsonl --coder h1     # append to labels/h1.jsonl
    python -m pipelines.extract.training.articles.labels gold --split blind OUT.jsonl       # a gold file for score.py
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Iterable, Iterator

from pipelines.extract.training.articles.sample import CORPUS, split_of

LABELS = Path(__file__).with_name("labels")


def read_corpus(ids: set[str] | None = None, corpus: Path = CORPUS) -> dict[str, dict]:
    out = {}
    with corpus.open(encoding="utf-8") as f:
        for line in f:
            a = json.loads(line)
            if ids is None or a["id"] in ids:
                out[a["id"]] = a
    return out


def _nearest(text: str, s: str, near: int) -> list[int] | None:
    starts, i = [], text.find(s)
    while i >= 0:
        starts.append(i)
        i = text.find(s, i + 1)
    if not s or not starts:
        return None
    k = min(starts, key=lambda j: abs(j - near))
    return [k, k + len(s)]


def to_offsets(text: str, event: dict) -> dict:
    """One coded event (spans as text) as offsets into the article text."""
    quotes = [[text.index(q), text.index(q) + len(q)] for q in event["quotes"]]
    q0 = quotes[0]
    inside = text.find(event["trigger"], q0[0], q0[1])
    trigger = [inside, inside + len(event["trigger"])] if inside >= 0 else _nearest(text, event["trigger"], q0[0])
    out = {"type": event["type"], "core": bool(event["core"]), "trigger": trigger, "quotes": quotes}
    for slot in ("actor", "target"):
        v = event.get(slot)
        out[slot] = {"span": _nearest(text, v["text"], trigger[0]), "code": v.get("code")} if v else None
    loc = event.get("location")
    out["location"] = ({"span": _nearest(text, loc["text"], trigger[0]), "name": loc.get("name"),
                        "country": loc.get("country"), "precision": loc.get("precision")} if loc else None)
    out["quantities"] = [{"value": int(q["value"]), "role": q["role"]} for q in event.get("quantities") or []]
    out["date"] = event.get("date")
    return out


def from_offsets(text: str, event: dict) -> dict:
    """The inverse of `to_offsets`: the codebook's format."""
    def span(s):
        return text[s[0]:s[1]]
    out = {"type": event["type"], "core": event["core"], "trigger": span(event["trigger"]),
           "quotes": [span(q) for q in event["quotes"]]}
    for slot in ("actor", "target"):
        v = event.get(slot)
        out[slot] = {"text": span(v["span"]), "code": v["code"]} if v else None
    loc = event.get("location")
    out["location"] = ({"text": span(loc["span"]), "name": loc["name"], "country": loc["country"],
                        "precision": loc["precision"]} if loc else None)
    out["quantities"] = event["quantities"]
    out["date"] = event["date"]
    return out


def import_coding(path: Path, coder: str, corpus: dict[str, dict]) -> list[dict]:
    rows = []
    for line in path.open(encoding="utf-8"):
        if line.strip():
            c = json.loads(line)
            text = corpus[c["id"]]["text"]
            rows.append({"id": c["id"], "coder": coder, "events": [to_offsets(text, e) for e in c["events"]]})
    return rows


def read_labels(folder: Path = LABELS) -> Iterator[dict]:
    for p in sorted(folder.glob("*.jsonl")):
        with p.open(encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    yield json.loads(line)


def first_codings(labels: Iterable[dict]) -> dict[str, dict]:
    """One coding per article: the first coder's (by coder name) where two coded it."""
    out: dict[str, dict] = {}
    for row in sorted(labels, key=lambda r: r["coder"]):
        out.setdefault(row["id"], row)
    return out


def double_codings(labels: Iterable[dict]) -> list[tuple[dict, dict]]:
    by_id: dict[str, list[dict]] = {}
    for row in labels:
        by_id.setdefault(row["id"], []).append(row)
    return [tuple(sorted(rows, key=lambda r: r["coder"])[:2]) for rows in by_id.values() if len(rows) > 1]


def gold_records(rows: Iterable[dict], corpus: dict[str, dict]) -> list[dict]:
    """Rows of labels as the codebook's article records (text from the corpus)."""
    out = []
    for row in rows:
        a = corpus[row["id"]]
        out.append({**{k: a[k] for k in ("id", "source", "url", "title", "published", "text")},
                    "events": [from_offsets(a["text"], e) for e in row["events"]]})
    return out


def split_rows(split: str | None, folder: Path = LABELS) -> list[dict]:
    return [r for r in first_codings(read_labels(folder)).values() if split in (None, split_of(r["id"]))]


def write_jsonl(rows: Iterable[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    imp = sub.add_parser("import")
    imp.add_argument("coded", type=Path)
    imp.add_argument("--coder", required=True)
    g = sub.add_parser("gold")
    g.add_argument("out", type=Path)
    g.add_argument("--split", choices=["train", "dev", "blind"])
    g.add_argument("--second", action="store_true", help="the double-coded articles' second coding")
    a = ap.parse_args(argv)
    if a.cmd == "import":
        corpus = read_corpus()
        rows = import_coding(a.coded, a.coder, corpus)
        LABELS.mkdir(exist_ok=True)
        write_jsonl(rows, LABELS / f"{a.coder}.jsonl")
        print(f"{len(rows)} articles, {sum(len(r['events']) for r in rows)} events -> labels/{a.coder}.jsonl")
    else:
        rows = [b for _, b in double_codings(read_labels())] if a.second else split_rows(a.split)
        corpus = read_corpus({r["id"] for r in rows})
        write_jsonl(gold_records(rows, corpus), a.out)
        print(f"{len(rows)} articles -> {a.out}")


if __name__ == "__main__":
    main()
