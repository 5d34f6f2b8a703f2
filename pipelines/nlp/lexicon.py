"""Word lists of the offline analyzer, loaded once from `lexicons/*.yaml` (and, when present, the
extraction layer's trigger lexicons for verbal nouns)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from pipelines.caching import resource
from pipelines.text import normalize

HERE = Path(__file__).resolve().parent / "lexicons"
TRIGGER_DIR = Path(__file__).resolve().parents[1] / "extract" / "lexicons"


@dataclass(frozen=True)
class Lexicons:
    verbs: dict[str, str]  # normalised form -> lemma as written (with hamza)
    whole_words: frozenset[str]
    function_words: frozenset[str]
    pronoun_hosts: frozenset[str]
    pronoun_lemmas: dict[str, str]
    function_upos: dict[str, str]
    verbal_nouns: frozenset[str]


def _words(value: object) -> list[str]:
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


def _load_yaml(path: Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at top level")
    return data


@resource
def lexicons() -> Lexicons:
    verbs: dict[str, str] = {}
    for group in _load_yaml(HERE / "verbs.yaml").values():
        for lemma in _words(group):
            verbs.setdefault(normalize(lemma), lemma)
    seg = _load_yaml(HERE / "segmentation.yaml")
    upos: dict[str, str] = {}
    for tag, words in (seg.get("function_upos") or {}).items():
        for w in _words(words):
            upos.setdefault(w, tag)
    return Lexicons(
        verbs=verbs,
        whole_words=frozenset(_words(seg.get("whole_words"))),
        function_words=frozenset(_words(seg.get("function_words"))),
        pronoun_hosts=frozenset(_words(seg.get("pronoun_hosts"))),
        pronoun_lemmas={str(k): str(v) for k, v in (seg.get("pronoun_lemmas") or {}).items()},
        function_upos=upos,
        verbal_nouns=frozenset(_trigger_nouns()),
    )


def _trigger_nouns() -> set[str]:
    """Single-word nominal triggers from the extraction lexicons, if that layer has written them.

    Optional input: a malformed or absent file only means fewer plural -> singular hints.
    """
    out: set[str] = set()
    if not TRIGGER_DIR.is_dir():
        return out
    for path in TRIGGER_DIR.glob("*.yaml"):
        try:
            data = _load_yaml(path)
        except (OSError, ValueError, yaml.YAMLError):
            continue
        _collect_strings(data, out)
    return {w[2:] if w.startswith("ال") else w for w in out if " " not in w and len(w) >= 3}


def _collect_strings(node: object, out: set[str]) -> None:
    if isinstance(node, str):
        if any("\u0621" <= c <= "\u064a" for c in node):
            out.add(node.strip())
    elif isinstance(node, dict):
        for v in node.values():
            _collect_strings(v, out)
    elif isinstance(node, list):
        for v in node:
            _collect_strings(v, out)
