"""Fixtures of the e-mail tests: a real SMTP server per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.unit.notify.smtp import Inbox, smtp_server


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    """A running local SMTP server; its messages arrive in `inbox.received`."""
    with smtp_server() as server:
        yield server
