"""Fixtures of the attachment tests: one warmed secret scanner, and default settings."""

from __future__ import annotations

import pytest

from bot.config import AttachmentSettings
from bot.security.secrets import SecretScanner


@pytest.fixture(scope="session")
def scanner() -> SecretScanner:
    """The chat's secret scanner with its wordlists loaded."""
    found = SecretScanner()
    found.warm_up()
    return found


@pytest.fixture
def limits() -> AttachmentSettings:
    """The default attachment settings."""
    return AttachmentSettings()
