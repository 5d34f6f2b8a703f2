"""Our labelled held-out sentences (`detect_labels.tsv`: article id, offsets, hash and label, no
corpus text) and the counts that score a detector on them. The sentence texts are cut out of
../shared/corpus at run time. Used by the assessor's recipe (`train_assessor`) and by the
held-out evaluation (`bench/heldout`)."""
from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from pipelines.extract.training import REPO
from pipelines.settings import Settings

LABELS = Path(__file__).with_name("detect_labels.tsv")
TYPES = ("ASSAULT", "PROTEST")
# Keyword-baseline F1 on the issue's hidden set; with recall ~1, F1 = 2π/(1+π) gives the share π of
# keyword sentences there that report a real event, used to project our rates onto that mix.
ISSUE_KEYWORD_F1 = {"ASSAULT": 0.28, "PROTEST": 0.12}


class CorpusMismatch(RuntimeError):
    """The corpus no longer holds the labelled sentence at the stored offsets."""


@dataclass(frozen=True)
class Labelled:
    article_id: str
    start: int
    end: int
    stratum: str
    sha1_8: str
    etype: str
    label: str
    note: str


def default_shared() -> Path:
    """`MARSAD_SHARED_DIR`, else `../shared` beside the repository."""
    return Settings.from_env().shared_dir or REPO.parent / "shared"


def batch_of(stratum: str) -> int:
    """Batch 1's strata are bare names ("violence"); later batches end in their number ("violence2")."""
    m = re.search(r"\d+$", stratum)
    return int(m.group()) if m else 1


def load_labels(path: Path = LABELS) -> list[Labelled]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    out = []
    for r in rows:
        if r["label"] not in {"yes", "no", "ambiguous"} or r["type"] not in TYPES:
            raise ValueError(f"bad label row: {r}")
        out.append(Labelled(r["article_id"], int(r["start"]), int(r["end"]), r["stratum"],
                            r["sha1_8"], r["type"], r["label"], r["note"]))
    return out


def read_articles(corpus: Path, ids: set[str]) -> dict[str, dict]:
    """The corpus records (JSON objects) of the given article ids."""
    out = {}
    with corpus.open(encoding="utf-8") as f:
        for line in f:
            art = json.loads(line)
            if art["id"] in ids:
                out[art["id"]] = art
    return out


def sentence_texts(labels: list[Labelled], corpus: Path) -> dict[tuple[str, int, int], str]:
    """Cuts each labelled sentence out of its article and checks it against the stored hash."""
    articles = {k: art["text"] or "" for k, art in read_articles(corpus, {lab.article_id for lab in labels}).items()}
    texts = {}
    for lab in labels:
        key = (lab.article_id, lab.start, lab.end)
        if key in texts:
            continue
        if lab.article_id not in articles:
            raise CorpusMismatch(f"article {lab.article_id} not in {corpus}")
        sent = articles[lab.article_id][lab.start:lab.end]
        if hashlib.sha1(sent.encode("utf-8")).hexdigest()[:8] != lab.sha1_8:
            raise CorpusMismatch(f"{lab.article_id}[{lab.start}:{lab.end}] no longer matches its label")
        texts[key] = sent
    return texts


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class Tally:
    """Detection counts of one type: overall, and on the keyword-bearing sentences that the
    projection to the issue's hidden mix needs."""
    tp: int = 0
    fp: int = 0
    fn: int = 0
    keyword_tp: int = 0
    keyword_fp: int = 0
    keyword_yes: int = 0
    keyword_no: int = 0

    def add(self, gold: bool, keyword: bool, said: bool) -> None:
        self.tp += said and gold
        self.fp += said and not gold
        self.fn += (not said) and gold
        if keyword:
            self.keyword_yes += gold
            self.keyword_no += not gold
            self.keyword_tp += said and gold
            self.keyword_fp += said and not gold

    def merge(self, other: "Tally") -> None:
        for k, v in vars(other).items():
            setattr(self, k, getattr(self, k) + v)

    def f1(self) -> float:
        return prf(self.tp, self.fp, self.fn)[2]

    def keyword_rates(self) -> tuple[float, float]:
        """Recall and false-positive rate on the keyword-bearing sentences."""
        return (self.keyword_tp / self.keyword_yes if self.keyword_yes else 0.0,
                self.keyword_fp / self.keyword_no if self.keyword_no else 0.0)

    def projected_f1(self, etype: str) -> float:
        return projected_f1(etype, *self.keyword_rates())

    def line(self, etype: str) -> str:
        p, r, f = prf(self.tp, self.fp, self.fn)
        kr, fpr = self.keyword_rates()
        return (f"P {p:.3f} R {r:.3f} F1 {f:.3f} | keyword sentences: recall {kr:.3f}, false-positive rate "
                f"{fpr:.3f}, projected F1 {self.projected_f1(etype):.3f}")


def projected_f1(etype: str, recall: float, false_positive_rate: float) -> float:
    """F1 the extractor would get on a keyword-only set whose event share matches the issue's set."""
    b = ISSUE_KEYWORD_F1[etype]
    share = b / (2 - b)
    tp, fp = share * recall, (1 - share) * false_positive_rate
    p = tp / (tp + fp) if tp + fp else 0.0
    return 2 * p * recall / (p + recall) if p + recall else 0.0
