"""The CLI `hoso`: every command a user runs (bodies in cli/)."""

from __future__ import annotations

import typer

from cli import demo, dossiers, history, queries, stack

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
    """Logs go to stderr: warnings only for commands, every step with --verbose or `up`."""
    from config import get_settings
    from logs import configure_logging

    configure_logging("INFO" if verbose else get_settings().log_level)


stack.register(app)
dossiers.register(app)
queries.register(app)
history.register(app)
demo.register(app)


def _mount_catalogue_commands() -> None:
    """`hoso procedures …` and `hoso calendar …` live with the catalogue code."""
    from cli import calendar, procedures

    app.add_typer(procedures.app, name="procedures", help="Validate and publish procedures.")
    app.add_typer(calendar.app, name="calendar", help="Working-day calendar and holidays.")


_mount_catalogue_commands()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
