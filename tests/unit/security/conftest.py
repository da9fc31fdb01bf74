"""Shared fixtures of the security tests: one warmed-up scanner per session."""

import pytest

from bot.security.secrets import SecretScanner


@pytest.fixture(scope="session")
def scanner():
    """A SecretScanner with the BIP39 wordlists loaded."""
    s = SecretScanner()
    s.warm_up()
    return s
