"""The job, the landing-folder sensor and the daily schedule.

Both are declared STOPPED by default: turning on automation that writes to the warehouse is an
operator's decision (toggle it in the UI under Automation, or `dagster sensor start landing_sensor`
/ `dagster schedule start daily_schedule`); the choice persists in $DAGSTER_HOME.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable, Mapping

import dagster as dg

from assets.partitions import DAY_FORMAT, article_day, daily_partitions, ingest_day, unregistered_days
from assets.resources import LandingFolder, LoadedFile, Warehouse
from pipelines.ingest import landing_entries, printable, read_file
from pipelines.settings import Settings
from pipelines.warehouse.frames import content_hash

marsad_job = dg.define_asset_job(
    "marsad_job",
    selection=dg.AssetSelection.all(),
    description="Every asset for one day (or a range of days): ingest to warehouse, then the charts.",
)
# The same assets for runs of ONE day (sensor, schedule), with every step in the run's process.
# Measured on a sample day (README, "Automation"): the multiprocess executor spends most of a
# one-day run starting a Python process per step (each re-imports Dagster, polars, the NLP stack),
# far more than the day's work; in one process the imports are paid once. Backfills of many days
# and UI launches keep `marsad_job` (multiprocess: the NLP and date steps of a month run side by side).
# On a cluster (MARSAD_EXECUTOR=k8s or docker) the day job keeps the cluster executor, so the NLP
# step still gets its own pod.
marsad_day_job = dg.define_asset_job(
    "marsad_day_job",
    selection=dg.AssetSelection.all(),
    executor_def=(dg.in_process_executor
                  if Settings.from_env().executor in ("multiprocess", "in_process") else None),
    description="Every asset for one day, in a single process (what the sensor and schedule launch).",
)


# --------------------------------------------------------------------------- sensor


@dataclass(frozen=True)
class FileState:
    fingerprint: str  # "mtime_ns:size"; a rewrite or a touch changes it
    days: tuple[str, ...]  # partitions the file's articles (or its quarantine entry) belong to


def file_fingerprints(landing_dir: Path) -> dict[str, str]:
    """{origin: "mtime_ns:size"} for the entries ingest looks at (`landing_entries`: links, FIFOs
    and devices included, since ingest reports them; nothing followed). Origins are printable
    (`printable`), so the cursor, run keys and tags take any file name."""
    out = {}
    root = Path(landing_dir)
    for p in landing_entries(root):
        try:
            st = p.lstat()
        except OSError:
            continue  # vanished while listing
        out[printable(p.relative_to(root).as_posix())] = f"{st.st_mtime_ns}:{st.st_size}"
    return out


@dataclass
class FileContent:
    """What one landing file feeds, as the sensor compares it with the warehouse."""

    articles: set[tuple[str, str, str]]  # (day, article_id, content hash as the warehouse stores it)
    quarantined_lines: set[int | None]
    origins: set[str]  # the `origin` its rows carry in the warehouse
    days: set[str]  # partitions its articles (or its quarantine entries) belong to


def read_changed(landing: LandingFolder, files: Iterable[str]) -> tuple[dict[str, FileContent], set[str]]:
    """({file: what it feeds}, files still pending) for the given files.

    Only these files are parsed (`read_file`), not the whole folder: a tick that sees one new file
    costs one file's parse, however large the landing folder has grown.
    """
    settings = landing.settings()
    out: dict[str, FileContent] = {}
    pending: set[str] = set()
    for f in sorted(set(files)):
        try:
            result = read_file(f, landing.dir, settings)
        except FileNotFoundError:
            pending.add(f)  # vanished since it was listed: the next tick sees it as deleted
            continue
        if result.pending:
            pending.add(f)
        articles = {(article_day(a)[0], a.article_id, content_hash(a.text))
                    for a in result.articles}
        days = {d for d, _, _ in articles}
        # a duplicate of content kept elsewhere in the same file loads nothing of its own
        if result.quarantined:
            days.add(ingest_day(landing.dir, f).strftime(DAY_FORMAT))
        out[f] = FileContent(articles, {q.line for q in result.quarantined},
                             {a.origin for a in result.articles} | {q.origin for q in result.quarantined} | {f},
                             days)
    return out, pending


def already_loaded(content: FileContent, loaded: Mapping[str, LoadedFile]) -> bool:
    """The warehouse holds exactly this file's articles (same days, ids and text) and its
    quarantined lines, whoever loaded them (a run, `make demo`, `marsad load`)."""
    articles = set().union(*(loaded[o].articles for o in content.origins))
    lines = set().union(*(loaded[o].quarantined_lines for o in content.origins))
    return articles == content.articles and content.quarantined_lines <= lines


def plan_runs(
    previous: Mapping[str, FileState], landing: LandingFolder, warehouse: Warehouse
) -> tuple[dict[str, list[str]], dict[str, FileState]]:
    """Compare the landing folder with the cursor's view of it, and the warehouse.

    Returns ({day: [files that changed for it]}, the new cursor state). A changed or deleted file
    affects the days it fed before *and* the days it feeds now, so a day that loses an article is
    re-run too (its warehouse rows are replaced). A new or changed file whose content the warehouse
    already holds affects nothing: so the first tick after `make demo` or `marsad load` (no cursor
    yet, every file looks new) launches no run, and a file touched without being changed neither.
    """
    now = file_fingerprints(landing.dir)
    changed = [f for f, fp in now.items() if f not in previous or previous[f].fingerprint != fp]
    deleted = [f for f in previous if f not in now]
    contents, pending = read_changed(landing, changed)
    loaded = warehouse.loaded_from(sorted({o for c in contents.values() for o in c.origins} | set(deleted)))
    state = {f: s for f, s in previous.items() if f in now}
    affected: dict[str, set[str]] = {}
    for f in changed:
        if f in pending:
            continue  # still being written: looked at again next tick
        content = contents[f]
        state[f] = FileState(now[f], tuple(sorted(content.days)))
        if already_loaded(content, loaded):
            continue
        for d in content.days | set(previous[f].days if f in previous else ()):
            affected.setdefault(d, set()).add(f)
    for f in deleted:
        for d in set(previous[f].days) | loaded[f].days:
            affected.setdefault(d, set()).add(f)
    return {d: sorted(fs) for d, fs in sorted(affected.items())}, state


def encode_cursor(state: Mapping[str, FileState]) -> str:
    return json.dumps({f: [s.fingerprint, list(s.days)] for f, s in sorted(state.items())}, ensure_ascii=False)


def decode_cursor(cursor: str | None) -> dict[str, FileState]:
    if not cursor:
        return {}
    return {f: FileState(fp, tuple(days)) for f, (fp, days) in json.loads(cursor).items()}


def run_key(day: str, files: Iterable[str], state: Mapping[str, FileState]) -> str:
    """Same day + same file versions -> same key, so Dagster never launches that run twice."""
    h = hashlib.sha256()
    for f in sorted(files):
        h.update(f"{f}={state[f].fingerprint if f in state else 'deleted'}\n".encode())
    return f"landing:{day}:{h.hexdigest()[:16]}"


@dg.sensor(
    job=marsad_day_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Launches one run per day touched by new, changed or deleted landing files whose "
                "content the warehouse does not hold yet (cursor: each file's mtime/size and the days "
                "it feeds), and registers every day it sees as a partition.",
)
def landing_sensor(context: dg.SensorEvaluationContext, landing: LandingFolder, duckdb_warehouse: Warehouse):
    if not landing.dir.is_dir():
        return dg.SkipReason(f"landing folder {landing.dir} does not exist")
    previous = decode_cursor(context.cursor)
    runs, state = plan_runs(previous, landing, duckdb_warehouse)
    # Days already loaded (by `marsad load`, say) become partitions too, so the UI lists them.
    new_days = unregistered_days(context.instance, {d for s in state.values() for d in s.days} | set(runs))
    requests = [
        dg.RunRequest(run_key=run_key(day, files, state), partition_key=day,
                      tags={"marsad/trigger": "landing", "marsad/files": ",".join(files)[:200]})
        for day, files in runs.items()
    ]
    return dg.SensorResult(
        run_requests=requests, cursor=encode_cursor(state),
        dynamic_partitions_requests=[daily_partitions.build_add_request(new_days)] if new_days else None,
        skip_reason=None if requests else dg.SkipReason("no new or changed content"),
    )


# --------------------------------------------------------------------------- schedule


@dg.schedule(
    job=marsad_day_job,
    cron_schedule="0 2 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Every night at 02:00 UTC, (re)materialise yesterday's partition if it holds data: "
                "late articles, and anything made stale by a lexicon or gazetteer update.",
)
def daily_schedule(context: dg.ScheduleEvaluationContext):
    when = context.scheduled_execution_time or datetime.now(timezone.utc)
    day = (when.astimezone(timezone.utc) - timedelta(days=1)).strftime(DAY_FORMAT)
    if unregistered_days(context.instance, [day]):
        return dg.SkipReason(f"no data for {day}: days become partitions when their files land "
                             "(landing sensor, `make demo`)")
    return dg.RunRequest(run_key=f"daily:{day}", partition_key=day, tags={"marsad/trigger": "schedule"})
