"""The sandbox gateway as development starts it: `hoso up`'s settings, the data folder's merchant
secret, and `hoso payment-gateway` run as a person runs it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from config import Settings
from support import vnpay
from support.devserver import free_port, is_reachable
from support.payment_gateway.development import development_gateway

HOSO = str(Path(sys.executable).parent / "hoso")


def _order_url(gateway_url: str, merchant: str, secret: str) -> str:
    now = datetime.now(UTC)
    order = vnpay.PaymentOrder(
        reference=f"setup-{now.timestamp()}",
        amount=150_000,
        description="Le phi cap giay phep xay dung",
        return_url="http://127.0.0.1:9/ket-qua",
        payer_address="127.0.0.1",
        created_at=now,
        expires_at=now + timedelta(minutes=15),
    )
    return vnpay.payment_url(gateway_url, merchant, secret, order)


async def test_development_gives_the_adapter_a_sandbox_and_a_secret_kept_in_the_data_folder(
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path / "data", api_port=8123)
    async with development_gateway(settings) as (configured, gateway):
        assert gateway is not None
        assert configured.payment_gateway_url == gateway.payment_url
        assert configured.payment_query_url == gateway.query_url
        assert configured.payment_merchant == "HOSODEV1"
        assert configured.payment_hash_secret is not None
        secret = configured.payment_hash_secret.get_secret_value()
        merchant = gateway.merchants["HOSODEV1"]
        assert merchant.ipn_url == "http://127.0.0.1:8123/api/v1/payments/vnpay/ipn"
        async with httpx.AsyncClient() as browser:
            page = await browser.get(_order_url(gateway.payment_url, "HOSODEV1", secret))
        assert page.status_code == 200 and "150.000 đ" in page.text
    kept = tmp_path / "data" / "payment-gateway.secret"
    assert kept.stat().st_mode & 0o777 == 0o600
    assert kept.read_text().strip() == secret and len(secret) == 32
    assert not is_reachable(gateway.url.removeprefix("http://"))
    async with development_gateway(settings) as (again, _):
        assert again.payment_hash_secret is not None
        assert again.payment_hash_secret.get_secret_value() == secret  # one per data folder


async def test_a_configured_gateway_or_production_starts_no_sandbox(tmp_path: Path) -> None:
    real = Settings(
        data_dir=tmp_path,
        payment_gateway_url="https://pay.vnpay.vn/vpcpay.html",
        payment_merchant="AGENCY01",
        payment_hash_secret="S" * 32,
    )
    async with development_gateway(real) as (configured, gateway):
        assert gateway is None and configured is real
    production = Settings(data_dir=tmp_path).model_copy(update={"environment": "production"})
    async with development_gateway(production) as (configured, gateway):
        assert gateway is None and configured.payment_gateway_url is None
    assert not (tmp_path / "payment-gateway.secret").exists()


def test_hoso_payment_gateway_serves_until_stopped_and_never_prints_its_secret(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = os.environ | {"HOSO_DATA_DIR": str(tmp_path / "data"), "HOSO_ENVIRONMENT": "development"}
    log = tmp_path / "gateway.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [HOSO, "payment-gateway", "--port", str(port), "--drop-ipn"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while "Ctrl-C to stop" not in log.read_text(encoding="utf-8"):
            assert process.poll() is None, log.read_text(encoding="utf-8")
            assert time.monotonic() < deadline, "hoso payment-gateway did not start"
            time.sleep(0.1)
        printed = log.read_text(encoding="utf-8")
        page_url = f"http://127.0.0.1:{port}/paymentv2/vpcpay.html"
        assert f"payment page: {page_url}" in printed
        secret = (tmp_path / "data" / "payment-gateway.secret").read_text().strip()
        assert secret not in printed
        page = httpx.get(_order_url(page_url, "HOSODEV1", secret), timeout=10)
        assert page.status_code == 200 and ">Thanh toán</button>" in page.text
        faults = httpx.get(f"http://127.0.0.1:{port}/sandbox/faults", timeout=10).json()
        assert faults == {"unavailable": False, "drop_ipn": True, "duplicate_ipn": False}
    finally:
        process.terminate()
        assert process.wait(30) == 0
    assert not is_reachable(f"127.0.0.1:{port}")


def test_hoso_payment_gateway_refuses_to_run_in_production(tmp_path: Path) -> None:
    env = os.environ | {"HOSO_DATA_DIR": str(tmp_path), "HOSO_ENVIRONMENT": "production"}
    done = subprocess.run(
        [HOSO, "payment-gateway"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "the sandbox payment gateway is for development" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("url", ["ftp://example.org/ipn", "127.0.0.1:8000/ipn"])
def test_hoso_payment_gateway_refuses_an_ipn_url_that_is_not_http(url: str, tmp_path: Path) -> None:
    env = os.environ | {"HOSO_DATA_DIR": str(tmp_path), "HOSO_ENVIRONMENT": "development"}
    done = subprocess.run(
        [HOSO, "payment-gateway", "--ipn-url", url],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and f"--ipn-url {url}" in done.stderr
