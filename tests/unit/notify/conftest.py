"""Fixtures of the e-mail tests: a real SMTP server per test, a fresh conversation store, the notifier's logs."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.storage.conversations import ConversationStore
from tests.conftest import attached
from tests.unit.notify.smtp import Inbox, smtp_server
from tests.unit.storage import migrated_database


class Records(logging.Handler):
    """Every record of the "bot.notify" logger, whatever other tests did to the parent loggers."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record."""
        self.records.append(record)

    def named(self, message: str) -> list[logging.LogRecord]:
        """The records with this message."""
        return [r for r in self.records if r.getMessage() == message]


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    """A running local SMTP server; its messages arrive in `inbox.received`."""
    with smtp_server() as server:
        yield server


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ConversationStore]:
    """Sessions and transcripts on a fresh SQLite database."""
    with migrated_database("sqlite", tmp_path) as database:
        yield ConversationStore(database)


@pytest.fixture
def logs() -> Iterator[Records]:
    """The notifier's log records."""
    handler = Records()
    with attached(handler, "bot.notify", logging.DEBUG):
        yield handler
