"""Resources: the landing folder, the DuckDB warehouse, and the IO manager between stages.

Paths come from `pipelines.settings` (`MARSAD_LANDING_DIR`, `MARSAD_WAREHOUSE`) when the code
location loads, so the same definitions serve `make demo`, `make ui` and a deployment.
"""
from __future__ import annotations

import os
import pickle
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import dagster as dg
import duckdb

from pipelines.caching import RunCaches
from pipelines.ingest import IngestResult, IngestSettings, read_landing
from pipelines.settings import Settings
from pipelines.versioning import Version
from pipelines.warehouse import lake



def default_landing_dir() -> str:
    return str(Settings.from_env().landing_dir)


def default_warehouse_path() -> str:
    return str(Settings.from_env().warehouse)


class LandingFolder(dg.ConfigurableResource):
    """The folder new articles are dropped into (`.txt` pages, `.html`, `.jsonl` records)."""

    path: str

    @property
    def dir(self) -> Path:
        return Path(self.path)

    def settings(self) -> IngestSettings:
        """Ingest limits from the `MARSAD_*` variables (as for `marsad load`). Rejected inputs are recorded
        in the `quarantine` asset and warehouse table; copies of them are also written to a folder
        only when `MARSAD_QUARANTINE_DIR` says where (never next to the landing folder by default)."""
        return IngestSettings.from_env(self.dir, default_quarantine=False)

    def read(self) -> IngestResult:
        if not self.dir.is_dir():
            raise FileNotFoundError(f"landing folder {self.dir} does not exist (set MARSAD_LANDING_DIR)")
        return read_landing(self.dir, self.settings())


class Caches(dg.ConfigurableResource):
    """The library's memo caches (`pipelines.caching.RunCaches`), owned by the execution that uses
    this resource: empty when it starts, emptied when it ends, their hits and misses logged then.
    An asset that takes it reports `metadata()` (the counts so far)."""

    log_stats: bool = True  # log each memo's counts when the execution ends

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator[Caches]:
        with RunCaches.current() as run:
            yield self
        if self.log_stats and context.log is not None:
            context.log.info(f"memo caches: {run.metadata()}")

    def metadata(self) -> dict[str, Any]:
        return {"caches": dg.MetadataValue.json(RunCaches.current().metadata())}


@dataclass
class LoadedFile:
    """One landing file's rows in the warehouse (`Warehouse.loaded_from`)."""

    articles: set[tuple[str, str, str]] = field(default_factory=set)  # (day, article_id, content_hash)
    quarantined_lines: set[int | None] = field(default_factory=set)

    @property
    def days(self) -> set[str]:
        return {day for day, _, _ in self.articles}


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse file, and the two ways the assets touch it.

    * `load`: the writer (one transaction for all the run's days, then the read snapshot is
      republished, all under `pipelines.warehouse.writer_lock`); the load also runs the data checks
      (`pipelines.warehouse.checks`: the event checks before writing, the schema and orphan checks
      on what it committed, still under the writer lock). Every asset that writes is in the
      `duckdb_warehouse` pool (limit 1, see dagster.yaml) and retries on lock errors.
    * `read_snapshot`: what display reads use (metadata totals, previews, chart inputs). It opens the
      published snapshot (`snapshot_path`) read-only through `connect_readonly`, so it never takes
      DuckDB's file lock or the writer lock: an analyst's `marsad load` or another run keeps writing.
      It may be one load behind a concurrent writer, which is fine for display.
    """

    path: str

    @property
    def file(self) -> Path:
        return Path(self.path)

    @property
    def home(self) -> Path:
        """The folder beside the warehouse (charts go there): the file's, or the lake's data folder's parent."""
        if lake.is_lake(self.path):
            return (Settings.from_env().lake_data_path or Path("data/lake")).expanduser().resolve().parent
        return self.file.parent

    @contextmanager
    def read_snapshot(self) -> Iterator[duckdb.DuckDBPyConnection]:
        from pipelines.warehouse import connect_readonly

        con = connect_readonly(self.path)
        try:
            yield con
        finally:
            con.close()

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple]:
        """A display query on the published snapshot."""
        with self.read_snapshot() as con:
            return con.execute(sql, params or []).fetchall()

    def loaded_from(self, origins: Sequence[str]) -> dict[str, "LoadedFile"]:
        """What the warehouse holds from each of these landing files (by `origin`): its articles as
        (partition day, article id, content hash) and its quarantined lines. Read from the published
        snapshot, so whoever loaded it — a Dagster run, `make demo` or `marsad load` — counts."""
        out: dict[str, LoadedFile] = {o: LoadedFile() for o in origins}
        if not origins or not (lake.is_lake(self.path) or self.file.exists()):
            return out
        with self.read_snapshot() as con:
            for origin, day, article_id, digest in con.execute(
                    "SELECT origin, partition_day::VARCHAR, article_id, content_hash FROM articles"
                    " WHERE origin IN (SELECT unnest(?))", [list(origins)]).fetchall():
                out[origin].articles.add((day, article_id, digest))
            for origin, line in con.execute(
                    "SELECT origin, line FROM quarantine WHERE origin IN (SELECT unnest(?))",
                    [list(origins)]).fetchall():
                out[origin].quarantined_lines.add(line)
        return out

    def chart_data_version(self) -> str:
        """Content hash of the rows the trend charts are drawn from (read from the snapshot).

        It changes exactly when a chart would change, so re-loading a day with the same data, or a
        load that only touches tables the charts do not read, leaves the charts fresh.
        """
        from pipelines.warehouse.charts import CHART_QUERIES

        version = Version()
        with self.read_snapshot() as con:
            for name, (sql, _) in sorted(CHART_QUERIES.items()):
                version.text(name, repr(con.execute(sql).fetchall()))
        return version.digest()

    def load(self, by_day: Mapping[str, Sequence[Any]], quarantined: Sequence[Any] = ()) -> Any:
        """Replace exactly the given days' rows, all days in one transaction with one re-clustering,
        then publish the read snapshot once (see `pipelines.warehouse.load_partitions`)."""
        from pipelines.warehouse import load_partitions

        if not lake.is_lake(self.path):
            self.file.parent.mkdir(parents=True, exist_ok=True)
        return load_partitions(self.path, {k: list(v) for k, v in by_day.items()}, list(quarantined))


class _PartitionedPickles(dg.IOManager):
    def __init__(self, base: Path):
        self.base = base

    def _path(self, key: dg.AssetKey, partition: str | None) -> Path:
        folder = self.base.joinpath(*key.path)
        return folder / f"{partition}.pickle" if partition is not None else folder.with_suffix(".pickle")

    def handle_output(self, context: dg.OutputContext, obj: Any) -> None:
        if obj is None:
            return
        if not context.has_asset_partitions:
            self._write(self._path(context.asset_key, None), obj)
            return
        missing = set(context.asset_partition_keys) - set(obj)
        if missing:
            raise ValueError(f"{context.asset_key.to_user_string()}: no value for partitions {sorted(missing)}")
        for key in context.asset_partition_keys:
            self._write(self._path(context.asset_key, key), obj[key])

    def load_input(self, context: dg.InputContext) -> Any:
        key = context.asset_key
        if not context.has_asset_partitions:
            return self._read(self._path(key, None))
        return {p: self._read(self._path(key, p)) for p in context.asset_partition_keys}

    @staticmethod
    def _write(path: Path, obj: Any) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)  # atomic: a concurrent reader never sees half a file

    @staticmethod
    def _read(path: Path) -> Any:
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing: materialise the upstream partition first")
        return pickle.loads(path.read_bytes())


class PartitionedPickleIOManager(dg.ConfigurableIOManagerFactory):
    """Pickles stage outputs one file per daily partition, under the instance's storage folder.

    Dagster's filesystem IO manager stores one file per *run*'s partition and refuses a run that
    covers a range of partitions; this one takes a `{partition_key: value}` dict, so a backfill can
    run a month of partitions in one run (see `BackfillPolicy` on the assets) and a later
    single-day run reads or replaces just its own day. Files live on local disk, so every step of a
    multiprocess run can read what the previous step wrote.
    """

    base_dir: str | None = None

    def create_io_manager(self, context: dg.InitResourceContext) -> dg.IOManager:
        base = Path(self.base_dir) if self.base_dir else Path(context.instance.storage_directory()) / "marsad"
        return _PartitionedPickles(base)
