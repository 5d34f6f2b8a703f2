"""Trend charts as PNG bytes (matplotlib, Agg), with Arabic labels shaped for display.

Matplotlib without libraqm draws characters left to right without joining them, so there Arabic
labels are first reshaped into presentation forms (arabic-reshaper) and reordered visually
(python-bidi); a matplotlib with libraqm gets them as they are (`for_matplotlib`).
Functions are pure: rows in, PNG bytes (or table rows) out, over a continuous monthly axis;
`render_charts(db_path)` queries the snapshot.
"""
from __future__ import annotations

import io
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from arabic_reshaper import reshape  # noqa: E402
from matplotlib import ft2font  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
from bidi.algorithm import get_display  # noqa: E402

EVENT_TYPE_AR = {
    "ASSAULT": "اعتداء", "PROTEST": "احتجاج", "MOBILIZE": "تعبئة", "COERCE": "إكراه", "RETREAT": "انسحاب",
    "AGREE": "اتفاق", "ACCUSE": "اتهام", "REQUEST": "طلب", "REJECT": "رفض", "THREATEN": "تهديد",
    "SUPPORT": "دعم", "CONSULT": "تشاور", "COOPERATE": "تعاون", "AID": "مساعدة", "SANCTION": "عقوبات",
    "DISAPPROVE": "استنكار", "CONCEDE": "تنازل", "RIOT": "شغب", "INVESTIGATE": "تحقيق",
}


def shape_arabic(text: str) -> str:
    """Arabic text as matplotlib must receive it: joined letter forms, visual (right-to-left) order."""
    return get_display(reshape(text))


# Matplotlib built with libraqm (the 3.11 wheels) joins and orders Arabic itself: shaping first
# would reverse it a second time. Older builds draw code points left to right, unjoined.
MATPLOTLIB_SHAPES_ARABIC = bool(getattr(ft2font, "__libraqm_version__", None))


def for_matplotlib(text: str) -> str:
    """Arabic text as this matplotlib must receive it to draw it correctly."""
    return text if MATPLOTLIB_SHAPES_ARABIC else shape_arabic(text)


def label(ar: str, en: str = "") -> str:
    return for_matplotlib(ar) + (f" ({en})" if en else "")


def month_axis(months: Iterable[str]) -> list[str]:
    """Every month (YYYY-MM) from the earliest to the latest given, the empty ones included, so a
    chart never draws 2024-09 next to 2025-01 as if they were consecutive."""
    present = sorted({str(m)[:7] for m in months})
    if not present:
        return []
    (y, m), (last_y, last_m) = (tuple(map(int, present[i].split("-"))) for i in (0, -1))
    out = []
    while (y, m) <= (last_y, last_m):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def pivot(rows: Iterable[Sequence], top: int = 8) -> tuple[list[str], dict[str, dict[str, float]]]:
    """`rows` = (month, series, y) -> (continuous month axis, {series: {month: y}}) for the `top`
    largest series (by total, then name); months a series lacks are 0."""
    data: dict[str, dict[str, float]] = defaultdict(dict)
    for x, series, y in rows:
        month, name = str(x)[:7], "—" if series is None else str(series)
        data[name][month] = data[name].get(month, 0) + float(y or 0)
    months = month_axis(x for s in data.values() for x in s)
    keep = sorted(data, key=lambda s: (-sum(data[s].values()), s))[:top]
    return months, {s: {m: data[s].get(m, 0) for m in months} for s in keep}


def trend_table(rows: Iterable[Sequence], top: int = 8) -> list[dict]:
    """The chart's numbers as table rows: one per month (every month of the axis), one column per
    series, labels as stored (the table is shown by a browser, which shapes Arabic itself)."""
    months, series = pivot(rows, top)
    return [{"month": m, **{s: _number(values[m]) for s, values in series.items()}} for m in months]


def _number(v: float) -> int | float:
    return int(v) if float(v).is_integer() else round(v, 2)


MAX_TICK_LABELS = 24


def line_chart_png(rows: Iterable[Sequence], title: str, ylabel: str, *, top: int = 8) -> bytes:
    """`rows` = (month YYYY-MM, series, y): one line per series (the `top` largest) over a
    continuous monthly axis."""
    xs, series = pivot(rows, top)
    fig, ax = plt.subplots(figsize=(9, 4.5), dpi=100)
    try:
        for s, values in series.items():
            ax.plot(range(len(xs)), [values[x] for x in xs], marker="o", label=s)
        if not series:
            ax.text(0.5, 0.5, label("لا توجد بيانات", "no data"), ha="center", va="center",
                    transform=ax.transAxes)
        step = max(1, -(-len(xs) // MAX_TICK_LABELS))  # a label every `step` months, at most 24
        ax.set_xticks(range(0, len(xs), step), xs[::step])
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 1.5 events
        ax.set_title(title)
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        if series:
            ax.legend(fontsize=8, loc="upper left")
        ax.tick_params(axis="x", rotation=45, labelsize=8)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()
    finally:
        plt.close(fig)


def monthly_events_png(rows: Iterable[Sequence]) -> bytes:
    """rows: (month, event_type, n_events)."""
    named = [(m, label(EVENT_TYPE_AR.get(t, t), t), n) for m, t, n in rows]
    return line_chart_png(named, label("الأحداث شهريا حسب النوع", "events per month"), label("عدد الأحداث"))


def casualties_png(rows: Iterable[Sequence]) -> bytes:
    """rows: (month, actor, killed)."""
    named = [(m, a or for_matplotlib("غير معروف"), k) for m, a, k in rows]
    return line_chart_png(named, label("القتلى شهريا حسب الفاعل", "killed per month, by actor"),
                          label("قتلى"))


def troop_movements_png(rows: Iterable[Sequence]) -> bytes:
    """rows: (month, movement 'deployment'|'withdrawal', n_events)."""
    names = {"deployment": label("نشر قوات", "deployment"), "withdrawal": label("انسحاب", "withdrawal")}
    named = [(m, names.get(mv, mv), n) for m, mv, n in rows]
    return line_chart_png(named, label("نشر القوات والانسحابات", "troop movements"), label("عدد الأحداث"))


CHART_QUERIES = {
    "monthly_events": ("SELECT month, event_type, sum(n_events) FROM monthly_events_by_type_country "
                       "GROUP BY ALL ORDER BY ALL", monthly_events_png),
    "casualties": ("SELECT month, actor_code, sum(killed) FROM casualties_by_month_actor GROUP BY ALL "
                   "ORDER BY ALL", casualties_png),
    "troop_movements": ("SELECT month, movement, sum(n_events) FROM troop_movements GROUP BY ALL ORDER BY ALL",
                        troop_movements_png),
}


@dataclass(frozen=True)
class Chart:
    name: str
    png: bytes
    table: list[dict]  # `trend_table` of the same rows


def render_charts(db_path: str | os.PathLike) -> dict[str, Chart]:
    """Every trend chart and its table, from one query each on the warehouse snapshot (what the
    Dagster asset shows). Our own queries: time and memory bounded like `marsad sql`, but every row
    is drawn (no row cap)."""
    from dataclasses import replace

    from pipelines.warehouse.readonly import SqlLimits, run_readonly_sql

    limits = replace(SqlLimits.from_env(), max_rows=None)
    out = {}
    for name, (sql, render) in CHART_QUERIES.items():
        rows = run_readonly_sql(db_path, sql, limits)[1]
        out[name] = Chart(name, render(rows), trend_table(rows))
    return out


def chart_pngs(db_path: str | os.PathLike) -> dict[str, bytes]:
    """Every trend chart as PNG bytes."""
    return {name: chart.png for name, chart in render_charts(db_path).items()}


def write_pngs(charts: dict[str, Chart], out_dir: Path) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, chart in charts.items():
        path = out_dir / f"{name}.png"
        path.write_bytes(chart.png)
        paths[name] = path
    return paths


def render_all(db_path: str | os.PathLike, out_dir: Path) -> dict[str, Path]:
    return write_pngs(render_charts(db_path), out_dir)
