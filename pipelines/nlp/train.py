"""Train a stanza NER model locally from CoNLL-style `token TAG` files (BIO, blank line between
sentences) — for analysts who cannot download the official models.

The model is trained by stanza's own trainer (`stanza.models.ner_tagger`) without pretrained word
vectors (those come from the hub), then loaded back through `stanza.Pipeline(...,
download_method=None, tokenize_pretokenized=True)` to score it: the same path production uses.
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

MODEL_NAME = "ar_marsad_nertagger.pt"


@dataclass(frozen=True)
class NerTrainResult:
    model_path: Path
    train_seconds: float
    precision: float
    recall: float
    f1: float
    dev_sentences: int
    steps: int


def read_token_tag_file(path: Path) -> list[list[tuple[str, str]]]:
    """Read `token TAG` lines (tab or space separated) into sentences; blank lines separate them.

    Raises ValueError naming the line when a line is not `token TAG`.
    """
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    with open(path, encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            line = line.strip()
            if not line:
                if current:
                    sentences.append(current)
                    current = []
                continue
            if line.startswith("-DOCSTART-"):
                continue
            parts = line.split()
            if len(parts) < 2:
                raise ValueError(f"{path}:{lineno}: expected 'token TAG', got {line!r}")
            current.append((parts[0], parts[-1]))
    if current:
        sentences.append(current)
    if not sentences:
        raise ValueError(f"{path}: no sentences")
    return sentences


def write_stanza_json(sentences: list[list[tuple[str, str]]], out: Path) -> None:
    """The JSON document format stanza's NER trainer reads (as `prepare_ner_file` writes it)."""
    doc = [[{"text": w, "ner": t} for w, t in sent] for sent in sentences]
    out.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def ner_pipeline(model_path: Path, work_dir: Path):
    """A stanza pipeline that tags pre-tokenized Arabic with a local NER model (no hub)."""
    import stanza

    res_dir = work_dir / "stanza_resources"
    res_dir.mkdir(parents=True, exist_ok=True)
    ensure_minimal_resources(res_dir)
    return stanza.Pipeline(
        "ar", dir=str(res_dir), download_method=None, processors="tokenize,ner",
        tokenize_pretokenized=True, ner_model_path=str(model_path), use_gpu=False, logging_level="WARN",
    )


def ensure_minimal_resources(res_dir: Path) -> None:
    """stanza refuses to start without resources.json; a minimal one suffices with explicit paths."""
    res = res_dir / "resources.json"
    if not res.exists():
        res.write_text(json.dumps({"ar": {"lang_name": "Arabic"}}), encoding="utf-8")


def score_entities(pred: list[list[str]], gold: list[list[str]]) -> tuple[float, float, float]:
    """Exact-span entity precision/recall/F1 (stanza's scorer, BIO or BIOES)."""
    from stanza.models.ner.scorer import score_by_entity

    p, r, f, _ = score_by_entity(pred, gold, verbose=False)
    return p, r, f


def evaluate_ner(model_path: Path, sentences: list[list[tuple[str, str]]], work_dir: Path) -> tuple[float, float, float]:
    nlp = ner_pipeline(model_path, work_dir)
    words = [[w for w, _ in s] for s in sentences]
    doc = nlp(words)
    pred = [[t.ner for t in s.tokens] for s in doc.sentences]
    gold = [[t for _, t in s] for s in sentences]
    return score_entities(pred, gold)


def train_ner(train: Path, dev: Path, out_dir: Path, max_steps: int = 3000,
              eval_interval: int | None = None, batch_size: int = 32, seed: int = 1234,
              threads: int | None = None, quiet: bool = False, optim: str = "sgd",
              lr: float | None = None) -> NerTrainResult:
    """Train on `train`, select on and score against `dev`; returns F1 and wall-clock time."""
    import torch
    from stanza.models import ner_tagger

    train_sents = read_token_tag_file(train)
    dev_sents = read_token_tag_file(dev)
    out_dir.mkdir(parents=True, exist_ok=True)
    data_dir = out_dir / "data"
    data_dir.mkdir(exist_ok=True)
    write_stanza_json(train_sents, data_dir / "train.json")
    write_stanza_json(dev_sents, data_dir / "dev.json")
    if threads:
        torch.set_num_threads(threads)
    interval = eval_interval or max(1, min(500, max_steps // 4))
    args = [
        "--mode", "train", "--cpu", "--no_pretrain", "--shorthand", "ar_marsad",
        "--train_file", str(data_dir / "train.json"), "--eval_file", str(data_dir / "dev.json"),
        "--save_dir", str(out_dir), "--save_name", MODEL_NAME,
        "--max_steps", str(max_steps), "--eval_interval", str(interval),
        "--batch_size", str(batch_size), "--seed", str(seed), "--log_step", str(max(1, interval // 5)),
        "--optim", optim,
    ]
    if lr is not None:
        args += ["--lr", str(lr)]
    stanza_log = logging.getLogger("stanza")
    old_level = stanza_log.level
    if quiet:
        stanza_log.setLevel(logging.WARNING)
    t0 = time.perf_counter()
    try:
        ner_tagger.main(args)
    finally:
        stanza_log.setLevel(old_level)
    seconds = time.perf_counter() - t0
    model_path = out_dir / MODEL_NAME
    if not model_path.exists():
        raise RuntimeError(f"stanza did not write {model_path}")
    p, r, f = evaluate_ner(model_path, dev_sents, out_dir)
    return NerTrainResult(model_path, seconds, p, r, f, len(dev_sents), max_steps)
