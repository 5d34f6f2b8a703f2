"""Every `MARSAD_*` environment variable, in one typed object.

`Settings.from_env()` reads and checks them all (a bad value is a `ValueError` naming the variable);
each field's metadata gives its variable, parser and one-line doc, from which the README table
"Settings" is generated (`settings_table()`). Paths default relative to the working directory.
Nothing else in `pipelines/` or `assets/` reads a `MARSAD_*` variable.
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable, Mapping

EXECUTORS = ("multiprocess", "in_process", "k8s", "docker")


def _positive(kind: type) -> Callable[[str, str], Any]:
    def parse(name: str, raw: str) -> Any:
        try:
            value = kind(raw)
        except ValueError:
            value = 0
        if not (value > 0 and math.isfinite(value)):
            raise ValueError(f"{name}={raw!r}: give a positive {kind.__name__}")
        return value

    return parse


def _seconds(zero_is_none: bool) -> Callable[[str, str], float | None]:
    hint = "give a number of seconds (0 for no budget)" if zero_is_none else "give a number of seconds"

    def parse(name: str, raw: str) -> float | None:
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(f"{name}={raw!r}: {hint}") from None
        if value != value or value < 0 or math.isinf(value) and not zero_is_none:
            raise ValueError(f"{name}={raw!r}: {hint}")
        return None if zero_is_none and value == 0 else value

    return parse


def _size(name: str, raw: str) -> str:
    if not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", raw, re.IGNORECASE):
        raise ValueError(f"{name}={raw!r}: give a size such as 2GB or 512MB")
    return raw


def _choice(*allowed: str) -> Callable[[str, str], str]:
    def parse(name: str, raw: str) -> str:
        if raw not in allowed:
            raise ValueError(f"{name}={raw!r}: expected {', '.join(allowed[:-1])} or {allowed[-1]}")
        return raw

    return parse


def _path(name: str, raw: str) -> Path:
    return Path(raw).expanduser()


def _warehouse(name: str, raw: str) -> Path | str:
    """A DuckDB file, or `ducklake:<catalog>` (kept as written: it is a connection string)."""
    if raw.startswith("ducklake:"):
        if not raw[len("ducklake:"):].strip():
            raise ValueError(f"{name}={raw!r}: give the lake's catalog after ducklake: (e.g. ducklake:postgres:dbname=lake)")
        return raw
    return _path(name, raw)


def _var(env: str, default: Any, doc: str, parse: Callable[[str, str], Any] = _path,
         shown: str | None = None) -> Any:
    """A field read from `env`; `shown` is the default as the README table writes it."""
    meta = {"env": env, "doc": doc, "parse": parse, "shown": shown}
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Settings:
    """One field per `MARSAD_*` variable (see the README table "Settings")."""

    landing_dir: Path = _var("MARSAD_LANDING_DIR", Path("samples"),
                             "landing folder the Dagster assets (and `make demo`) read new articles from")
    warehouse: Path | str = _var("MARSAD_WAREHOUSE", Path("data/warehouse.duckdb"),
                                 "the DuckDB warehouse file (`marsad load`, `marsad sql`, the assets), or "
                                 "`ducklake:<catalog>` for a DuckLake (e.g. `ducklake:postgres:dbname=lake host=...`)",
                                 _warehouse)
    lake_data_path: Path | None = _var("MARSAD_LAKE_DATA_PATH", None,
                                       "folder of a DuckLake warehouse's Parquet files (needed when the lake is created)",
                                       shown="unset")
    stage_dir: Path | None = _var("MARSAD_STAGE_DIR", None,
                                  "where Dagster keeps the outputs passed between stages",
                                  shown="`marsad/` in Dagster's storage folder")
    nlp_cache: Path | None = _var("MARSAD_NLP_CACHE", None,
                                  "folder of the sentence-analysis cache (Parquet)",
                                  shown="`nlp_cache/` beside the warehouse")
    cache_dir: Path = _var("MARSAD_CACHE_DIR", Path("~/.cache/marsad").expanduser(),
                           "folder of the built gazetteer index", shown="`~/.cache/marsad`")
    stanza_dir: Path | None = _var("MARSAD_STANZA_DIR", None,
                                   "stanza's official Arabic models; unset: the offline analyzer",
                                   shown="unset")
    sql_dir: Path | None = _var("MARSAD_SQL_DIR", None, "folder of the migrations and views",
                                shown="the repo's `sql/`")
    sql_timeout_seconds: float = _var("MARSAD_SQL_TIMEOUT_SECONDS", 30.0,
                                      "a `marsad sql` query running longer is stopped", _positive(float))
    sql_memory_limit: str = _var("MARSAD_SQL_MEMORY_LIMIT", "2GB",
                                 "DuckDB memory limit of a `marsad sql` query (no spilling to disk)", _size)
    sql_threads: int = _var("MARSAD_SQL_THREADS", 2, "DuckDB threads per `marsad sql` query", _positive(int))
    sql_max_rows: int = _var("MARSAD_SQL_MAX_ROWS", 10_000, "rows `marsad sql` prints at most", _positive(int))
    article_time_budget_seconds: float | None = _var(
        "MARSAD_ARTICLE_TIME_BUDGET_SECONDS", 60.0,
        "an article's extraction time budget; past it the article is quarantined (0: none)", _seconds(True))
    max_article_bytes: int = _var("MARSAD_MAX_ARTICLE_BYTES", 2 * 1024 * 1024,
                                  "largest article text in UTF-8 bytes", _positive(int), shown="2 MiB")
    max_read_bytes: int = _var("MARSAD_MAX_READ_BYTES", 16 * 1024 * 1024,
                               "hard cap on one file or JSONL line held in memory", _positive(int),
                               shown="16 MiB")
    min_file_age_seconds: float = _var("MARSAD_MIN_FILE_AGE_SECONDS", 0.0,
                                       "files modified more recently wait for the next run", _seconds(False))
    oversize: str = _var("MARSAD_OVERSIZE", "quarantine",
                         "an article over the size limit: `quarantine` or `split`",
                         _choice("quarantine", "split"))
    quarantine_dir: Path | None = _var("MARSAD_QUARANTINE_DIR", None,
                                       "folder that also gets copies of rejected inputs",
                                       shown="none: the `quarantine` table only")
    quarantine_mode: str = _var("MARSAD_QUARANTINE_MODE", "copy",
                                "rejected inputs are `copy`-ed or `move`-d to the quarantine folder",
                                _choice("copy", "move"))
    executor: str = _var("MARSAD_EXECUTOR", "multiprocess",
                         "how a Dagster run executes its steps: " + ", ".join(EXECUTORS), _choice(*EXECUTORS))
    shared_dir: Path | None = _var("MARSAD_SHARED_DIR", None,
                                   "corpus and gold files the training recipes, benchmarks and tests read",
                                   shown="`../shared` beside the repo")
    max_processes: int | None = _var("MARSAD_MAX_PROCESSES", None,
                                     "step processes (or pods) of a run at once", _positive(int),
                                     shown="one per core")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Every variable from `environ` (default `os.environ`); unset or empty means the default."""
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = (environ.get(f.metadata["env"]) or "").strip()
            if raw:
                values[f.name] = f.metadata["parse"](f.metadata["env"], raw)
        return cls(**values)

    def nlp_cache_path(self, warehouse: str | os.PathLike | None = None) -> Path:
        """`MARSAD_NLP_CACHE`, else `nlp_cache/` beside `warehouse` (default: this warehouse)."""
        if self.nlp_cache is not None:
            return self.nlp_cache
        if str(warehouse if warehouse is not None else self.warehouse).startswith("ducklake:"):
            return (self.lake_data_path or Path("data/lake")).parent / "nlp_cache"
        return Path(warehouse if warehouse is not None else self.warehouse).expanduser().parent / "nlp_cache"


def variables() -> list[str]:
    return [f.metadata["env"] for f in fields(Settings)]


def settings_table() -> str:
    """The README table "Settings", from the field docs."""
    rows = ["| Variable | Default | What it does |", "| --- | --- | --- |"]
    for f in fields(Settings):
        shown = f.metadata["shown"]
        if shown is None:
            shown = f"`{f.default:g}`" if isinstance(f.default, float) else f"`{f.default}`"
        rows.append(f"| `{f.metadata['env']}` | {shown} | {f.metadata['doc']} |")
    return "\n".join(rows) + "\n"
