"""Workers killed with SIGKILL at random points while 200 EIA dossiers run through the chain, and
restarted: every dossier completes, and no action, notice, form or projection row is lost or
written twice."""

from __future__ import annotations

import asyncio
import random
import time

import pytest

from models.dossier import DossierStatus
from tests.faults.conftest import Rigging
from tests.faults.ledger import check_eia_rows, document_store
from tests.faults.load import Load, eia_submissions

pytestmark = [pytest.mark.faults, pytest.mark.timeout(400)]
DOSSIERS = 200
WORKERS = 2
CONCURRENCY = 40
KILLS = 4


async def test_every_dossier_completes_once_while_workers_are_killed_at_random(
    rigging: Rigging, rng: random.Random
) -> None:
    rig = await rigging.up(workers=WORKERS)
    load = Load(
        rig.client, rig.settings.task_queue, CONCURRENCY, timeout=330, context=rig.workers.report
    )
    subs = eia_submissions(DOSSIERS)
    total = DOSSIERS * load.per_dossier
    began = time.monotonic()
    running = asyncio.create_task(load.run(subs))

    victims = []
    for point in sorted(rng.uniform(0.05, 0.7) for _ in range(KILLS)):
        while load.progress < point * total and not running.done():
            await asyncio.sleep(0.05)
        await asyncio.sleep(rng.uniform(0.0, 1.0))  # anywhere inside a transition's effects
        everyone = rng.random() < 0.25
        chosen = list(rig.workers.running) if everyone else [rng.choice(rig.workers.running)]
        for worker in chosen:
            rig.workers.kill(worker)
        victims += chosen
        print(f"killed {len(chosen)} worker(s) at {load.progress}/{total} actions")
        await rig.workers.start(len(chosen))
    results = await running
    print(f"{DOSSIERS} dossiers in {time.monotonic() - began:.0f}s, {load.retried} resent")

    assert any("dossier_recorded" in v.output() for v in victims), "no kill hit a working worker"
    assert sorted(r.code for r in results) == sorted(s.code for s in subs)
    assert {r.status for r in results} == {DossierStatus.completed}
    expected = [(s.officer.id, s.action) for s in load.path]
    assert all([(a.actor, a.action) for a in r.actions] == expected for r in results)
    problems = check_eia_rows(
        rig.settings.resolved_database_url,
        [s.code for s in subs],
        load.path,
        document_store(rig.settings.data_dir),
    )
    assert not problems, "\n".join(problems[:20])
