"""Real Temporal servers for the whole session, from the pip-installed binaries (no download)."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import create_engine, make_url, text
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from config import Settings, get_settings
from support.devserver import dynamic_config_arguments, register_search_attributes
from workflows import search_attributes

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent
TEST_DATABASE_URL = "HOSO_TEST_DATABASE_URL"  # a PostgreSQL server's URL: run on it, not SQLite


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def skip_env() -> AsyncIterator[WorkflowEnvironment]:
    """The time-skipping test server: weeks of working days pass in a blink."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(BIN / "temporal-test-server"),
        data_converter=pydantic_data_converter,
    )
    await register_search_attributes(env.client, "default")
    yield env
    await env.shutdown()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def dev_env(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[WorkflowEnvironment]:
    """The embedded dev server with a file database and hoso's search attributes."""
    db = tmp_path_factory.mktemp("temporal") / "temporal.db"
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(BIN / "temporal"),
        ip="127.0.0.1",
        data_converter=pydantic_data_converter,
        search_attributes=search_attributes.ALL,
        dev_server_extra_args=[
            "--db-filename",
            str(db),
            "--sqlite-pragma",
            "journal_mode=wal",
            "--sqlite-pragma",
            "synchronous=normal",
            *dynamic_config_arguments(),
        ],
        ui=False,
    )
    yield env
    await env.shutdown()


@pytest.fixture(autouse=True)
def _forget_test_issuer() -> Iterator[None]:
    """Each test signs with the issuer of its own data folder unless it names another."""
    yield
    from tests.workflows.harness import use_issuer

    use_issuer(None)


@pytest.fixture
def settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[Settings]:
    """Settings pointing every file hoso writes into this test's own folder (and, when
    HOSO_TEST_DATABASE_URL is set, the projection into a fresh PostgreSQL database)."""
    monkeypatch.setenv("HOSO_DATA_DIR", str(tmp_path / "data"))
    if os.environ.get(TEST_DATABASE_URL):
        monkeypatch.setenv("HOSO_DATABASE_URL", request.getfixturevalue("database_url"))
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """An empty database of the test's own: a new database on the server HOSO_TEST_DATABASE_URL
    names (dropped afterwards), else a SQLite file in the test's folder."""
    server = os.environ.get(TEST_DATABASE_URL)
    if not server:
        yield f"sqlite:///{tmp_path / 'hoso.db'}"
        return
    name = f"hoso_test_{uuid.uuid4().hex}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
