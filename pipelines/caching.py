"""Every cache of the library, explicit: what is loaded once per process, and what a run remembers.

Two kinds, each registered here by name (`module.function`) so it can be listed, measured, reset:

* **Resources** (`@resource`): lexicons, gazetteer indexes, learned models. Loaded on first use,
  then shared by every run of the process. They are immutable data: no caller changes what it is
  given. `reset_resources()` drops them all (for tests that change a file or a variable a loader
  reads).
* **Memos** (`@memo(maxsize)`): bounded caches of pure functions of one word or one text (stems,
  segmentation, normalisation, gazetteer scans, ...). A memo never changes a result, only how
  long it takes. Their contents belong to the run in progress (`RunCaches`): a run starts with
  them empty, counts each one's hits and misses, and empties them when it ends. Memos of scope
  `"text"` (work on one sentence that analysis and extraction of the same articles share) are
  also emptied after each chunk of articles (`RunCaches.chunk_done`), so they hold the chunk
  being processed whatever its size; their bound (`TEXT_MEMO_SIZE` unless given) is a memory
  guard for callers that run outside a `RunCaches`, and `stats()` says when a chunk filled one.

The memo and resource wrappers are `functools.lru_cache` objects (C speed, `cache_info()` and
`cache_clear()` as usual); this module only registers them and scopes their contents.
"""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import Any, Callable, Literal, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
Scope = Literal["run", "text"]

TEXT_MEMO_SIZE = 16384  # texts (sentences) one chunk of articles may hold per "text" memo

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Memo:
    cached: Any  # the functools.lru_cache wrapper
    scope: Scope


_MEMOS: dict[str, _Memo] = {}
_RESOURCES: dict[str, Any] = {}


def _name(fn: Callable[..., Any]) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def memo(maxsize: int | None = None, *, scope: Scope = "run") -> Callable[[F], F]:
    """Memoise a pure function of a word (`scope="run"`: kept for the run, bound `maxsize`) or of
    a text (`scope="text"`: kept for the chunk, bound `maxsize` or `TEXT_MEMO_SIZE`)."""
    if scope == "text" and maxsize is None:
        maxsize = TEXT_MEMO_SIZE

    def register(fn: F) -> F:
        cached = functools.lru_cache(maxsize=maxsize)(fn)
        _MEMOS[_name(fn)] = _Memo(cached, scope)
        return cached  # type: ignore[return-value]

    return register


def resource(fn: F | None = None, *, maxsize: int = 1) -> Any:
    """Load once per process (per argument tuple, keeping the last `maxsize`): `@resource` or
    `@resource(maxsize=2)`. What it returns is shared: treat it as immutable."""

    def register(f: F) -> F:
        cached = functools.lru_cache(maxsize=maxsize)(f)
        _RESOURCES[_name(f)] = cached
        return cached  # type: ignore[return-value]

    return register(fn) if fn is not None else register


def memos() -> dict[str, Scope]:
    """Registered memo name -> scope (those of modules imported so far)."""
    return {name: m.scope for name, m in _MEMOS.items()}


def resources() -> dict[str, bool]:
    """Registered resource name -> whether it is loaded now."""
    return {name: cached.cache_info().currsize > 0 for name, cached in _RESOURCES.items()}


def reset_resources() -> None:
    """Drop every loaded resource; the next use loads it again (tests)."""
    for cached in _RESOURCES.values():
        cached.cache_clear()


@dataclass
class CacheStats:
    """One memo's counts over a run: hits, misses, and the most entries it held at once."""

    hits: int = 0
    misses: int = 0
    peak: int = 0
    maxsize: int | None = None

    @property
    def filled(self) -> bool:
        """It reached its bound (older entries were dropped for newer ones)."""
        return self.maxsize is not None and self.peak >= self.maxsize


_active: RunCaches | None = None


class RunCaches:
    """The memo caches of one run, as a context: `with RunCaches() as caches:` empties the memos,
    `caches.chunk_done()` after each chunk of articles empties the `"text"` ones, and leaving the
    context empties them all and logs `stats()`. Entering the run that is already open again
    (`RunCaches.current()` inside a run) nests: only the outermost exit ends it."""

    def __init__(self) -> None:
        self._stats: dict[str, CacheStats] = {}
        self._depth = 0

    @staticmethod
    def current() -> RunCaches:
        """The run in progress, or a new one."""
        return _active or RunCaches()

    def __enter__(self) -> RunCaches:
        global _active
        if self._depth == 0:
            if _active is not None and _active is not self:
                raise RuntimeError("another RunCaches is open: use RunCaches.current()")
            _active = self
            self._drain("run", count=False)
        self._depth += 1
        return self

    def __exit__(self, *exc: object) -> None:
        global _active
        self._depth -= 1
        if self._depth == 0:
            self._drain("run")
            _active = None
            log.info("caches of the run: %s", self.metadata())

    def chunk_done(self) -> None:
        """Empty the `"text"` memos: the next chunk's sentences are other sentences."""
        self._drain("text")

    def _drain(self, scope: Scope, count: bool = True) -> None:
        """Add the memos' counts to the run's (when `count`) and empty them: all of them when
        `scope` is "run", the "text" ones when it is "text"."""
        for name, m in _MEMOS.items():
            if scope == "run" or m.scope == "text":
                if count:
                    self._stats[name] = self._counted(name, m)
                m.cached.cache_clear()

    def _counted(self, name: str, m: _Memo) -> CacheStats:
        """The run's counts for one memo: those emptied so far plus what it holds now."""
        info = m.cached.cache_info()
        done = self._stats.get(name, CacheStats(maxsize=info.maxsize))
        return CacheStats(done.hits + info.hits, done.misses + info.misses,
                          max(done.peak, info.currsize), info.maxsize)

    def stats(self) -> dict[str, CacheStats]:
        """Counts per memo over the run so far (the memos are counted while the run is open)."""
        if self._depth == 0:
            return dict(self._stats)
        return {name: self._counted(name, m) for name, m in _MEMOS.items()}

    def metadata(self) -> dict[str, dict[str, Any]]:
        """`stats()` as plain values, for a run's log or an asset's metadata (memos used only)."""
        return {name: {"hits": s.hits, "misses": s.misses, "peak": s.peak, "maxsize": s.maxsize,
                       "filled": s.filled}
                for name, s in sorted(self.stats().items()) if s.hits or s.misses}
