"""Personal data on disk is its owner's only (issue 22, item 9): the data folder, the projection
database and its WAL, the documents, and the forms and registers written with `--out`, which
never follow a symbolic link."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from activities.database import make_engine
from activities.document_store import DocumentStore
from config import Settings
from starter import app
from support.private_files import PrivateFileError, write_private


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """A shell's usual umask (022), as the process had before hoso's entry point restricts it."""
    old = os.umask(0o022)
    yield
    os.umask(old)


ON_POSTGRESQL = pytest.mark.skipif(
    bool(os.environ.get("HOSO_TEST_DATABASE_URL")),
    reason="the projection is on PostgreSQL: there is no SQLite file to check",
)


@ON_POSTGRESQL
def test_the_data_folder_and_the_database_are_the_owners_only(
    settings: Settings, loose_umask: None
) -> None:
    result = CliRunner().invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    database = settings.data_dir / "hoso.db"
    assert mode(settings.data_dir) == 0o700
    assert mode(database) == 0o600
    wal = database.with_name("hoso.db-wal")
    if wal.exists():
        assert mode(wal) == 0o600


@ON_POSTGRESQL
def test_a_folder_and_database_an_older_hoso_left_readable_are_closed(
    settings: Settings, loose_umask: None
) -> None:
    settings.data_dir.mkdir(mode=0o755)
    database = settings.data_dir / "hoso.db"
    engine = make_engine(f"sqlite:///{database}")
    engine.connect().close()
    engine.dispose()
    database.chmod(0o644)
    settings.data_dir.chmod(0o755)
    result = CliRunner().invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert (mode(settings.data_dir), mode(database)) == (0o700, 0o600)


def test_documents_are_stored_in_folders_of_the_owners_only(
    tmp_path: Path, loose_umask: None
) -> None:
    store = DocumentStore(tmp_path / "documents")
    sha = store.put(b"%PDF-1.4 CCCD 001190012345")
    path = store.path(sha)
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700 and mode(path.parent.parent) == 0o700


def test_a_register_written_with_out_is_the_owners_only(
    operator_host: Settings, tmp_path: Path, loose_umask: None
) -> None:
    out = tmp_path / "register.pdf"
    result = CliRunner().invoke(
        app,
        ["register", "--agency", "so-tnmt", "--from", "2026-01-01", "--to", "2026-01-31"]
        + ["--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF") and mode(out) == 0o600


def test_out_refuses_a_symbolic_link_and_leaves_its_target_alone(
    operator_host: Settings, tmp_path: Path
) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("untouched", encoding="utf-8")
    link = tmp_path / "register.pdf"
    link.symlink_to(target)
    result = CliRunner().invoke(
        app,
        ["register", "--agency", "so-tnmt", "--from", "2026-01-01", "--to", "2026-01-31"]
        + ["--out", str(link)],
    )
    assert result.exit_code == 1
    assert "is a symbolic link" in result.output
    assert target.read_text(encoding="utf-8") == "untouched"


def test_writing_over_a_readable_file_makes_it_the_owners_only(tmp_path: Path) -> None:
    path = tmp_path / "form.pdf"
    path.write_bytes(b"old")
    path.chmod(0o644)
    write_private(path, b"%PDF new")
    assert path.read_bytes() == b"%PDF new" and mode(path) == 0o600
    with pytest.raises(PrivateFileError, match="cannot write"):
        write_private(tmp_path / "no-such-folder" / "form.pdf", b"x")
