"""`get_analyzer()`: stanza when MARSAD_STANZA_DIR holds the official Arabic models, else the
offline analyzer; optionally behind the analysis cache. The top module of `pipelines.nlp`.
"""
from __future__ import annotations

import logging
from pathlib import Path

from pipelines.caching import resource
from pipelines.nlp.base import OfflineAnalyzer
from pipelines.nlp.sentences import Analyzer
from pipelines.settings import Settings

log = logging.getLogger("marsad.nlp")

_announced = False


@resource(maxsize=2)
def _stanza_analyzer(model_dir: str) -> Analyzer:
    """Loading the official models takes seconds and ~1 GB: one instance per process."""
    from pipelines.nlp.stanza_analyzer import StanzaAnalyzer

    log.info("NLP: using stanza's official Arabic models from %s", model_dir)
    return StanzaAnalyzer(Path(model_dir))


def get_analyzer(cache: bool | str | Path = False, settings: Settings | None = None) -> Analyzer:
    """stanza when `settings.stanza_dir` (MARSAD_STANZA_DIR) holds the official Arabic models, else
    the offline analyzer. `settings` default: `Settings.from_env()`.

    `cache=True` wraps it in the analysis cache at `settings.nlp_cache_path()` (or at the path given).
    """
    global _announced
    from pipelines.nlp.models import describe_choice

    settings = settings or Settings.from_env()
    choice = describe_choice(settings.stanza_dir)
    analyzer: Analyzer
    if choice.name == "stanza":
        analyzer = _stanza_analyzer(str(choice.stanza_dir))
    else:
        if not _announced:
            log.warning("NLP: using the offline analyzer (rules + lexicons, no dependency parse): %s",
                        choice.reason)
            _announced = True
        analyzer = OfflineAnalyzer()
    if cache:
        from pipelines.nlp.cache import CachedAnalyzer

        analyzer = CachedAnalyzer(analyzer, settings.nlp_cache_path() if cache is True else Path(cache))
    return analyzer
