"""Loading ArticleResults into the DuckDB warehouse, and publishing the read snapshot.

Concurrency design: only the writer opens `warehouse.duckdb` (DuckDB allows one writing process;
a second writer fails fast with a lock error). Each load (`load_results`, or `load_partitions` for
several partition days at once) is ONE transaction with ONE re-clustering; after it commits, the
writer checkpoints, closes, copies the file to a temporary name in the same folder and
`os.replace`s it onto `<name>.snapshot.duckdb`. Readers (`marsad sql`, analysts, exports) open
the snapshot read-only: a rename is atomic, so a reader sees the previous complete load or the new
one, never a half-written file, and an open reader keeps its old file until it reconnects. A writer
killed mid-load leaves `warehouse.duckdb` as before the transaction (DuckDB's WAL) and the snapshot
untouched; the next load republishes.
"""
from __future__ import annotations

import fcntl
import glob
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

import duckdb
import polars as pl

from pipelines.days import partition_day
from pipelines.isolation import split_quarantined
from pipelines.records import Article, Quarantined
from pipelines.warehouse import checks, lake
from pipelines.warehouse.dedup import UNDATED_DAYS, _prepare, deduplicate
from pipelines.warehouse.frames import ROLES, Frames, build_frames, to_frame
from pipelines.warehouse.schema import apply_migrations, rollback

SNAPSHOT_SUFFIX = ".snapshot.duckdb"

EVENT_COLUMNS = (
    "event_id", "event_type", "mode", "event_date", "date_value", "time_precision", "date_source", "month",
    "location_key", "location_name", "country", "admin1", "lat", "lon", "geonameid", "geo_precision",
    "actor_code", "actor_name", "actor_country", "target_code", "target_name", "target_country",
    *[c for r in ROLES for c in (r, f"{r}_max")],
    "confidence", "n_mentions", "n_articles", "n_sources", "first_reported", "last_reported",
    "anchor_mention", "mention_ids", "article_ids", "source_urls", "sources",
)
_EVENT_SCHEMA = {
    "event_date": pl.Date, "first_reported": pl.Date, "last_reported": pl.Date, "lat": pl.Float64,
    "lon": pl.Float64, "geonameid": pl.Int64, "confidence": pl.Float64, "n_mentions": pl.Int32,
    "n_articles": pl.Int32, "n_sources": pl.Int32, "mention_ids": pl.List(pl.Utf8),
    "article_ids": pl.List(pl.Utf8), "source_urls": pl.List(pl.Utf8), "sources": pl.List(pl.Utf8),
    **{c: pl.Int64 for r in ROLES for c in (r, f"{r}_max")},
}


@dataclass
class DayCounts:
    """One partition day of a load: rows written, and stored articles it replaced (deleted first)."""

    articles: int = 0
    mentions: int = 0
    quantities: int = 0
    replaced: int = 0


@dataclass
class LoadStats:
    """What one load did (incoming counts) and the warehouse totals after it."""

    articles: int = 0
    sentences: int = 0
    mentions: int = 0
    quantities: int = 0
    quarantined: int = 0
    replaced_articles: int = 0  # articles deleted before insert (re-delivered or same partition)
    affected_types: list[str] = field(default_factory=list)
    total_articles: int = 0
    total_mentions: int = 0
    total_events: int = 0
    partition_key: str | None = None  # the partition day, when the load covered exactly one
    seconds: float = 0.0
    snapshot: str = ""
    partition_keys: list[str] = field(default_factory=list)  # every partition day the load replaced
    by_day: dict[str, DayCounts] = field(default_factory=dict)  # per partition day (see DayCounts)
    # the data checks the load ran (`pipelines.warehouse.checks`): the event checks by partition day,
    # and the warehouse checks on what it committed
    event_checks: dict[str, list[checks.CheckResult]] = field(default_factory=dict)
    refused: list[tuple[str, checks.CheckResult]] = field(default_factory=list)  # days a check refused
    warehouse_checks: list[checks.CheckResult] = field(default_factory=list)


def snapshot_path(db_path: str | os.PathLike) -> Path:
    """Where readers find the published copy of the warehouse (`x.duckdb` -> `x.snapshot.duckdb`)."""
    p = Path(db_path)
    if lake.is_lake(db_path) or p.name.endswith(SNAPSHOT_SUFFIX):  # a lake's readers read its last commit
        return p
    return p.with_name((p.name[:-len(".duckdb")] if p.name.endswith(".duckdb") else p.name) + SNAPSHOT_SUFFIX)


class WarehouseBusy(RuntimeError):
    """Another process kept the warehouse's writer lock longer than we were willing to wait."""


@contextmanager
def writer_lock(db_path: str | os.PathLike, timeout: float = 900.0) -> Iterator[None]:
    """Exclusive lock over load + publish, so no process copies the file while another writes it.

    DuckDB's own lock covers an open connection only; the snapshot copy happens after close.
    A DuckLake takes concurrent writers (`pipelines.warehouse.lake`): no lock.
    """
    if lake.is_lake(db_path):
        yield
        return
    lock_path = Path(str(db_path) + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as fh:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise WarehouseBusy(f"{db_path} is being written by another process (waited {timeout:.0f}s)")
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def publish_snapshot(db_path: str | os.PathLike) -> Path:
    """Atomically replace the read snapshot with a copy of the warehouse (under the writer lock)."""
    with writer_lock(db_path):
        return _publish(db_path)


def _publish(db_path: str | os.PathLike) -> Path:
    """Copy to a temporary name in the snapshot's folder, fsync, `os.replace` (atomic), fsync the folder.

    Readers only ever open the snapshot, so the writer never waits for them: a reader holding the old
    snapshot keeps reading it (the rename unlinks its name, not its open file).
    """
    if lake.is_lake(db_path):
        return snapshot_path(db_path)
    src = Path(db_path)
    wal = Path(str(src) + ".wal")
    if wal.exists():  # a previous writer died after commit: fold the WAL in before copying
        with duckdb.connect(str(src)) as con:
            con.execute("CHECKPOINT")
    dst = snapshot_path(src)
    for stale in dst.parent.glob(f".{glob.escape(dst.name)}.*.tmp"):  # copies of publishers killed mid-copy
        stale.unlink(missing_ok=True)  # (we hold the writer lock: no other publisher is copying)
    tmp = dst.with_name(f".{dst.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(src, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)
    dir_fd = os.open(dst.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return dst


def connect_writer(db_path: str | os.PathLike) -> duckdb.DuckDBPyConnection:
    """The single writing connection, with the schema migrated."""
    if lake.is_lake(db_path):
        return lake.connect_writer(str(db_path))
    Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db_path))
    try:
        apply_migrations(con)
    except BaseException:
        con.close()
        raise
    return con


def load_results(
    db_path: str | os.PathLike,
    results: Sequence,
    quarantined: Iterable[Quarantined] = (),
    partition_key: str | None = None,
    *,
    publish: bool = True,
    check: bool = True,
) -> LoadStats:
    """Load processed articles in one transaction, re-deduplicate affected events, publish a snapshot.

    Idempotent: an article already stored is replaced by its new version (same input -> same rows).
    With `partition_key` ("YYYY-MM-DD"), every stored article of that partition day is replaced by
    this input (so a re-run of a day drops articles no longer delivered). An article without a
    publication date belongs to the partition key, else to the day its file landed
    (`pipelines.days`); once stored it keeps its day. One day of `load_partitions`.
    """
    return load_partitions(db_path, {partition_key: results}, quarantined, publish=publish, check=check)


def load_partitions(
    db_path: str | os.PathLike,
    by_partition: Mapping[str | None, Sequence],
    quarantined: Iterable[Quarantined] = (),
    *,
    publish: bool = True,
    check: bool = True,
) -> LoadStats:
    """Load several partition days (`{"YYYY-MM-DD": results}`) in ONE transaction, re-cluster once.

    Every stored article of the given days is deleted, then every given article inserted: a day
    re-delivered without an article drops it, a day given empty is emptied, other days are
    untouched. An undated article keeps the day it is stored under, else takes the first key it is
    given under; an article given under two keys is stored once, in its last version. That is what
    `load_results(results, partition_key=day)` day after day gives, but all or nothing (a failure
    leaves every day as it was), with one re-clustering and one snapshot copy, which cost about as
    much for one day as for a month. The key None means "no partition": only the given articles are
    replaced, each on its own day (`pipelines.days.partition_day`: published, else the day its file
    landed).

    The data checks (`pipelines.warehouse.checks`) run here, for every caller (`marsad load`, the
    Dagster `warehouse` asset): the event checks of each day first, then the warehouse checks on what
    was committed, under the writer lock. A day a check blocks is left out (its stored rows stay as
    they were; the days and checks are in `LoadStats.refused`) and the other days load, as daily
    Dagster runs would give; when every given day is blocked, `ChecksFailed` is raised and nothing is
    written. Failures are logged; the results are in `LoadStats`. `check=False` loads without the
    event checks' gate (tests of the load itself on data the checks would stop).
    """
    t0 = time.perf_counter()
    days = [(date.fromisoformat(k) if k else None, list(rs)) for k, rs in by_partition.items()]
    event_results = _event_checks(days) if check else {}
    checks.log_failures(event_results)
    refused = checks.blocking(event_results)
    if refused:
        days = _without_days(days, {day for day, _ in refused})
        if not days:
            raise checks.ChecksFailed(refused)
    keys = [d.isoformat() for d, _ in days if d is not None]
    with writer_lock(db_path):
        quarantined = list(quarantined)  # a lake load that lost a commit race runs again
        stats = lake.retry_conflicts(lambda: _load_locked(db_path, days, quarantined))
        stats.partition_keys = keys
        stats.partition_key = keys[0] if len(keys) == 1 else None
        if publish:
            stats.snapshot = str(_publish(db_path))
    stats.event_checks = event_results
    stats.refused = refused
    stats.seconds = round(time.perf_counter() - t0, 3)
    return stats


def _without_days(days: list[tuple[date | None, list]], refused: set[str]) -> list[tuple[date | None, list]]:
    """The given days but the refused ones: a refused partition key is left out whole (its stored
    rows stay as they were); articles given without a key are left out when their own day is refused."""
    out = []
    for day, outcomes in days:
        if day is None:
            kept = [r for r in outcomes if isinstance(r, Quarantined)  # a failed stage still goes to quarantine
                    or partition_day(r.clean.article).isoformat() not in refused]
            if kept:
                out.append((None, kept))
        elif day.isoformat() not in refused:
            out.append((day, outcomes))
    return out


def _event_checks(days: list[tuple[date | None, list]]) -> dict[str, list[checks.CheckResult]]:
    """The event checks of each partition day given (articles given without a day are judged with
    the others of their own day, as Dagster judges its partitions)."""
    by_day: dict[date, list] = {}
    for day, outcomes in days:
        for r in split_quarantined(outcomes)[0]:
            by_day.setdefault(day or partition_day(r.clean.article), []).append(r)
    return {d.isoformat(): checks.event_checks(rs) for d, rs in sorted(by_day.items())}


def _load_locked(db_path, days: list[tuple[date | None, list]], quarantined: Iterable[Quarantined]) -> LoadStats:
    quarantined = list(quarantined)
    split = []  # a day's outcomes may hold articles that failed a stage (pipelines.process)
    for day, outcomes in days:
        results, failed = split_quarantined(outcomes)
        split.append((day, results))
        quarantined += failed
    days = split
    last_given: dict[str, int] = {}  # article id -> index of the last day that delivered it
    first_day: dict[str, date] = {}  # article id -> first day that delivered it (its ingest day)
    for i, (day, results) in enumerate(days):
        for r in results:
            last_given[r.clean.article.article_id] = i
            first_day.setdefault(r.clean.article.article_id, day or partition_day(r.clean.article))
    results = [r for i, (_, rs) in enumerate(days) for r in rs if last_given[r.clean.article.article_id] == i]
    con = connect_writer(db_path)
    try:
        undated = [r.clean.article.article_id for r in results if r.clean.article.published is None]
        known_days: dict[str, date] = {}
        if undated:
            known_days = dict(con.execute(
                "SELECT article_id, partition_day FROM articles WHERE article_id IN (SELECT unnest(?))",
                [undated]).fetchall())

        def partition_day_of(art: Article) -> date:
            return art.published or known_days.get(art.article_id) or first_day[art.article_id]

        frames = build_frames(results, quarantined, partition_day_of)
        frames = frames.without(_null_violations(con, frames), "load")
        con.execute("BEGIN TRANSACTION")
        try:
            if lake.is_lake(db_path):
                lake.claim_commit(con)
            stats = _load(con, frames, sorted({d for d, _ in days if d is not None}))
            con.execute("COMMIT")
        except BaseException:
            rollback(con)
            raise
        if not lake.is_lake(db_path):
            con.execute("CHECKPOINT")
        # judged on what this load committed, before any other writer can change it
        stats.warehouse_checks = checks.warehouse_checks(con)
        checks.log_failures({"warehouse": stats.warehouse_checks})
    finally:
        con.close()
    return stats


def _null_violations(con: duckdb.DuckDBPyConnection, f: Frames) -> dict[str, str]:
    """Stage "load": article id -> why its rows would break the load (a NULL where the warehouse's
    DDL says NOT NULL), so that article is quarantined and the others load."""
    bad: dict[str, str] = {}
    for table, frame in (("articles", f.articles), ("sentences", f.sentences), ("event_mentions", f.mentions),
                         ("event_quantities", f.quantities)):
        required = [c for (c,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = ?"
            " AND NOT is_nullable", [table]).fetchall() if c in frame.columns]
        if not required or frame.is_empty():
            continue
        nulls = frame.filter(pl.any_horizontal(pl.col(required).is_null()))
        for row in nulls.select("article_id", *[c for c in required if c != "article_id"]).iter_rows(named=True):
            column = next((c for c in required if row.get(c, 0) is None), "article_id")
            if row["article_id"] is not None:
                bad.setdefault(row["article_id"], f"{table}.{column} is NULL (NOT NULL in the warehouse)")
    return bad


def _load(con: duckdb.DuckDBPyConnection, f: Frames, key_days: list[date]) -> LoadStats:
    con.register("new_articles", f.articles.to_arrow())
    con.register("new_sentences", f.sentences.to_arrow())
    con.register("new_mentions", f.mentions.to_arrow())
    con.register("new_quantities", f.quantities.to_arrow())
    con.register("new_quarantine", f.quarantine.to_arrow())
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE doomed AS "
            "SELECT article_id FROM new_articles UNION "
            "SELECT article_id FROM articles WHERE partition_day IN (SELECT unnest(?::DATE[]))", [key_days])
        by_day = {d: DayCounts() for d in key_days}
        for day, articles, mentions, quantities, replaced in con.execute(
            "SELECT partition_day, count(*) FILTER (WHERE is_new), sum(n_mentions) FILTER (WHERE is_new),"
            " sum(n_quantities) FILTER (WHERE is_new), count(*) FILTER (WHERE NOT is_new) FROM ("
            "  SELECT partition_day, n_mentions,"
            "   (SELECT count(*) FROM new_quantities q WHERE q.article_id = a.article_id) AS n_quantities,"
            "   true AS is_new FROM new_articles a"
            "  UNION ALL SELECT partition_day, 0, 0, false FROM articles"
            "   WHERE article_id IN (SELECT article_id FROM doomed))"
            " GROUP BY partition_day").fetchall():
            by_day[day] = DayCounts(articles, mentions or 0, quantities or 0, replaced)
        affected = sorted({t for (t,) in con.execute(
            "SELECT DISTINCT event_type FROM event_mentions WHERE article_id IN (SELECT article_id FROM doomed) "
            "UNION SELECT DISTINCT event_type FROM new_mentions").fetchall()})
        since, stale = con.execute(
            f"SELECT min({_REPORT_DAY}), list(DISTINCT m.event_id) FILTER (WHERE m.event_id IS NOT NULL)"
            " FROM event_mentions m JOIN articles a USING (article_id)"
            " WHERE m.article_id IN (SELECT article_id FROM doomed)").fetchone()
        (new_since,) = con.execute(
            "SELECT min(coalesce(published, partition_day)) FROM new_articles"
            " WHERE article_id IN (SELECT article_id FROM new_mentions)").fetchone()
        since = min(d for d in (since, new_since) if d is not None) if (since or new_since) else None
        for table in ("event_quantities", "event_mentions", "sentences", "articles"):
            con.execute(f"DELETE FROM {table} WHERE article_id IN (SELECT article_id FROM doomed)")
        con.execute("INSERT INTO articles BY NAME SELECT * FROM new_articles")
        con.execute("INSERT INTO sentences BY NAME SELECT * FROM new_sentences")
        con.execute("INSERT INTO event_mentions BY NAME SELECT * FROM new_mentions")
        con.execute("INSERT INTO event_quantities BY NAME SELECT * FROM new_quantities")
        con.execute(
            "INSERT INTO quarantine BY NAME SELECT *, current_timestamp::TIMESTAMP AS \"at\" FROM new_quarantine "
            "WHERE quarantine_id NOT IN (SELECT quarantine_id FROM quarantine)")
        if affected and since is not None:
            rebuild_events(con, affected, since=since, stale_events=stale or ())
        rebuild_dimensions(con)
    finally:
        for name in ("new_articles", "new_sentences", "new_mentions", "new_quantities", "new_quarantine"):
            con.unregister(name)
        con.execute("DROP TABLE IF EXISTS doomed")
    totals = con.execute(
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM event_mentions), "
        "(SELECT count(*) FROM events)").fetchone()
    return LoadStats(
        articles=f.articles.height, sentences=f.sentences.height, mentions=f.mentions.height,
        quantities=f.quantities.height, quarantined=f.quarantine.height,
        replaced_articles=sum(c.replaced for c in by_day.values()), affected_types=affected,
        total_articles=totals[0], total_mentions=totals[1], total_events=totals[2],
        by_day={d.isoformat(): by_day[d] for d in sorted(by_day)})


_MENTION_FIELDS = (
    "m.mention_id, m.article_id, m.sentence_index, m.event_type, m.mode, m.modality, m.confidence,"
    " m.trigger_start, m.actor_code, m.actor_name, m.actor_country, m.target_code, m.target_name,"
    " m.target_country, m.location_key, m.location_name, m.country, m.admin1, m.lat, m.lon, m.geonameid,"
    " m.geo_precision, m.date_value, m.date_precision, m.date_source, m.date_from, m.date_to, m.event_id, m.act_id,"
    " a.published, a.partition_day, a.url, a.source"
)
_REPORT_DAY = "coalesce(a.published, a.partition_day)"


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def rebuild_events(con: duckdb.DuckDBPyConnection, event_types: list[str] | None = None,
                   since: date | None = None, stale_events: Iterable[str] = ()) -> int:
    """Recompute the clusters of the given event types (all when None) from the stored mentions.

    Clustering is per type and greedy in report order, so it only has to be redone from the
    earliest report day that changed (`since`): mentions reported before keep their clusters, and
    those clusters that a later mention could join (dates overlapping the changed window) are
    reloaded as seeds. `stale_events` are events that lost mentions (their articles were replaced).
    With `since=None` everything of those types is recomputed; both give the same table.
    """
    if event_types is None:
        event_types = [t for (t,) in con.execute("SELECT DISTINCT event_type FROM event_mentions").fetchall()]
    if since is None:
        mentions, seeds, replaced = _rows(con, _ASSERTED_MENTIONS, [event_types]), {}, None
    else:
        mentions = _rows(con, f"{_ASSERTED_MENTIONS} AND {_REPORT_DAY} >= ?", [event_types, since])
        replaced = _overlapped_events(con, event_types, since, mentions) | set(stale_events)
        seeds = _seed_clusters(con, event_types, since, replaced)
    involved = [m["mention_id"] for m in mentions] + [m["mention_id"] for ms in seeds.values() for m in ms]
    events = deduplicate(mentions, _role_quantities(con, involved), seeds)
    frame = to_frame(events, {c: _EVENT_SCHEMA.get(c, pl.Utf8) for c in EVENT_COLUMNS})
    _replace_events(con, frame, event_types, replaced)
    return frame.height


_ASSERTED = "m.event_type IN (SELECT unnest(?)) AND m.modality = 'asserted'"
_ASSERTED_MENTIONS = (f"SELECT {_MENTION_FIELDS} FROM event_mentions m JOIN articles a USING (article_id)"
                      f" WHERE {_ASSERTED}")


def _overlapped_events(con: duckdb.DuckDBPyConnection, event_types: list[str], since: date,
                       mentions: list[dict]) -> set[str]:
    """Events to recompute with the mentions reported from `since`: the ones these mentions are in,
    and the earlier-reported ones a later mention's dates reach (a superset is harmless: seeds only
    matter when a later mention's dates reach them)."""
    replaced = {m["event_id"] for m in mentions if m["event_id"]}
    windows = [_prepare(m) for m in mentions]
    if not windows:
        return replaced
    lo = min(w["_from"] for w in windows) - timedelta(days=2)
    hi = max(w["_to"] for w in windows) + timedelta(days=2)
    return replaced | {e for (e,) in con.execute(
        f"SELECT DISTINCT m.event_id FROM event_mentions m JOIN articles a USING (article_id)"
        f" WHERE {_ASSERTED} AND m.event_id IS NOT NULL AND {_REPORT_DAY} < ?"
        f" AND coalesce(CASE WHEN m.date_source <> 'published' THEN m.date_from END,"
        f"              {_REPORT_DAY} - INTERVAL {UNDATED_DAYS} DAY) <= ?"
        f" AND coalesce(CASE WHEN m.date_source <> 'published' THEN m.date_to END, {_REPORT_DAY}) >= ?",
        [event_types, since, hi, lo]).fetchall()}


def _seed_clusters(con: duckdb.DuckDBPyConnection, event_types: list[str], since: date,
                   replaced: set[str]) -> dict[str, list[dict]]:
    """{event id: its mentions reported before `since`}: the clusters the later mentions continue."""
    seeds: dict[str, list[dict]] = {}
    if replaced:
        for m in _rows(con, f"{_ASSERTED_MENTIONS} AND {_REPORT_DAY} < ? AND m.event_id IN (SELECT unnest(?))",
                       [event_types, since, sorted(replaced)]):
            seeds.setdefault(m["event_id"], []).append(m)
    return seeds


def _role_quantities(con: duckdb.DuckDBPyConnection, mention_ids: list[str]) -> dict[str, dict[str, tuple[int, int]]]:
    """{mention id: {role: (largest value, largest upper bound)}}."""
    quantities: dict[str, dict[str, tuple[int, int]]] = {}
    for mid, role, v, vmax in con.execute(
        "SELECT mention_id, role, max(value), max(coalesce(value_max, value)) FROM event_quantities"
        " WHERE mention_id IN (SELECT unnest(?)) AND role IS NOT NULL GROUP BY ALL", [mention_ids]).fetchall():
        quantities.setdefault(mid, {})[role] = (v, vmax)
    return quantities


def _replace_events(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, event_types: list[str],
                    replaced: set[str] | None) -> None:
    """Write the recomputed events: every event of `event_types` when `replaced` is None, else the
    `replaced` ones; then point each mention at its event."""
    assign = frame.select("event_id", "mention_ids").explode("mention_ids").rename({"mention_ids": "mention_id"})
    con.register("new_events", frame.to_arrow())
    con.register("new_assign", assign.to_arrow())
    try:
        if replaced is None:
            con.execute("DELETE FROM events WHERE event_type IN (SELECT unnest(?))", [event_types])
            con.execute("UPDATE event_mentions SET event_id = NULL WHERE event_type IN (SELECT unnest(?))"
                        " AND event_id IS NOT NULL", [event_types])
        else:
            con.execute("DELETE FROM events WHERE event_id IN (SELECT unnest(?))", [sorted(replaced)])
        con.execute("INSERT INTO events BY NAME SELECT * FROM new_events")
        con.execute("UPDATE event_mentions SET event_id = a.event_id FROM new_assign a"
                    " WHERE event_mentions.mention_id = a.mention_id"
                    " AND event_mentions.event_id IS DISTINCT FROM a.event_id")
    finally:
        con.unregister("new_events")
        con.unregister("new_assign")


def rebuild_dimensions(con: duckdb.DuckDBPyConnection) -> None:
    """`actors` and `locations` from every stored mention (small tables; cheap to rebuild)."""
    con.execute("DELETE FROM actors")
    con.execute("""
        INSERT INTO actors
        WITH sides AS (
            SELECT a.code, a.name, a.country, a.sector
            FROM (SELECT unnest(actors) AS a FROM event_mentions)
            UNION ALL
            SELECT target_code, target_name, target_country, target_sector FROM event_mentions
        ), counted AS (
            SELECT code, name, country, sector, count(*) AS n FROM sides WHERE code IS NOT NULL GROUP BY ALL
        )
        SELECT code,
               first(name ORDER BY name IS NULL, n DESC, name),
               first(country ORDER BY country IS NULL, n DESC, country),
               first(sector ORDER BY sector IS NULL, n DESC, sector),
               sum(n)::INTEGER
        FROM counted GROUP BY code""")
    con.execute("DELETE FROM locations")
    con.execute("""
        INSERT INTO locations
        SELECT location_key, arg_min(geonameid, mention_id), arg_min(location_name, mention_id),
               arg_min(country, mention_id), arg_min(admin1, mention_id), arg_min(lat, mention_id),
               arg_min(lon, mention_id), arg_min(geo_precision, mention_id), count(*)::INTEGER
        FROM event_mentions WHERE location_key IS NOT NULL GROUP BY location_key""")
