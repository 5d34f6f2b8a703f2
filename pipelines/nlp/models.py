"""Where stanza's official Arabic models live and whether they are usable here.

The official pipeline (tokenize, mwt, pos, lemma, depparse, ner) is what `stanza.download("ar")`
writes: `DIR/resources.json` plus `DIR/ar/<processor>/*.pt`. We never download implicitly
(`download_method=None`): air-gapped analysts get the offline analyzer instead, with one log line.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

ENV_DIR = "MARSAD_STANZA_DIR"
OFFICIAL_PROCESSORS = ("tokenize", "mwt", "pos", "lemma", "depparse", "ner")
REQUIRED_PROCESSORS = ("tokenize", "mwt", "pos", "lemma", "depparse")


@dataclass(frozen=True)
class Choice:
    name: str  # "stanza" | "offline"
    reason: str
    stanza_dir: Path | None


def missing_official(directory: Path) -> list[str]:
    """What is missing for the official Arabic pipeline in `directory` (empty list = usable)."""
    res = directory / "resources.json"
    if not res.is_file():
        return ["resources.json"]
    try:
        resources = json.loads(res.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ["a readable resources.json"]
    if "default_processors" not in resources.get("ar", {}):
        return ["Arabic entries in resources.json"]
    return [p for p in REQUIRED_PROCESSORS if not any((directory / "ar" / p).glob("*.pt"))]


def describe_choice(d: Path | None) -> Choice:
    """Which analyzer `get_analyzer()` uses with the models folder `d` (`Settings.stanza_dir`,
    None when unset), and a sentence saying why."""
    if d is None:
        return Choice("offline", f"{ENV_DIR} is not set; run `marsad models download` on a machine "
                                 "with internet and point it at the result", None)
    if not d.is_dir():
        return Choice("offline", f"{ENV_DIR}={d} does not exist", d)
    missing = missing_official(d)
    if missing:
        return Choice("offline", f"official stanza Arabic models incomplete in {d}: missing "
                                 + ", ".join(missing), d)
    return Choice("stanza", f"official stanza Arabic models found in {d}", d)


DEFAULT_DOWNLOAD_DIR = Path.home() / ".marsad" / "stanza"


def download_official(target: Path) -> Path:
    """Download stanza's Arabic models to `target`; RuntimeError with a clear message when the hub
    is unreachable."""
    import stanza

    target.mkdir(parents=True, exist_ok=True)
    try:
        stanza.download("ar", model_dir=str(target), processors=",".join(OFFICIAL_PROCESSORS),
                        logging_level="WARN")
    except Exception as exc:  # requests/connection errors come in many types
        raise RuntimeError(
            f"could not download stanza's Arabic models to {target} ({type(exc).__name__}: {exc}). "
            "The model hub is unreachable from this machine: download on a machine with internet "
            f"and copy the directory here, or keep using the offline analyzer.") from exc
    missing = missing_official(target)
    if missing:
        raise RuntimeError(f"download finished but {target} lacks: {', '.join(missing)}")
    return target
