"""Child processes for the concurrency tests: `writer DB BATCHES SIZE`, `reader DB DONE_FLAG` and
`sql_loop DB DONE_FLAG` (`marsad sql` over and over, from before the first load on).

Run as `python -m tests.warehouse.concurrency_worker ...` (the repo on PYTHONPATH) so the test can start
real separate processes.
"""
from __future__ import annotations

import json
import sys
import time
from datetime import date, timedelta
from pathlib import Path

PLACES = ("دوما", "حلب", "القاهرة")


def synthetic(i: int):
    from .builders import result

    day = date(2015, 1, 1) + timedelta(days=3 * i)
    place = PLACES[i % len(PLACES)]
    text = f"قصفت القوات السورية مواقع في {place} وقتل {i + 1} أشخاص في اليوم رقم {i}."
    return result(f"syn-{i:05d}", text, day + timedelta(days=1), "bbc", [dict(
        etype="ASSAULT", trigger="قصفت", actor="القوات السورية", place=place, date_value=day.isoformat(),
        precision="day", quantities=[(str(i + 1), i + 1, "killed")])])


def writer(db: str, batches: int, size: int) -> None:
    from pipelines.warehouse import load_results

    for b in range(batches):
        load_results(db, [synthetic(b * size + k) for k in range(size)])
        print(json.dumps({"loaded": (b + 1) * size}), flush=True)


def reader(db: str, done_flag: str) -> None:
    """Poll every 50 ms with a fresh connection, and with one long-held session at the same time."""
    from pipelines.warehouse import connect_readonly, run_readonly_sql
    from pipelines.warehouse.load import snapshot_path

    seen, held_seen, polls = [], [], 0
    held = None
    while True:
        finished = Path(done_flag).exists()
        if snapshot_path(db).exists():
            _, rows = run_readonly_sql(db, "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM events),"
                                           " (SELECT count(*) FROM event_mentions)")
            seen.append(list(rows[0]))
            if held is None:
                held = connect_readonly(db)
            held_seen.append(list(held.execute("SELECT count(*), count(*) FILTER (WHERE killed > 0) "
                                               "FROM events").fetchone()))
            polls += 1
        if finished:
            break
        time.sleep(0.05)
    if held is not None:
        held.close()
    print(json.dumps({"seen": seen, "held": held_seen, "polls": polls}))


# Holds the attached file a few milliseconds per query, as an analyst's real query does.
SQL_LOOP_QUERY = "SELECT (SELECT count(*) FROM range(2000000)) > 0, count(*) FROM articles"


def sql_loop(db: str, done_flag: str) -> None:
    """Run `marsad sql` (the CLI's own entry point, in this process) until the flag appears."""
    import contextlib
    import io

    from pipelines.cli import main

    outcomes: dict[str, int] = {}
    while not Path(done_flag).exists():
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            code = main(["sql", "--warehouse", db, "--format", "csv", SQL_LOOP_QUERY])
        kind = "ok" if code == 0 else err.getvalue().strip()[:80]
        outcomes[kind] = outcomes.get(kind, 0) + 1
    print(json.dumps(outcomes))


if __name__ == "__main__":
    if sys.argv[1] == "writer":
        writer(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif sys.argv[1] == "sql_loop":
        sql_loop(sys.argv[2], sys.argv[3])
    else:
        reader(sys.argv[2], sys.argv[3])
