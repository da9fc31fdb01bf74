"""Operations: health and readiness, metrics, the admin reload, security headers, CORS, request ids, JSON logs."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from bot.storage.api_tokens import TokenStore
from bot.storage.db import Database
from tests.unit.service import SEED_PHRASE, chat, new_session, services

ALLOWED_ORIGIN = "https://www.kestrel.example"


@pytest.fixture
def db_kind() -> str:
    """Operations do not depend on the database backend: SQLite only."""
    return "sqlite"


def _samples(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """The /metrics samples by (name, sorted labels)."""
    response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.text) for sample in family.samples}


def test_healthz_is_200(client):
    """The liveness probe answers 200 {"status": "ok"}."""
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_is_200_when_the_assistant_and_database_are_up(client):
    """Readiness is 200 with the served index's build time and size once the lifespan has run."""
    response = client.get("/readyz")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ready" and body["built_at"] and body["entries"] > 0


def test_readyz_is_503_when_the_database_is_unreachable(make_app):
    """With the database on a closed port, readiness is 503 and the detail names the database."""
    unreachable = Database("postgresql://postgres@127.0.0.1:1/none?connect_timeout=2")
    with TestClient(make_app(database=unreachable, migrate=False)) as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["status"] == "not ready" and "database" in response.json()["detail"]
        assert client.get("/healthz").status_code == 200


def test_readyz_is_503_before_the_assistant_is_loaded(make_app):
    """Without the lifespan (no warm-up), readiness is 503 saying the assistant is still loading."""
    client = TestClient(make_app())
    response = client.get("/readyz")
    assert response.status_code == 503 and "still loading" in response.json()["detail"]


def test_metrics_count_turns_latency_handoffs_and_errors(client):
    """After some traffic, /metrics shows turns by action and language, latency histograms, handoffs, errors."""
    first = new_session(client, "how do I withdraw bitcoin")
    chat(client, "how do I withdraw bitcoin", lang="fr")
    chat(client, SEED_PHRASE, first)
    chat(client, "still there?", first)
    client.get("/v1/no-such-endpoint")
    client.post("/v1/chat", json={"text": ""})
    samples = _samples(client)
    assert samples[("cryptodesk_turns_total", (("action", "answer"), ("language", "en")))] == 1
    assert samples[("cryptodesk_turns_total", (("action", "answer"), ("language", "fr")))] == 1
    assert samples[("cryptodesk_turns_total", (("action", "handoff"), ("language", "en")))] == 1
    assert samples[("cryptodesk_turns_total", (("action", "forwarded"), ("language", "en")))] == 1
    assert samples[("cryptodesk_turn_seconds_count", ())] == 4
    assert samples[("cryptodesk_turn_seconds_bucket", (("le", "+Inf"),))] == 4
    assert samples[("cryptodesk_handoffs_total", (("reason", "security"),))] == 1
    assert samples[("cryptodesk_security_flags_total", (("flag", "secret"),))] >= 1
    assert samples[("cryptodesk_errors_total", (("status", "404"),))] == 1
    assert samples[("cryptodesk_errors_total", (("status", "422"),))] == 1
    assert samples[("cryptodesk_request_seconds_count", (("method", "POST"), ("route", "/v1/chat")))] == 5


def _reload(client, token=None, rebuild="false"):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/v1/admin/reload", params={"rebuild": rebuild}, headers=headers)


def test_admin_reload_needs_an_admin_token(client):
    """Reload: 401 without a token or with an unknown/revoked one, 403 with an agent token, 200 with an admin's."""
    tokens = TokenStore(services(client).database)
    _, agent = tokens.create("alice", "agent")
    _, admin = tokens.create("ops", "admin")
    missing = _reload(client)
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert "Bearer" in missing.json()["detail"]
    assert _reload(client, "made-up-token").status_code == 401
    forbidden = _reload(client, agent)
    assert forbidden.status_code == 403 and "admin" in forbidden.json()["detail"]
    ok = _reload(client, admin)
    assert ok.status_code == 200, ok.text
    assert set(ok.json()) == {"index", "built_at"} and ok.json()["built_at"]
    tokens.revoke("ops")
    assert _reload(client, admin).status_code == 401


def test_service_answers_after_a_reload(client):
    """After `rebuild=false` reloads, turns are answered as before and the reload is counted."""
    _, admin = TokenStore(services(client).database).create("ops", "admin")
    first = new_session(client)
    for _ in range(2):
        assert _reload(client, admin).status_code == 200
    again = chat(client, "how do I withdraw bitcoin", first)
    assert again["action"] == "answer" and again["faq_id"] == first["faq_id"]
    assert _samples(client)[("cryptodesk_reloads_total", (("outcome", "ok"),))] == 2
    assert client.get("/readyz").status_code == 200


def test_admin_reload_rejects_a_bad_rebuild_flag(client):
    """A rebuild flag that is not a boolean is a 422 naming it, checked before anything is reloaded."""
    response = client.post("/v1/admin/reload", params={"rebuild": "sometimes"})
    assert response.status_code == 422 and "rebuild" in response.json()["detail"]


def test_security_headers_strict_csp_on_pages_nosniff_everywhere(client):
    """Pages get a strict CSP; API, probes and the embeddable widget get nosniff etc. but no page CSP."""
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    for response in (page, client.post("/v1/chat", json={"text": "hi"}), client.get("/healthz"),
                     client.get("/v1/unknown"), client.get("/static/widget.js")):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["x-frame-options"] == "DENY"
    for path in ("/healthz", "/metrics", "/static/widget.js"):
        assert "content-security-policy" not in client.get(path).headers


def test_request_id_is_echoed_or_generated(client):
    """A caller's X-Request-Id comes back unchanged; without one, a fresh id is generated per request."""
    assert client.get("/healthz", headers={"X-Request-Id": "trace-abc-123"}).headers["x-request-id"] == "trace-abc-123"
    first = client.get("/healthz").headers["x-request-id"]
    second = client.post("/v1/chat", json={"text": ""}).headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and re.fullmatch(r"[0-9a-f]{32}", second) and first != second
    assert len(client.get("/healthz", headers={"X-Request-Id": "x" * 500}).headers["x-request-id"]) == 64


def _preflight(client, origin):
    return client.options("/v1/chat", headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                                               "Access-Control-Request-Headers": "content-type,x-session-token"})


def test_cors_allows_only_the_configured_origin(make_app):
    """With cors_origins set, a preflight from that origin is allowed; one from another origin is not."""
    with TestClient(make_app(service__cors_origins=f"[{ALLOWED_ORIGIN}]")) as client:
        allowed = _preflight(client, ALLOWED_ORIGIN)
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
        assert "POST" in allowed.headers["access-control-allow-methods"]
        assert "x-session-token" in allowed.headers["access-control-allow-headers"].lower()
        refused = _preflight(client, "https://evil.example")
        assert refused.status_code == 400 and "access-control-allow-origin" not in refused.headers
        simple = client.post("/v1/chat", json={"text": "hi"}, headers={"Origin": ALLOWED_ORIGIN})
        assert simple.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
        other = client.post("/v1/chat", json={"text": "hi"}, headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_without_cors_origins_no_cross_origin_access(client):
    """By default no origin is allowed: no CORS headers on preflights or responses."""
    assert "access-control-allow-origin" not in _preflight(client, ALLOWED_ORIGIN).headers
    response = client.post("/v1/chat", json={"text": "hi"}, headers={"Origin": ALLOWED_ORIGIN})
    assert "access-control-allow-origin" not in response.headers


def test_logs_are_json_lines_with_request_id_and_masked_emails(client, service_logs):
    """Every log line is JSON; the access log carries the request id, and e-mail addresses in it are masked."""
    response = client.get("/v1/sessions/john.doe@example.com/messages",
                          headers={"X-Request-Id": "req-mask-1", "X-Session-Token": "t"})
    assert response.status_code == 404
    client.get("/healthz", headers={"X-Request-Id": "req-health-2"})
    records = service_logs.records()
    access = {r["request_id"]: r for r in records if r["logger"] == "bot.service.access"}
    assert access["req-mask-1"]["status"] == 404 and access["req-mask-1"]["method"] == "GET"
    assert access["req-mask-1"]["path"] == "/v1/sessions/j***@example.com/messages"
    assert access["req-health-2"]["path"] == "/healthz" and access["req-health-2"]["level"] == "INFO"
    assert all({"time", "level", "logger", "message", "request_id"} <= set(r) for r in records)
    assert "john.doe@example.com" not in service_logs.text


def test_access_log_leaves_out_query_strings(client, service_logs):
    """Query strings (which may hold a WebSocket token) never reach the access log."""
    first = new_session(client)
    client.get(f"/v1/sessions/{first['session_id']}/messages?token={first['session_token']}",
               headers={"X-Session-Token": first["session_token"]})
    assert first["session_token"] not in service_logs.text


def test_unexpected_errors_are_500_with_a_logged_traceback(client, service_logs, monkeypatch):
    """An unexpected exception becomes a JSON 500 (no traceback to the caller) and is logged with its request id."""
    def explode(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services(client).chat.store, "messages", explode)
    first = new_session(client)
    safe = TestClient(client.app, raise_server_exceptions=False)
    response = safe.get(f"/v1/sessions/{first['session_id']}/messages",
                        headers={"X-Session-Token": first["session_token"], "X-Request-Id": "req-boom"})
    assert response.status_code == 500 and response.json() == {"detail": "internal error; it has been logged"}
    logged = [r for r in service_logs.records() if r["message"] == "unexpected error"]
    assert logged and logged[0]["request_id"] == "req-boom" and "RuntimeError: boom" in logged[0]["exception"]
    assert response.headers["x-request-id"] == "req-boom" and response.headers["x-content-type-options"] == "nosniff"


def test_metrics_count_intake_steps_by_form(client):
    """A form's opening turn and its cancellation are counted by form and step."""
    first = chat(client, "My crypto deposit has not arrived")
    assert first["action"] == "intake"
    chat(client, "cancel", session=first)
    samples = _samples(client)
    assert samples[("cryptodesk_intake_steps_total", (("form", "deposit_not_arrived"), ("step", "ask")))] == 1
    assert samples[("cryptodesk_intake_steps_total", (("form", "deposit_not_arrived"), ("step", "cancelled")))] == 1
