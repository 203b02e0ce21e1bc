"""The sandbox gateway as development runs it: one merchant, whose hash secret is made once per
data folder and kept there for its owner only, and whose IPNs go to hoso's own endpoint."""

from __future__ import annotations

import secrets
import string
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from pydantic import SecretStr

from config import Settings
from support.payment_gateway.orders import Merchant
from support.payment_gateway.server import PaymentGateway
from support.private_files import write_private

DEVELOPMENT_MERCHANT = "HOSODEV1"
SECRET_FILE = "payment-gateway.secret"  # noqa: S105 (the file's name, not a secret)
IPN_PATH = "/api/v1/payments/vnpay/ipn"


def secret_file(settings: Settings) -> Path:
    return settings.data_dir / SECRET_FILE


def development_secret(settings: Settings) -> str:
    """The data folder's merchant secret: 32 letters and digits, as VNPAY issues them, made on
    first use in a file only its owner reads."""
    path = secret_file(settings)
    if path.exists():
        secret = path.read_text(encoding="ascii").strip()
        if secret:
            return secret
    alphabet = string.ascii_uppercase + string.digits
    secret = "".join(secrets.choice(alphabet) for _ in range(32))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_private(path, secret.encode("ascii") + b"\n")
    return secret


def public_url(settings: Settings) -> str:
    """hoso's public address: as configured, or in development where its API listens."""
    if "public_url" in settings.model_fields_set or settings.environment != "development":
        return settings.public_url
    host = "127.0.0.1" if settings.api_host in ("0.0.0.0", "::", "") else settings.api_host  # noqa: S104
    return f"http://{host}:{settings.api_port}"


def development_merchant(settings: Settings, ipn_url: str | None = None) -> Merchant:
    """The merchant the sandbox serves: the configured one if any, else the development one; its
    IPN URL `ipn_url` or hoso's IPN endpoint at its public address."""
    secret = settings.payment_hash_secret
    return Merchant(
        code=settings.payment_merchant or DEVELOPMENT_MERCHANT,
        secret=secret.get_secret_value() if secret else development_secret(settings),
        ipn_url=ipn_url or public_url(settings).rstrip("/") + IPN_PATH,
        name="hoso (thử nghiệm)",
    )


@asynccontextmanager
async def development_gateway(
    settings: Settings,
) -> AsyncIterator[tuple[Settings, PaymentGateway | None]]:
    """In development with no gateway configured, a sandbox gateway on a free loopback port: the
    settings whose adapter uses it, and the gateway. Elsewhere, the settings as they are."""
    if settings.environment != "development" or settings.payment_gateway_url:
        yield settings, None
        return
    merchant = development_merchant(settings)
    async with PaymentGateway([merchant]) as gateway:
        update = {
            "payment_gateway_url": gateway.payment_url,
            "payment_query_url": gateway.query_url,
            "payment_merchant": merchant.code,
            "payment_hash_secret": SecretStr(merchant.secret),
            "public_url": public_url(settings),
        }
        yield settings.model_copy(update=update), gateway
