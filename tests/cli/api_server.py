"""A real hoso API for the CLI's tests: uvicorn on 127.0.0.1, on a free port, in a thread of its
own (as `hoso up` serves it), over the test's settings: its database, document store, task queue
and Temporal server."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from activities.database import create_schema, make_engine
from api.app import create_app
from config import Settings
from support.devserver import free_port
from support.private_files import private_folder


@contextmanager
def api_thread(settings: Settings) -> Iterator[str]:
    """The API's URL while the block runs."""
    private_folder(settings.data_dir)
    engine = make_engine(settings.resolved_database_url)
    create_schema(engine)
    engine.dispose()
    port = free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_config=None, access_log=False
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
