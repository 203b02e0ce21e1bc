"""`hoso payment-gateway`: the sandbox payment gateway alone, on 127.0.0.1, for development and
demos (`hoso up` starts one itself). Its merchant is hoso's (HOSO_PAYMENT_MERCHANT and
HOSO_PAYMENT_HASH_SECRET, or the development merchant with the data folder's secret); its IPNs go
to `--ipn-url`, by default hoso's own endpoint at HOSO_PUBLIC_URL."""

from __future__ import annotations

import asyncio
import signal
from typing import Annotated

import structlog
import typer

from cli import render
from cli.context import CommandError, command
from config import get_settings
from logs import configure_logging
from support.payment_gateway import Faults, PaymentGateway
from support.payment_gateway.development import development_merchant, secret_file

log = structlog.get_logger(__name__)


async def payment_gateway(
    port: Annotated[int, typer.Option(help="port on 127.0.0.1 (0: a free one)")] = 0,
    ipn_url: Annotated[
        str | None,
        typer.Option(
            help="where IPNs go (default <HOSO_PUBLIC_URL>/api/v1/payments/vnpay/ipn)",
            show_default=False,
        ),
    ] = None,
    unavailable: Annotated[
        bool, typer.Option(help="start under maintenance: pages and queries answer 503")
    ] = False,
    drop_ipn: Annotated[bool, typer.Option(help="send no IPN: merchants must query")] = False,
    duplicate_ipn: Annotated[bool, typer.Option(help="send every IPN twice")] = False,
) -> None:
    """Run the sandbox payment gateway (VNPAY 2.1.0's protocol) until Ctrl-C."""
    configure_logging("INFO")
    settings = get_settings()
    if settings.environment != "development":
        raise CommandError(
            "the sandbox payment gateway is for development (HOSO_ENVIRONMENT=development);"
            " production sends applicants to the real gateway (HOSO_PAYMENT_GATEWAY_URL)"
        )
    if ipn_url is not None and not ipn_url.startswith(("http://", "https://")):
        raise CommandError(f"--ipn-url {ipn_url}: expected an http:// or https:// URL")
    merchant = development_merchant(settings, ipn_url)
    faults = Faults(unavailable=unavailable, drop_ipn=drop_ipn, duplicate_ipn=duplicate_ipn)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with PaymentGateway([merchant], port=port, faults=faults) as gateway:
            kept = (
                "HOSO_PAYMENT_HASH_SECRET"
                if settings.payment_hash_secret
                else secret_file(settings)
            )
            render.info(f"payment page: {gateway.payment_url}")
            render.info(f"transaction query (querydr): {gateway.query_url}")
            render.info(f"fault switches (GET/PUT JSON): {gateway.faults_url}")
            render.info(f"port closed for a while (POST ?seconds=N): {gateway.outage_url}")
            render.info(
                f"merchant {merchant.code}, its secret in {kept}; IPNs to {merchant.ipn_url}"
            )
            render.info("Ctrl-C to stop")
            await stop.wait()
    except OSError as exc:
        raise CommandError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from exc
    log.info("payment_gateway_stopped")


def register(app: typer.Typer) -> None:
    app.command("payment-gateway")(command(payment_gateway))
