"""`hoso webhooks` as an operator's CLI host uses it: through the API, the secret printed once,
the subscriber listed without it, a period replayed, failing deliveries listed, removal."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from typer.testing import CliRunner

from config import Settings, get_settings
from starter import app
from support.webhook_signing import new_secret
from tests.cli.api_server import operator_host  # noqa: F401 - the fixture


def hoso(runner: CliRunner, *args: str):  # type: ignore[no-untyped-def]
    get_settings.cache_clear()
    try:
        return runner.invoke(app, list(args), catch_exceptions=False)
    finally:
        get_settings.cache_clear()


def test_an_operator_manages_subscribers_from_the_cli(
    runner: CliRunner,
    operator_host: Settings,  # noqa: F811
    tmp_path: Path,
) -> None:
    made = hoso(runner, "webhooks", "add", "cong-dvc", "https://portal.example.gov.vn/hoso")
    assert made.exit_code == 0, made.output
    secret = made.output.strip().splitlines()[-1]
    assert secret.startswith("whsec_") and "every agency" in made.output
    agreed = tmp_path / "secret"
    agreed.write_text(new_secret() + "\n")
    given = hoso(
        runner, "webhooks", "add", "cong-tinh", "https://tinh.example.gov.vn/h",
        "--secret-file", str(agreed),
    )  # fmt: skip
    assert given.exit_code == 0, given.output
    assert "whsec_" not in given.output  # the portal has it already
    listed = hoso(runner, "webhooks", "list")
    assert "cong-dvc" in listed.output and "cong-tinh" in listed.output
    assert secret not in listed.output and agreed.read_text().strip() not in listed.output
    today = date.today()
    since, until = (today - timedelta(days=30)).isoformat(), today.isoformat()
    replayed = hoso(runner, "webhooks", "replay", "cong-dvc", "--since", since, "--until", until)
    assert replayed.exit_code == 0, replayed.output
    assert "0 deliveries queued again" in replayed.output
    assert "no failing deliveries" in hoso(runner, "webhooks", "failing").output
    bad = hoso(runner, "webhooks", "add", "plain", "http://portal.example.gov.vn/h")
    assert bad.exit_code == 1 and "https only" in bad.output
    removed = hoso(runner, "webhooks", "remove", "cong-dvc")
    assert removed.exit_code == 0, removed.output
    assert "removed" in hoso(runner, "webhooks", "list").output
    anew = hoso(runner, "webhooks", "add", "cong-dvc", "https://portal.example.gov.vn/v2")
    assert anew.exit_code == 0, anew.output  # a removed portal registers anew, with a new secret
    assert anew.output.strip().splitlines()[-1] != secret
    taken = hoso(runner, "webhooks", "add", "cong-dvc", "https://portal.example.gov.vn/v3")
    assert taken.exit_code == 1 and "exists" in taken.output
    unknown = hoso(runner, "webhooks", "remove", "nobody")
    assert unknown.exit_code == 1 and "no webhook subscriber" in unknown.output
