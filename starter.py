"""The CLI `hoso`: every command a user runs (bodies in cli/)."""

from __future__ import annotations

import logging
import os
import sys

import typer

from cli import (
    api,
    codec_server,
    counter,
    db,
    demo,
    documents,
    dossier_register,
    dossiers,
    forms,
    history,
    mending,
    officers,
    payment_gateway,
    payments,
    queries,
    rebuild,
    refusals,
    reports,
    seals,
    stack,
    stuck,
    temporal_certs,
    verify,
    webhooks,
    worker,
    worklist,
)

app = typer.Typer(
    name="hoso",
    help="hoso: durable processing of administrative dossiers (hồ sơ) on Temporal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _configure(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log every step (to stderr)."),
) -> None:
    """Logs go to stderr: warnings only for commands, every step with --verbose or `up`.
    A setting that does not validate (a HOSO_ variable) is one red line, before any command."""
    from pydantic import ValidationError

    from cli import render
    from cli.context import describe
    from config import SettingsFolderError, get_settings
    from logs import configure_logging
    from support.private_files import restrict_new_files

    try:
        settings = get_settings()
    except (ValidationError, SettingsFolderError) as exc:
        render.error(describe(exc) or str(exc))
        raise typer.Exit(1) from None
    configure_logging("INFO" if verbose else settings.log_level)
    restrict_new_files()


stack.register(app)
dossiers.register(app)
queries.register(app)
worklist.register(app)
history.register(app)
mending.register(app)
stuck.register(app)
refusals.register(app)
payments.register(app)
officers.register(app)
demo.register(app)
reports.register(app)
forms.register(app)
documents.register(app)
dossier_register.register(app)
rebuild.register(app)
db.register(app)
worker.register(app)
codec_server.register(app)
seals.register(app)
temporal_certs.register(app)
verify.register(app)
webhooks.register(app)
api.register(app)
counter.register(app)
payment_gateway.register(app)


def _mount_catalogue_commands() -> None:
    """`hoso procedures …` and `hoso calendar …` live with the catalogue code."""
    from cli import calendar, procedures

    app.add_typer(procedures.app, name="procedures", help="Validate and publish procedures.")
    app.add_typer(calendar.app, name="calendar", help="Working-day calendar and holidays.")


_mount_catalogue_commands()


def main() -> None:
    """Runs the CLI, then leaves without interpreter teardown.

    The Temporal client's native threads can outlive the event loop and abort a finalizing
    interpreter (sdk-python issue #300), turning a finished command into a crash: so once the
    command is done and its output flushed, the process exits with the command's code.
    """
    code = 0
    try:
        app()
    except SystemExit as done:
        if isinstance(done.code, str):
            print(done.code, file=sys.stderr)
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        logging.shutdown()
    os._exit(code)


if __name__ == "__main__":
    main()
