"""The projection's database: SQLite file by default (WAL), PostgreSQL in production."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, create_engine
from temporalio.exceptions import ApplicationError
from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor

import models.tables  # noqa: F401 - registers the tables on SQLModel.metadata

SessionFactory = Callable[[], Session]
BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str) -> Engine:
    """An engine for `url`; a SQLite file gets its folder, WAL and a busy timeout (shared file)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        # UTC sessions: dates computed in SQL (now(), casts) do not depend on the server's zone.
        return create_engine(
            url,
            pool_pre_ping=True,
            hide_parameters=True,
            connect_args={"options": "-c timezone=UTC"},
        )
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, hide_parameters=True)
    database = parsed.database or ""
    local = database and database != ":memory:" and not database.startswith("file:")
    if local:
        Path(database).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    engine = create_engine(
        url,
        hide_parameters=True,  # errors never carry the personal data of the rows
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )
    event.listen(engine, "connect", _sqlite_pragmas)
    if local:
        event.listen(engine, "connect", lambda _c, _r: _owner_only(Path(database)))
    return engine


def _owner_only(database: Path) -> None:
    """The SQLite file and its WAL and shared-memory files (personal data) their owner's only,
    whoever created them. Never by opening the file: closing any descriptor of it would drop the
    locks this process's connections hold on it (POSIX locks are per process)."""
    for path in (
        database,
        database.with_name(database.name + "-wal"),
        database.with_name(database.name + "-shm"),
    ):
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if path.stat().st_mode & 0o077:
                path.chmod(0o600)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def create_schema(engine: Engine) -> None:
    """Brings the schema to the latest migration (Alembic `upgrade head`; see migrations/)."""
    from migrations.apply import upgrade

    upgrade(engine)


def session_factory(engine: Engine) -> SessionFactory:
    """A callable giving a new `Session`; rows stay readable after commit (no expiry)."""

    def new_session() -> Session:
        return Session(engine, expire_on_commit=False)

    return new_session


def unavailable(err: SQLAlchemyError) -> ApplicationError:
    """A database failure as a retryable error in the driver's own words, without the statement
    and its parameters: they hold personal data, and often pass Temporal's failure size limit
    (the operator would read "Failure exceeds size limit" in `hoso history`)."""
    reason = str(getattr(err, "orig", None) or type(err).__name__).splitlines()[0][:200]
    return ApplicationError(f"database unavailable: {reason}", type="DatabaseUnavailable")


class _DatabaseErrorsInbound(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        try:
            return await super().execute_activity(input)
        except SQLAlchemyError as err:
            raise unavailable(err) from None  # the SDK logs the failure: no statement in it


class DatabaseErrors(Interceptor):
    """The worker's interceptor turning every activity's database failure into `unavailable`."""

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _DatabaseErrorsInbound(next)
