"""`marsad models status|download|train-ner`: the NLP analyzer and its models."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    """Add this group's commands to the `marsad` parser."""
    p = sub.add_parser("models", help="NLP models: status, download, train-ner")
    msub = p.add_subparsers(dest="models_command", required=True)

    s = msub.add_parser("status", help="which analyzer is active and why")
    s.set_defaults(func=cmd_status)

    d = msub.add_parser("download", help="download stanza's official Arabic models to $MARSAD_STANZA_DIR")
    d.add_argument("--dir", help="target directory (default: $MARSAD_STANZA_DIR or ~/.marsad/stanza)")
    d.set_defaults(func=cmd_download)

    t = msub.add_parser("train-ner", help="train a stanza NER model from 'token TAG' files")
    t.add_argument("--train", required=True, help="training file: 'token TAG' lines, blank line between sentences")
    t.add_argument("--dev", required=True, help="dev file (model selection and the reported F1)")
    t.add_argument("--max-steps", type=int, default=3000, help="training steps (batches of 32 sentences)")
    t.add_argument("--eval-interval", type=int, default=None, help="steps between dev evaluations")
    t.add_argument("--out", default="models/ner", help="output directory for the model")
    t.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    t.add_argument("--optim", default="sgd", choices=["sgd", "adam", "adamw", "adamax", "adagrad"],
                   help="optimizer (stanza's default sgd; adam learns faster in a short run)")
    t.add_argument("--lr", type=float, default=None, help="learning rate (stanza's default for the optimizer)")
    t.set_defaults(func=cmd_train_ner)


def cmd_status(args: argparse.Namespace) -> int:
    from pipelines.nlp.models import describe_choice

    choice = describe_choice(args.settings.stanza_dir)
    print(f"active analyzer: {choice.name}")
    print(f"why: {choice.reason}")
    print(f"MARSAD_STANZA_DIR: {choice.stanza_dir or '(unset)'}")
    print(f"analysis cache: {args.settings.nlp_cache_path()}")
    return 0


def cmd_download(args: argparse.Namespace) -> int:
    from pipelines.nlp.models import DEFAULT_DOWNLOAD_DIR, download_official

    try:
        target = download_official(Path(args.dir) if args.dir else args.settings.stanza_dir or DEFAULT_DOWNLOAD_DIR)
    except RuntimeError as exc:
        print(f"marsad: {exc}", file=sys.stderr)
        return 2
    print(f"stanza Arabic models in {target}; set MARSAD_STANZA_DIR={target} to use them")
    return 0


def cmd_train_ner(args: argparse.Namespace) -> int:
    from pipelines.nlp.train import train_ner

    for f in (args.train, args.dev):
        if not Path(f).is_file():
            print(f"marsad: no such file: {f}", file=sys.stderr)
            return 2
    try:
        res = train_ner(Path(args.train), Path(args.dev), Path(args.out), max_steps=args.max_steps,
                        eval_interval=args.eval_interval, threads=args.threads, optim=args.optim,
                        lr=args.lr)
    except ValueError as exc:
        print(f"marsad: {exc}", file=sys.stderr)
        return 2
    print(f"model: {res.model_path}")
    print(f"training time: {res.train_seconds:.1f} s ({res.steps} max steps)")
    print(f"dev entity precision {res.precision:.4f} recall {res.recall:.4f} F1 {res.f1:.4f} "
          f"({res.dev_sentences} sentences)")
    return 0
