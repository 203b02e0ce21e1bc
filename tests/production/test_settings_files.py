"""Settings from files: HOSO_SECRETS_DIR (Compose's /run/secrets) keeps a secret out of every
process's environment; a variable that is set wins, an empty one (Compose's unset) does not."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from config import get_settings
from starter import app
from support.codec import codec_from_settings


def keyring(key_id: str) -> str:
    return f"{key_id}:{base64.b64encode(os.urandom(32)).decode()}"


def test_the_keyring_comes_from_a_file_in_the_secrets_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "secrets"
    folder.mkdir()
    from_file = keyring("k2027")
    (folder / "hoso_encryption_keys").write_text(from_file + "\n", encoding="utf-8")
    monkeypatch.setenv("HOSO_SECRETS_DIR", str(folder))
    monkeypatch.setenv("HOSO_ENVIRONMENT", "production")
    monkeypatch.setenv("HOSO_ENCRYPTION_KEYS", "")  # Compose passes an unset variable as empty
    get_settings.cache_clear()
    try:
        settings = get_settings()
        assert settings.encryption_keys == from_file
        assert codec_from_settings(settings).current_key_id == "k2027"  # production finds it

        from_variable = keyring("k2028")
        monkeypatch.setenv("HOSO_ENCRYPTION_KEYS", from_variable)
        get_settings.cache_clear()
        assert get_settings().encryption_keys == from_variable
    finally:
        get_settings.cache_clear()


def test_a_secrets_folder_that_does_not_exist_is_one_red_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "no-secrets"
    monkeypatch.setenv("HOSO_SECRETS_DIR", str(missing))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["list"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert f"HOSO_SECRETS_DIR={missing}: no such folder" in result.output
    assert "Traceback" not in result.output
