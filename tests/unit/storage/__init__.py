"""Storage tests, and the database helpers the service tests share: a SQLite file, or a fresh PostgreSQL schema.

PostgreSQL runs at 127.0.0.1:5432, database `test`, trust auth (user `postgres` or `root`). Each test gets its
own schema (selected with `search_path` in the URL), so tests never see each other's rows, nor those of other
people's runs against the same database; the schema is dropped afterwards.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.storage.db import Database
from bot.storage.models import Base

PG_HOST = "127.0.0.1:5432/test"
PG_USERS = ("postgres", "root")
DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)]


@functools.cache
def postgres_base_url() -> str | None:
    """The URL of the test PostgreSQL with the first user that can connect, or None when it is absent."""
    import psycopg

    for user in PG_USERS:
        url = f"postgresql://{user}@{PG_HOST}"
        try:
            with psycopg.connect(url, connect_timeout=3):
                return url
        except psycopg.Error:
            continue
    return None


def require_postgres() -> str:
    """The PostgreSQL URL, or skip the test saying where PostgreSQL was looked for."""
    url = postgres_base_url()
    if url is None:
        pytest.skip(f"PostgreSQL not reachable at postgresql://{{{','.join(PG_USERS)}}}@{PG_HOST}")
    return url


@contextmanager
def postgres_schema_url() -> Iterator[str]:
    """A URL whose connections work in a new, empty schema; the schema is dropped on exit."""
    import psycopg

    base = require_postgres()
    schema = f"cdtest_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{base}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(base, autocommit=True) as connection:
            connection.execute("SET lock_timeout = '20s'")
            connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@contextmanager
def database_url(kind: str, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database of `kind` ("sqlite" or "postgresql")."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'storage.db'}"
    else:
        with postgres_schema_url() as url:
            yield url


@contextmanager
def migrated_database(kind: str, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty Database of `kind`, disposed on exit."""
    with database_url(kind, tmp_path) as url:
        database = Database(url)
        database.migrate()
        try:
            yield database
        finally:
            database.dispose()


def dump_tables(database: Database) -> str:
    """Every row of every table of the models, as one JSON text (non-ASCII kept, so any language is searchable)."""
    tables = {}
    with database.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            tables[table.name] = [dict(row._mapping) for row in connection.execute(select(table))]
    return json.dumps(tables, ensure_ascii=False, default=str)
