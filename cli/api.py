"""`hoso serve` (the HTTP API) and `hoso api openapi` (its contract, as committed)."""

from __future__ import annotations

import sys

import typer

from config import get_settings

app = typer.Typer(no_args_is_help=True)


def serve() -> None:
    """Run the HTTP API (/api/v1) on HOSO_API_HOST:HOSO_API_PORT (uvicorn)."""
    import uvicorn

    from api.app import create_app
    from logs import configure_logging

    configure_logging()
    settings = get_settings()
    uvicorn.run(
        create_app(settings),
        host=settings.api_host,
        port=settings.api_port,
        log_config=None,
        access_log=False,  # paths carry dossier codes, queries may carry lookup secrets
        # behind a reverse proxy (HOSO_API_TRUSTED_PROXIES): the client's forwarded address (rate
        # limits count clients, not the proxy) and scheme (https: the sign-in page needs it)
        proxy_headers=bool(settings.api_trusted_proxies),
        forwarded_allow_ips=settings.api_trusted_proxies or None,
    )


@app.command("openapi")
def openapi() -> None:
    """Print the OpenAPI document: `uv run hoso api openapi > api/openapi.json`."""
    from api.app import create_app, openapi_document

    sys.stdout.write(openapi_document(create_app(get_settings())))


def register(root: typer.Typer) -> None:
    root.command("serve")(serve)
    root.add_typer(app, name="api", help="The HTTP API's contract.")
