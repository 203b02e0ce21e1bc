"""The Temporal server stopped mid-load (once cleanly, once with SIGKILL) and started again on its
file database: the workers and the officers' clients carry on, and nothing is lost."""

from __future__ import annotations

import asyncio
import random
import time

import pytest
from sqlmodel import select
from temporalio.service import RPCError

from activities.database import SessionFactory, make_engine, session_factory
from models.dossier import DossierStatus
from models.tables import DocumentRecord
from support.dossier_reset import reset_dossier
from support.rebuild import rebuild
from support.stuck_dossiers import TIMED_OUT, stuck_task
from tests.faults.conftest import Rigging
from tests.faults.ledger import check_eia_rows, document_store
from tests.faults.load import Load, eia_submissions

pytestmark = [pytest.mark.faults, pytest.mark.timeout(300)]
DOSSIERS = 40
CONCURRENCY = 20
MENDED_AT = 3  # failed attempts: the operator reads the cause of one that keeps failing


async def test_dossiers_carry_on_after_the_server_restarts_on_its_file_database(
    rigging: Rigging, rng: random.Random
) -> None:
    rig = await rigging.up(workers=1)
    load = Load(
        rig.client, rig.settings.task_queue, CONCURRENCY, timeout=240, context=rig.workers.report
    )
    subs = eia_submissions(DOSSIERS)
    total = DOSSIERS * load.per_dossier
    began = time.monotonic()
    running = asyncio.create_task(load.run(subs))
    reset: dict[str, set[str]] = {}  # a reset dossier: the forms it had before
    mending = asyncio.create_task(mend_stuck(rig, load, running, reset))

    for point, how in zip(
        sorted(rng.uniform(0.1, 0.7) for _ in range(2)), ("stop", "kill"), strict=True
    ):
        while load.progress < point * total and not running.done():
            await asyncio.sleep(0.05)
        assert not running.done()
        getattr(rig.server, how)()
        print(f"server {how} at {load.progress}/{total} actions")
        await asyncio.sleep(rng.uniform(0.5, 3.0))
        await rig.server.start()  # the same ports, the same database file
    results = await running
    await mending
    print(
        f"{DOSSIERS} dossiers in {time.monotonic() - began:.0f}s, {load.retried} resent,"
        f" {load.faults['reset']} reset"
    )

    assert sorted(r.code for r in results) == sorted(s.code for s in subs)
    assert {r.status for r in results} == {DossierStatus.completed}
    store = document_store(rig.settings.data_dir)
    sessions = session_factory(make_engine(rig.settings.resolved_database_url))
    await rebuild(rig.client, sessions, store, sorted(reset))  # closed: superseded rows go
    problems = check_eia_rows(
        rig.settings.resolved_database_url,
        [s.code for s in subs],
        load.path,
        store,
        superseded=set().union(*reset.values()),
    )
    assert not problems, "\n".join(problems[:20])
    assert all(worker.alive() for worker in rig.workers.running)  # it rode the outage out


async def mend_stuck(
    rig: Rigging, load: Load, running: asyncio.Task[object], reset: dict[str, set[str]]
) -> None:
    """What an operator does (`hoso unstick`) for a dossier whose workflow task fails for good
    after the server's restart (Temporal bugs, see support/stuck_dossiers.py): a reset to where
    its history replays, its later actions re-sent, its projection rewritten. Forms it issues
    again after the reset point supersede the ones before, which stay on file."""
    sessions = session_factory(make_engine(rig.settings.resolved_database_url))
    store = document_store(rig.settings.data_dir)
    while not running.done():
        for code in list(load.waiting):
            try:
                stuck = await stuck_task(rig.client, code)
                if (
                    stuck is None
                    or stuck.attempt < MENDED_AT
                    or stuck.cause == TIMED_OUT
                    or not stuck.reset_point
                ):
                    continue  # a task that timed out while the server was down is retried
                print(f"{code}: workflow task failing (attempt {stuck.attempt}): {stuck.cause}")
                reset.setdefault(code, set()).update(forms_of(sessions, code))
                done = await reset_dossier(
                    rig.client, sessions, store, stuck, reason="fault test", identity="fault test"
                )
                print(
                    f"{code}: reset to event {done.reset_point}, {len(done.resent)} actions re-sent"
                )
                load.faults["reset"] += 1
            except RPCError:
                continue  # the server is down: look again later
        await asyncio.sleep(2)


def forms_of(sessions: SessionFactory, code: str) -> set[str]:
    with sessions() as session:
        rows = session.exec(
            select(DocumentRecord).where(
                DocumentRecord.dossier_code == code, DocumentRecord.source == "form"
            )
        )
        return {row.sha256 for row in rows.all()}
