"""The database unavailable for a while and the SMTP server refusing connections: the activities
retry with backoff, the dossiers wait without losing anything and carry on when the services
return; meanwhile an operator sees the retrying activities and their errors in `hoso history`."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable

import pytest
from temporalio.client import Client

from models.dossier import DossierStatus
from support.codec import failure_text
from support.dossier_timeline import timeline
from tests.faults.conftest import Rigging
from tests.faults.ledger import check_eia_rows, document_store, read
from tests.faults.load import Load, eia_submissions
from tests.faults.outages import DatabaseOutage, Inbox, MailServer
from tests.faults.processes import free_port, hoso
from tests.workflows.harness import APPLICANT

pytestmark = [pytest.mark.faults, pytest.mark.timeout(240)]
DOSSIERS = 5
Pending = list[tuple[str, int, str]]  # (activity, attempt, last failure) of one dossier


async def pending(client: Client, code: str) -> Pending:
    description = await client.get_workflow_handle(code).describe()
    return [
        (
            activity.activity_type.name,
            activity.attempt,
            await failure_text(client.data_converter, activity.last_failure),
        )
        for activity in description.raw_description.pending_activities
    ]


async def until(
    client: Client, codes: list[str], ready: Callable[[Pending], bool], what: str
) -> dict[str, Pending]:
    """Polls every dossier's pending activities until `ready` holds for each (no fixed sleep)."""
    deadline = time.monotonic() + 60
    while True:
        found = {code: await pending(client, code) for code in codes}
        if all(ready(p) for p in found.values()):
            return found
        assert time.monotonic() < deadline, f"{what}: {found}"
        await asyncio.sleep(0.5)


async def settled(database_url: str, client: Client, codes: list[str]) -> None:
    """Every dossier recorded and its two opening notices sent, nothing pending: "no activity
    pending" alone also holds in the gap between one activity and the next."""
    deadline = time.monotonic() + 60
    while True:
        rows = read(database_url, codes)
        sent = all(
            rows[code].rows == 1 and sum(n.sent_at is not None for n in rows[code].notices) >= 2
            for code in codes
        )
        if sent:
            await until(client, codes, lambda p: not p, "the dossiers did not settle")
            return
        assert time.monotonic() < deadline, "the dossiers were not recorded and announced"
        await asyncio.sleep(0.5)


def failing(name: str, attempts: int, error: str) -> Callable[[Pending], bool]:
    return lambda activities: any(
        n == name and a >= attempts and error in f for n, a, f in activities
    )


async def test_dossiers_wait_out_a_database_and_mail_outage_and_lose_nothing(
    rigging: Rigging,
) -> None:
    mail = MailServer(free_port(), Inbox())
    mail.start()
    try:
        rig = await rigging.up(workers=1, notification_channel="smtp", smtp_port=mail.port)
        load = Load(
            rig.client, rig.settings.task_queue, DOSSIERS, timeout=180, context=rig.workers.report
        )
        subs = eia_submissions(DOSSIERS)
        codes = [s.code for s in subs]
        await load.run(subs, upto=0)  # submitted: at reception, the applicant told by mail
        await settled(rig.settings.resolved_database_url, rig.client, codes)

        outage = DatabaseOutage(rig.settings.resolved_database_url, rig.workers.running)
        mail.stop()
        outage.begin()
        began = time.monotonic()
        accepting = asyncio.create_task(load.run(subs, upto=1))  # reception accepts each one
        db_error = "not currently accepting connections" if outage.postgres else "disk I/O error"
        await until(
            rig.client,
            codes,
            failing("record_change", 3, db_error),
            "the projection writes did not fail and retry",
        )
        for code in codes:  # stopped: no receipt issued while the database is away
            state = await load.state(rig.client.get_workflow_handle(code), time.monotonic() + 30)
            assert state.forms == [] and state.status == DossierStatus.in_review
        # The API authenticates against the database, which is away: an operator reads the
        # history as the Web UI's codec server tells it, from Temporal alone.
        entries = await timeline(rig.client, codes[0])
        told = "\n".join(f"{e.event} {e.detail}" for e in entries)
        retrying = [line for line in told.splitlines() if "retrying" in line]
        print(*retrying, sep="\n")
        assert retrying and "projection" in retrying[0] and db_error in told, told

        outage.end()  # the database is back; the mail server still refuses connections
        await until(
            rig.client,
            codes,
            failing("send_notification", 2, "SMTPConnectError"),
            "the receipt notices did not fail and retry",
        )
        told = await hoso(rig.settings, "history", codes[0])
        retrying = [line for line in told.splitlines() if "retrying" in line]
        print(*retrying, sep="\n")
        assert retrying and "receipt_issued → applicant" in retrying[0], told
        assert "SMTPConnectError" in retrying[0], told
        mail.start()
        print(f"outage {time.monotonic() - began:.0f}s")

        await accepting
        results = await load.run(subs)  # the rest of the chain, every service up
    finally:
        mail.stop()

    assert {r.status for r in results} == {DossierStatus.completed}
    problems = check_eia_rows(
        rig.settings.resolved_database_url,
        codes,
        load.path,
        document_store(rig.settings.data_dir),
        smtp_failures=True,
    )
    assert not problems, "\n".join(problems[:20])
    # Every applicant notice reached the mail server once, the one sent in the outage too.
    mailed = Counter(subject for _, subject in mail.inbox.messages)
    for code in codes:
        for_code = [s for s in mailed if code in s]
        assert len(for_code) == 3 and all(mailed[s] == 1 for s in for_code), mailed
    assert all(r == [APPLICANT.email] for r, _ in mail.inbox.messages)
    for code, rows in read(rig.settings.resolved_database_url, codes).items():
        receipt = next(n for n in rows.notices if n.template == "receipt_issued")
        assert receipt.attempts >= 2 and receipt.last_error, (code, receipt)
