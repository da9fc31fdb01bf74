"""TokenStore: only digests are stored, revocation, roles (admins pass agent checks), input checks."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from bot.errors import AuthError, InputError, NotFoundError
from bot.storage.api_tokens import TokenStore
from bot.storage.models import ApiToken
from tests.unit.storage import DATABASES, dump_tables, migrated_database


@pytest.fixture(params=DATABASES)
def db(request, tmp_path):
    """A migrated, empty database (SQLite file, or a fresh PostgreSQL schema)."""
    with migrated_database(request.param, tmp_path) as database:
        yield database


@pytest.fixture
def tokens(db):
    """The store on that database."""
    return TokenStore(db)


def test_only_the_digest_is_stored(tokens, db):
    """The token is returned once; the database holds its SHA-256 and nothing else of it."""
    principal, token = tokens.create("alice", "agent")
    assert len(token) >= 40 and principal.name == "alice" and principal.role == "agent" and not principal.revoked
    with db.session() as session:
        row = session.scalar(select(ApiToken).where(ApiToken.id == principal.id))
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    dump = dump_tables(db)
    assert token not in dump and token[:16] not in dump


def test_authenticate_by_bearer_header(tokens):
    """`Bearer <token>` (any case, extra spaces) authenticates; a missing or malformed header is 401."""
    principal, token = tokens.create("alice")
    assert tokens.authenticate(f"Bearer {token}", "agent").id == principal.id
    assert tokens.authenticate(f"bearer   {token}  ", "agent").id == principal.id
    for header in (None, "", token, f"Basic {token}", "Bearer", "Bearer x"):
        with pytest.raises(AuthError) as denied:
            tokens.authenticate(header, "agent")
        assert denied.value.status == 401


def test_roles_admins_pass_agent_checks_agents_not_admin_checks(tokens):
    """An admin token passes agent and admin checks; an agent token fails admin checks with 403."""
    _, admin = tokens.create("ops", "admin")
    _, agent = tokens.create("alice", "agent")
    assert tokens.authenticate(f"Bearer {admin}", "admin").role == "admin"
    assert tokens.authenticate(f"Bearer {admin}", "agent").role == "admin"
    with pytest.raises(AuthError) as denied:
        tokens.authenticate(f"Bearer {agent}", "admin")
    assert denied.value.status == 403 and "admin" in str(denied.value)


def test_revoke_by_name_or_id(tokens):
    """Revoking by name revokes all of that name's tokens, by id just one; revoked tokens are 401."""
    first, token1 = tokens.create("alice")
    _, token2 = tokens.create("alice")
    bob, token3 = tokens.create("bob")
    assert tokens.revoke("alice") == 2
    for token in (token1, token2):
        with pytest.raises(AuthError) as denied:
            tokens.authenticate(f"Bearer {token}", "agent")
        assert denied.value.status == 401
    assert tokens.authenticate(f"Bearer {token3}", "agent").name == "bob"
    assert tokens.revoke(str(bob.id)) == 1
    with pytest.raises(NotFoundError):
        tokens.revoke("alice")   # nothing active left
    with pytest.raises(NotFoundError):
        tokens.revoke("nobody")
    listed = {p.id: p.revoked for p in tokens.list()}
    assert listed[first.id] and listed[bob.id]


def test_revoke_limited_to_a_role(tokens):
    """With a role, revoke only touches tokens of that role."""
    _, admin = tokens.create("ops", "admin")
    _, agent = tokens.create("ops", "agent")
    assert tokens.revoke("ops", role="agent") == 1
    assert tokens.authenticate(f"Bearer {admin}", "admin").name == "ops"
    with pytest.raises(AuthError):
        tokens.authenticate(f"Bearer {agent}", "agent")


def test_list_in_creation_order_and_by_role(tokens):
    """list() gives every token's owner oldest first, optionally one role only."""
    tokens.create("a", "agent")
    tokens.create("b", "admin")
    tokens.create("c", "agent")
    assert [p.name for p in tokens.list()] == ["a", "b", "c"]
    assert [p.name for p in tokens.list("agent")] == ["a", "c"]
    assert all(p.created_at.tzinfo is not None for p in tokens.list())


@pytest.mark.parametrize(("name", "role"), [("", "agent"), ("   ", "agent"), ("x" * 65, "agent"),
                                            ("alice", "root"), ("alice", "")])
def test_bad_names_and_roles_are_input_errors(tokens, name, role):
    """Names must be 1-64 characters and roles agent or admin."""
    with pytest.raises(InputError):
        tokens.create(name, role)
