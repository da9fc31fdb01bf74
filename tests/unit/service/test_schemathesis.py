"""Property-based API testing from the service's own OpenAPI schema: no generated request gets a 5xx.

Every operation is fuzzed with schema-valid and schema-violating requests (schemathesis positive and negative
modes); operations on a session are also fuzzed with a real session id and token, so the generated bodies reach
the code behind authentication instead of stopping at 404/403. Admin calls stay unauthenticated: an authorised
`rebuild=true` would rebuild the shared test index.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from bot.pipeline import Assistant
from bot.service.app import create_app
from bot.storage.api_tokens import TokenStore
from tests.unit.service.conftest import app_settings

EXAMPLES = 40
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory, service_index: Path, assistant: Assistant) -> FastAPI:
    """A SQLite app for the fuzzer (schemathesis runs its lifespan on its own event loop)."""
    folder = tmp_path_factory.mktemp("fuzz")
    return create_app(app_settings(folder, service_index, f"sqlite:///{folder / 'fuzz.db'}"), assistant=assistant)


@pytest.fixture(scope="module")
def schema(fuzz_app: FastAPI) -> Iterator[schemathesis.BaseSchema]:
    """The app's OpenAPI schema, loaded through ASGI; the lifespan schemathesis started is shut down afterwards."""
    loaded = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)
    yield loaded
    from schemathesis.python import asgi

    with contextlib.suppress(Exception):
        asgi.shutdown_lifespans()


@pytest.fixture(scope="module")
def real_session(fuzz_app: FastAPI, schema) -> dict[str, str]:
    """A session, a handoff of another session and an agent token that exist in the fuzzed app's database."""
    client = TestClient(fuzz_app)   # no lifespan: schemathesis already runs it, the database is migrated
    body = client.post("/v1/chat", json={"text": "how do I withdraw bitcoin"}).json()
    other = client.post("/v1/chat", json={"text": "what is the fee"}).json()
    handoff = client.post(f"/v1/sessions/{other['session_id']}/handoff",
                          headers={"X-Session-Token": other["session_token"]}).json()
    _, agent = TokenStore(fuzz_app.state.services.database).create("fuzzer", "agent")
    return {"session_id": body["session_id"], "token": body["session_token"], "agent": agent,
            "handoff_id": handoff["handoff_id"]}


def _operations() -> list[str]:
    """Operation labels, read from a throwaway app's schema at collection time (nothing is created on disk)."""
    import tempfile

    from tests.conftest import make_settings

    app = create_app(make_settings(Path(tempfile.gettempdir()) / "cryptodesk-schema"), migrate=False)
    return sorted(f"{method.upper()} {path}" for path, methods in app.openapi()["paths"].items() for method in methods)


OPERATIONS = _operations()


def test_schema_lists_the_public_operations():
    """The fuzzed schema covers the chat API and the operations endpoints."""
    assert {"POST /v1/chat", "GET /v1/sessions/{session_id}/messages", "POST /v1/sessions/{session_id}/feedback",
            "POST /v1/sessions/{session_id}/handoff", "GET /healthz", "GET /readyz", "GET /metrics",
            "POST /v1/admin/reload"} <= set(OPERATIONS)


@pytest.mark.parametrize("label", OPERATIONS)
def test_no_operation_answers_with_a_server_error(schema, real_session, label):
    """Generated valid and invalid requests to this operation never get a 5xx."""
    method, path = label.split(" ", 1)
    operation = schema[path][method]
    fixed: dict = {}
    parameters = {parameter.name for parameter in operation.iter_parameters()}
    if "session_id" in parameters:
        fixed = {"path_parameters": {"session_id": real_session["session_id"]},
                 "headers": {"X-Session-Token": real_session["token"]}}
    elif path.startswith("/v1/handoffs"):
        fixed = {"headers": {"Authorization": f"Bearer {real_session['agent']}"}}
        if "handoff_id" in parameters:
            fixed["path_parameters"] = {"handoff_id": real_session["handoff_id"]}
    strategies = [operation.as_strategy(generation_mode=mode) for mode in GenerationMode]
    if fixed:
        strategies += [operation.as_strategy(generation_mode=mode, **fixed) for mode in GenerationMode]

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                     HealthCheck.function_scoped_fixture])
    @given(case=st.one_of(strategies))
    def fuzz(case):
        response = case.call()
        case.validate_response(response, checks=[not_a_server_error])

    fuzz()
