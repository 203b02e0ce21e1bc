"""`hoso db …`: the projection's schema (Alembic migrations, see migrations/)."""

from __future__ import annotations

import typer
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from activities.database import make_engine
from cli import render
from config import get_settings
from migrations import apply
from support.private_files import private_folder

app = typer.Typer(no_args_is_help=True)


def _engine() -> Engine:
    settings = get_settings()
    private_folder(settings.data_dir)
    return make_engine(settings.resolved_database_url)


def _where(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _fail(message: str) -> typer.Exit:
    render.error(message)
    return typer.Exit(1)


@app.command()
def upgrade(
    revision: str = typer.Argument("head", help="Target revision; default the latest."),
) -> None:
    """Apply the migrations to HOSO_DATABASE_URL (what every start does; run it before workers)."""
    engine = _engine()
    try:
        before = apply.current(engine)
        apply.upgrade(engine, revision)
        after = apply.current(engine)
    except apply.SchemaError as exc:
        raise _fail(str(exc)) from None
    except OperationalError as exc:
        raise _fail(f"cannot open the database {_where(engine)}: {exc.orig}") from None
    finally:
        engine.dispose()
    state = "already at" if before == after else "upgraded to"
    render.success(f"{_where(engine)}: {state} {', '.join(after) or 'no revision'}")


@app.command()
def current() -> None:
    """Print the database's revision and the latest one this version of hoso knows."""
    engine = _engine()
    try:
        revisions = apply.current(engine)
    except OperationalError as exc:
        raise _fail(f"cannot open the database {_where(engine)}: {exc.orig}") from None
    finally:
        engine.dispose()
    render.info(f"database: {', '.join(revisions) or 'none'}")
    render.info(f"latest:   {', '.join(apply.head_revisions())}")


@app.command()
def stamp(revision: str = typer.Argument(..., help="Revision to record, e.g. head.")) -> None:
    """Record a revision as applied without running it (a database whose schema is current)."""
    engine = _engine()
    try:
        apply.stamp(engine, revision)
    finally:
        engine.dispose()
    render.success(f"{_where(engine)}: stamped {revision}")


def register(app_: typer.Typer) -> None:
    app_.add_typer(app, name="db", help="The database schema: migrations.")
