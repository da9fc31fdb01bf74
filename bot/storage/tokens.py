"""Random bearer tokens, stored only as SHA-256 digests and compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_token() -> str:
    """A fresh URL-safe token with 256 bits of randomness."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """The hex SHA-256 of a token: what the database keeps instead of the token."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def token_matches(token: str | None, digest: str) -> bool:
    """True when `token` hashes to `digest`; constant-time to give no timing hint."""
    return token is not None and hmac.compare_digest(token_digest(token), digest)
