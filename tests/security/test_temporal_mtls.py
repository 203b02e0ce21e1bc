"""Issue 22, "keep it closed": Temporal's frontend accepts only mTLS clients, so an attacker on
the network needs a stolen certificate. hoso's client connects with the certificate its settings
name (through a real TLS frontend in front of the dev server); a client without one, or with one
of another CA, is refused before anything reaches Temporal; and outside development hoso refuses
to start towards a frontend off the machine without TLS."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError
from temporalio.client import Client
from temporalio.service import TLSConfig
from temporalio.testing import WorkflowEnvironment

from config import Settings
from support.client import TemporalUnreachable, connect
from support.temporal_certs import make_certificates
from support.temporal_tls import TemporalTlsError, tls_config
from tests.security.temporal_frontend import tls_frontend
from tests.support.test_intake import Intake
from worker import build_worker
from workflows.dossier import DossierWorkflow

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("temporal-certs") / "certs"
    make_certificates(folder, days=1, hosts=("temporal", "127.0.0.1"))
    return folder


@pytest.fixture(scope="module")
def stranger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Certificates of another CA, valid in every other way."""
    folder = tmp_path_factory.mktemp("stranger") / "certs"
    make_certificates(folder, days=1, hosts=("temporal", "127.0.0.1"))
    return folder


def mtls(settings: Settings, address: str, certs: Path) -> Settings:
    return settings.model_copy(
        update={
            "temporal_address": address,
            "temporal_tls_ca_file": certs / "ca.pem",
            "temporal_tls_cert_file": certs / "hoso.pem",
            "temporal_tls_key_file": certs / "hoso.key",
            "temporal_tls_server_name": "temporal",
            "task_queue": f"mtls-{uuid.uuid4()}",
        }
    )


async def test_hoso_with_its_certificate_starts_a_dossier_and_reads_it_through_the_frontend(
    settings: Settings, tmp_path: Path, certs: Path, dev_env: WorkflowEnvironment
) -> None:
    intake = Intake(settings, tmp_path / "dossier")
    async with tls_frontend(certs, dev_env.client.service_client.config.target_host) as frontend:
        intake.settings = mtls(settings, frontend.address, certs)
        client = await connect(intake.settings)
        async with build_worker(client, intake.settings):
            submitted = await intake.submit(intake.write(intake.dossier()), client)
            handle = client.get_workflow_handle(submitted.code)
            state = await handle.query(DossierWorkflow.state)
            assert state.code == submitted.code
            await handle.terminate("test finished")
        assert frontend.forwarded >= 1


async def _refused(address: str, tls: TLSConfig | bool) -> None:
    with pytest.raises(RuntimeError):  # the SDK's "Failed client connect" (a gRPC error)
        await Client.connect(address, tls=tls)


async def test_a_client_without_a_certificate_of_the_ca_reaches_nothing(
    certs: Path, stranger: Path, dev_env: WorkflowEnvironment
) -> None:
    ca = (certs / "ca.pem").read_bytes()
    async with tls_frontend(certs, dev_env.client.service_client.config.target_host) as frontend:
        await _refused(frontend.address, TLSConfig(server_root_ca_cert=ca, domain="temporal"))
        await _refused(
            frontend.address,
            TLSConfig(
                server_root_ca_cert=ca,
                client_cert=(stranger / "hoso.pem").read_bytes(),
                client_private_key=(stranger / "hoso.key").read_bytes(),
                domain="temporal",
            ),
        )
        await _refused(frontend.address, False)  # plain gRPC, as today's attacker
        assert frontend.forwarded == 0


async def test_hoso_with_a_certificate_of_another_ca_gets_one_line(
    settings: Settings, stranger: Path, certs: Path, dev_env: WorkflowEnvironment
) -> None:
    async with tls_frontend(certs, dev_env.client.service_client.config.target_host) as frontend:
        wrong = mtls(settings, frontend.address, stranger).model_copy(
            update={"temporal_tls_ca_file": certs / "ca.pem"}
        )
        with pytest.raises(TemporalUnreachable, match="over TLS"):
            await connect(wrong, attempts=1)
        assert frontend.forwarded == 0


def test_outside_development_a_frontend_off_the_machine_without_tls_is_refused(
    monkeypatch: pytest.MonkeyPatch, certs: Path
) -> None:
    monkeypatch.setenv("HOSO_ENVIRONMENT", "production")
    monkeypatch.setenv("HOSO_TEMPORAL_ADDRESS", "temporal:7233")
    with pytest.raises(ValidationError, match="has no TLS"):
        Settings()
    monkeypatch.setenv("HOSO_TEMPORAL_INSECURE_PLAINTEXT", "true")
    assert not Settings().temporal_tls  # the operator said so, by name
    monkeypatch.delenv("HOSO_TEMPORAL_INSECURE_PLAINTEXT")
    monkeypatch.setenv("HOSO_TEMPORAL_TLS_CA_FILE", str(certs / "ca.pem"))
    monkeypatch.setenv("HOSO_TEMPORAL_TLS_CERT_FILE", str(certs / "hoso.pem"))
    with pytest.raises(ValidationError, match="go together"):
        Settings()
    monkeypatch.setenv("HOSO_TEMPORAL_TLS_KEY_FILE", str(certs / "hoso.key"))
    assert Settings().temporal_tls
    monkeypatch.setenv("HOSO_TEMPORAL_ADDRESS", "127.0.0.1:7233")
    for name in ("CA_FILE", "CERT_FILE", "KEY_FILE"):
        monkeypatch.delenv(f"HOSO_TEMPORAL_TLS_{name}")
    assert not Settings().temporal_tls  # this machine's own server: loopback


def test_the_key_comes_from_the_secrets_folder_and_is_never_shown(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, certs: Path
) -> None:
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    key = (certs / "hoso.key").read_text()
    (secrets / "hoso_temporal_tls_key").write_text(key)
    monkeypatch.setenv("HOSO_ENVIRONMENT", "production")
    monkeypatch.setenv("HOSO_TEMPORAL_ADDRESS", "temporal:7233")
    monkeypatch.setenv("HOSO_TEMPORAL_TLS_CA_FILE", str(certs / "ca.pem"))
    monkeypatch.setenv("HOSO_TEMPORAL_TLS_CERT_FILE", str(certs / "hoso.pem"))
    loaded = Settings(_secrets_dir=secrets)  # type: ignore[call-arg]
    assert loaded.temporal_tls_key is not None
    assert loaded.temporal_tls_key.get_secret_value().strip() == key.strip()
    tls = tls_config(loaded)
    assert tls is not None and tls.client_private_key is not None
    assert tls.client_private_key.strip() == key.encode().strip()
    assert "PRIVATE KEY" not in repr(loaded) and "PRIVATE KEY" not in str(loaded.model_dump())


def test_the_certificate_command_refuses_to_overwrite(certs: Path) -> None:
    before = {path.name: path.read_bytes() for path in certs.iterdir()}
    with pytest.raises(RuntimeError, match="not overwritten"):
        make_certificates(certs)
    assert {path.name: path.read_bytes() for path in certs.iterdir()} == before
    assert {oct(path.stat().st_mode & 0o777) for path in certs.iterdir()} == {"0o600"}


async def test_an_unreadable_certificate_or_key_is_named_and_its_content_never_shown(
    settings: Settings, certs: Path, tmp_path: Path
) -> None:
    missing = mtls(settings, "127.0.0.1:1", certs).model_copy(
        update={"temporal_tls_ca_file": tmp_path / "absent.pem"}
    )
    with pytest.raises(TemporalTlsError, match="HOSO_TEMPORAL_TLS_CA_FILE=.*absent.pem"):
        await connect(missing, attempts=1)
    bad = mtls(settings, "127.0.0.1:1", certs).model_copy(
        update={"temporal_tls_key_file": None, "temporal_tls_key": SecretStr("hunter2 is no key")}
    )
    with pytest.raises(TemporalTlsError) as refused:
        await connect(bad, attempts=1)
    assert "hoso_temporal_tls_key" in str(refused.value) and "hunter2" not in str(refused.value)
