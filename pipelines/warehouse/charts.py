"""Trend charts as PNG bytes (matplotlib, Agg), with Arabic labels shaped for display.

Matplotlib draws characters left to right without joining them, so Arabic labels are first
reshaped into presentation forms (arabic-reshaper) and reordered visually (python-bidi).
Functions are pure: rows in, PNG bytes out; `chart_pngs(db_path)` queries the snapshot.
"""
from __future__ import annotations

import io
import os
from collections import defaultdict
from pathlib import Path
from typing import Iterable, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from arabic_reshaper import reshape  # noqa: E402
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


def label(ar: str, en: str = "") -> str:
    return shape_arabic(ar) + (f" ({en})" if en else "")


def line_chart_png(rows: Iterable[Sequence], title: str, ylabel: str, *, top: int = 8) -> bytes:
    """`rows` = (x, series, y): one line per series (the `top` largest), x sorted as strings (YYYY-MM)."""
    data: dict[str, dict[str, float]] = defaultdict(dict)
    for x, series, y in rows:
        data[str(series)][str(x)] = data[str(series)].get(str(x), 0) + float(y or 0)
    xs = sorted({x for s in data.values() for x in s})
    keep = sorted(data, key=lambda s: (-sum(data[s].values()), s))[:top]
    fig, ax = plt.subplots(figsize=(9, 4.5), dpi=100)
    try:
        for s in keep:
            ax.plot(xs, [data[s].get(x, 0) for x in xs], marker="o", label=s)
        if not keep:
            ax.text(0.5, 0.5, label("لا توجد بيانات", "no data"), ha="center", va="center",
                    transform=ax.transAxes)
        ax.set_title(title)
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        if keep:
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
    named = [(m, a or shape_arabic("غير معروف"), k) for m, a, k in rows]
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


def chart_pngs(db_path: str | os.PathLike) -> dict[str, bytes]:
    """Every trend chart, rendered from the warehouse snapshot (what the Dagster asset attaches).

    Our own queries: time and memory bounded like `marsad sql`, but every row is drawn (no row cap).
    """
    from dataclasses import replace

    from pipelines.warehouse.readonly import SqlLimits, run_readonly_sql

    limits = replace(SqlLimits.from_env(), max_rows=None)
    return {name: render(run_readonly_sql(db_path, sql, limits)[1]) for name, (sql, render) in CHART_QUERIES.items()}


def render_all(db_path: str | os.PathLike, out_dir: Path) -> dict[str, Path]:
    pngs = chart_pngs(db_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, png in pngs.items():
        path = out_dir / f"{name}.png"
        path.write_bytes(png)
        paths[name] = path
    return paths
