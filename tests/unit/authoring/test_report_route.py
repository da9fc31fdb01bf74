"""`GET /admin/report`: admins only; HTML under the page CSP, JSON with format=json, since filters."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.build import build_index
from bot.pipeline import Assistant
from bot.service.app import create_app
from bot.service.routes import reports
from bot.storage.api_tokens import TokenStore
from tests.conftest import make_settings
from tests.unit.authoring import Conversation


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The service on a hashing-encoder index with the report router included, and two seeded days."""
    root = tmp_path_factory.mktemp("report-route")
    settings = make_settings(root, encoder__backend="hashing", service__reload_poll_seconds="0",
                             service__rate_limit__per_ip_per_minute="0")
    build_index(settings, progress=False, intents_dir=None, selftest=False)
    assistant = Assistant(settings)
    assistant.warm_up()
    app: FastAPI = create_app(settings, assistant=assistant)
    if not any(getattr(route, "path", "") == "/admin/report" for route in app.routes):
        app.include_router(reports.router)
    with TestClient(app) as test_client:
        database = app.state.services.database
        for day, language, question in (("2026-05-01", "en", "how do I stake <b>ETH</b>"),
                                        ("2026-05-02", "es", "¿cómo hago staking de ETH?")):
            talk = Conversation(database, datetime.fromisoformat(f"{day}T09:00:00"), language)
            talk.user("withdrawal fee for BTC")
            talk.bot("answer", faq_id="withdraw.fees", helpful=False)
            talk.user(question)
            talk.bot("fallback", reasons=["low_confidence:0.10<0.50"])
        yield test_client


def _token(client: TestClient, role: str) -> dict[str, str]:
    store = TokenStore(client.app.state.services.database)  # type: ignore[attr-defined]
    _, token = store.create(f"report-{role}", role)
    return {"Authorization": f"Bearer {token}"}


def test_report_needs_an_admin_token(client: TestClient):
    """No token: 401; an agent's token: 403."""
    assert client.get("/admin/report").status_code == 401
    assert client.get("/admin/report", headers=_token(client, "agent")).status_code == 403


def test_html_report_renders_under_the_page_policy(client: TestClient):
    """An HTML page with escaped user text and inline PNG charts; its stylesheet is served alongside."""
    response = client.get("/admin/report", headers=_token(client, "admin"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "img-src 'self' data:" in response.headers["content-security-policy"]
    page = response.text
    assert "FAQ report: all stored conversations" in page and "&lt;b&gt;ETH&lt;/b&gt;" in page
    assert "<b>ETH</b>" not in page and 'href="report.css"' in page and "data:image/png;base64," in page
    css = client.get("/admin/report.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


def test_json_report_and_since(client: TestClient):
    """format=json returns the report; since keeps the second day only; a bad date is a 422."""
    admin = _token(client, "admin")
    everything: dict[str, Any] = client.get("/admin/report", params={"format": "json"}, headers=admin).json()
    assert everything["totals"]["conversations"] == 2 and everything["since"] is None
    assert everything["least_helpful"][0]["faq_id"] == "withdraw.fees"
    assert everything["unanswered"]["occurrences"] == 2
    assert all(c["nearest"] for c in everything["unanswered"]["clusters"])   # the served index was searched
    later = client.get("/admin/report", params={"format": "json", "since": "2026-05-02"}, headers=admin).json()
    assert later["totals"]["conversations"] == 1 and [d["day"] for d in later["by_day"]] == ["2026-05-02"]
    bad = client.get("/admin/report", params={"since": "May 2nd"}, headers=admin)
    assert bad.status_code == 422 and "2026-01-31" in bad.json()["detail"]


def test_clusters_can_be_left_out(client: TestClient):
    """clusters=false skips the embedding work."""
    report = client.get("/admin/report", params={"format": "json", "clusters": "false"},
                        headers=_token(client, "admin")).json()
    assert report["unanswered"]["clusters"] == [] and report["unanswered"]["occurrences"] == 2
