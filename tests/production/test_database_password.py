"""hoso's database password as Compose gives it: one secret file (`hoso_database_password`) that
PostgreSQL's first start makes the role's password (deploy/postgresql/initdb/10-hoso.sh) and that
hoso's services add to a HOSO_DATABASE_URL without one, so it is in no process's environment.

Run against a PostgreSQL cluster of the test's own that checks passwords (SCRAM), on loopback,
from the server binaries Debian's packages install (CI installs them for its PostgreSQL pass).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from config import Settings, get_settings
from starter import app
from support.devserver import free_port

ROOT = Path(__file__).resolve().parents[2]
INIT_SCRIPT = ROOT / "deploy" / "postgresql" / "initdb" / "10-hoso.sh"
SERVER_BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
SUPERUSER, SUPERUSER_PASSWORD = "temporal", "t-secret-Ωx"
ROLE_PASSWORD = "h:s3cr/et@%é"  # every character a URL has to escape


@dataclass
class Cluster:
    bin: Path
    port: int

    def url(self, user: str, password: str | None = None) -> str:
        login = f"{user}:{password}" if password else user
        return f"postgresql+psycopg://{login}@127.0.0.1:{self.port}/hoso"


def _as_owner(command: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: as the `postgres` user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.getuid() == 0 else command


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if not SERVER_BINARIES:
        pytest.skip("PostgreSQL's server binaries are not installed (.ci/run installs them)")
    bin_dir = SERVER_BINARIES[-1].parent
    root = Path(tempfile.mkdtemp(prefix="hoso-pg-auth-"))
    superuser_file = root / "superuser"
    superuser_file.write_text(SUPERUSER_PASSWORD, encoding="utf-8")
    if os.getuid() == 0:
        owner = pwd.getpwnam("postgres")
        for path in (root, superuser_file):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    data, port = root / "data", free_port()
    run = {"check": True, "capture_output": True, "timeout": 120}
    subprocess.run(
        _as_owner(
            [str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, "-E", "UTF8",
             "--locale=C.UTF-8", "--auth=scram-sha-256", f"--pwfile={superuser_file}"]
        ),
        **run,
    )  # fmt: skip
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off"
    subprocess.run(
        _as_owner(
            [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"),
             "-w", "-t", "60", "start", "-o", options]
        ),
        **run,
    )  # fmt: skip
    try:
        yield Cluster(bin_dir, port)
    finally:
        # pg_ctl stops the postmaster whose pid its data folder holds, nothing else.
        subprocess.run(
            _as_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
            capture_output=True,
            timeout=60,
            check=False,
        )
        shutil.rmtree(root, ignore_errors=True)


def first_start(cluster: Cluster, password_file: Path) -> subprocess.CompletedProcess[str]:
    """The postgres image's first start runs the initdb scripts with the compose environment."""
    env = {
        "PATH": f"{cluster.bin}:/usr/bin:/bin",
        "POSTGRES_USER": SUPERUSER,
        "PGPASSWORD": SUPERUSER_PASSWORD,  # the image's scripts use its socket; we use loopback
        "PGHOST": "127.0.0.1",
        "PGPORT": str(cluster.port),
        "APP_DB_USER": "hoso",
        "APP_DB_NAME": "hoso",
        "APP_DB_PASSWORD_FILE": str(password_file),
    }
    return subprocess.run(
        ["/usr/bin/env", "bash", str(INIT_SCRIPT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def db_upgrade(monkeypatch: pytest.MonkeyPatch, url: str, secrets: Path) -> tuple[int, str]:
    """`hoso db upgrade` as the compose `migrate` service runs it."""
    monkeypatch.setenv("HOSO_DATABASE_URL", url)
    monkeypatch.setenv("HOSO_SECRETS_DIR", str(secrets))
    monkeypatch.setenv("HOSO_DATABASE_PASSWORD", "")  # Compose passes an unset variable as empty
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["db", "upgrade"])
    finally:
        get_settings.cache_clear()
    return result.exit_code, result.output


@pytest.mark.timeout(180)
def test_one_password_file_makes_the_role_and_lets_hoso_in(
    cluster: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = tmp_path / "secrets"  # what Compose mounts at /run/secrets
    secrets.mkdir()
    password_file = secrets / "hoso_database_password"
    password_file.write_text(ROLE_PASSWORD + "\n", encoding="utf-8")  # an editor's newline

    made = first_start(cluster, password_file)
    assert made.returncode == 0, made.stderr
    assert ROLE_PASSWORD not in made.stdout + made.stderr

    code, output = db_upgrade(monkeypatch, cluster.url("hoso"), secrets)
    assert code == 0, output
    assert "upgraded to" in output
    assert ROLE_PASSWORD not in output  # the URL shown hides it

    # The password really is checked: the wrong one is refused, and neither is printed.
    password_file.write_text("not-the-password", encoding="utf-8")
    code, output = db_upgrade(monkeypatch, cluster.url("hoso"), secrets)
    assert code == 1
    assert "password authentication failed" in output
    assert "not-the-password" not in output and ROLE_PASSWORD not in output
    assert "Traceback" not in output


def test_a_missing_password_file_stops_the_first_start_with_its_name(
    cluster: Cluster, tmp_path: Path
) -> None:
    missing = tmp_path / "hoso_database_password"
    made = first_start(cluster, missing)
    assert made.returncode == 1
    assert f"{missing} is not readable" in made.stderr


def test_a_password_in_the_url_and_in_the_file_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "hoso_database_password").write_text("from-the-file", encoding="utf-8")
    code, output = db_upgrade(
        monkeypatch, "postgresql+psycopg://hoso:in-the-url@127.0.0.1:1/hoso", secrets
    )
    assert code == 1
    assert "holds a password and HOSO_DATABASE_PASSWORD gives one too" in output
    assert "from-the-file" not in output and "in-the-url" not in output


def test_an_empty_password_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "hoso_database_password").write_text("\n", encoding="utf-8")
    code, output = db_upgrade(monkeypatch, "postgresql+psycopg://hoso@127.0.0.1:1/hoso", secrets)
    assert code == 1
    assert "HOSO_DATABASE_PASSWORD is empty (the file hoso_database_password?)" in output


def test_the_password_is_added_to_the_url_escaped() -> None:
    from sqlalchemy.engine import make_url

    settings = Settings(
        database_url="postgresql+psycopg://hoso@db:5432/hoso", database_password=ROLE_PASSWORD
    )
    url = make_url(settings.resolved_database_url)
    assert (url.username, url.password, url.host, url.database) == (
        "hoso", ROLE_PASSWORD, "db", "hoso"
    )  # fmt: skip
    assert ROLE_PASSWORD not in repr(settings)  # a secret in a settings dump stays hidden
