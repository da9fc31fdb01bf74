"""Render a report dict as one HTML page (charts inline), JSON, and CSV tables; write them into a folder.

Every value that reaches the HTML goes through `html.escape`, user texts included (they are redacted in the
database already, but a question may still hold markup). The page has no script and no inline style: its
stylesheet is `report.css` next to it (written into the output folder; served at /admin/report.css), so it
renders under the service's strict Content-Security-Policy.
"""

from __future__ import annotations

import csv
import io
import json
import os
from html import escape
from pathlib import Path
from typing import Any

CSS = """body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;margin:8px 0;font-size:13px}
.wide{overflow-x:auto}
th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}th{background:#f4f4f4}
td.n{text-align:right;font-variant-numeric:tabular-nums}.tiles{display:flex;gap:12px;flex-wrap:wrap}
.tile{border:1px solid #ddd;border-radius:6px;padding:8px 14px}.tile b{display:block;font-size:20px}
.new_entry{color:#b23b1e}.add_alternate{color:#1d7a6f}code{font-size:12px;word-break:break-all}
img{max-width:100%}.note{color:#7a5c00}dl dt{font-weight:600}ul.q{margin:0;padding-left:18px}
"""
TABLES = ("by_language", "by_day", "handoff_reasons", "least_helpful", "clusters")
RATE_KEYS = ("resolution_rate", "handoff_rate", "fallback_rate")
SLICE_COLUMNS = ("conversations", "resolved", "handed_off", "bot_replies", "answers", "resolved_answers",
                 "clarifications", "fallbacks", "handoffs", "helpful", "not_helpful", "unanswered",
                 "solved_on_the_spot", *RATE_KEYS)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f'<td class="n">{value:.4g}</td>'
    if isinstance(value, int):
        return f'<td class="n">{value}</td>'
    return f"<td>{escape('' if value is None else str(value))}</td>"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(row) + "</tr>" for row in rows)
    return f'<div class="wide"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _slices(rows: list[dict[str, Any]], key: str) -> str:
    if not rows:
        return "<p>No data in this period.</p>"
    table_rows = [[_cell(row[key])] + [f'<td class="n">{_pct(row[c])}</td>' if c in RATE_KEYS else _cell(row[c])
                                       for c in SLICE_COLUMNS] for row in rows]
    return _table([key, *SLICE_COLUMNS], table_rows)


def _list(items: list[str]) -> str:
    return '<ul class="q">' + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>" if items else ""


def _chart(charts: dict[str, str | None], name: str, alt: str) -> str:
    uri = charts.get(name)
    return f'<p><img src="{escape(uri)}" alt="{escape(alt)}"></p>' if uri else ""


def _clusters(unanswered: dict[str, Any]) -> str:
    clusters = unanswered.get("clusters") or []
    summary = (f"<p>{unanswered.get('occurrences', 0)} unanswered questions, {unanswered.get('distinct_texts', 0)} "
               f"distinct texts, {len(clusters)} clusters shown (distance threshold "
               f"{escape(str(unanswered.get('distance_threshold')))}, alternate-question score "
               f"{escape(str(unanswered.get('alternate_score')))}).</p>")
    if not clusters:
        return summary
    rows = []
    for number, cluster in enumerate(clusters, start=1):
        languages = ", ".join(f"{lang} {n}" for lang, n in cluster["languages"].items())
        examples = _list([f"[{e['language']}] {e['text']} (×{e['count']})" for e in cluster["examples"]])
        nearest = "–" if cluster["nearest"] is None else f"{cluster['nearest']} ({cluster['score']:.2f})"
        if cluster.get("runner_up"):
            nearest += f"; runner-up {cluster['runner_up']} ({cluster['runner_up_score']:.2f})"
        if cluster["suggestion"] == "add_alternate":
            advice = f"add as alternate question to {cluster['nearest']}"
        elif cluster["suggestion"] == "new_entry":
            advice = "new entry needed"
        else:
            advice = "no index to compare with"
        commands = "".join(f"<code>{escape(c)}</code><br>" for c in cluster.get("promote", [])[:2])
        suggestion = f'<td class="{escape(cluster["suggestion"])}">{escape(advice)}<br>{commands}</td>'
        rows.append([_cell(number), _cell(cluster["size"]), _cell(languages), f"<td>{examples}</td>",
                     _cell(nearest), suggestion])
    return summary + _table(["#", "size", "languages", "examples", "nearest entry (score)", "suggestion"], rows)


def _least_helpful(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "<p>No \"not helpful\" feedback in this period.</p>"
    table_rows = [[_cell(r["faq_id"]), _cell(r["answers"]), _cell(r["helpful"]), _cell(r["not_helpful"]),
                   f'<td class="n">{_pct(r["unhelpful_share"])}</td>', _cell(r["followed_by_handoff"]),
                   f"<td>{_list(r['examples'])}</td>", f"<td>{_list(r['comments'])}</td>"] for r in rows]
    return _table(["entry", "answers", "helpful", "not helpful", "share not helpful", "followed by handoff",
                   "questions asked", "comments"], table_rows)


def render_html(report: dict[str, Any], charts: dict[str, str | None] | None = None,
                stylesheet: str = "report.css") -> str:
    """The report as a standalone HTML page; `charts` maps chart names to PNG data URIs."""
    charts = charts or {}
    totals = report["totals"]
    period = f"since {report['since']}" if report.get("since") else "all stored conversations"
    tiles = "".join(f'<div class="tile">{escape(label)}<b>{escape(value)}</b></div>' for label, value in (
        ("conversations", str(totals["conversations"])), ("resolution rate", _pct(totals["resolution_rate"])),
        ("handoff rate", _pct(totals["handoff_rate"])), ("fallback rate", _pct(totals["fallback_rate"])),
        ("solved on the spot", str(totals.get("solved_on_the_spot", 0))),
        ("unanswered questions", str(totals["unanswered"])), ("messages read", str(report["messages"]))))
    notes = "".join(f'<p class="note">{escape(n)}</p>' for n in report.get("notes", []))
    reasons = _table(["reason", "handoffs", "share"], [[_cell(r["reason"]), _cell(r["count"]),
                                                        f'<td class="n">{_pct(r["share"])}</td>']
                                                       for r in report["handoff_reasons"]])
    definitions = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in report["definitions"].items())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>FAQ report</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="{escape(stylesheet)}"></head><body>
<h1>FAQ report: {escape(period)}</h1>
<p>Generated {escape(report['generated_at'])}.</p>{notes}
<div class="tiles">{tiles}</div>
<h2>Per day</h2>{_chart(charts, "rates_by_day", "rates per day")}{_slices(report["by_day"], "day")}
<h2>Per language</h2>{_chart(charts, "rates_by_language", "rates per language")}
{_slices(report["by_language"], "language")}
<h2>Handoff reasons</h2>{_chart(charts, "handoff_reasons", "handoffs per reason")}{reasons}
<h2>Least helpful entries</h2>{_chart(charts, "least_helpful", "not helpful votes per entry")}
{_least_helpful(report["least_helpful"])}
<h2>What users asked that the FAQ could not answer</h2>{_chart(charts, "clusters", "largest clusters")}
{_clusters(report.get("unanswered") or {})}
<h2>Definitions</h2><dl>{definitions}</dl>
</body></html>
"""


def render_json(report: dict[str, Any]) -> str:
    """The report as indented JSON (non-ASCII kept)."""
    return json.dumps(report, ensure_ascii=False, indent=2)


def table_rows(report: dict[str, Any], table: str) -> list[dict[str, Any]]:
    """One of TABLES as flat rows (lists and mappings joined into text) for CSV."""
    if table == "clusters":
        rows = []
        for number, c in enumerate((report.get("unanswered") or {}).get("clusters") or [], start=1):
            rows.append({"cluster": number, "size": c["size"], "distinct": c["distinct"],
                         "languages": " ".join(f"{k}:{v}" for k, v in c["languages"].items()),
                         "kinds": " ".join(f"{k}:{v}" for k, v in c["kinds"].items()),
                         "examples": " | ".join(e["text"] for e in c["examples"]), "nearest": c["nearest"],
                         "score": c["score"], "suggestion": c["suggestion"]})
        return rows
    return [{key: " | ".join(map(str, value)) if isinstance(value, list) else value for key, value in row.items()}
            for row in report.get(table) or []]


def render_csv(report: dict[str, Any], table: str) -> str:
    """One table as CSV text."""
    rows = table_rows(report, table)
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return buffer.getvalue()


def _write(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def write_report(report: dict[str, Any], out: Path, *, charts: bool = True) -> list[Path]:
    """Write report.html (+ report.css), report.json and one CSV per table into `out`; returns the paths."""
    out.mkdir(parents=True, exist_ok=True)
    drawn: dict[str, str | None] = {}
    if charts:
        from bot.authoring.charts import all_charts

        drawn = all_charts(report)
    files = {"report.html": render_html(report, drawn), "report.css": CSS, "report.json": render_json(report)}
    files |= {f"{table}.csv": render_csv(report, table) for table in TABLES}
    for name, text in files.items():
        _write(out / name, text)
    return [out / name for name in files]
