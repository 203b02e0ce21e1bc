"""Scale-out: `hoso worker` processes on one task queue share the dossiers; when one dies
(SIGKILL, mid-load) the others carry its dossiers on, and every dossier completes exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlmodel import Session, select
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from activities.database import make_engine
from config import Settings
from models.dossier import DossierStatus
from models.state import DossierState
from models.tables import ActionRecord, DeliveryRecord, DossierRecord, NotificationRecord
from support.client import connect
from tests.workflows.harness import (
    act,
    assignee,
    intake_for,
    pay,
    procedure,
    start,
    submission,
    use_issuer,
)
from workflows.dossier import DossierWorkflow

pytestmark = pytest.mark.timeout(180)
HOSO = str(Path(sys.executable).parent / "hoso")
DOSSIERS = 20
WORKERS = 3


@dataclass
class WorkerProcess:
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def worker_env(tmp_path: Path, dev_env: WorkflowEnvironment, database_url: str) -> dict[str, str]:
    """What each worker container would get: the server, one task queue, one shared database
    and document store."""
    return os.environ | {
        "HOSO_TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
        "HOSO_TASK_QUEUE": f"scale-{uuid.uuid4()}",
        "HOSO_DATA_DIR": str(tmp_path / "data"),
        "HOSO_DATABASE_URL": database_url,
        "HOSO_WORKER_GRACEFUL_SHUTDOWN_SECONDS": "0",
    }


@pytest.fixture
def workers(worker_env: dict[str, str], tmp_path: Path) -> Iterator[list[WorkerProcess]]:
    """`hoso db upgrade` once (the compose `migrate` service), then three `hoso worker`s."""
    migrate = subprocess.run(
        [HOSO, "db", "upgrade"], env=worker_env, capture_output=True, text=True, timeout=60
    )
    assert migrate.returncode == 0, migrate.stderr
    started: list[WorkerProcess] = []
    for n in range(WORKERS):
        log = tmp_path / f"worker-{n}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [HOSO, "worker"], env=worker_env, stdout=out, stderr=subprocess.STDOUT
            )
        started.append(WorkerProcess(process, log))
    try:
        deadline = time.monotonic() + 60
        for worker in started:
            while "worker_started" not in worker.output():
                assert worker.process.poll() is None, worker.output()
                assert time.monotonic() < deadline, "a worker did not start"
                time.sleep(0.2)
        use_issuer(Settings(data_dir=Path(worker_env["HOSO_DATA_DIR"])))  # the workers' issuer
        yield started
    finally:
        for worker in started:
            if worker.process.poll() is None:
                worker.process.send_signal(signal.SIGTERM)
        for worker in started:
            try:
                worker.process.wait(30)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait(10)


async def connect_like_the_workers(worker_env: dict[str, str]) -> Client:
    """A client with the workers' keyring (their data folder's dev key): payloads are
    encrypted, so a plain client could not read the workers' results."""
    return await connect(
        Settings(
            data_dir=Path(worker_env["HOSO_DATA_DIR"]),
            temporal_address=worker_env["HOSO_TEMPORAL_ADDRESS"],
        )
    )


async def through_the_chain(
    handle: WorkflowHandle[DossierWorkflow, DossierState], halfway: asyncio.Event
) -> DossierState:
    proc = procedure("extract")
    for n, stage in enumerate(proc.chain):
        if n == 1:
            await halfway.wait()  # every dossier is mid-chain when the worker dies
        action = "accept" if stage.kind == "reception" else "approve"
        await act(handle, assignee(proc, stage.id), action)
    await pay(handle)  # the extract's fee is paid before delivery
    return await handle.result()


async def test_workers_share_dossiers_and_survive_one_killed_mid_load(
    dev_env: WorkflowEnvironment,
    worker_env: dict[str, str],
    workers: list[WorkerProcess],
) -> None:
    queue = worker_env["HOSO_TASK_QUEUE"]
    client = await connect_like_the_workers(worker_env)
    subs = [submission("extract") for _ in range(DOSSIERS)]
    intake_for(
        queue,
        Settings(
            data_dir=Path(worker_env["HOSO_DATA_DIR"]),
            database_url=worker_env["HOSO_DATABASE_URL"],
        ),
    )
    handles = [await start(client, queue, sub) for sub in subs]
    halfway = asyncio.Event()
    chains = [asyncio.create_task(through_the_chain(handle, halfway)) for handle in handles]

    victim = workers[0]
    await asyncio.sleep(1.0)  # the first actions land on all three workers
    victim.process.send_signal(signal.SIGKILL)
    assert victim.process.wait(10) == -signal.SIGKILL
    halfway.set()
    results = await asyncio.wait_for(asyncio.gather(*chains), timeout=120)

    assert all(r.status == DossierStatus.completed for r in results)
    assert sorted(r.code for r in results) == sorted(s.code for s in subs)
    survivors = [w for w in workers if w is not victim]
    assert sum("dossier_recorded" in w.output() for w in survivors) == len(survivors), (
        "the load was not shared"
    )
    engine = make_engine(worker_env["HOSO_DATABASE_URL"])
    try:
        with Session(engine) as session:
            dossiers = session.exec(select(DossierRecord)).all()
            actions = session.exec(select(ActionRecord)).all()
            deliveries = session.exec(select(DeliveryRecord)).all()
            notifications = session.exec(select(NotificationRecord)).all()
    finally:
        engine.dispose()
    codes = {s.code for s in subs}
    assert sorted(d.code for d in dossiers) == sorted(codes)  # one row each
    assert {d.status for d in dossiers} == {"completed"}
    assert Counter(a.dossier_code for a in actions) == dict.fromkeys(codes, len(results[0].actions))
    assert Counter(d.dossier_code for d in deliveries) == dict.fromkeys(codes, 1)
    # Every dossier took the same path: the same notifications, none sent twice.
    sent = {
        code: sorted(n.template for n in notifications if n.dossier_code == code) for code in codes
    }
    assert len({tuple(templates) for templates in sent.values()}) == 1, sent
    assert all(n.sent_at is not None for n in notifications)
