"""The data checks, as plain functions over records and the warehouse (no Dagster).

Both ways of loading run the same checks, at the same place: the warehouse load
(`pipelines.warehouse.load_partitions`, which `marsad load` and the Dagster `warehouse` asset both
call) refuses a batch whose event checks fail blockingly and judges the warehouse it committed
(schema, orphan rows). The Dagster assets also report them as asset checks (`events` with the
event checks, so a failing day never reaches the warehouse step; `warehouse` with the checks its
load ran; `raw_articles` with `landing_fresh`); `marsad load` logs each failed one on stderr.

Each `*_problems` function returns a list of problems (small dicts); an empty list means the check
passes. The event checks take `ArticleResult`s (`pipelines.process`; they read `.clean.article`
and `.events`, as the load does). `CHECKS` describes every check once (the Dagster check specs are made from it).
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Iterable, Literal, Mapping, Sequence

import duckdb

from pipelines.records import PLOVER_TYPES
from pipelines.warehouse.frames import date_window
from pipelines.warehouse.schema import apply_migrations

log = logging.getLogger("marsad.checks")

# Modalities that report something as having happened: its date cannot be after publication.
PAST_MODALITIES = frozenset({"asserted", "negated", "historical"})
# A report can be dated a day "ahead" of its publication timestamp across time zones.
DATE_SLACK = timedelta(days=1)

# Largest believable figure per role in one news report. Totals of long wars and refugee counts are
# large (Syria: ~500k killed, ~13M displaced), so the ceilings only catch misread numbers (phone
# numbers, years, concatenated digits), not big events.
QUANTITY_CEILINGS: dict[str | None, int] = {
    "killed": 2_000_000,
    "injured": 5_000_000,
    "detained": 2_000_000,
    "abducted": 1_000_000,
    "displaced": 30_000_000,
    "deployed": 5_000_000,
    "participants": 20_000_000,
    "launched": 1_000_000,
    None: 100_000_000,
}

# The date and quantity checks judge single extractions, and on real news a few per thousand events
# are misread (a future date in a subordinate clause, "11 million displaced" read as killed). Those
# are listed as a warning; the check blocks (ERROR) when the failure is systematic — at least
# SYSTEMATIC_MIN events and more than SYSTEMATIC_SHARE of the day's events — which is what a broken
# resolver or number parser looks like. Type and offset checks block on any failure: they are
# invariants, not judgements.
SYSTEMATIC_MIN = 3
SYSTEMATIC_SHARE = 0.05


def is_systematic(n_problems: int, n_events: int) -> bool:
    return n_problems >= SYSTEMATIC_MIN and n_problems > SYSTEMATIC_SHARE * max(n_events, 1)


def _spans(event: Any) -> Iterable[tuple[str, Any]]:
    yield "trigger", event.trigger
    for name in ("actor", "target", "location"):
        value = getattr(event, name)
        if value is not None:
            yield name, value
    for i, a in enumerate(event.actors):
        yield f"actors[{i}]", a
    for i, q in enumerate(event.quantities):
        yield f"quantities[{i}]", q
    if event.date is not None and event.date.text:  # a date taken from the publication has no span
        yield "date", event.date


def event_type_problems(results: Sequence[Any]) -> list[dict]:
    """Every event has a PLOVER type in upper case."""
    return [
        {"article": r.clean.article.article_id, "sentence": e.sentence_index, "event_type": e.event_type}
        for r in results for e in r.events
        if not e.event_type or e.event_type not in PLOVER_TYPES
    ]


def evidence_offset_problems(results: Sequence[Any]) -> list[dict]:
    """Every evidence span lies inside its article's original text and slices to its own text."""
    out = []
    for r in results:
        text = r.clean.article.text
        for e in r.events:
            for name, span in _spans(e):
                ok = 0 <= span.start < span.end <= len(text) and text[span.start:span.end] == span.text
                if not ok:
                    out.append({
                        "article": r.clean.article.article_id, "sentence": e.sentence_index, "field": name,
                        "start": span.start, "end": span.end, "span_text": span.text,
                        "text_there": text[max(span.start, 0):max(span.end, 0)][:80],
                    })
    return out


def future_date_problems(results: Sequence[Any]) -> list[dict]:
    """Events reported as having happened are not dated after the article's publication."""
    out = []
    for r in results:
        published: date | None = r.clean.article.published
        if published is None:
            continue
        for e in r.events:
            if e.date is None or e.modality not in PAST_MODALITIES:
                continue
            first, _ = date_window(e.date.value, e.date.precision)
            if first is not None and first > published + DATE_SLACK:
                out.append({
                    "article": r.clean.article.article_id, "sentence": e.sentence_index, "event_type": e.event_type,
                    "modality": e.modality, "date": e.date.value, "date_text": e.date.text,
                    "published": published.isoformat(),
                })
    return out


def quantity_problems(results: Sequence[Any]) -> list[dict]:
    """Counts are non-negative, ranges are ordered, and no figure exceeds its role's ceiling."""
    out = []
    for r in results:
        for e in r.events:
            for q in e.quantities:
                ceiling = QUANTITY_CEILINGS.get(q.role, QUANTITY_CEILINGS[None])
                why = None
                if q.value < 0:
                    why = "negative"
                elif q.value_max is not None and q.value_max < q.value:
                    why = "value_max < value"
                elif max(q.value, q.value_max or 0) > ceiling:
                    why = f"above {ceiling:,} for role {q.role}"
                if why:
                    out.append({
                        "article": r.clean.article.article_id, "sentence": e.sentence_index, "text": q.text,
                        "value": q.value, "value_max": q.value_max, "role": q.role, "why": why,
                    })
    return out


# --------------------------------------------------------------------------- warehouse


def expected_schema() -> dict[str, dict[str, str]]:
    """{table: {column: type}} that `sql/` defines, read from a scratch in-memory database."""
    con = duckdb.connect(":memory:")
    try:
        apply_migrations(con)
        return _schema(con)
    finally:
        con.close()


def _schema(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    rows = con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
    ).fetchall()
    out: dict[str, dict[str, str]] = {}
    for table, column, dtype in rows:
        out.setdefault(table, {})[column] = dtype
    return out


def schema_problems(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Tables and views match what `sql/` declares (names, columns, types)."""
    want, have = expected_schema(), _schema(con)
    out = []
    for table, columns in want.items():
        if table not in have:
            out.append({"table": table, "problem": "missing"})
            continue
        for column, dtype in columns.items():
            got = have[table].get(column)
            if got != dtype:
                out.append({"table": table, "column": column, "expected": dtype, "found": got})
    return out


# (child table, child column, parent table, parent column); NULL children are allowed.
FOREIGN_KEYS: tuple[tuple[str, str, str, str], ...] = (
    ("sentences", "article_id", "articles", "article_id"),
    ("event_mentions", "article_id", "articles", "article_id"),
    ("event_mentions", "event_id", "events", "event_id"),
    ("event_mentions", "location_key", "locations", "location_key"),
    ("event_mentions", "actor_code", "actors", "actor_code"),
    ("event_quantities", "mention_id", "event_mentions", "mention_id"),
    ("event_quantities", "article_id", "articles", "article_id"),
    ("events", "anchor_mention", "event_mentions", "mention_id"),
)


def orphan_problems(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Rows whose reference points at nothing (the warehouse declares no FK constraints, so that a
    partition can be replaced in any order; this check is the constraint)."""
    out = []
    for child, ccol, parent, pcol in FOREIGN_KEYS:
        n, example = con.execute(
            f'SELECT count(*), any_value(c."{ccol}") FROM "{child}" c'
            f' WHERE c."{ccol}" IS NOT NULL AND NOT EXISTS'
            f' (SELECT 1 FROM "{parent}" p WHERE p."{pcol}" = c."{ccol}")'
        ).fetchone()
        if n:
            out.append({"reference": f"{child}.{ccol} -> {parent}.{pcol}", "orphans": n, "example": example})
    return out


# --------------------------------------------------------------------------- landing folder


def newest_file_age_hours(landing_dir: Path, now: float | None = None) -> float | None:
    """Hours since the most recent file in the landing folder was written (None when empty)."""
    now = time.time() if now is None else now
    newest = None
    for p in Path(landing_dir).rglob("*"):
        if p.is_file() and not p.name.startswith("."):
            m = p.stat().st_mtime
            newest = m if newest is None or m > newest else newest
    return None if newest is None else max(0.0, (now - newest) / 3600)


# --------------------------------------------------------------------------- the checks as run

ERROR, WARN = "error", "warn"
LANDING_MAX_AGE_HOURS = 36.0


@dataclass(frozen=True)
class Check:
    """One check: the asset (table) it judges, its name, what it verifies, and whether its failure
    can stop the load (`blocking`)."""

    asset: str
    name: str
    description: str
    blocking: bool = True


CHECKS: tuple[Check, ...] = (
    Check("raw_articles", "landing_fresh",
          f"A file arrived in the landing folder within {LANDING_MAX_AGE_HOURS:g} h (warning only: old "
          "data is not wrong data).", blocking=False),
    Check("events", "event_types", "Every event has a PLOVER event type."),
    Check("events", "evidence_offsets",
          "Every evidence span (trigger, actors, target, location, quantities, date) lies inside "
          "its article's original text and slices to the same text."),
    Check("events", "dates_not_future",
          "Events reported as having happened are not dated after publication (+1 day for "
          "time zones); future and hypothetical statements are exempt. Blocks when systematic "
          "(>= 3 events and > 5% of the day's events), warns on isolated misreadings."),
    Check("events", "quantities_plausible",
          "Quantities are non-negative, value <= value_max, and below a per-role ceiling. "
          "Blocks when systematic (>= 3 events and > 5%), warns on isolated misreadings."),
    Check("warehouse", "schema", "Tables and columns match the DDL in sql/."),
    Check("warehouse", "no_orphans", "Every reference (article, mention, event, place, actor) "
                                     "points at an existing row."),
)


def checks_of(asset: str) -> list[Check]:
    return [c for c in CHECKS if c.asset == asset]


@dataclass
class CheckResult:
    """One execution of a check (for one partition day): its problems and how much they weigh."""

    check: Check
    problems: list[dict]
    severity: Literal["error", "warn"] = ERROR
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def blocks(self) -> bool:
        """A failure that stops the load (Dagster: a failed blocking check of ERROR severity)."""
        return not self.passed and self.severity == ERROR and self.check.blocking

    def __str__(self) -> str:
        n = len(self.problems)
        head = f"{self.check.asset}.{self.check.name}"
        if self.passed:
            return f"{head}: passed"
        return f"{head}: {n} problem{'s' if n != 1 else ''} ({self.severity}), e.g. {self.problems[0]}"


_EVENT_FINDERS = {"event_types": event_type_problems, "evidence_offsets": evidence_offset_problems,
                  "dates_not_future": future_date_problems, "quantities_plausible": quantity_problems}
# Single extractions judged: isolated misreadings warn, a systematic failure blocks (SYSTEMATIC_MIN).
_JUDGED = frozenset({"dates_not_future", "quantities_plausible"})


def event_checks(results: Sequence[Any]) -> list[CheckResult]:
    """The `events` checks of one partition day's `ArticleResult`s (`pipelines.process`), in
    `CHECKS` order. Type and offset checks are invariants (any failure blocks); dates and
    quantities block only when systematic within the day."""
    n_events = sum(len(r.events) for r in results)
    out = []
    for check in checks_of("events"):
        problems = _EVENT_FINDERS[check.name](results)
        if check.name not in _JUDGED:
            out.append(CheckResult(check, problems))
            continue
        systematic = is_systematic(len(problems), n_events)
        out.append(CheckResult(check, problems, ERROR if systematic else WARN,
                               {"events": n_events, "systematic": systematic}))
    return out


def warehouse_checks(con: duckdb.DuckDBPyConnection) -> list[CheckResult]:
    """The `warehouse` checks on a connection to the committed warehouse (orphans are not looked
    for when the schema is wrong: the queries would fail)."""
    schema_check, orphan_check = checks_of("warehouse")
    schema = schema_problems(con)
    orphans = orphan_problems(con) if not schema else []
    return [CheckResult(schema_check, schema),
            CheckResult(orphan_check, orphans, meta={"skipped_because_schema_failed": bool(schema)})]


def landing_check(landing_dir: Path, now: float | None = None) -> CheckResult:
    """`landing_fresh`: a warning when no file arrived within `LANDING_MAX_AGE_HOURS`."""
    age = newest_file_age_hours(landing_dir, now)
    stale = age is None or age > LANDING_MAX_AGE_HOURS
    rounded = round(age, 2) if age is not None else None
    return CheckResult(checks_of("raw_articles")[0], [{"newest_file_age_hours": rounded}] if stale else [], WARN,
                       {"newest_file_age_hours": rounded if rounded is not None else -1,
                        "max_age_hours": LANDING_MAX_AGE_HOURS})


class ChecksFailed(RuntimeError):
    """A blocking check failed: nothing of the batch was loaded."""

    def __init__(self, failed: Sequence[tuple[str, CheckResult]]):
        self.failed = list(failed)
        super().__init__("blocking check failed, nothing of this batch loaded: "
                         + "; ".join(f"{day}: {r}" for day, r in self.failed))


def log_failures(by_day: Mapping[str, Sequence[CheckResult]]) -> None:
    """One log line (stderr when logging is not configured) per check that did not pass."""
    for day, results in by_day.items():
        for r in results:
            if not r.passed:
                log.log(logging.ERROR if r.blocks else logging.WARNING, "check %s: %s", day, r)


def blocking(by_day: Mapping[str, Sequence[CheckResult]]) -> list[tuple[str, CheckResult]]:
    """(day, result) of every check that blocks its day."""
    return [(day, r) for day, results in by_day.items() for r in results if r.blocks]


