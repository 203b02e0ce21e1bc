"""`hoso seal-key AGENCY`: production seal keys, made once, never replaced."""

from __future__ import annotations

import stat
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from config import Settings, get_settings
from models.record import GENESIS, FormSeal, seal_message
from starter import app
from support.seals import AgencySeals, SealError, public_seals, seal_problem


def seal(runner: CliRunner, *args: str):  # type: ignore[no-untyped-def]
    get_settings.cache_clear()
    try:
        return runner.invoke(app, ["seal-key", *args], catch_exceptions=False)
    finally:
        get_settings.cache_clear()


def test_seal_key_seals_forms_that_verify_and_is_never_replaced(
    runner: CliRunner, settings: Settings
) -> None:
    production = AgencySeals(settings.resolved_keys_dir, create_missing=False)
    with pytest.raises(SealError, match="no seal key for agency so-tnmt"):
        production.sign("so-tnmt", b"form")

    made = seal(runner, "so-tnmt")
    assert made.exit_code == 0, made.output
    private = settings.resolved_keys_dir / "seal-so-tnmt.key"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert "fingerprint" in made.output and "seal-so-tnmt.pub" in made.output

    signature = AgencySeals(settings.resolved_keys_dir, create_missing=False).sign

    issued = datetime(2026, 11, 29, 9, tzinfo=UTC).isoformat()
    fields = {"dossier": "so-tnmt-261129-0001", "kind": "result", "sha256": "ab" * 32}
    message = seal_message(**fields, issued_at=issued, head=GENESIS)
    good = FormSeal(key="so-tnmt", signature=signature("so-tnmt", message), head=GENESIS)
    keys = public_seals(settings)
    assert seal_problem(keys, agency="so-tnmt", issued_at=issued, seal=good, **fields) is None

    before = private.read_bytes()
    again = seal(runner, "so-tnmt")
    assert again.exit_code == 1 and "never replaced" in again.stderr
    assert private.read_bytes() == before


@pytest.mark.parametrize("agency", ["../etc", "SO-TNMT", "so tnmt", "x" * 41, ""])
def test_seal_key_refuses_a_bad_agency_id_and_writes_nothing(
    runner: CliRunner, settings: Settings, agency: str
) -> None:
    result = seal(runner, agency)
    assert result.exit_code != 0
    assert "agency id" in result.stderr or "Missing argument" in result.stderr
    folder = settings.resolved_keys_dir
    assert not folder.exists() or not list(folder.glob("seal-*"))
