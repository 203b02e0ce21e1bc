"""Applying the migrations: Alembic configured in code, one migrating process at a time.

Every process that opens the database (`hoso up`, `hoso worker`, each CLI command) brings it to
the latest revision first; a database already there costs one query. Concurrent starts (several
workers at once) are serialised: an advisory lock on PostgreSQL, a file lock beside a SQLite file.
"""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import structlog
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

log = structlog.get_logger(__name__)
# Alembic announces its dialect on every check; hoso logs what it changed instead.
logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)

HERE = Path(__file__).resolve().parent
# Any constant will do: it names hoso's migration lock among the database's advisory locks.
ADVISORY_LOCK_KEY = 0x686F736F  # "hoso"


class SchemaError(RuntimeError):
    """The database cannot be brought to the current schema without an operator's decision."""


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    return config


@cache
def head_revisions() -> tuple[str, ...]:
    return tuple(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(connection: Connection) -> tuple[str, ...]:
    return tuple(MigrationContext.configure(connection).get_current_heads())


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Brings the database to `revision` (default the latest); a no-op when it is there."""
    with _migration_lock(engine), engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
            )
        current = current_revisions(connection)
        if revision == "head" and set(current) == set(head_revisions()):
            return
        if not current and inspect(connection).has_table("dossier"):
            raise SchemaError(
                f"the database {engine.url.render_as_string(hide_password=True)} has hoso's tables "
                "but no migration revision (it was created before migrations): back it up, then "
                "either remove it or, if its schema is current, run `hoso db stamp head`"
            )
        _run(connection, command.upgrade, revision)
        log.info(
            "schema_upgraded",
            from_revision=",".join(current) or None,
            to_revision=",".join(current_revisions(connection)),
        )


def stamp(engine: Engine, revision: str = "head") -> None:
    """Records `revision` as applied without running it (adopting a database made otherwise)."""
    with _migration_lock(engine), engine.begin() as connection:
        _run(connection, command.stamp, revision)


def current(engine: Engine) -> tuple[str, ...]:
    with engine.connect() as connection:
        return current_revisions(connection)


def _run(connection: Connection, action: Callable[[Config, str], None], revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    action(config, revision)


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """A file lock beside a SQLite database (PostgreSQL locks inside the transaction)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    lock_path = Path(database).with_name(Path(database).name + ".migrate-lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
