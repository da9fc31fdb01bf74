"""Fixtures of the service tests: one small hashing-encoder index per session, apps on SQLite or PostgreSQL."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.build import build_index
from bot.config import Settings
from bot.pipeline import Assistant
from bot.service.app import create_app
from bot.service.logs import JsonFormatter
from bot.storage.db import Database
from tests.conftest import attached, make_settings
from tests.unit.storage import DATABASES, database_url


@pytest.fixture(scope="session")
def service_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding `index/` and `cache/`: the fixture KB indexed once with the hashing encoder."""
    root = tmp_path_factory.mktemp("service-index")
    build_index(make_settings(root, encoder__backend="hashing"), progress=False, intents_dir=None)
    return root


@pytest.fixture(scope="session")
def assistant(service_index: Path) -> Assistant:
    """One warmed assistant on that index, shared by every app of the session (warming is the slow part)."""
    bot = Assistant(make_settings(service_index, encoder__backend="hashing"))
    bot.warm_up()
    return bot


@pytest.fixture(params=DATABASES)
def db_kind(request: pytest.FixtureRequest) -> str:
    """The database backend; modules that only need one override this fixture."""
    return request.param


@pytest.fixture
def db_url(db_kind: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of that backend (a fresh schema on PostgreSQL)."""
    with database_url(db_kind, tmp_path) as url:
        yield url


def app_settings(folder: Path, service_index: Path, db_url: str, **overrides: str) -> Settings:
    """Settings of a test app: the shared index, the given database, no index polling, and rate limits off
    unless overridden."""
    values = {"encoder__backend": "hashing", "index__dir": str(service_index / "index"),
              "index__cache_dir": str(service_index / "cache"), "storage__database_url": db_url,
              "service__reload_poll_seconds": "0", "service__rate_limit__per_ip_per_minute": "0",
              "service__rate_limit__per_session_per_minute": "0"} | overrides
    return make_settings(folder, **values)


@pytest.fixture
def settings_for(tmp_path: Path, service_index: Path, db_url: str) -> Callable[..., Settings]:
    """`settings_for(**overrides)`: settings of an app on this test's database."""
    return lambda **overrides: app_settings(tmp_path, service_index, db_url, **overrides)


@pytest.fixture
def make_app(settings_for: Callable[..., Settings], assistant: Assistant) -> Callable[..., FastAPI]:
    """Build an app: `make_app(database=..., migrate=..., **setting_overrides)`."""

    def make(*, database: Database | None = None, migrate: bool = True, **overrides: str) -> FastAPI:
        return create_app(settings_for(**overrides), assistant=assistant, database=database, migrate=migrate)

    return make


@pytest.fixture
def client(make_app: Callable[..., FastAPI]) -> Iterator[TestClient]:
    """A client of a default app, with its lifespan running (database migrated, assistant warm)."""
    with TestClient(make_app()) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def module_client(tmp_path_factory: pytest.TempPathFactory, service_index: Path,
                  assistant: Assistant) -> Iterator[TestClient]:
    """One SQLite app per module, for tests that only send requests and need no fresh database."""
    folder = tmp_path_factory.mktemp("module-app")
    settings = app_settings(folder, service_index, f"sqlite:///{folder / 'module.db'}")
    with TestClient(create_app(settings, assistant=assistant)) as test_client:
        yield test_client


class LogCapture:
    """What the service logged through the "bot" loggers, formatted as the service formats it."""

    def __init__(self) -> None:
        self.stream = io.StringIO()

    @property
    def text(self) -> str:
        """Everything logged so far."""
        return self.stream.getvalue()

    def records(self) -> list[dict[str, Any]]:
        """Every line parsed as JSON (fails when a line is not JSON)."""
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]


@pytest.fixture
def service_logs() -> Iterator[LogCapture]:
    """Capture the "bot" loggers at INFO with the service's JsonFormatter."""
    capture = LogCapture()
    handler = logging.StreamHandler(capture.stream)
    handler.setFormatter(JsonFormatter())
    with attached(handler, "bot", logging.INFO):
        yield capture
