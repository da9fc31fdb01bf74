"""Charts of the report as PNG data URIs (matplotlib's Agg canvas; imported only when a chart is drawn).

No pyplot: each chart is its own `Figure` on an Agg canvas, so nothing global (backend, current figure) is
touched and the service can draw reports from worker threads. Labels are ASCII only (language codes, entry
ids, cluster numbers), so no glyph is missing whatever fonts the machine has.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from typing import Any

RATE_SERIES = (("resolution_rate", "resolution", "#2a9d8f"), ("handoff_rate", "handoff", "#e76f51"),
               ("fallback_rate", "fallback", "#e9c46a"))
SUGGESTION_COLOURS = {"new_entry": "#e76f51", "add_alternate": "#2a9d8f", "no_index": "#8d99ae"}


def _png(draw: Callable[[Any], None], height: float = 3.2) -> str:
    """Draw on a fresh 8-inch-wide figure and return it as a base64 PNG data URI."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, height), dpi=96, layout="constrained")
    FigureCanvasAgg(figure)
    draw(figure.add_subplot())
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def rates_by_day(rows: list[dict[str, Any]]) -> str | None:
    """Resolution, handoff and fallback rate per day (lines)."""
    if not rows:
        return None

    def draw(axes: Any) -> None:
        days = [row["day"] for row in rows]
        for key, label, colour in RATE_SERIES:
            values = [row[key] if row[key] is not None else float("nan") for row in rows]
            axes.plot(days, values, marker="o", markersize=3, label=label, color=colour)
        axes.set_ylim(0, 1)
        axes.set_ylabel("rate")
        axes.legend(loc="upper left", fontsize=8)
        step = max(1, len(days) // 12)
        axes.set_xticks(range(0, len(days), step), days[::step], rotation=30, ha="right", fontsize=7)
        axes.grid(alpha=0.3)

    return _png(draw)


def rates_by_language(rows: list[dict[str, Any]]) -> str | None:
    """The three rates per language (grouped bars)."""
    if not rows:
        return None

    def draw(axes: Any) -> None:
        width = 0.27
        for offset, (key, label, colour) in enumerate(RATE_SERIES):
            values = [row[key] or 0.0 for row in rows]
            axes.bar([i + (offset - 1) * width for i in range(len(rows))], values, width, label=label, color=colour)
        axes.set_xticks(range(len(rows)), [row["language"] for row in rows], fontsize=8)
        axes.set_ylim(0, 1)
        axes.legend(fontsize=8)
        axes.grid(axis="y", alpha=0.3)

    return _png(draw)


def _horizontal(labels: list[str], values: list[float], colours: list[str], xlabel: str) -> str:
    def draw(axes: Any) -> None:
        axes.barh(range(len(values)), values, color=colours)
        axes.set_yticks(range(len(values)), labels, fontsize=8)
        axes.invert_yaxis()
        axes.set_xlabel(xlabel)
        axes.grid(axis="x", alpha=0.3)

    return _png(draw, height=max(2.0, 0.28 * len(values) + 0.9))


def handoff_reasons(rows: list[dict[str, Any]]) -> str | None:
    """Handoffs per reason."""
    if not rows:
        return None
    return _horizontal([row["reason"] for row in rows], [row["count"] for row in rows],
                       ["#e76f51"] * len(rows), "handoffs")


def least_helpful(rows: list[dict[str, Any]], limit: int = 15) -> str | None:
    """"Not helpful" votes of the least helpful entries."""
    rows = rows[:limit]
    if not rows:
        return None
    return _horizontal([row["faq_id"] for row in rows], [row["not_helpful"] for row in rows],
                       ["#e9c46a"] * len(rows), '"not helpful" votes')


def clusters(rows: list[dict[str, Any]], limit: int = 15) -> str | None:
    """Sizes of the largest unanswered-question clusters, coloured by suggestion."""
    rows = rows[:limit]
    if not rows:
        return None
    labels = [f"#{i} {row['nearest'] or ''}".strip() for i, row in enumerate(rows, start=1)]
    colours = [SUGGESTION_COLOURS.get(row["suggestion"], "#8d99ae") for row in rows]
    return _horizontal(labels, [row["size"] for row in rows], colours, "questions (red: new entry needed, "
                       "green: add as alternate question to the nearest entry)")


def all_charts(report: dict[str, Any]) -> dict[str, str | None]:
    """Every chart of a report dict, by name."""
    unanswered = report.get("unanswered") or {}
    return {"rates_by_day": rates_by_day(report["by_day"]),
            "rates_by_language": rates_by_language(report["by_language"]),
            "handoff_reasons": handoff_reasons(report["handoff_reasons"]),
            "least_helpful": least_helpful(report["least_helpful"]),
            "clusters": clusters(unanswered.get("clusters") or [])}
