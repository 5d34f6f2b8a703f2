"""The trend charts: a continuous monthly axis (empty months drawn as 0), the same numbers as a table."""
from __future__ import annotations

from pipelines.warehouse.charts import line_chart_png, month_axis, pivot, trend_table

GAP_ROWS = [("2024-09", "ASSAULT", 3), ("2025-01", "ASSAULT", 1), ("2024-09", "PROTEST", 2),
            ("2024-10", "PROTEST", 1)]


def test_month_axis_has_every_month_between_first_and_last():
    assert month_axis(["2025-01", "2024-09"]) == ["2024-09", "2024-10", "2024-11", "2024-12", "2025-01"]
    assert month_axis(["2024-12-01"]) == ["2024-12"]  # a DATE month is taken by its YYYY-MM
    assert month_axis([]) == []


def test_series_are_zero_in_the_months_they_lack():
    months, series = pivot(GAP_ROWS)
    assert months == ["2024-09", "2024-10", "2024-11", "2024-12", "2025-01"]
    assert series["ASSAULT"] == {"2024-09": 3, "2024-10": 0, "2024-11": 0, "2024-12": 0, "2025-01": 1}
    assert list(series) == ["ASSAULT", "PROTEST"]  # largest total first
    assert list(pivot(GAP_ROWS, top=1)[1]) == ["ASSAULT"]


def test_trend_table_is_one_row_per_month_with_one_column_per_series():
    table = trend_table(GAP_ROWS + [("2024-10", None, 4)])
    assert [r["month"] for r in table] == ["2024-09", "2024-10", "2024-11", "2024-12", "2025-01"]
    assert table[2] == {"month": "2024-11", "—": 0, "ASSAULT": 0, "PROTEST": 0}
    assert table[1]["—"] == 4  # an unknown actor still counts


def test_the_chart_draws_the_gap_months(monkeypatch):
    import pipelines.warehouse.charts as charts

    drawn = []
    monkeypatch.setattr(charts.plt, "close", lambda fig: drawn.append(fig))  # keep the figure to inspect
    png = line_chart_png(GAP_ROWS, "t", "n")
    assert png.startswith(b"\x89PNG")
    ax = drawn[0].axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2024-09", "2024-10", "2024-11", "2024-12", "2025-01"]
    assert list(ax.lines[0].get_ydata()) == [3, 0, 0, 0, 1]
