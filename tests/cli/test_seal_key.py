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

    seals = AgencySeals(settings.resolved_keys_dir, create_missing=False)

    issued = datetime(2026, 11, 29, 9, tzinfo=UTC).isoformat()
    fields = {"dossier": "so-tnmt-261129-0001", "kind": "result", "sha256": "ab" * 32}
    message = seal_message(**fields, issued_at=issued, head=GENESIS)
    key, signature = seals.sign("so-tnmt", message)
    good = FormSeal(key=key, signature=signature, head=GENESIS)
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


def sealed(seals: AgencySeals, issued: datetime) -> tuple[FormSeal, dict[str, str]]:
    fields = {"dossier": "so-tnmt-261129-0001", "kind": "result", "sha256": "cd" * 32}
    at = issued.isoformat()
    key, signature = seals.sign("so-tnmt", seal_message(**fields, issued_at=at, head=GENESIS))
    return FormSeal(key=key, signature=signature, head=GENESIS), {**fields, "issued_at": at}


def problem(settings: Settings, seal: FormSeal, fields: dict[str, str]) -> str | None:
    return seal_problem(public_seals(settings), agency="so-tnmt", seal=seal, **fields)


def test_a_rotated_seal_key_seals_new_forms_and_the_old_forms_still_verify(
    runner: CliRunner, settings: Settings
) -> None:
    folder = settings.resolved_keys_dir
    unrotated = seal(runner, "so-tnmt", "--rotate")
    assert unrotated.exit_code == 1 and "no seal key to rotate" in unrotated.stderr
    assert seal(runner, "so-tnmt").exit_code == 0
    worker = AgencySeals(folder, create_missing=False)  # a running worker, never restarted
    old, old_fields = sealed(worker, datetime(2026, 11, 2, 9, tzinfo=UTC))
    assert old.key == "so-tnmt"

    rotated = seal(runner, "so-tnmt", "--rotate")
    assert rotated.exit_code == 0, rotated.output
    assert "seal key so-tnmt.2 of so-tnmt created" in rotated.stdout
    assert stat.S_IMODE((folder / "seal-so-tnmt.2.key").stat().st_mode) == 0o600
    new, new_fields = sealed(worker, datetime(2026, 11, 20, 9, tzinfo=UTC))
    assert new.key == "so-tnmt.2" and new.signature != old.signature
    assert problem(settings, old, old_fields) is None
    assert problem(settings, new, new_fields) is None
    assert seal(runner, "so-tnmt", "--rotate").exit_code == 0  # and the next one
    assert sealed(worker, datetime(2026, 11, 21, tzinfo=UTC))[0].key == "so-tnmt.3"

    # Another agency whose id starts the same is not one of so-tnmt's keys.
    assert seal(runner, "so-tnmt-hn").exit_code == 0
    assert sealed(worker, datetime(2026, 11, 22, tzinfo=UTC))[0].key == "so-tnmt.3"
    assert "not of the agency so-tnmt" in str(
        problem(settings, new.model_copy(update={"key": "so-tnmt-hn"}), new_fields)
    )


def test_a_revoked_seal_key_seals_nothing_more_and_its_later_forms_do_not_verify(
    runner: CliRunner, settings: Settings
) -> None:
    folder = settings.resolved_keys_dir
    assert seal(runner, "so-tnmt").exit_code == 0
    worker = AgencySeals(folder, create_missing=False)
    before, before_fields = sealed(worker, datetime(2026, 11, 10, 1, tzinfo=UTC))
    after, after_fields = sealed(worker, datetime(2026, 11, 12, 1, tzinfo=UTC))

    for wrong, message in [
        (["--revoke", "so-tnmt.7"], "cannot revoke the seal key: no seal key 'so-tnmt.7'"),
        (["--revoke", "so-xay-dung"], "is not a seal key id of so-tnmt"),
        (["--since", "2026-11-11"], "--since goes with --revoke"),
    ]:
        refused = seal(runner, "so-tnmt", *wrong)
        assert refused.exit_code == 1 and message in refused.stderr, refused.output
    assert not list(folder.glob("*.revoked"))

    # Stolen on 11 November, 8:00 Vietnam time (01:00 UTC).
    revoked = seal(runner, "so-tnmt", "--revoke", "so-tnmt", "--since", "2026-11-11T08:00")
    assert revoked.exit_code == 0, revoked.output
    assert "revoked from 2026-11-11 08:00 (Vietnam time)" in revoked.stdout
    assert "workers refuse to seal" in revoked.stdout
    assert problem(settings, before, before_fields) is None
    assert problem(settings, after, after_fields) == (
        "is sealed with the key so-tnmt, revoked since 2026-11-11 01:00 UTC"
    )
    with pytest.raises(SealError, match="newest seal key of so-tnmt, so-tnmt, is revoked"):
        worker.sign("so-tnmt", b"form")

    assert seal(runner, "so-tnmt", "--rotate").exit_code == 0
    assert sealed(worker, datetime(2026, 11, 12, 2, tzinfo=UTC))[0].key == "so-tnmt.2"

    # After the next theft, one command revokes the key and makes the next one.
    both = seal(runner, "so-tnmt", "--revoke", "so-tnmt.2", "--rotate")
    assert both.exit_code == 0, both.output
    assert "seal key so-tnmt.2 revoked from" in both.stdout
    assert "seal key so-tnmt.3 of so-tnmt created" in both.stdout
    assert "workers refuse to seal" not in both.stdout
    assert sealed(worker, datetime(2026, 11, 13, tzinfo=UTC))[0].key == "so-tnmt.3"
