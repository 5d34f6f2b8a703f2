"""Held-out QUANTITY extraction: the extractor against our blind labels of real corpus sentences.

The repo keeps only references (article id + character offsets + sha1_8 of the sentence) and our
labels (`quantity_labels.tsv`: per sentence the asserted PLOVER event types and each one's
quantities as value + role). The texts are rebuilt from ../shared/corpus at run time into a
temporary gold file in the `events_dev.jsonl` format (actor/target/location/date left null, so only
types and quantities are scored), which `../shared/eval/score.py events` scores through the
`marsad` CLI: quantities count per sentence as the set of (value, role) over the types found in
both gold and prediction.

    .venv/bin/python -m bench.heldout.quantity [--shared DIR] [--batch N] [--errors] [--json]

`--batch N` scores one batch alone (default: all). A label's batch is given by its stratum through the
sampler's explicit table (`quantity_sample.BATCHES`): `cue`, `event`, `cue2` are batch 1 (the set the
extractor was later tuned on, so no longer held out), `cue3`, `event3` are batch 2 (a fresh blind draw).

`--errors` prints the scorer's notes and, per sentence, gold vs. predicted quantities on the
matched types (terminal only: corpus text never goes into the repo). The sample is drawn by
`bench.heldout.quantity_sample`; conventions are those of ../shared/README.md (vague amounts, ages,
dates, distances, money and subsets "بينهم ..." are not quantities)."""
from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.heldout.quantity_sample import BATCHES, batch_of
from bench.heldout.run import REPO, run_extractor
from pipelines.extract.training.heldout.labels import CorpusMismatch, default_shared, prf, sentence_texts

HERE = Path(__file__).resolve().parent
LABELS = HERE / "quantity_labels.tsv"
# The quantity roles the shared gold uses (../shared/README.md, "Conventions").
ROLES = frozenset({"killed", "injured", "detained", "abducted", "displaced", "deployed", "participants",
                   "launched"})
EVENT_TYPES = frozenset({"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
                         "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"})
QUANTITY_SUMMARY = re.compile(r"quantities: precision ([\d.]+) recall ([\d.]+) F1 ([\d.]+)")
EVENTS_SUMMARY = re.compile(r"events: (\d+) sentences, type precision ([\d.]+) recall ([\d.]+) F1 ([\d.]+)")


@dataclass(frozen=True)
class QuantityLabel:
    article_id: str
    start: int
    end: int
    stratum: str
    sha1_8: str
    events: tuple[dict, ...]  # {"event_type": str, "quantities": [{"value": int|float, "role": str}]}
    note: str

    @property
    def batch(self) -> int:
        return batch_of(self.stratum)

    @property
    def gold_quantities(self) -> set[tuple[float, str]]:
        return {(q["value"], q["role"]) for e in self.events for q in e["quantities"]}


def parse_events(cell: str) -> tuple[dict, ...]:
    """Parses and checks one `events` cell; raises ValueError saying what is wrong."""
    events = json.loads(cell)
    if not isinstance(events, list):
        raise ValueError("events must be a JSON list")
    seen = set()
    for e in events:
        if not isinstance(e, dict) or set(e) != {"event_type", "quantities"}:
            raise ValueError(f"event must have exactly event_type and quantities: {e}")
        if e["event_type"] not in EVENT_TYPES:
            raise ValueError(f"not a PLOVER event type: {e['event_type']}")
        if e["event_type"] in seen:
            raise ValueError(f"event type listed twice: {e['event_type']}")
        seen.add(e["event_type"])
        for q in e["quantities"]:
            if set(q) != {"value", "role"} or q["role"] not in ROLES:
                raise ValueError(f"bad quantity {q}: roles are {sorted(ROLES)}")
            if isinstance(q["value"], bool) or not isinstance(q["value"], (int, float)) or q["value"] <= 0:
                raise ValueError(f"quantity value must be a positive number: {q}")
    return tuple(events)


def load_labels(path: Path = LABELS, batch: int | None = None) -> list[QuantityLabel]:
    """All labels, or only those of one batch (see `quantity_sample.BATCHES`)."""
    if batch is not None and batch not in BATCHES:
        raise ValueError(f"no quantity batch {batch}: known are {sorted(BATCHES)}")
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    out = []
    for n, r in enumerate(rows, start=2):
        try:
            lab = QuantityLabel(r["article_id"], int(r["start"]), int(r["end"]), r["stratum"],
                                r["sha1_8"], parse_events(r["events"]), r["note"] or "")
            lab_batch = lab.batch  # also rejects an unknown stratum
        except (ValueError, TypeError, KeyError) as exc:
            raise ValueError(f"{path.name} line {n}: {exc}") from exc
        if batch is None or lab_batch == batch:
            out.append(lab)
    return out


def gold_records(labels: list[QuantityLabel], texts: dict[tuple[str, int, int], str]) -> list[dict]:
    """The labels as gold items in the events_dev.jsonl format (only types and quantities filled)."""
    return [{
        "id": f"qty-{i:03d}", "article_id": lab.article_id, "published": None,
        "text": texts[(lab.article_id, lab.start, lab.end)],
        "events": [{"event_type": e["event_type"], "actor": None, "target": None, "location": None,
                    "quantities": e["quantities"], "date": None} for e in lab.events],
    } for i, lab in enumerate(labels)]


def run_scorer(gold_path: Path, shared: Path, marsad: str) -> tuple[dict, list[str]]:
    """Runs `score.py events`; returns its summary numbers and its per-sentence notes."""
    env = dict(os.environ, MARSAD_CMD=marsad)
    t = time.perf_counter()
    p = subprocess.run([sys.executable, str(shared / "eval" / "score.py"), "events", str(gold_path)],
                       capture_output=True, text=True, env=env)
    secs = time.perf_counter() - t
    q, ev = QUANTITY_SUMMARY.search(p.stdout), EVENTS_SUMMARY.search(p.stdout)
    if p.returncode != 0 or not (q and ev):
        raise RuntimeError(f"score.py events failed:\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}")
    summary = {"n": int(ev.group(1)), "type_precision": float(ev.group(2)), "type_recall": float(ev.group(3)),
               "type_f1": float(ev.group(4)), "quantity_precision": float(q.group(1)),
               "quantity_recall": float(q.group(2)), "quantity_f1": float(q.group(3)), "seconds": round(secs, 1)}
    notes = [line.strip() for line in p.stdout.splitlines() if line.startswith("  ")]
    return summary, notes


def predicted_events(gold: list[dict], marsad: str) -> dict[str, list[dict]]:
    """The extractor's asserted events per gold id (for the side-by-side error listing)."""
    found = run_extractor([{"id": g["id"], "text": g["text"], "published": g["published"]} for g in gold], marsad)
    return {k: [e for e in evs if e.get("modality", "asserted") == "asserted"] for k, evs in found.items()}


def quantity_diffs(gold: list[dict], labels: list[QuantityLabel], pred: dict[str, list[dict]]) -> list[dict]:
    """Per sentence with a disagreement: gold and predicted (value, role) on the matched types,
    scored as score.py does; also the quantities predicted on types the gold does not have."""
    diffs = []
    for g, lab in zip(gold, labels):
        evs = pred.get(g["id"], [])
        gtypes = {e["event_type"] for e in g["events"]}
        matched = gtypes & {e["event_type"] for e in evs}
        gq = {(q["value"], q["role"]) for e in g["events"] if e["event_type"] in matched for q in e["quantities"]}
        pq = {(q.get("value"), q.get("role")) for e in evs if e["event_type"] in matched
              for q in e.get("quantities", [])}
        unscored = {(e["event_type"], q.get("value"), q.get("role")) for e in evs
                    if e["event_type"] not in gtypes for q in e.get("quantities", [])}
        lost = {(q["value"], q["role"]) for e in g["events"] if e["event_type"] not in matched
                for q in e["quantities"]}
        if gq != pq or unscored or lost:
            diffs.append({"id": g["id"], "text": g["text"], "note": lab.note, "missed": sorted(gq - pq, key=str),
                          "spurious": sorted(pq - gq, key=str), "type_missed_quantities": sorted(lost, key=str),
                          "on_unlabelled_types": sorted(unscored, key=str),
                          "pred_types": sorted({e["event_type"] for e in evs}), "gold_types": sorted(gtypes)})
    return diffs


def end_to_end(gold: list[dict], pred: dict[str, list[dict]]) -> dict:
    """Quantity P/R/F1 per sentence over all asserted events, whatever their type.

    score.py counts quantities only on types found in both gold and prediction, so a count on a
    missed type (or on a spurious one: an accident read as ASSAULT) is invisible there; this
    stricter figure shows what an analyst would actually get."""
    tp = fp = fn = 0
    for g in gold:
        gq = {(q["value"], q["role"]) for e in g["events"] for q in e["quantities"]}
        pq = {(q.get("value"), q.get("role")) for e in pred.get(g["id"], []) for q in e.get("quantities", [])}
        tp += len(gq & pq); fp += len(pq - gq); fn += len(gq - pq)
    p, r, f = prf(tp, fp, fn)
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn}


def evaluate(shared: Path, marsad: str | None = None, errors: bool = False, batch: int | None = None) -> dict:
    """Scores all labels, or one batch of them (`batch`)."""
    marsad = marsad or f"{REPO / '.venv' / 'bin' / 'marsad'} --sentence-level"  # sentences, not articles
    labels = load_labels(batch=batch)
    texts = sentence_texts(labels, shared / "corpus" / "ant_middleeast.jsonl")
    gold = gold_records(labels, texts)
    with tempfile.TemporaryDirectory() as tmp:
        gold_path = Path(tmp) / "quantity_gold.jsonl"
        with gold_path.open("w", encoding="utf-8") as f:
            for g in gold:
                f.write(json.dumps(g, ensure_ascii=False) + "\n")
        summary, notes = run_scorer(gold_path, shared, marsad)
    summary["batch"] = batch
    summary["gold_quantities"] = sum(len(lab.gold_quantities) for lab in labels)
    summary["sentences_with_quantities"] = sum(bool(lab.gold_quantities) for lab in labels)
    pred = predicted_events(gold, marsad)
    summary["end_to_end"] = end_to_end(gold, pred)
    if errors:
        summary["notes"] = notes
        summary["diffs"] = quantity_diffs(gold, labels, pred)
    return summary


def print_errors(res: dict) -> None:
    print("scorer notes:")
    for n in res["notes"]:
        print("  " + n)
    print("quantity disagreements (gold vs. prediction on matched types):")
    for d in res["diffs"]:
        print(f"{d['id']} [{d['note'] or '-'}] gold types {d['gold_types']} predicted {d['pred_types']}\n  {d['text']}")
        for key in ("missed", "spurious", "type_missed_quantities", "on_unlabelled_types"):
            if d[key]:
                print(f"  {key}: {d[key]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=default_shared())
    ap.add_argument("--marsad", default=None, help="extractor command (default: the repo's .venv/bin/marsad)")
    ap.add_argument("--batch", type=int, choices=sorted(BATCHES), default=None,
                    help="score one batch alone (1: tuned on, 2: fresh blind draw); default all")
    ap.add_argument("--errors", action="store_true", help="print the scorer's notes and the quantity disagreements")
    ap.add_argument("--json", action="store_true", help="print the results as one JSON object")
    args = ap.parse_args(argv)
    if not ((args.shared / "corpus" / "ant_middleeast.jsonl").exists()
            and (args.shared / "eval" / "score.py").exists()):
        print(f"skipped: {args.shared} is absent (the held-out texts and the scorer live there)")
        return 0
    try:
        res = evaluate(args.shared, args.marsad, args.errors, args.batch)
    except CorpusMismatch as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.errors:
        print_errors(res)
    if args.json:
        print(json.dumps({k: v for k, v in res.items() if k not in ("notes", "diffs")}))
        return 0
    which = "all batches" if args.batch is None else f"batch {args.batch}"
    print(f"held-out quantities ({which}): {res['n']} sentences ({res['sentences_with_quantities']} with gold quantities, "
          f"{res['gold_quantities']} gold quantities) in {res['seconds']}s")
    print(f"  event type  P {res['type_precision']:.3f}  R {res['type_recall']:.3f}  F1 {res['type_f1']:.3f}")
    print(f"  quantity    P {res['quantity_precision']:.3f}  R {res['quantity_recall']:.3f}  "
          f"F1 {res['quantity_f1']:.3f}  (score.py: only on event types found in both)")
    e = res["end_to_end"]
    print(f"  quantity, any type  P {e['precision']:.3f}  R {e['recall']:.3f}  F1 {e['f1']:.3f}  "
          f"({e['tp']} right, {e['fn']} missed, {e['fp']} spurious)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
