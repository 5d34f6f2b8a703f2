"""Person names in a sentence: a token tagger learned from ANERcorp.

The actor dictionary knows groups, states, offices and well-known people; news also quotes
spokesmen, ministers and activists it does not list ("وقال المتحدث باسم التحالف تركي المالكي").
This tagger marks the tokens that belong to a person's name with a logistic model over the word,
its neighbours (two each side), its first and last letters and whether it carries "ال"; a run of
marked words is one name. Without the official stanza NER model (no internet here) it is how names
reach the role ranker (`pipelines/extract/ranker.py`), which decides whether a name is the actor or
the target of an event.

Weights (`lexicons/person_names.tsv`, `feature<TAB>weight`) are fitted by the recipe below on the
ANERcorp training file (MIT licence, CSabty 2020; read from `../shared/nlp`, never copied):

    python -m pipelines.nlp.names ../shared/nlp/anercorp_train.txt ../shared/nlp/anercorp_test.txt [--write]
"""
from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from pipelines.caching import resource
from pipelines.learn import fit_logistic, sigmoid, weight_rows
from pipelines.nlp.train import read_token_tag_file
from pipelines.text import normalize

WEIGHTS = Path(__file__).with_name("lexicons") / "person_names.tsv"
TOKEN_RE = re.compile(r"\w+|[^\w\s]")
L2 = 0.3
MIN_COUNT = 3
THRESHOLD = 0.5  # until weights say otherwise (`@threshold`, chosen on a tenth of the training file)
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.5)
PRUNE = 0.05  # smaller weights are not written (they move no probability by a point)
PERSON_TAGS = frozenset({"B-PERS", "I-PERS"})


def token_features(words: Sequence[str], i: int) -> dict[str, float]:
    """Features of the `i`-th of a sentence's normalised tokens."""
    w = words[i]
    f = {"bias": 1.0, "w=" + w: 1.0, "pre3=" + w[:3]: 1.0, "suf2=" + w[-2:]: 1.0, "suf3=" + w[-3:]: 1.0}
    for k in (-2, -1, 1, 2):
        j = i + k
        f[f"w{k:+d}=" + (words[j] if 0 <= j < len(words) else ("<s>" if j < 0 else "</s>"))] = 1.0
    if w.startswith(("ال", "وال", "بال", "لل", "فال")):
        f["definite"] = 1.0
    if not w.isalpha():
        f["not_word"] = 1.0
    return f


@dataclass(frozen=True)
class NameTagger:
    weights: dict[str, float]
    threshold: float = THRESHOLD

    def probabilities(self, words: Sequence[str]) -> list[float]:
        return [sigmoid(sum(self.weights.get(k, 0.0) * v for k, v in token_features(words, i).items()))
                for i in range(len(words))]

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each person name in `text`: maximal runs of words marked as name words."""
        tokens = list(TOKEN_RE.finditer(text))
        if not tokens:
            return []
        marked = self.probabilities([normalize(t.group()) for t in tokens])
        out: list[tuple[int, int]] = []
        run: list[re.Match[str]] = []
        for t, p in zip(tokens, marked):
            if p >= self.threshold and t.group().isalpha():
                run.append(t)
                continue
            if run:
                out.append((run[0].start(), run[-1].end()))
                run = []
        if run:
            out.append((run[0].start(), run[-1].end()))
        return out


def parse_weights(text: str) -> NameTagger:
    rows = {name: value for (name,), value in weight_rows(text, 2, "person names")}
    threshold = rows.pop("@threshold", THRESHOLD)
    return NameTagger(rows, threshold)


@resource
def default_tagger() -> NameTagger | None:
    return parse_weights(WEIGHTS.read_text(encoding="utf-8")) if WEIGHTS.exists() else None


# --- the recipe ------------------------------------------------------------------------------------

def _rows(sentences: list[list[tuple[str, str]]]) -> tuple[list[dict[str, float]], list[float]]:
    rows, ys = [], []
    for s in sentences:
        words = [normalize(t) for t, _ in s]
        for i, (_, tag) in enumerate(s):
            rows.append(token_features(words, i))
            ys.append(float(tag in PERSON_TAGS))
    return rows, ys


def fit(sentences: list[list[tuple[str, str]]]) -> NameTagger:
    rows, ys = _rows(sentences)
    return NameTagger(fit_logistic(rows, ys, l2=L2, min_count=MIN_COUNT))


def name_spans(tags: Sequence[bool]) -> set[tuple[int, int]]:
    """Token spans of the runs of name tokens."""
    out, start = set(), None
    for i, t in enumerate([*tags, False]):
        if t and start is None:
            start = i
        elif not t and start is not None:
            out.add((start, i))
            start = None
    return out


def evaluate(tagger: NameTagger, sentences: list[list[tuple[str, str]]]) -> tuple[float, float, float]:
    """Exact-span precision, recall and F1 of person names (a run of B/I-PERS tokens is one name)."""
    tp = fp = fn = 0
    for s in sentences:
        words = [normalize(t) for t, _ in s]
        got = name_spans([p >= tagger.threshold and t.isalpha() for p, (t, _) in zip(tagger.probabilities(words), s)])
        want = name_spans([tag in PERSON_TAGS for _, tag in s])
        tp += len(got & want)
        fp += len(got - want)
        fn += len(want - got)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="fit the person-name tagger on ANERcorp")
    ap.add_argument("train", type=Path)
    ap.add_argument("test", type=Path)
    ap.add_argument("--write", action="store_true")
    a = ap.parse_args(argv)
    train = read_token_tag_file(a.train)
    held, rest = train[::10], [s for i, s in enumerate(train) if i % 10]
    trial = fit(rest)
    best = max(THRESHOLDS, key=lambda t: evaluate(NameTagger(trial.weights, t), held)[2])
    tagger = NameTagger(fit(train).weights, best)
    p, r, f1 = evaluate(tagger, read_token_tag_file(a.test))
    summary = (f"threshold {best} chosen on a tenth of the training file; "
               f"ANERcorp test, person names (exact spans): P {p:.3f} R {r:.3f} F1 {f1:.3f}")
    print(summary)
    if a.write:
        lines = ["# Person-name tagger: logistic weights by feature name (see pipelines/nlp/names.py).",
                 "# Fitted on ANERcorp train (MIT licence, CSabty 2020) by `python -m pipelines.nlp.names`;",
                 f"# do not edit by hand. {summary}", f"@threshold\t{tagger.threshold}"]
        lines += [f"{k}\t{v:.6f}" for k, v in sorted(tagger.weights.items()) if abs(v) >= PRUNE]
        WEIGHTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
