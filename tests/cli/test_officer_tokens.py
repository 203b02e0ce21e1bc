"""Officers authenticate with tokens: issued once, kept only as a hash, expiring, revocable."""

from __future__ import annotations

import asyncio
import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select
from temporalio.client import WorkflowUpdateFailedError
from typer.testing import CliRunner

from cli.context import open_context
from cli.stack import load_catalogue
from config import Settings, get_settings
from models.actions import OfficerAction
from models.tables import OfficerRecord, OfficerTokenRecord
from starter import app
from support.client import connect
from support.credentials import (
    Credential,
    CredentialError,
    Issuer,
    authenticate,
    development_tokens,
    issue_token,
    list_tokens,
    revoke,
    token_from_settings,
    token_hash,
)
from tests.cli.test_dossier_commands import submitted, wait_state
from workflows.dossier import DossierWorkflow


def run(  # type: ignore[no-untyped-def]
    runner: CliRunner, *args: str, token_file: Path | None = None, token: str | None = None
):
    env = {"HOSO_TOKEN_FILE": str(token_file) if token_file else None, "HOSO_TOKEN": token}
    get_settings.cache_clear()
    try:
        return runner.invoke(app, list(args), env=env, catch_exceptions=False)
    finally:
        get_settings.cache_clear()


def test_issue_token_keeps_only_a_hash_and_the_token_acts(
    runner: CliRunner, worker: Settings, dossier_file: Path, tmp_path: Path
) -> None:
    code = submitted(runner, worker, dossier_file)
    wait_state(runner, code, status="received", stage="reception")
    path = tmp_path / "lan.token"
    issued = run(runner, "officers", "issue-token", "tn.reception", "--out", str(path))
    assert issued.exit_code == 0, issued.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    token = path.read_text().strip()
    secret = token.rsplit(".", 1)[1]

    ctx = open_context(worker)
    with ctx.sessions() as session:
        rows = session.exec(select(OfficerTokenRecord)).all()
    # (the other row: the counter officer's token that submitted the dossier through the API)
    assert token_hash(token) in [r.token_sha256 for r in rows] and len(rows) == 2
    stored = [str(value) for row in rows for value in row.model_dump().values()]
    assert stored and not any(secret in value for value in stored)
    database = worker.data_dir / "hoso.db"
    if database.exists():  # SQLite: not even in a freed page of the file
        assert secret.encode() not in database.read_bytes()
    again = run(runner, "officers", "issue-token", "tn.reception", "--out", str(path))
    assert again.exit_code == 1 and "exists" in again.stderr

    operator = tmp_path / "ha.token"
    run(runner, "officers", "issue-token", "tn.operator", "--out", str(operator))
    listed = run(runner, "officers", "tokens", "--json", token_file=operator)
    assert json.loads(listed.stdout)[0]["officer"] == "tn.reception"
    assert secret not in listed.stdout

    none = run(runner, "act", code, "accept", "--as", "tn.reception")
    assert none.exit_code == 1 and "no officer token" in none.stderr
    other = tmp_path / "minh.token"
    run(runner, "officers", "issue-token", "tn.specialist", "--out", str(other))
    theirs = run(runner, "act", code, "accept", "--as", "tn.reception", token_file=other)
    assert theirs.exit_code == 1 and "belongs to tn.specialist" in theirs.stderr
    path.chmod(0o644)
    exposed = run(runner, "act", code, "accept", "--as", "tn.reception", token_file=path)
    assert exposed.exit_code == 1 and "readable by others" in exposed.stderr
    path.chmod(0o600)
    damaged = run(runner, "act", code, "accept", "--as", "tn.reception", token=token[:-3])
    assert damaged.exit_code == 1 and "token" in damaged.stderr
    assert wait_state(runner, code, status="received")["actions"] == []

    ok = run(runner, "act", code, "accept", "--as", "tn.reception", token_file=path)
    assert ok.exit_code == 0, ok.output


def test_revoked_token_is_refused_by_the_cli_and_by_running_dossiers(
    runner: CliRunner, worker: Settings, dossier_file: Path, tmp_path: Path
) -> None:
    code = submitted(runner, worker, dossier_file)
    wait_state(runner, code, status="received", stage="reception")
    lan, ha = tmp_path / "lan.token", tmp_path / "ha.token"
    run(runner, "officers", "issue-token", "tn.reception", "--out", str(lan))
    run(runner, "officers", "issue-token", "tn.operator", "--out", str(ha))
    token = lan.read_text().strip()

    not_operator = run(
        runner, "officers", "revoke", "tn.reception", "--as", "tn.reception", token_file=lan
    )
    assert not_operator.exit_code == 1 and "only an operator" in not_operator.stderr
    revoked = run(
        runner, "officers", "revoke", "tn.reception", "--as", "tn.operator", token_file=ha
    )
    assert revoked.exit_code == 0, revoked.output
    assert "open dossier" in revoked.stdout and "trust anchors" in revoked.stdout

    refused = run(runner, "act", code, "accept", "--as", "tn.reception", token_file=lan)
    assert refused.exit_code == 1 and "was revoked" in refused.stderr

    # Straight to the frontend, around the CLI: the dossier itself refuses it.
    async def forged() -> str:
        client = await connect(worker)
        handle = client.get_workflow_handle_for(DossierWorkflow.run, code)
        cred = Credential.from_token(token)
        item = cred.sign(
            OfficerAction(officer=cred.officer, action="accept"),
            dossier=code,
            stage="reception",
            update="act",
        )
        with pytest.raises(WorkflowUpdateFailedError) as failure:
            await handle.execute_update(DossierWorkflow.act, item)
        return str(failure.value.cause)

    # The revocation's refresh signal is in the history before this update: the dossier
    # reloads its anchors before it applies anything.
    reason = asyncio.run(forged())
    assert "is revoked" in reason


def test_expired_token_and_changed_registry_are_refused(cli_settings: Settings) -> None:
    ctx = open_context(cli_settings)
    load_catalogue(ctx)
    issuer = Issuer.from_settings(cli_settings)
    credential = issue_token(ctx.sessions, cli_settings, "tn.reception")
    with ctx.sessions() as session:
        row = session.get(OfficerRecord, "tn.reception")
        assert row is not None
        row.unit = "archive"
        session.add(row)
        session.commit()
    with pytest.raises(CredentialError, match="registry changed tn.reception's role or unit"):
        authenticate(ctx.sessions, cli_settings, credential.token)

    old = issuer.certify(
        credential.officer, valid_for=timedelta(days=1), now=datetime(2024, 1, 1, tzinfo=UTC)
    )
    with ctx.sessions() as session:
        session.add(
            OfficerTokenRecord(
                token_id=old.certificate.token_id,
                officer_id="tn.reception",
                token_sha256=token_hash(old.token),
                issuer=issuer.key_id,
                issued_at=old.certificate.issued_at,
                expires_at=old.certificate.expires_at,
            )
        )
        session.commit()
    with pytest.raises(CredentialError, match="expired on 2024-01-02"):
        authenticate(ctx.sessions, cli_settings, old.token)
    forged = Issuer.create(cli_settings.data_dir / "elsewhere", "dev").certify(credential.officer)
    with pytest.raises(CredentialError, match="forged|not issued"):
        authenticate(ctx.sessions, cli_settings, forged.token)


def test_development_gives_each_sample_officer_a_token_once(cli_settings: Settings) -> None:
    ctx = open_context(cli_settings)
    load_catalogue(ctx)
    folder = development_tokens(ctx.sessions, cli_settings)
    files = sorted(folder.iterdir())
    assert [f.name for f in files] == [
        "tn.director.token",
        "tn.operator.token",
        "tn.reception.token",
        "tn.specialist.token",
    ]
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    lan = authenticate(ctx.sessions, cli_settings, files[2].read_text(), officer_id="tn.reception")
    assert lan.officer.role == "reception_officer"
    development_tokens(ctx.sessions, cli_settings)  # a restart issues nothing new
    assert len(list_tokens(ctx.sessions)) == 4
    revoked = files[2].read_text()
    revoke(ctx.sessions, "tn.reception", by="tn.operator")  # every token of the officer
    development_tokens(ctx.sessions, cli_settings)  # … and the next start gives a new one
    assert files[2].read_text() != revoked and stat.S_IMODE(files[2].stat().st_mode) == 0o600
    assert authenticate(ctx.sessions, cli_settings, files[2].read_text()).officer.id == (
        "tn.reception"
    )
    assert len(list_tokens(ctx.sessions)) == 5
    production = cli_settings.model_copy(update={"environment": "production"})
    with pytest.raises(CredentialError, match="development only"):
        development_tokens(ctx.sessions, production)


def test_development_finds_the_sample_token_of_as(cli_settings: Settings) -> None:
    ctx = open_context(cli_settings)
    load_catalogue(ctx)
    folder = development_tokens(ctx.sessions, cli_settings)
    assert token_from_settings(cli_settings, "tn.director") == (
        (folder / "tn.director.token").read_text().strip()
    )
    production = cli_settings.model_copy(update={"environment": "production"})
    with pytest.raises(CredentialError, match="no officer token"):
        token_from_settings(production, "tn.director")
