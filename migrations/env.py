"""Alembic's environment: hoso's tables (SQLModel.metadata) and the URL from hoso's settings.

Called with a connection by `migrations.apply` (every start, `hoso db upgrade`), or on its own by
the `alembic` command, which connects to HOSO_DATABASE_URL.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import models.tables  # noqa: F401 - registers the tables on SQLModel.metadata

target_metadata = SQLModel.metadata


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        # SQLite alters a table by copying it: later migrations need batch mode there.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline(url: str) -> None:
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    given: Connection | None = context.config.attributes.get("connection")
    if given is not None:
        run_migrations(given)
        return
    from activities.database import make_engine
    from config import get_settings

    url = get_settings().resolved_database_url
    if context.is_offline_mode():
        run_offline(url)
        return
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            run_migrations(connection)
    finally:
        engine.dispose()


main()
