"""docker-compose.yml puts Temporal's frontend behind mTLS (issue 22, "keep it closed"): the
frontend requires a client certificate of the deployment's CA, every client (hoso's services, the
Web UI, auto-setup's own tools) has one, the files are those `hoso temporal-certs` writes, mounted
read-only, and each key only where it is used."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from config import Settings
from support.temporal_certs import make_certificates
from tests.production import compose

PASSWORDS = {"TEMPORAL_DB_PASSWORD": "t-secret"}
TEMPORAL_CLIENTS = ("search-attributes", "worker", "api")  # hoso's services that connect


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    resolved: dict[str, Any] = compose.resolve(compose.load(), PASSWORDS)
    return resolved["services"]


def mounts(service: dict[str, Any]) -> dict[str, str]:
    """Container path -> host path of its read-only bind mounts."""
    found = {}
    for volume in service.get("volumes", []):
        host, container, *mode = volume.split(":")
        assert mode == ["ro"] or "certs" not in host, f"{volume} is not read-only"
        found[container] = host
    return found


def test_the_frontend_requires_a_client_certificate_of_the_ca(services: dict[str, Any]) -> None:
    temporal = services["temporal"]
    environment = temporal["environment"]
    assert environment["TEMPORAL_TLS_REQUIRE_CLIENT_AUTH"] == "true"
    mounted = mounts(temporal)
    for name in (
        "TEMPORAL_TLS_SERVER_CA_CERT",
        "TEMPORAL_TLS_SERVER_CERT",
        "TEMPORAL_TLS_SERVER_KEY",
        "TEMPORAL_TLS_FRONTEND_CERT",
        "TEMPORAL_TLS_FRONTEND_KEY",
        "TEMPORAL_TLS_CLIENT1_CA_CERT",
        "TEMPORAL_TLS_CA",
        "TEMPORAL_TLS_CERT",
        "TEMPORAL_TLS_KEY",
    ):
        assert environment[name] in mounted, f"{name} names no mounted file"
    assert environment["TEMPORAL_TLS_FRONTEND_SERVER_NAME"] == "temporal" == temporal["hostname"]
    health = temporal["healthcheck"]["test"]
    assert "--tls-cert-path" in health and "--tls-ca-path" in health


def test_the_mounted_files_are_those_the_command_writes(
    services: dict[str, Any], tmp_path: Path
) -> None:
    written = {path.name for path in make_certificates(tmp_path / "certs")}
    every = [host for service in services.values() for host in mounts(service).values()]
    certs = [host for host in every if "/deploy/temporal/certs/" in host]
    assert certs and {Path(host).name for host in certs} <= written
    assert not [host for host in every if host.endswith("ca.key")], "the CA's key is mounted"
    holders = {
        name
        for name, service in services.items()
        if any(host.endswith("frontend.key") for host in mounts(service).values())
    }
    assert holders == {"temporal"}


def test_hosos_services_connect_with_their_certificate_and_the_key_as_a_secret(
    services: dict[str, Any], tmp_path: Path
) -> None:
    certs = tmp_path / "certs"
    make_certificates(certs)
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "hoso_temporal_tls_key").write_bytes((certs / "hoso.key").read_bytes())
    for name in TEMPORAL_CLIENTS:
        service = services[name]
        environment = service["environment"]
        assert "hoso_temporal_tls_key" in service["secrets"], name
        assert "HOSO_TEMPORAL_TLS_KEY" not in environment, name
        assert environment["HOSO_TEMPORAL_INSECURE_PLAINTEXT"] == "false", name
        mounted = mounts(service)
        for setting in ("HOSO_TEMPORAL_TLS_CA_FILE", "HOSO_TEMPORAL_TLS_CERT_FILE"):
            assert environment[setting] in mounted, f"{name}: {setting} is not mounted"
        values = {k.removeprefix("HOSO_").lower(): v for k, v in environment.items() if v}
        values.pop("secrets_dir")
        settings = Settings(_secrets_dir=secrets, **values)  # type: ignore[call-arg]
        assert settings.environment == "production" and settings.temporal_tls, name
        assert settings.temporal_tls_key is not None, name
    secret = compose.resolve(compose.load(), PASSWORDS)["secrets"]["hoso_temporal_tls_key"]
    assert secret["file"] == "./deploy/temporal/certs/hoso.key"


def test_without_the_certificates_hoso_refuses_to_start_in_compose(
    services: dict[str, Any],
) -> None:
    environment = dict(services["worker"]["environment"])
    for setting in ("HOSO_TEMPORAL_TLS_CA_FILE", "HOSO_TEMPORAL_TLS_CERT_FILE"):
        environment.pop(setting)
    values = {k.removeprefix("HOSO_").lower(): v for k, v in environment.items() if v}
    values.pop("secrets_dir")
    with pytest.raises(ValueError, match="has no TLS"):
        Settings(**values)


def test_the_web_ui_is_a_client_with_its_own_certificate(services: dict[str, Any]) -> None:
    ui = services["temporal-ui"]
    environment = ui["environment"]
    mounted = mounts(ui)
    for name in ("TEMPORAL_TLS_CA", "TEMPORAL_TLS_CERT", "TEMPORAL_TLS_KEY"):
        assert environment[name] in mounted, name
    assert mounted[environment["TEMPORAL_TLS_CERT"]].endswith("/ui.pem")
    assert environment["TEMPORAL_TLS_SERVER_NAME"] == "temporal"
