"""Migrations: a fresh database upgrades to head, migrating again is a no-op, and the schema matches the models."""

from __future__ import annotations

import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from bot.config import PROJECT_ROOT
from bot.storage.conversations import ConversationStore
from bot.storage.db import MIGRATIONS, Database
from bot.storage.models import Base
from tests.unit.storage import DATABASES, database_url, dump_tables


@pytest.fixture(params=DATABASES)
def url(request, tmp_path):
    """The URL of an empty, unmigrated database."""
    with database_url(request.param, tmp_path) as empty:
        yield empty


@pytest.fixture
def db(url):
    """A Database on that URL, not migrated yet."""
    database = Database(url)
    yield database
    database.dispose()


def _head() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def _revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_fresh_database_upgrades_to_head(db):
    """An empty database gets every model table and the head revision."""
    assert _revision(db) is None
    db.migrate()
    assert _revision(db) == _head()
    tables = set(inspect(db.engine).get_table_names())
    assert {table.name for table in Base.metadata.sorted_tables} | {"alembic_version"} == tables


def test_migrating_twice_is_a_no_op(db):
    """A second migrate keeps the revision, the tables and the rows."""
    db.migrate()
    record, _ = ConversationStore(db).create_session()
    before = dump_tables(db)
    db.migrate()
    assert _revision(db) == _head() and dump_tables(db) == before
    assert ConversationStore(db).get(record.id).id == record.id


def test_schema_matches_the_models(db):
    """Alembic's autogenerate comparison finds no difference between the migrated schema and the models."""
    db.migrate()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                                "compare_server_default": False})
        assert compare_metadata(context, Base.metadata) == []


# Each instance is its own process (as uvicorn workers or replicas are): Alembic keeps global state, so threads
# of one process are not a model of several instances.
# Each waits for a line on stdin once connected, so all four start migrating at the same moment.
MIGRATE_ON_GO = ("import sys; from bot.storage.db import Database; database = Database(sys.argv[1]); "
                 "database.connect(); print('ready', flush=True); sys.stdin.readline(); database.migrate()")


@pytest.mark.slow
def test_instances_starting_at_once_migrate_safely(url):
    """Four processes migrating one empty database at the same moment all succeed and leave the head revision."""
    processes = [subprocess.Popen([sys.executable, "-c", MIGRATE_ON_GO, url], cwd=PROJECT_ROOT, text=True,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for _ in range(4)]
    for process in processes:
        assert process.stdout.readline().strip() == "ready", process.stderr.read()
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    failures = []
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        if process.returncode != 0:
            failures.append(next((line for line in reversed(stderr.splitlines()) if "Error" in line), stderr[-300:]))
    database = Database(url)
    try:
        assert failures == []
        assert _revision(database) == _head()
    finally:
        database.dispose()
