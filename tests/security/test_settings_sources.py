"""Where settings come from: the environment, the secrets folder, and an env file only where the
operator names one — never keys, tokens or passwords from a file anyone could leave behind."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from config import SettingsFolderError, get_settings

ROOT = Path(__file__).resolve().parents[2]
PLANTED = "HOSO_ENCRYPTION_KEYS=planted:" + "A" * 43 + "=\nHOSO_TASK_QUEUE=planted\n"


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("HOSO_ENV_FILE", "HOSO_ENCRYPTION_KEYS", "HOSO_TASK_QUEUE", "HOSO_SECRETS_DIR"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_a_dotenv_planted_in_the_current_folder_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh: None
) -> None:
    (tmp_path / ".env").write_text(PLANTED, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    settings = get_settings()
    assert settings.encryption_keys is None
    assert settings.task_queue == "hoso"


def test_the_cli_run_beside_a_planted_dotenv_uses_no_planted_key(tmp_path: Path) -> None:
    """As an operator would meet it: `hoso` started in a folder where someone left a `.env`."""
    (tmp_path / ".env").write_text(PLANTED, encoding="utf-8")
    code = "from config import get_settings; print(get_settings().encryption_keys)"
    shown = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip() == "None"


def test_an_env_file_the_operator_names_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh: None
) -> None:
    env_file = tmp_path / "hoso.env"
    env_file.write_text("HOSO_TASK_QUEUE=dossiers-hanoi\n", encoding="utf-8")
    monkeypatch.setenv("HOSO_ENV_FILE", str(env_file))
    assert get_settings().task_queue == "dossiers-hanoi"


def test_an_env_file_that_sets_a_key_is_refused_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh: None
) -> None:
    env_file = tmp_path / "hoso.env"
    env_file.write_text(PLANTED.lower(), encoding="utf-8")  # names are not case-sensitive
    monkeypatch.setenv("HOSO_ENV_FILE", str(env_file))
    with pytest.raises(SettingsFolderError) as refused:
        get_settings()
    assert "sets HOSO_ENCRYPTION_KEYS" in str(refused.value)
    assert "never from an env file" in str(refused.value)


def test_an_env_file_that_is_not_there_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh: None
) -> None:
    monkeypatch.setenv("HOSO_ENV_FILE", str(tmp_path / "missing.env"))
    with pytest.raises(SettingsFolderError, match="missing.env: no such file"):
        get_settings()


def test_the_sso_client_secret_comes_from_the_secrets_folder_and_is_never_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh: None
) -> None:
    (tmp_path / "hoso_oidc_client_secret").write_text("the-client-secret", encoding="utf-8")
    monkeypatch.setenv("HOSO_SECRETS_DIR", str(tmp_path))
    monkeypatch.setenv("HOSO_OIDC_ISSUER", "https://sso.example.gov.vn/realms/agency")
    monkeypatch.setenv("HOSO_OIDC_CLIENT_ID", "hoso")
    settings = get_settings()
    assert settings.single_sign_on and settings.password_sign_in
    assert settings.oidc_client_secret is not None
    assert settings.oidc_client_secret.get_secret_value() == "the-client-secret"
    assert "the-client-secret" not in repr(settings)


def test_an_sso_setting_alone_or_over_plain_http_in_production_is_refused(
    monkeypatch: pytest.MonkeyPatch, fresh: None
) -> None:
    monkeypatch.setenv("HOSO_OIDC_ISSUER", "https://sso.example.gov.vn")
    with pytest.raises(ValidationError, match="HOSO_OIDC_CLIENT_ID"):
        get_settings()
    get_settings.cache_clear()
    monkeypatch.setenv("HOSO_OIDC_ISSUER", "http://sso.example.gov.vn")
    monkeypatch.setenv("HOSO_OIDC_CLIENT_ID", "hoso")
    monkeypatch.setenv("HOSO_OIDC_CLIENT_SECRET", "s")
    monkeypatch.setenv("HOSO_ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match="https"):
        get_settings()


def test_an_env_file_may_not_give_the_sso_client_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh: None
) -> None:
    env_file = tmp_path / "hoso.env"
    env_file.write_text("HOSO_OIDC_CLIENT_SECRET=planted\n", encoding="utf-8")
    monkeypatch.setenv("HOSO_ENV_FILE", str(env_file))
    with pytest.raises(SettingsFolderError, match="HOSO_OIDC_CLIENT_SECRET"):
        get_settings()
