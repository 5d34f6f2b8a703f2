"""Training recipe for the sentence detector (`detector.py`), the article-level judge (`judge.py`) and
the role ranker (`ranker.py`).

Reads our coded articles (`labels/`, texts rebuilt from ../shared/corpus) and runs the
extractor on them without either model.

* Judge: every candidate is labelled 1 when a core event of the coding has the same type and a quote
  in the candidate's sentence, 0 when no event of that type does; candidates that meet only a non-core
  event are left out (the codebook neither asks for nor forbids them).
* Ranker: for each candidate that meets a core event, each role the coding fills: every candidate
  mention is labelled 1 when it is the coded one (overlapping spans, one name inside the other, or
  the same English place name), else 0.

* Detector: per type, sentences telling a core event of the type against sentences telling no event
  of it (fitted before the others, since its proposals are their candidates and its probability one
  of the judge's features). The judge learns from detector probabilities the detector never trained
  on: train candidates come from detectors cross-fitted in FOLDS folds of train, dev candidates from
  the detector fitted on train.

The judge and ranker are L2-regularised logistic models fitted on the train split; the judge's threshold is chosen on
the dev split, where calibration (expected calibration error, ten bins) and the ranker's accuracy are
reported. `--write` fits train+dev and replaces `lexicons/judge.tsv`, `ranker.tsv` and `detector.tsv`. The
blind split is never read here.

    .venv/bin/python -m pipelines.extract.training.articles.train [--write]
    .venv/bin/python -m pipelines.extract.training.articles.train --train-only --write   # then: evaluate --split dev
"""
from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path

from pipelines.extract.training.articles.labels import read_corpus, split_rows
from pipelines.extract.training.articles.sample import stable_hash
from pipelines.extract import ranker as ranker_model
from pipelines.extract.detector import WEIGHTS as DETECTOR_WEIGHTS
from pipelines.extract.detector import Detector, default_detector
from pipelines.extract.detector import features as detector_features
from pipelines.extract.events import article_mentions
from pipelines.extract.judge import WEIGHTS, WORD_PREFIXES, Judge, candidate_features, judged, sentence_infos
from pipelines.ingest import article_from_record
from pipelines.learn import fit_logistic
from pipelines.process import process_articles
from pipelines.text import normalize

# Chosen on the dev split with models fitted on train (candidate-level F1 / ECE): the judge
# L2 2 -> 20 (0.774 -> 0.788, ECE 0.043 -> 0.030); the ranker is best with little shrinkage.
L2 = 20.0
RANKER_L2 = 2.0
DETECTOR_L2 = 5.0
DETECTOR_MIN_COUNT = 20
DETECTOR_THRESHOLD = 0.25
DETECTOR_PRUNE = 0.01  # smaller word weights are not written (they move no probability by a point)
MIN_COUNT = 3  # a feature seen in fewer training candidates gets no weight
FOLDS = 5  # cross-fitting of the detector for the judge's training candidates
MIN_WORD_COUNT = 8  # words: a sentence-word feature needs this many candidates
THRESHOLDS = [round(0.05 * k, 2) for k in range(4, 15)]


@dataclass(frozen=True)
class Candidate:
    article_id: str
    event_type: str
    asserted: bool  # the judge decides it (the rules asserted it)
    features: dict
    label: int | None  # None: met only a non-core event


def _overlaps(a, b) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@dataclass(frozen=True)
class RoleChoice:
    """One role of one matched candidate: the features of each candidate mention, which are right."""
    role: str
    options: tuple[tuple[dict, int], ...]


def _same(text: str, gold: dict, value, near: int) -> bool:
    s = gold["span"]
    if _overlaps((s[0], s[1]), (value.start, value.end)):
        return True
    gt, vt = normalize(text[s[0]:s[1]]), normalize(value.text)
    if len(min(gt, vt, key=len)) >= 2 and (gt in vt or vt in gt):
        return True
    if gold.get("code") and getattr(value, "code", None) == gold["code"]:
        return True  # the scorer's rule: the same code is the same entity ("فلسطينيون" / "الفلسطينيين")
    return bool(gold.get("name")) and str(getattr(value, "name", "")).lower() == str(gold["name"]).lower()


def candidates(rows: list[dict], corpus: dict[str, dict], detector: "Detector | bool" = True
               ) -> tuple[list[Candidate], list[RoleChoice]]:
    labels = {r["id"]: r for r in rows}
    articles = [article_from_record(corpus[i]) for i in labels]
    scoring = default_detector() if detector is True else (detector or None)  # the one that proposes
    out, roles = [], []
    for res in process_articles(articles, judge=False, rank=False, detect=detector):
        aid = res.article.article_id
        text = res.article.text
        gold = labels[aid]["events"]
        infos = sentence_infos(res.sentences, res.dates)
        feats = candidate_features(res.events, infos, res.article.published, scoring)
        mentions, dateline = article_mentions(res.clean, res.sentences)
        tables = ranker_model.role_tables(res.events, res.sentences, mentions, dateline)
        for e, f, table in zip(res.events, feats, tables):
            info = infos[e.sentence_index]
            span = (info.start, info.start + len(info.text))
            met = [g for g in gold if g["type"] == e.event_type and any(_overlaps(span, q) for q in g["quotes"])]
            label = 1 if any(g["core"] for g in met) else (None if met else 0)
            out.append(Candidate(aid, e.event_type, judged(e), f, label))
            core = [g for g in met if g["core"]]
            if not core:
                continue
            g = core[0]
            for role, cands in table.items():
                if g.get(role) and g[role].get("span") and cands:
                    roles.append(RoleChoice(role, tuple((cf, int(_same(text, g[role], c.value, e.trigger.start)))
                                                        for c, cf in cands)))
    return out, roles


@dataclass(frozen=True)
class SentenceRow:
    """One sentence for the detector: its features, the types of the core and of all coded events it tells."""
    article_id: str
    features: dict
    core: frozenset[str]
    coded: frozenset[str]
    ruled: frozenset[str]  # the types the rules propose there (the detector only adds others)


def sentence_rows(rows: list[dict], corpus: dict[str, dict]) -> list[SentenceRow]:
    labels = {r["id"]: r for r in rows}
    out = []
    for res in process_articles([article_from_record(corpus[i]) for i in labels], judge=False, rank=False,
                                detect=False):
        gold = labels[res.article.article_id]["events"]
        for rank, s in enumerate(res.sentences):
            span = (s.sentence.start, s.sentence.end)
            told = [g for g in gold if any(_overlaps(span, q) for q in g["quotes"])]
            out.append(SentenceRow(res.article.article_id, detector_features(s.sentence.text, rank),
                                   frozenset(g["type"] for g in told if g["core"]), frozenset(g["type"] for g in told),
                                   frozenset(e.event_type for e in res.events if e.sentence_index == s.sentence.index)))
    return out


def fit_detector(rows: list[SentenceRow]) -> Detector:
    """Per type: sentences telling a core event of the type against those telling none of it."""
    weights = {}
    for t in sorted({t for r in rows for t in r.core}):
        mine = [r for r in rows if t in r.core or t not in r.coded]
        weights[t] = fit_logistic([r.features for r in mine], [float(t in r.core) for r in mine],
                                  l2=DETECTOR_L2, min_count=DETECTOR_MIN_COUNT)
    return Detector(weights, {t: DETECTOR_THRESHOLD for t in weights})


def detector_report(rows: list[SentenceRow], detector: Detector) -> str:
    """Where the rules propose nothing of a type: sentences the detector finds (core events of the
    type), and sentences it proposes that tell no event of the type."""
    found = false = missed = 0
    for r in rows:
        for t in detector.weights:
            if t in r.ruled:
                continue
            said = detector.probability(t, r.features) >= detector.thresholds[t]
            if t in r.core:
                found += said
                missed += not said
            elif t not in r.coded:
                false += said
    return f"found {found}, false {false}, still missed {missed}"


def fit_ranker(choices: list[RoleChoice]) -> ranker_model.Ranker:
    rows = [f for c in choices for f, _ in c.options]
    ys = [y for c in choices for _, y in c.options]
    return ranker_model.Ranker(fit_logistic(rows, ys, l2=RANKER_L2, min_count=MIN_COUNT))


def ranker_accuracy(choices: list[RoleChoice], ranker: ranker_model.Ranker | None) -> dict[str, str]:
    """Per role: how often the top candidate is right (None: the rules' pick, the first option)."""
    out = {}
    for role in ranker_model.ROLES:
        mine = [c for c in choices if c.role == role]
        if ranker is None:
            right = sum(c.options[0][1] for c in mine if c.options[0][0].get(f"{role}|origin=rules"))
        else:
            right = sum(max(c.options, key=lambda o: ranker.score(o[0]))[1] for c in mine)
        reachable = sum(any(y for _, y in c.options) for c in mine)
        out[role] = f"{right}/{len(mine)} (reachable {reachable})"
    return out


def _keep(vocabulary: set[str]):
    return lambda k: not k.startswith(WORD_PREFIXES) or k in vocabulary


def fit(train: list[Candidate], threshold: float = 0.5) -> Judge:
    rows = [c.features for c in train if c.label is not None]
    ys = [c.label for c in train if c.label is not None]
    counts: dict[str, int] = {}
    for f in rows:
        for k in f:
            if k.startswith(WORD_PREFIXES):
                counts[k] = counts.get(k, 0) + 1
    vocabulary = {k for k, n in counts.items() if n >= MIN_WORD_COUNT and not re.search(r"\d", k)}
    return Judge(fit_logistic(rows, ys, l2=L2, min_count=MIN_COUNT, keep=_keep(vocabulary)), threshold)


def scored(test: list[Candidate], judge: Judge) -> list[tuple[float, int, bool]]:
    return [(judge.probability(c.features), c.label, c.asserted) for c in test if c.label is not None]


def prf_at(points: list[tuple[float, int, bool]], threshold: float) -> tuple[float, float, float]:
    """Candidate-level precision/recall of the asserted candidates kept at the threshold (recall over
    the positives the rules asserted: what the judge can keep)."""
    tp = sum(1 for p, y, a in points if a and p >= threshold and y == 1)
    fp = sum(1 for p, y, a in points if a and p >= threshold and y == 0)
    fn = sum(1 for p, y, a in points if a and p < threshold and y == 1)
    pr = tp / (tp + fp) if tp + fp else 0.0
    rc = tp / (tp + fn) if tp + fn else 0.0
    return pr, rc, (2 * pr * rc / (pr + rc) if pr + rc else 0.0)


def calibration(points: list[tuple[float, int, bool]], bins: int = 10) -> tuple[float, list[tuple[float, float, int]]]:
    """Expected calibration error and (mean p, observed rate, n) per bin."""
    table = []
    ece = 0.0
    for b in range(bins):
        inside = [(p, y) for p, y, _ in points if b / bins <= p < (b + 1) / bins or (b == bins - 1 and p == 1.0)]
        if not inside:
            continue
        mp = sum(p for p, _ in inside) / len(inside)
        rate = sum(y for _, y in inside) / len(inside)
        ece += len(inside) / len(points) * abs(mp - rate)
        table.append((mp, rate, len(inside)))
    return ece, table


def write_tsv(path: Path, weights: dict[str, float], header: list[str], first: list[str] = ()) -> None:
    lines = [*[f"# {h}" for h in header], *first]
    lines += [f"{k}\t{v:.6f}" for k, v in sorted(weights.items()) if abs(v) >= 1e-6]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_weights(judge: Judge, summary: list[str], path: Path = WEIGHTS) -> None:
    write_tsv(path, judge.weights, [
        "The article-level judge: logistic weights by feature name (see pipelines/extract/judge.py).",
        "Written by `python -m pipelines.extract.training.articles.train --write`; do not edit by hand.", *summary],
        [f"@threshold\t{judge.threshold:.2f}"])


@dataclass
class Fitted:
    """What the recipe produces: the shipped models (fitted on train+dev) and its report."""
    judge: Judge
    ranker: ranker_model.Ranker
    detector: Detector
    report: list[str]
    summary: list[str]


def cross_fitted(rows: list[dict], sents: list[SentenceRow], corpus: dict[str, dict]
                 ) -> tuple[list[Candidate], list[RoleChoice]]:
    """Candidates of `rows`, each article's proposed and scored by a detector fitted without it."""
    fold = {r["id"]: stable_hash(r["id"], "fold") % FOLDS for r in rows}
    cands, roles = [], []
    for k in range(FOLDS):
        detector = fit_detector([r for r in sents if fold.get(r.article_id) != k])
        c, o = candidates([r for r in rows if fold[r["id"]] == k], corpus, detector)
        cands += c
        roles += o
    return cands, roles


def fit_all(rows: dict[str, list[dict]], corpus: dict[str, dict], ship: bool = True) -> Fitted:
    """The detector first (reported on dev with a fit on train), then the judge and ranker on the
    candidates it and the rules propose: fitted on train, threshold chosen and reported on dev, then
    refitted on train+dev (every candidate's detector probability from a detector that did not see
    its article). With `ship=False` every model stays fitted on train alone, so that the dev split can
    be scored honestly end to end (`--train-only`)."""
    sents = {s: sentence_rows(rows[s], corpus) for s in ("train", "dev")}
    on_train = fit_detector(sents["train"])
    report = [f"dev detector (fit on train), beyond the rules: {detector_report(sents['dev'], on_train)}"]
    both = {"train": cross_fitted(rows["train"], sents["train"], corpus),
            "dev": candidates(rows["dev"], corpus, on_train)}
    cands = {s: both[s][0] for s in both}
    roles = {s: both[s][1] for s in both}
    for s in both:
        n = [c for c in cands[s] if c.label is not None]
        report.append(f"{s}: {len(rows[s])} articles, {len(n)} labelled candidates ({sum(c.label for c in n)} positive)")
    points = scored(cands["dev"], fit(cands["train"]))
    best = max(THRESHOLDS, key=lambda t: (prf_at(points, t)[2], -abs(t - 0.5)))
    for t in THRESHOLDS:
        pr, rc, f1 = prf_at(points, t)
        report.append(f"dev threshold {t:.2f}: P {pr:.3f} R {rc:.3f} F1 {f1:.3f}" + ("  <- chosen" if t == best else ""))
    report.append("dev rules alone: P {:.3f} R {:.3f} F1 {:.3f}".format(*prf_at([(1.0, y, a) for _, y, a in points], 0.5)))
    ece, table = calibration(points)
    report.append(f"dev calibration: ECE {ece:.3f}; " + "  ".join(f"{mp:.2f}->{r:.2f} (n={n})" for mp, r, n in table))
    ranker = fit_ranker(roles["train"])
    report.append("dev roles, rules: " + "  ".join(f"{k} {v}" for k, v in ranker_accuracy(roles["dev"], None).items()))
    report.append("dev roles, ranker: " + "  ".join(f"{k} {v}" for k, v in ranker_accuracy(roles["dev"], ranker).items()))
    if not ship:
        summary = [f"TRAIN ONLY ({len(rows['train'])} articles; for scoring dev, not for shipping); threshold {best:.2f}"]
        return Fitted(fit(cands["train"], best), ranker, on_train, report, summary)
    summary = [f"fitted on {len(rows['train']) + len(rows['dev'])} coded articles (train+dev); "
               f"threshold {best:.2f} chosen on dev; dev ECE {ece:.3f} (fit on train)"]
    return Fitted(fit(cands["train"] + cands["dev"], best), fit_ranker(roles["train"] + roles["dev"]),
                  fit_detector(sents["train"] + sents["dev"]), report, summary)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--train-only", action="store_true",
                    help="write models fitted on train alone, to score the dev split honestly (never ship these)")
    a = ap.parse_args(argv)
    rows = {s: split_rows(s) for s in ("train", "dev")}
    fitted = fit_all(rows, read_corpus({r["id"] for rs in rows.values() for r in rs}), ship=not a.train_only)
    print("\n".join(fitted.report))
    if a.write:
        write_tsv(ranker_model.WEIGHTS, fitted.ranker.weights, [
            "The role ranker: logistic weights by feature name (see pipelines/extract/ranker.py).",
            "Written by `python -m pipelines.extract.training.articles.train --write`; do not edit by hand.", *fitted.summary])
        write_weights(fitted.judge, fitted.summary)
        lines = ["# The sentence detector: logistic weights per type (see pipelines/extract/detector.py).",
                 "# Written by `python -m pipelines.extract.training.articles.train --write`; do not edit by hand."]
        for t, w in sorted(fitted.detector.weights.items()):
            lines.append(f"{t}\t@threshold\t{fitted.detector.thresholds[t]:.2f}")
            lines += [f"{t}\t{k}\t{v:.6f}" for k, v in sorted(w.items()) if abs(v) >= DETECTOR_PRUNE]
        DETECTOR_WEIGHTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS} ({len(fitted.judge.weights)} weights) and {ranker_model.WEIGHTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
