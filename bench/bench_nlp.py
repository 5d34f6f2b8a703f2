"""NLP layer benchmark: offline analyzer vs UD Arabic-PUD, and analyzer throughput.

    .venv/bin/python bench/bench_nlp.py [--shared ../shared] [--ner-model PATH] [--articles N]

Prints
* segmentation precision/recall/F1 of the offline tokenizer against PUD's syntactic words
  (clitics split, SpaceAfter=No), compared as character spans of the sentence text;
* verb lemma accuracy: gold VERB words whose span we reproduce and whose lemma (diacritics
  removed) we give exactly — plus the same with hamza/alef forms folded;
* throughput (sentences/s) of the offline analyzer and of the stanza analyzer (official models
  when MARSAD_STANZA_DIR has them; otherwise stanza fed by our tokenizer with the NER model given by
  --ner-model, e.g. one trained by `marsad models train-ner`).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipelines.nlp.offline import tokenize  # noqa: E402
from pipelines.records import Article, CleanArticle, Region  # noqa: E402
from pipelines.text import normalize  # noqa: E402

# harakat, dagger alef, tatweel; alef wasla (ٱ) is alef + the wasla mark, so it becomes ا
_DIACRITICS = {c: None for c in range(0x064B, 0x0660)} | {0x0670: None, 0x0640: None, 0x0671: "ا"}


def strip_diacritics(s: str) -> str:
    return s.translate(_DIACRITICS)


def read_conllu(path: Path) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """(text, [(form, lemma, upos)] per syntactic word) per sentence, read by stanza's CoNLL-U reader
    (the one the stanza tests use too); multiword-token lines are not words."""
    from stanza.utils.conll import CoNLL  # deferred: importing stanza pulls in torch

    doc = CoNLL.conll2doc(input_file=str(path))
    return [(s.text, [(w.text, w.lemma, w.upos) for w in s.words]) for s in doc.sentences]


def gold_spans(text: str, rows: list[tuple[str, str, str]]) -> list[tuple[int, int]] | None:
    """Character spans of the gold words in `text`; None when the forms do not line up."""
    spans, pos = [], 0
    for form, _lemma, _upos in rows:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if text.startswith(form, pos):
            spans.append((pos, pos + len(form)))
            pos += len(form)
            continue
        # the form may lack diacritics written in the text: walk letter by letter
        end, k = pos, 0
        bare = strip_diacritics(form)
        while end < len(text) and k < len(bare):
            if strip_diacritics(text[end]) == "":
                end += 1
            elif text[end] == bare[k]:
                end += 1
                k += 1
            else:
                return None
        if k < len(bare):
            return None
        spans.append((pos, end))
        pos = end
    return spans


def evaluate_offline(conllu: Path) -> dict:
    sents = read_conllu(conllu)
    tp = n_gold = n_pred = 0
    verbs = verb_ok = verb_ok_folded = 0
    skipped = 0
    errors: Counter = Counter()
    for text, rows in sents:
        spans = gold_spans(text, rows)
        if spans is None:
            skipped += 1
            continue
        toks = tokenize(text)
        pred = {(t.start, t.end): t for t in toks}
        gold = set(spans)
        n_gold += len(gold)
        n_pred += len(pred)
        tp += len(gold & pred.keys())
        for (a, b), (_form, lemma, upos) in zip(spans, rows):
            if upos != "VERB":
                continue
            verbs += 1
            tok = pred.get((a, b))
            want = strip_diacritics(lemma)
            if tok is not None and tok.lemma == want:
                verb_ok += 1
            if tok is not None and tok.lemma and normalize(tok.lemma) == normalize(want):
                verb_ok_folded += 1
            elif tok is not None:
                errors["lemma"] += 1
            else:
                errors["verb span"] += 1
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {
        "sentences": len(sents) - skipped, "skipped_unalignable": skipped,
        "gold_words": n_gold, "predicted_words": n_pred,
        "seg_precision": p, "seg_recall": r, "seg_f1": 2 * p * r / (p + r) if p + r else 0.0,
        "verbs": verbs, "verb_lemma_acc": verb_ok / verbs if verbs else 0.0,
        "verb_lemma_acc_hamza_folded": verb_ok_folded / verbs if verbs else 0.0,
        "verb_errors": dict(errors),
    }


def load_articles(shared: Path, n: int) -> list[CleanArticle]:
    out = []
    with open(shared / "corpus" / "ant_middleeast.jsonl", encoding="utf-8") as handle:
        for line in handle:
            rec = json.loads(line)
            art = Article(str(rec["id"]), rec["text"])
            out.append(CleanArticle(art, (Region(0, len(art.text)),)))
            if len(out) >= n:
                break
    return out


def throughput(analyzer, cleans: list[CleanArticle]) -> tuple[int, float]:
    t0 = time.perf_counter()
    result = analyzer.analyze_many(cleans)
    secs = time.perf_counter() - t0
    return sum(len(r) for r in result), secs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.environ.get("MARSAD_SHARED_DIR", str(REPO.parent / "shared")))
    ap.add_argument("--articles", type=int, default=300, help="articles for the throughput runs")
    ap.add_argument("--ner-model", help="stanza NER model for the stanza throughput run without official models")
    ap.add_argument("--skip-stanza", action="store_true")
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    conllu = shared / "nlp" / "ar_pud-ud-test.conllu"
    if not conllu.exists():
        print(f"no {conllu}: nothing to evaluate", file=sys.stderr)
        return 1
    t0 = time.perf_counter()
    res = evaluate_offline(conllu)
    print(f"UD Arabic-PUD ({res['sentences']} sentences, {res['gold_words']} gold words, "
          f"{res['skipped_unalignable']} unalignable skipped; eval {time.perf_counter() - t0:.1f} s)")
    print(f"  segmentation  P {res['seg_precision']:.4f}  R {res['seg_recall']:.4f}  F1 {res['seg_f1']:.4f}")
    print(f"  verb lemma accuracy (diacritics removed) {res['verb_lemma_acc']:.4f} over {res['verbs']} verbs"
          f"  (hamza-folded {res['verb_lemma_acc_hamza_folded']:.4f}; misses {res['verb_errors']})")

    from pipelines.nlp.base import OfflineAnalyzer

    cleans = load_articles(shared, args.articles)
    offline = OfflineAnalyzer()
    throughput(offline, cleans[:5])  # warm the lexicons and frequency list
    n, secs = throughput(OfflineAnalyzer(), cleans)
    print(f"offline analyzer: {n} sentences from {len(cleans)} articles in {secs:.2f} s = {n / secs:,.0f} sentences/s")
    if args.skip_stanza:
        return 0
    from pipelines.nlp.models import describe_choice
    from pipelines.nlp.stanza_analyzer import StanzaAnalyzer
    from pipelines.settings import Settings

    choice = describe_choice(Settings.from_env().stanza_dir)
    if choice.name == "stanza":
        analyzer = StanzaAnalyzer(choice.stanza_dir)
        label = "stanza (official models)"
    elif args.ner_model:
        analyzer = StanzaAnalyzer(None, ner_model_path=Path(args.ner_model))
        label = "stanza (our tokenizer + local NER model)"
    else:
        print(f"stanza analyzer: skipped ({choice.reason}; give --ner-model to time the local-NER path)")
        return 0
    sub = cleans[: max(20, args.articles // 5)]
    n, secs = throughput(analyzer, sub)
    print(f"{label}: {n} sentences from {len(sub)} articles in {secs:.2f} s = {n / secs:,.1f} sentences/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
