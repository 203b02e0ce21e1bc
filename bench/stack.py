"""What every benchmark runs on: a Temporal server (its own, or `--address`), hoso's catalogue and
officers' credentials in a temporary data folder, and in-process workers (hoso's and the floor's).

The dev server is the embedded one (`support.devserver`: SQLite file in WAL mode, search
attributes registered) on loopback and free ports; it is stopped by its own pid.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

import psutil
from sqlmodel import Session
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.database import create_schema, make_engine
from bench.results import add_result_arguments
from config import Settings
from models.officer import OfficerIdentity
from models.procedure import Procedure
from support.catalogue import latest_procedure, load_officers, publish_paths
from support.client import connect
from support.credentials import Credential, Issuer
from support.devserver import DevServer, free_port, register_search_attributes
from support.publishers import machine_publisher
from worker import build_worker

PROCEDURES = {
    "eia": "1.010733",
    "permit": "1.009994",
    "extract": "2.000635",
}


def add_server_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--address", help="host:port of a running Temporal server (default: start a dev server)"
    )
    parser.add_argument(
        "--server-pid", type=int, help="with --address: the server's pid, to read its memory"
    )
    parser.add_argument(
        "--no-worker-log",
        action="store_true",
        help="leave logging alone (default: the worker logs at INFO into its data folder)",
    )
    add_result_arguments(parser)


@dataclass
class Stack:
    """A connected client, hoso's settings (temporary data folder) and its registry."""

    client: Client
    settings: Settings
    server_pid: int | None
    procedures: dict[str, Procedure]
    officers: dict[str, OfficerIdentity]
    env: WorkflowEnvironment | None = None
    # processes the benchmark started that are not hoso's (the portals' receivers): their CPU
    # is not counted as the worker's
    others: set[int] = field(default_factory=set)
    _credentials: dict[str, Credential] = field(default_factory=dict)
    _issuer: Issuer | None = None

    @property
    def server(self) -> psutil.Process | None:
        return psutil.Process(self.server_pid) if self.server_pid else None

    def server_rss(self) -> int | None:
        server = self.server
        return server.memory_info().rss if server else None

    def credential(self, officer: OfficerIdentity, *, since: datetime | None = None) -> Credential:
        """A credential for `officer` from the issuer the worker trusts (one each, reused)."""
        if officer.id not in self._credentials:
            if self._issuer is None:
                self._issuer = Issuer.from_settings(self.settings)
            began = since or datetime.now(UTC) - timedelta(days=1)
            self._credentials[officer.id] = self._issuer.certify(
                officer, valid_for=timedelta(days=3 * 366), now=began
            )
        return self._credentials[officer.id]

    def assignee(self, procedure: Procedure, stage_id: str) -> OfficerIdentity:
        stage = procedure.stage(stage_id)
        role, unit = getattr(stage, "role", None), getattr(stage, "unit", None)
        return self.officer_for(role=role, unit=unit, agency=procedure.agency)

    def officer_for(
        self, *, role: str | None = None, unit: str | None = None, agency: str | None = None
    ) -> OfficerIdentity:
        for officer in self.officers.values():
            if (
                role in (None, officer.role)
                and unit in (None, officer.unit)
                and agency in (None, officer.agency)
            ):
                return officer
        raise LookupError(f"no officer {role}/{unit}/{agency} in the sample registry")

    def hoso_worker(self, task_queue: str | None = None) -> Worker:
        return build_worker(self.client, self.settings, task_queue=task_queue or new_queue())


def bench_settings(data: Path, **fields: object) -> Settings:
    """Settings with every file in `data` and notices to the log channel, whatever the
    environment says; the worker's limits (HOSO_WORKER_*) are still read from it."""
    return Settings(
        data_dir=data,
        environment="development",
        database_url=None,
        document_dir=None,
        keys_dir=None,
        encryption_keys=None,
        encryption_key_id=None,
        notification_channel="log",
        task_queue=new_queue(),
        **fields,  # type: ignore[arg-type]
    )


def new_queue(prefix: str = "bench") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def _load_catalogue(settings: Settings) -> tuple[dict[str, Procedure], dict[str, OfficerIdentity]]:
    """Publishes the sample procedures and officers, as `hoso up` does."""
    engine = make_engine(settings.resolved_database_url)
    try:
        create_schema(engine)
        with Session(engine) as session:
            publish_paths(session, [settings.procedures_dir], publisher=machine_publisher(settings))
            procedures = {
                name: latest_procedure(session, code) for name, code in PROCEDURES.items()
            }
    finally:
        engine.dispose()
    roster = load_officers(settings.procedures_dir / "officers.yaml")
    officers = {
        o.id: OfficerIdentity(id=o.id, role=o.role, unit=o.unit, agency=o.agency)
        for o in roster.officers
    }
    return procedures, officers


def log_file(stack: Stack, args: argparse.Namespace) -> Path | None:
    return None if args.no_worker_log else stack.settings.data_dir / "worker.log"


@asynccontextmanager
async def bench_stack(
    address: str | None = None,
    *,
    server_pid: int | None = None,
    time_skipping: bool = False,
    folder: Path | None = None,
) -> AsyncIterator[Stack]:
    """A server (started here unless `address`), a temporary data folder and the catalogue."""
    with contextlib.ExitStack() as files:
        root = folder or Path(files.enter_context(tempfile.TemporaryDirectory(prefix="hoso-")))
        data = root / "data"
        if time_skipping:
            env = await WorkflowEnvironment.start_time_skipping(
                test_server_existing_path=str(Path(sys.executable).parent / "temporal-test-server"),
                data_converter=pydantic_data_converter,
            )
            try:
                await register_search_attributes(env.client, "default")
                settings = bench_settings(data)
                procedures, officers = _load_catalogue(settings)
                yield Stack(env.client, settings, None, procedures, officers, env=env)
            finally:
                await env.shutdown()
            return
        settings = bench_settings(
            data,
            temporal_address=address or f"127.0.0.1:{free_port()}",
            temporal_ui_port=free_port(),
        )
        server = None if address else await DevServer.start(settings)
        try:
            client = await connect(settings)
            await register_search_attributes(client, settings.temporal_namespace)
            procedures, officers = _load_catalogue(settings)
            pid = server.pid if server else server_pid
            yield Stack(client, settings, pid, procedures, officers)
        finally:
            if server is not None:
                server.stop()


@contextlib.contextmanager
def worker_logs(path: Path | None) -> Iterator[IO[str] | None]:
    """The worker's logs at INFO as in production (JSON), into `path` rather than the terminal;
    None leaves logging as it is."""
    if path is None:
        yield None
        return
    from logs import configure_logging, logging_in_background

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        saved, sys.stderr = sys.stderr, out
        try:
            configure_logging("INFO")
            with logging_in_background():
                yield out
        finally:
            sys.stderr = saved
