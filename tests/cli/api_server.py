"""A real hoso API for the CLI's tests: uvicorn on 127.0.0.1, on a free port, in a thread of its
own (as `hoso up` serves it), over the test's settings: its database, document store, task queue
and Temporal server."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from starlette.types import ASGIApp

from activities.database import create_schema, make_engine, session_factory
from api.app import create_app
from config import Settings, get_settings
from support.catalogue import load_officers, publish_officers
from support.credentials import issue_token
from support.devserver import free_port
from support.private_files import private_folder, write_private

SAMPLE_ROSTER = Path(__file__).resolve().parents[2] / "procedures" / "officers.yaml"


@contextmanager
def api_thread(
    settings: Settings, port: int | None = None, *, wrap: Callable[[ASGIApp], ASGIApp] | None = None
) -> Iterator[str]:
    """The API's URL while the block runs (on `port`, else a free one); `wrap` puts an ASGI layer
    of the test's around the app (to see the requests the CLI sends)."""
    private_folder(settings.data_dir)
    engine = make_engine(settings.resolved_database_url)
    create_schema(engine)
    engine.dispose()
    port = port or free_port()
    app: ASGIApp = create_app(settings)
    config = uvicorn.Config(
        wrap(app) if wrap else app, host="127.0.0.1", port=port, log_config=None, access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the API did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


@contextmanager
def signed_in_as(
    settings: Settings, officer: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """A CLI host of `officer` (of the sample roster, published into the settings' database): an
    API over the settings in HOSO_API_URL, the officer's token in HOSO_TOKEN_FILE."""
    engine = make_engine(settings.resolved_database_url)
    create_schema(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        publish_officers(session, load_officers(SAMPLE_ROSTER))
    credential = issue_token(sessions, settings, officer)
    engine.dispose()
    token = settings.data_dir / f"{officer}.token"
    write_private(token, credential.token.encode())
    monkeypatch.setenv("HOSO_TOKEN_FILE", str(token))
    with api_thread(settings) as url:
        monkeypatch.setenv("HOSO_API_URL", url)
        get_settings.cache_clear()
        yield get_settings()
    get_settings.cache_clear()


@pytest.fixture
def operator_host(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """A CLI host of the province-wide operator (ops.operator), with an API of the test's own."""
    with signed_in_as(settings, "ops.operator", monkeypatch) as found:
        yield found
