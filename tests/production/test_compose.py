"""docker-compose.yml and the Dockerfile, checked without a Docker engine.

The compose file must be valid against the Compose Specification's JSON schema (the copy that
check-jsonschema vendors from github.com/compose-spec/compose-spec, schema/compose-spec.json), and
its hoso services must be runnable as configured: the image's entry point, installed from the lock
file as the Dockerfile installs it, runs with the compose environment.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from config import Settings
from support.temporal_certs import make_certificates
from tests.production import compose

PASSWORDS = {"TEMPORAL_DB_PASSWORD": "t-secret"}
HOSO_SERVICES = ("migrate", "search-attributes", "worker", "api")
# Settings the compose services do not need: the embedded server's UI port, the image's own path;
# the keyring and the database password come from secret files (HOSO_SECRETS_DIR), not from the
# environment.
NOT_IN_COMPOSE = {
    "temporal_ui_port",
    "procedures_dir",
    "token",
    "token_file",
    "api_url",  # where a CLI host finds the API: no setting of the services themselves
    "cli_cache_dir",  # a CLI host's own folder
    "encryption_keys",
    "database_password",
    "oidc_client_secret",  # a secret file too, mounted only where the agency uses SSO
    "sms_gateway_token",  # a secret file, the SMS gateway's token
    "temporal_tls_key",  # the secret file hoso_temporal_tls_key
    "payment_hash_secret",  # the secret file hoso_payment_hash_secret, where fees are paid online
}
NOT_SETTINGS = {"secrets_dir"}  # HOSO_SECRETS_DIR: where the settings' files are


def compose_schema() -> dict[str, Any]:
    vendor = resources.files("check_jsonschema.builtin_schemas.vendor")
    schema: dict[str, Any] = json.loads((vendor / "compose-spec.json").read_text("utf-8"))
    return schema


@pytest.fixture(scope="module")
def resolved() -> dict[str, Any]:
    document: dict[str, Any] = compose.resolve(compose.load(), PASSWORDS)
    return document


def test_compose_file_is_valid_against_the_compose_specification(
    resolved: dict[str, Any],
) -> None:
    jsonschema.Draft7Validator(compose_schema()).validate(resolved)


def test_compose_refuses_to_start_without_temporals_database_password() -> None:
    with pytest.raises(compose.MissingVariable, match="TEMPORAL_DB_PASSWORD"):
        compose.resolve(compose.load(), {})


def test_every_dependency_is_a_service_and_workers_wait_for_migration(
    resolved: dict[str, Any],
) -> None:
    services = resolved["services"]
    for name, service in services.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in services, f"{name} depends on unknown service {dependency}"
    worker = services["worker"]["depends_on"]
    assert worker["migrate"]["condition"] == "service_completed_successfully"
    assert worker["search-attributes"]["condition"] == "service_completed_successfully"
    for name in ("postgresql", "temporal"):
        assert "healthcheck" in services[name], f"{name} has no health check"


def test_workers_can_be_scaled(resolved: dict[str, Any]) -> None:
    worker = resolved["services"]["worker"]
    assert "container_name" not in worker
    assert "ports" not in worker
    assert worker["command"] == ["worker"]


def test_every_hoso_variable_is_a_setting_and_every_setting_is_configurable() -> None:
    text = compose.COMPOSE_FILE.read_text(encoding="utf-8")
    fields = set(Settings.model_fields)
    named = {v.removeprefix("HOSO_").lower() for v in compose.variables(text) if v[:5] == "HOSO_"}
    assert named - fields - {"image"} == set(), "HOSO_ variables that are no setting"
    for service in HOSO_SERVICES:
        environment = compose.load()["services"][service]["environment"]
        configured = {key.removeprefix("HOSO_").lower() for key in environment}
        assert configured - fields - NOT_SETTINGS == set()
        assert fields - NOT_IN_COMPOSE - configured == set(), f"{service} misses settings"


def test_the_keyring_is_a_secret_file_in_no_environment(resolved: dict[str, Any]) -> None:
    for name in HOSO_SERVICES + ("codec-server",):
        service = resolved["services"][name]
        assert "hoso_encryption_keys" in service["secrets"], name
        assert service["environment"]["HOSO_SECRETS_DIR"] == "/run/secrets"
        assert not {"HOSO_ENCRYPTION_KEYS", "HOSO_TOKEN"} & set(service["environment"]), name
    secret = resolved["secrets"]["hoso_encryption_keys"]
    assert secret["file"] == "./deploy/secrets/hoso_encryption_keys"


def test_hosos_database_password_is_one_secret_file_in_no_environment(
    resolved: dict[str, Any],
) -> None:
    """PostgreSQL's first start and hoso's services read the same file; no environment of a
    container (nor `docker inspect`) holds the password (test_database_password.py runs it)."""
    from sqlalchemy.engine import make_url

    services = resolved["services"]
    for name in HOSO_SERVICES + ("codec-server",):
        environment = services[name]["environment"]
        assert "hoso_database_password" in services[name]["secrets"], name
        assert "HOSO_DATABASE_PASSWORD" not in environment, name
        url = make_url(environment["HOSO_DATABASE_URL"])
        assert (url.username, url.password, url.host) == ("hoso", None, "postgresql"), name
    postgresql = services["postgresql"]
    assert "hoso_database_password" in postgresql["secrets"]
    environment = postgresql["environment"]
    assert environment["APP_DB_PASSWORD_FILE"] == "/run/secrets/hoso_database_password"
    assert "APP_DB_PASSWORD" not in environment
    secret = resolved["secrets"]["hoso_database_password"]
    assert secret["file"] == "./deploy/secrets/hoso_database_password"
    # Temporal's own password stays a variable (its image reads no file), in its two services only
    assert [name for name, service in services.items() if "t-secret" in str(service)] == [
        "postgresql",
        "temporal",
    ]


def test_named_volumes_hold_the_state(resolved: dict[str, Any]) -> None:
    volumes = resolved["volumes"]
    mounts = [m.split(":")[0] for s in resolved["services"].values() for m in s.get("volumes", [])]
    assert {"postgresql", "documents"} <= set(volumes)
    assert {"postgresql", "documents"} <= set(mounts)


def dockerfile_entrypoint() -> list[str]:
    text = (compose.ROOT / "Dockerfile").read_text(encoding="utf-8")
    match = re.search(r"^ENTRYPOINT (\[.*\])$", text, re.MULTILINE)
    assert match, "the Dockerfile has no exec-form ENTRYPOINT"
    entrypoint: list[str] = json.loads(match.group(1))
    return entrypoint


@pytest.fixture(scope="module")
def image_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project installed as the Dockerfile installs it: from the lock, no dev, not editable."""
    uv = shutil.which("uv") or str(compose.ROOT / ".tools" / "bin" / "uv")
    if not Path(uv).exists():
        pytest.skip("uv is not installed")
    venv = tmp_path_factory.mktemp("image") / "venv"
    env = os.environ | {"UV_PROJECT_ENVIRONMENT": str(venv), "UV_PYTHON": sys.executable}
    subprocess.run(
        [uv, "sync", "--frozen", "--no-dev", "--no-editable", "--offline", "--quiet"],
        cwd=compose.ROOT,
        env=env,
        check=True,
        timeout=240,
    )
    return venv


def service_run(
    venv: Path, service: str, environment: dict[str, str], tmp_path: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    """`docker compose run SERVICE ARGS…`, minus Docker: entry point + command, its environment."""
    command = args or tuple(compose.load()["services"][service]["command"])
    program, *rest = dockerfile_entrypoint()
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path)} | environment
    return subprocess.run(
        [str(venv / "bin" / program), *rest, *command],
        env=env,
        cwd=tmp_path,  # not the checkout: only what the image installs is importable
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.timeout(300)
def test_image_entry_point_runs_the_services_with_the_compose_environment(
    image_venv: Path, resolved: dict[str, Any], tmp_path: Path, database_url: str
) -> None:
    secrets = tmp_path / "secrets"  # what Compose mounts at /run/secrets
    secrets.mkdir()
    keyring = f"k1:{base64.b64encode(os.urandom(32)).decode()}"
    (secrets / "hoso_encryption_keys").write_text(keyring + "\n", encoding="utf-8")
    make_certificates(tmp_path / "certs")  # Temporal's client key, a secret file as Compose's
    (secrets / "hoso_temporal_tls_key").write_bytes((tmp_path / "certs" / "hoso.key").read_bytes())
    environment = dict(resolved["services"]["migrate"]["environment"])
    environment |= {
        "HOSO_DATABASE_URL": database_url,
        "HOSO_DATA_DIR": str(tmp_path / "data"),
        "HOSO_DOCUMENT_DIR": str(tmp_path / "data" / "documents"),
        "HOSO_SECRETS_DIR": str(secrets),
    }

    help_ = service_run(image_venv, "worker", environment, tmp_path, "worker", "--help")
    assert help_.returncode == 0, help_.stderr
    assert "SIGTERM" in help_.stdout

    migrated = service_run(image_venv, "migrate", environment, tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    assert "upgraded to" in migrated.stdout

    again = service_run(image_venv, "migrate", environment, tmp_path)
    assert again.returncode == 0, again.stderr
    assert "already at" in again.stdout


def test_the_production_temporal_is_configured_as_the_embedded_server_is() -> None:
    """`hoso stuck` finds dossiers by what the server's dynamic configuration enables, and
    officers' actions answer as fast as the benchmarks measured: the production file sets what
    the embedded server is started with."""
    import yaml

    from support.devserver import DYNAMIC_CONFIG

    path = compose.ROOT / "deploy" / "temporal" / "dynamicconfig" / "hoso.yaml"
    production = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, value in DYNAMIC_CONFIG.items():
        assert production[key] == [{"value": value, "constraints": {}}], key
