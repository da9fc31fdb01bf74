"""Engine, sessions and migrations for SQLite (default, WAL) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.config import PROJECT_ROOT

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any fixed number works; it only has to be the same for every instance migrating one PostgreSQL database.
MIGRATION_LOCK_ID = 7_211_4242


def normalise_url(url: str) -> str:
    """Relative SQLite paths are relative to the project root; PostgreSQL URLs use the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not Path(database).is_absolute():
            parsed = parsed.set(database=str(PROJECT_ROOT / database))
    elif parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


class Database:
    """A connection pool plus the schema's migrations. Cheap to construct; `connect()` opens the pool."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None

    @property
    def is_sqlite(self) -> bool:
        """True for the SQLite backend."""
        return self.url.startswith("sqlite")

    @property
    def engine(self) -> Engine:
        """The engine; connects on first use."""
        if self._engine is None:
            self.connect()
        assert self._engine is not None
        return self._engine

    def connect(self) -> None:
        """Create the engine (and the SQLite file's folder)."""
        if self._engine is not None:
            return
        if self.is_sqlite:
            database = make_url(self.url).database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(self.url, connect_args={"timeout": 30, "check_same_thread": False},
                                   pool_size=8, max_overflow=16)
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(self.url, pool_size=10, max_overflow=20, pool_pre_ping=True)
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends normally, rolled back on an exception."""
        self.connect()
        assert self._sessions is not None
        with self._sessions() as session, session.begin():
            yield session

    def migrate(self) -> None:
        """Bring the schema to the newest migration; safe when several instances start at once."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self._sqlite_migration_lock(), self.engine.begin() as connection:
            if not self.is_sqlite:
                connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    @contextmanager
    def _sqlite_migration_lock(self) -> Iterator[None]:
        """Serialise migrations of one SQLite file across processes (PostgreSQL uses an advisory lock)."""
        database = make_url(self.url).database if self.is_sqlite else None
        if not database or database == ":memory:":
            yield
            return
        import fcntl

        with open(f"{database}.migrate.lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except Exception:   # any driver error means "not reachable" to a readiness probe
            return False

    def dispose(self) -> None:
        """Close every pooled connection."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
            self._sessions = None


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    # WAL lets readers go on while one writer commits; NORMAL sync is durable across process crashes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
