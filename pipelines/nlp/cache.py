"""Cache of sentence analyses keyed by content hash, in Parquet files.

Re-materialising unchanged articles then does no NLP work: a sentence whose text (and analyzer
name + version) was seen before is rebuilt from the cache with its offsets shifted to where it
now sits. Each batch of new analyses is appended as one Parquet part file (no writer lock, so
parallel runs never block each other); lookups read only the rows whose keys are asked for.
"""
from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from pipelines.nlp.sentences import Analyzer, SentenceAnalyzer
from pipelines.records import AnalyzedSentence, Sentence, Token
from pipelines.settings import Settings

_FIELDS = ("text", "start", "end", "lemma", "upos", "feats", "head", "deprel", "ner")
_COMPACT_AFTER = 64  # part files before they are merged into one


def nlp_cache_path(warehouse: Path) -> Path:
    """$MARSAD_NLP_CACHE, else `nlp_cache/` beside the given warehouse file."""
    return Settings.from_env().nlp_cache_path(warehouse)


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0

    def as_metadata(self) -> dict[str, int | float]:
        total = self.hits + self.misses
        return {"nlp_cache_hits": self.hits, "nlp_cache_misses": self.misses,
                "nlp_cache_hit_rate": round(self.hits / total, 4) if total else 0.0}


class CachedAnalyzer(SentenceAnalyzer):
    """Wraps an analyzer; `stats` counts sentence hits and misses since creation (or `reset()`)."""

    def __init__(self, inner: Analyzer, path: str | Path) -> None:
        self.inner = inner
        self.path = Path(path)
        self.name = inner.name
        self.version = inner.version
        self.stats = CacheStats()

    def reset(self) -> None:
        self.stats = CacheStats()

    def key(self, text: str) -> str:
        return hashlib.sha1(f"{self.name}\x1f{self.version}\x1f{text}".encode()).hexdigest()

    def analyze_sentences(self, sentences: Sequence[Sentence]) -> list[AnalyzedSentence]:
        keys = [self.key(s.text) for s in sentences]
        found = self._lookup(set(keys))
        out: list[AnalyzedSentence | None] = [None] * len(sentences)
        todo: list[int] = []
        for i, (s, k) in enumerate(zip(sentences, keys)):
            if k in found:
                out[i] = AnalyzedSentence(s, _decode(found[k], s.start), self.name)
            else:
                todo.append(i)
        self.stats.hits += len(sentences) - len(todo)
        self.stats.misses += len(todo)
        if todo:
            # identical sentences in one batch are analysed once
            first: dict[str, int] = {}
            for i in todo:
                first.setdefault(keys[i], i)
            fresh = self.inner.analyze_sentences([sentences[i] for i in first.values()])
            by_key = {k: a for k, a in zip(first, fresh)}
            self._store({k: _encode(a) for k, a in by_key.items()})
            for i in todo:
                a = by_key[keys[i]]
                s = sentences[i]
                out[i] = a if a.sentence is s else AnalyzedSentence(
                    s, _decode(_encode(a), s.start), self.name)
        return [a for a in out if a is not None]

    def _parts(self) -> list[Path]:
        return sorted(self.path.glob("part-*.parquet")) if self.path.is_dir() else []

    def _lookup(self, keys: set[str]) -> dict[str, str]:
        parts = self._parts()
        if not parts or not keys:
            return {}
        import pyarrow as pa
        import pyarrow.dataset as ds

        table = ds.dataset([str(p) for p in parts], format="parquet").to_table(
            columns=["key", "tokens"], filter=ds.field("key").isin(pa.array(sorted(keys))))
        return dict(zip(table.column("key").to_pylist(), table.column("tokens").to_pylist()))

    def _store(self, rows: dict[str, str]) -> None:
        if not rows:
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.path.mkdir(parents=True, exist_ok=True)
        table = pa.table({"key": list(rows), "tokens": list(rows.values())})
        tmp = self.path / f".tmp-{uuid.uuid4().hex}.parquet"
        pq.write_table(table, tmp)
        tmp.replace(self.path / f"part-{uuid.uuid4().hex}.parquet")  # readers never see half a file
        parts = self._parts()
        if len(parts) > _COMPACT_AFTER:
            self._compact(parts)

    def _compact(self, parts: list[Path]) -> None:
        import pyarrow.dataset as ds
        import pyarrow.parquet as pq

        table = ds.dataset([str(p) for p in parts], format="parquet").to_table()
        tmp = self.path / f".tmp-{uuid.uuid4().hex}.parquet"
        pq.write_table(table, tmp)
        tmp.replace(self.path / f"part-{uuid.uuid4().hex}.parquet")
        for p in parts:
            p.unlink(missing_ok=True)


def _encode(a: AnalyzedSentence) -> str:
    """Tokens with offsets relative to the sentence start (so a moved sentence still hits)."""
    base = a.sentence.start
    rows = [[getattr(t, f) - base if f in ("start", "end") else getattr(t, f) for f in _FIELDS]
            for t in a.tokens]
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


def _decode(payload: str, base: int) -> tuple[Token, ...]:
    out = []
    for row in json.loads(payload):
        vals = dict(zip(_FIELDS, row))
        vals["start"] += base
        vals["end"] += base
        out.append(Token(**vals))
    return tuple(out)
