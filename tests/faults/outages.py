"""Services going away and coming back: the projection database and the SMTP server."""

from __future__ import annotations

import os
from email import message_from_bytes, policy
from typing import Any

import psutil
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, make_url, text

from tests.conftest import TEST_DATABASE_URL
from tests.faults.processes import WorkerProcess


class DatabaseOutage:
    """The workers' database refuses them for a while.

    SQLite: every write of the worker processes fails with an I/O error, as on a full or
    read-only disk (their file-size limit is set to 0 by pid; reads still work). Permissions
    cannot do it: the workers run as root here, and an open file keeps its access anyway.
    PostgreSQL: the test's own database stops accepting connections and the workers' sessions are
    ended, as when the server is down.
    """

    def __init__(self, database_url: str, workers: list[WorkerProcess]) -> None:
        self.url = make_url(database_url)
        self.workers = workers
        self.postgres = self.url.get_backend_name() == "postgresql"

    def _admin(self, sql: str) -> None:
        """On the server HOSO_TEST_DATABASE_URL names, from its own maintenance database."""
        engine = create_engine(os.environ[TEST_DATABASE_URL], isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(sql), {"name": self.url.database})
        finally:
            engine.dispose()

    def begin(self) -> None:
        if self.postgres:
            try:
                self._admin(f'ALTER DATABASE "{self.url.database}" WITH ALLOW_CONNECTIONS false')
                self._admin(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = :name AND pid <> pg_backend_pid()"
                )
            except Exception as err:  # the test's role may not own its database here
                pytest.skip(f"cannot take the test database offline: {err}")
            return
        for worker in self.workers:
            psutil.Process(worker.pid).rlimit(psutil.RLIMIT_FSIZE, (0, psutil.RLIM_INFINITY))

    def end(self) -> None:
        if self.postgres:
            self._admin(f'ALTER DATABASE "{self.url.database}" WITH ALLOW_CONNECTIONS true')
            return
        for worker in self.workers:
            if worker.alive():
                unlimited = (psutil.RLIM_INFINITY, psutil.RLIM_INFINITY)
                psutil.Process(worker.pid).rlimit(psutil.RLIMIT_FSIZE, unlimited)


class Inbox:
    """What an SMTP server accepted: (envelope recipients, subject) per message; refuses the
    addresses of `refused` with `reply` at RCPT."""

    def __init__(self, refused: tuple[str, ...] = (), reply: str = "") -> None:
        self.messages: list[tuple[list[str], str]] = []
        self.refused, self.reply = refused, reply

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refused:
            return self.reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), str(message["Subject"])))
        return "250 OK"


class MailServer:
    """aiosmtpd on a fixed loopback port: stopped, the port refuses connections."""

    def __init__(self, port: int, inbox: Inbox) -> None:
        self.port, self.inbox = port, inbox
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
