"""The fault-injection suite: real processes (a Temporal dev server with its file database, `hoso
worker`s), real faults (SIGKILL, a server restart, a database and an SMTP server gone), and the
rows each dossier must leave counted afterwards. Select it with `-m faults`."""

from __future__ import annotations

import os
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import pytest_asyncio
from temporalio.client import Client

from config import Settings
from tests.faults.processes import (
    TemporalServer,
    Workers,
    connect_client,
    fault_settings,
)
from tests.workflows.harness import intake_for, use_issuer

SEED = "HOSO_FAULTS_SEED"  # replay a failed run's faults: HOSO_FAULTS_SEED=<printed seed>


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "faults: fault-injection suite (real server and worker processes, minutes)"
    )


@dataclass
class Rig:
    """One test's stack: its settings, its own Temporal server, its workers and a client."""

    settings: Settings
    server: TemporalServer
    workers: Workers
    client: Client


@dataclass
class Rigging:
    folder: Path
    database_url: str
    servers: list[TemporalServer] = field(default_factory=list)
    pools: list[Workers] = field(default_factory=list)

    async def up(self, workers: int = 1, **fields: object) -> Rig:
        """A server (file database in the test's data folder), the schema, `workers` workers."""
        settings = fault_settings(self.folder / "data", self.database_url, **fields)
        server = TemporalServer(settings)
        self.servers.append(server)
        await server.start()
        pool = Workers(settings, self.folder)
        self.pools.append(pool)
        pool.migrate()
        await pool.start(workers)
        use_issuer(settings)  # the issuer whose key the workers trust signs the actions
        intake_for(settings.task_queue, settings)  # and their intake key seals the starts
        return Rig(settings, server, pool, await connect_client(settings))

    def down(self) -> None:
        for pool in self.pools:
            pool.stop_all()
        for server in self.servers:
            server.stop()


@pytest_asyncio.fixture
async def rigging(tmp_path: Path, database_url: str) -> AsyncIterator[Rigging]:
    rigging = Rigging(tmp_path, database_url)
    try:
        yield rigging
    finally:
        rigging.down()


@pytest.fixture
def rng() -> random.Random:
    """The faults' random generator; its seed is printed so a failure can be replayed."""
    seed = int(os.environ.get(SEED) or random.SystemRandom().randrange(2**32))
    print(f"fault seed: {SEED}={seed}")
    return random.Random(seed)
