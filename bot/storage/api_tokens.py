"""Agent and admin bearer tokens: create, list, revoke, authenticate (only digests are stored)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bot.errors import AuthError, InputError, NotFoundError
from bot.storage.db import Database
from bot.storage.models import ApiToken, as_utc, utcnow
from bot.storage.tokens import new_token, token_digest

ROLES = ("agent", "admin")


@dataclass(frozen=True)
class Principal:
    """Who a valid token belongs to."""

    id: int
    name: str
    role: str
    created_at: datetime
    revoked: bool = False


def _principal(row: ApiToken) -> Principal:
    return Principal(row.id, row.name, row.role, as_utc(row.created_at), row.revoked_at is not None)


class TokenStore:
    """Bearer tokens of agents (the handoff console) and admins (reloads, reports)."""

    def __init__(self, database: Database) -> None:
        self.db = database

    def create(self, name: str, role: str = "agent") -> tuple[Principal, str]:
        """A new token for `name`; the token itself is returned once and never stored."""
        name = name.strip()
        if not name or len(name) > 64:
            raise InputError("give a name of 1 to 64 characters")
        if role not in ROLES:
            raise InputError(f"role must be one of {ROLES}, got {role!r}")
        token = new_token()
        row = ApiToken(name=name, role=role, token_hash=token_digest(token), created_at=utcnow())
        with self.db.session() as session:
            session.add(row)
            session.flush()
            return _principal(row), token

    def list(self, role: str | None = None) -> list[Principal]:
        """Every token's owner, oldest first."""
        query = select(ApiToken).order_by(ApiToken.id)
        if role is not None:
            query = query.where(ApiToken.role == role)
        with self.db.session() as session:
            return [_principal(row) for row in session.scalars(query)]

    def revoke(self, name_or_id: str, role: str | None = None) -> int:
        """Revoke the tokens of a name (or one id); returns how many were revoked."""
        with self.db.session() as session:
            query = select(ApiToken).where(ApiToken.revoked_at.is_(None))
            if role is not None:
                query = query.where(ApiToken.role == role)
            rows = [row for row in session.scalars(query) if row.name == name_or_id or str(row.id) == name_or_id]
            if not rows:
                raise NotFoundError(f"no active token named {name_or_id!r}")
            for row in rows:
                row.revoked_at = utcnow()
            return len(rows)

    def authenticate(self, authorization: str | None, role: str) -> Principal:
        """The owner of a `Bearer <token>` header with the given role (admins pass agent checks too)."""
        if not authorization or not authorization.lower().startswith("bearer "):
            raise AuthError("send 'Authorization: Bearer <token>'", status=401)
        digest = token_digest(authorization[7:].strip())
        with self.db.session() as session:
            row = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
            if row is None or row.revoked_at is not None:
                raise AuthError("unknown or revoked token", status=401)
            if row.role != role and row.role != "admin":
                raise AuthError(f"this token is not an {role} token")
            return _principal(row)
