"""The HTML page (escaped, no inline script or style), the charts, and the JSON and CSV files."""

from __future__ import annotations

import base64
import csv
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.authoring.charts import all_charts
from bot.authoring.render import TABLES, render_csv, render_html, write_report
from bot.authoring.report import ReportOptions, build_report
from bot.storage.db import Database
from embeddings.hashing import HashingEncoder
from tests.unit.authoring import Conversation, migrated

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A small report whose user texts and comments carry markup, clustered with the hashing encoder."""
    with migrated(tmp_path_factory.mktemp("render")) as db:
        _seed(db)
        yield build_report(db, encoder=HashingEncoder(), options=ReportOptions(threshold=0.5))


def _seed(db: Database) -> None:
    for day, language in (("2026-04-01", "en"), ("2026-04-02", "fr")):
        talk = Conversation(db, datetime.fromisoformat(f"{day}T08:00:00"), language)
        talk.user(f"{HOSTILE} fees")
        talk.bot("answer", faq_id="withdraw.fees", helpful=False, comment=HOSTILE)
        talk.user(HOSTILE)
        talk.bot("fallback", reasons=["low_confidence:0.10<0.50"])
        talk.user("how do I stake ETH")
        talk.handoff("repeated_failure", reasons=["low_confidence:0.10<0.50", "repeated_failure:2"])


def test_html_escapes_every_user_text(report):
    """Questions, examples and comments appear escaped; the raw markup never does."""
    page = render_html(report, all_charts(report))
    assert "<script" not in page and "onerror=alert(1)>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "style=" not in page and "<style" not in page    # the CSP allows only the linked stylesheet
    assert '<link rel="stylesheet" href="report.css">' in page
    assert page.count('<img src="data:image/png;base64,') == 5


def test_charts_are_png_data_uris(report):
    """Every chart is a real PNG; a report without data draws none."""
    charts = all_charts(report)
    assert set(charts) == {"rates_by_day", "rates_by_language", "handoff_reasons", "least_helpful", "clusters"}
    for uri in charts.values():
        assert uri is not None and uri.startswith("data:image/png;base64,")
        assert base64.b64decode(uri.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    empty = report | {"by_day": [], "by_language": [], "handoff_reasons": [], "least_helpful": [],
                      "unanswered": {"clusters": []}}
    assert set(all_charts(empty).values()) == {None}


def test_written_files_hold_the_same_data(report, tmp_path: Path):
    """report.json is the report; each CSV has the JSON table's rows."""
    files = write_report(report, tmp_path / "out")
    names = sorted(path.name for path in files)
    assert names == sorted(["report.html", "report.css", "report.json", *(f"{t}.csv" for t in TABLES)])
    assert json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8")) == report
    by_day = list(csv.DictReader(io.StringIO((tmp_path / "out" / "by_day.csv").read_text(encoding="utf-8"))))
    assert [row["day"] for row in by_day] == ["2026-04-01", "2026-04-02"]
    assert [int(row["conversations"]) for row in by_day] == [1, 1]
    clusters = list(csv.DictReader(io.StringIO(render_csv(report, "clusters"))))
    assert len(clusters) == len(report["unanswered"]["clusters"])
    assert int(clusters[0]["size"]) == report["unanswered"]["clusters"][0]["size"]
    helpful = list(csv.DictReader(io.StringIO(render_csv(report, "least_helpful"))))
    assert helpful[0]["faq_id"] == "withdraw.fees" and helpful[0]["not_helpful"] == "2"
    assert HOSTILE in helpful[0]["comments"]    # CSV and JSON keep the text as stored; only HTML escapes


def test_without_charts_no_image_is_drawn(report, tmp_path: Path):
    """--no-charts: the page has tables only."""
    write_report(report, tmp_path, charts=False)
    assert "<img" not in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_unanswered_questions_are_clustered_in_the_report(report):
    """The hostile text asked twice in two languages is one cluster of two; the stake question another."""
    unanswered = report["unanswered"]
    assert unanswered["occurrences"] == 4 and unanswered["distinct_texts"] == 2
    sizes = sorted((c["size"], tuple(sorted(c["languages"]))) for c in unanswered["clusters"])
    assert sizes == [(2, ("en", "fr")), (2, ("en", "fr"))]
    assert "no served index: nearest entries and suggestions are left out" in report["notes"]


def test_importing_the_report_code_does_not_load_matplotlib():
    """matplotlib is imported only when a chart is drawn (the service's start-up and memory stay as they were)."""
    code = ("import sys, bot.authoring.report, bot.authoring.render, bot.authoring.commands, "
            "bot.service.routes.reports; print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[3])
    assert out.stdout.strip() == "False"
