"""What every command needs: settings, the database, the document store, a client, and errors
turned into one red line and exit code 1."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from temporalio.client import Client, WorkflowQueryFailedError, WorkflowUpdateFailedError
from temporalio.exceptions import FailureError
from temporalio.service import RPCError, RPCStatusCode

from activities.database import create_schema, make_engine, session_factory
from activities.document_store import DocumentStore
from cli import render
from cli.api_client import ApiError
from config import Settings, get_settings
from migrations.apply import SchemaError
from support import event_loop
from support.client import TemporalUnreachable, connect
from support.codec import EncryptionError
from support.credentials import (
    ActionUnanswered,
    Credential,
    CredentialError,
    authenticate,
    registry_identity,
    token_from_settings,
)
from support.devserver import DevServerError
from support.errors import CatalogueError
from support.intake import IntakeError, Sessions, describe_validation_error
from support.private_files import PrivateFileError, private_folder
from support.temporal_tls import TemporalTlsError

P = ParamSpec("P")
T = TypeVar("T")


class CommandError(Exception):
    """A user-facing failure; its message is printed as is."""


@dataclass
class Context:
    settings: Settings
    sessions: Sessions
    store: DocumentStore


def open_context(settings: Settings | None = None) -> Context:
    """The database (schema created if absent) and the document store of the settings."""
    settings = settings or get_settings()
    private_folder(settings.data_dir)
    engine = make_engine(settings.resolved_database_url)
    create_schema(engine)
    return Context(settings, session_factory(engine), DocumentStore(settings.resolved_document_dir))


async def client_for(settings: Settings) -> Client:
    return await connect(settings)


def signer(ctx: Context, officer_id: str) -> Credential:
    """The caller's credential: their token (HOSO_TOKEN_FILE / HOSO_TOKEN), valid now, theirs
    (`--as` must match) and still matching the registry. Its identity is the registry's."""
    registry_identity(ctx.sessions, officer_id)  # an unknown officer is named first
    token = token_from_settings(ctx.settings, officer_id)
    return authenticate(ctx.sessions, ctx.settings, token, officer_id=officer_id)


EXPECTED = (
    IntakeError,
    CatalogueError,
    CommandError,
    DevServerError,
    SchemaError,
    CredentialError,
    ActionUnanswered,
    TemporalUnreachable,
    TemporalTlsError,
    EncryptionError,
    PrivateFileError,
    ApiError,
)


def describe(exc: BaseException) -> str | None:
    """The one line to show for an expected failure; None for a bug (shown as a traceback)."""
    if isinstance(exc, EXPECTED):
        return str(exc)
    if isinstance(exc, ValidationError):
        return describe_validation_error(exc.title, exc)
    if isinstance(exc, WorkflowUpdateFailedError | WorkflowQueryFailedError):
        cause = exc.cause if isinstance(exc, WorkflowUpdateFailedError) else None
        while isinstance(cause, FailureError) and cause.cause is not None:
            cause = cause.cause
        return f"rejected: {cause.message if isinstance(cause, FailureError) else exc}"
    if isinstance(exc, RPCError):
        if exc.status == RPCStatusCode.NOT_FOUND:
            _, found, code = exc.message.partition("workflow not found for ID: ")
            return f"no dossier {code}" if found else f"not found: {exc.message}"
        if (
            exc.status == RPCStatusCode.DEADLINE_EXCEEDED
            or "timeout expired" in exc.message.lower()
        ):
            return "no worker answered in time: is `hoso up` running?"
        if exc.status == RPCStatusCode.UNAVAILABLE:
            return f"the Temporal server is unavailable: {exc.message}"
        return exc.message
    return None


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Runs a command's coroutine; an expected failure becomes one red line and exit code 1."""
    try:
        return event_loop.run(coro)
    except (typer.Exit, typer.Abort):
        raise
    except KeyboardInterrupt:
        render.error("interrupted")
        raise typer.Exit(130) from None
    except Exception as exc:
        message = describe(exc)
        if message is None:
            raise
        for line in message.splitlines() or [message]:  # a catalogue's problems: one a line
            render.error(line)
        raise typer.Exit(1) from None


def command(fn: Callable[P, Awaitable[T]]) -> Callable[P, T]:
    """Turns an async command body into a typer command that reports errors as one line."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        return run(fn(*args, **kwargs))  # type: ignore[arg-type]

    return wrapper


def parse_docs(values: list[str] | None) -> list[tuple[str, str]]:
    """`KIND=PATH` options as (kind, path) pairs."""
    pairs = []
    for value in values or []:
        kind, sep, path = value.partition("=")
        if not sep or not kind.strip() or not path.strip():
            raise CommandError(f"--doc '{value}': expected KIND=PATH")
        pairs.append((kind.strip(), path.strip()))
    return pairs
