"""Alembic environment: runs on the connection `Database.migrate()` passes in, or on sqlalchemy.url."""

from alembic import context
from sqlalchemy import engine_from_config, pool

from bot.storage.models import Base

target_metadata = Base.metadata


def run() -> None:
    """Run the pending migrations online."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(context.config.get_section(context.config.config_ini_section) or {},
                                prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run()
