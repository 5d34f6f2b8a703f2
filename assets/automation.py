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

from assets.partitions import DAY_FORMAT, article_day, ingest_day, valid_keys
from assets.resources import LandingFolder
from pipelines.ingest import landing_entries, printable, read_file

marsad_job = dg.define_asset_job(
    "marsad_job",
    selection=dg.AssetSelection.all(),
    description="Every asset for one day (or a range of days): ingest to warehouse, then the charts.",
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


def days_by_file(landing: LandingFolder, files: Iterable[str]) -> tuple[dict[str, set[str]], set[str]]:
    """({file: partitions its articles belong to}, files still pending) for the given files.

    Only these files are parsed (`read_file`), not the whole folder: a tick that sees one new file
    costs one file's parse, however large the landing folder has grown.
    """
    settings = landing.settings()
    out: dict[str, set[str]] = {}
    pending: set[str] = set()
    for f in sorted(set(files)):
        try:
            result = read_file(f, landing.dir, settings)
        except FileNotFoundError:
            pending.add(f)  # vanished since it was listed: the next tick sees it as deleted
            continue
        if result.pending:
            pending.add(f)
        days = {article_day(a, landing.dir)[0] for a in result.articles}
        # a duplicate of content kept elsewhere in the same file loads nothing of its own
        if result.quarantined:
            days.add(ingest_day(landing.dir, f).strftime(DAY_FORMAT))
        out[f] = days
    return out, pending


def plan_runs(
    previous: Mapping[str, FileState], landing: LandingFolder
) -> tuple[dict[str, list[str]], dict[str, FileState], list[str]]:
    """Compare the landing folder with the cursor's view of it.

    Returns ({day: [files that changed for it]}, the new cursor state, days outside the range).
    A changed or deleted file affects the days it fed before *and* the days it feeds now, so a day
    that loses an article is re-run too (its warehouse rows are replaced).
    """
    now = file_fingerprints(landing.dir)
    changed = [f for f, fp in now.items() if f not in previous or previous[f].fingerprint != fp]
    deleted = [f for f in previous if f not in now]
    days, pending = days_by_file(landing, changed)
    state = {f: s for f, s in previous.items() if f in now}
    affected: dict[str, set[str]] = {}
    for f in changed:
        if f in pending:
            continue  # still being written: looked at again next tick
        state[f] = FileState(now[f], tuple(sorted(days[f])))
        for d in days[f] | set(previous[f].days if f in previous else ()):
            affected.setdefault(d, set()).add(f)
    for f in deleted:
        for d in previous[f].days:
            affected.setdefault(d, set()).add(f)
    inside, outside = valid_keys(affected)
    return {d: sorted(affected[d]) for d in inside}, state, outside


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
    job=marsad_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Launches one run per day touched by new, changed or deleted landing files "
                "(cursor: each file's mtime/size and the days it feeds).",
)
def landing_sensor(context: dg.SensorEvaluationContext, landing: LandingFolder):
    if not landing.dir.is_dir():
        return dg.SkipReason(f"landing folder {landing.dir} does not exist")
    previous = decode_cursor(context.cursor)
    runs, state, outside = plan_runs(previous, landing)
    if outside:
        context.log.warning(f"days outside the partition range are not loaded: {outside[:10]}")
    requests = [
        dg.RunRequest(run_key=run_key(day, files, state), partition_key=day,
                      tags={"marsad/trigger": "landing", "marsad/files": ",".join(files)[:200]})
        for day, files in sorted(runs.items())
    ]
    new_cursor = encode_cursor(state)
    if not requests:
        return dg.SensorResult(skip_reason=dg.SkipReason("no new or changed files"), cursor=new_cursor)
    return dg.SensorResult(run_requests=requests, cursor=new_cursor)


# --------------------------------------------------------------------------- schedule


@dg.schedule(
    job=marsad_job,
    cron_schedule="0 2 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Every night at 02:00 UTC, (re)materialise yesterday's partition: late articles, "
                "and anything made stale by a lexicon or gazetteer update.",
)
def daily_schedule(context: dg.ScheduleEvaluationContext):
    when = context.scheduled_execution_time or datetime.now(timezone.utc)
    day = (when.astimezone(timezone.utc) - timedelta(days=1)).strftime(DAY_FORMAT)
    return dg.RunRequest(run_key=f"daily:{day}", partition_key=day, tags={"marsad/trigger": "schedule"})
