"""A notice the mail server refuses for good (550: no such mailbox) does not hold the dossier up:
it goes through its chain, the failure is recorded in its state and the outbox, and operators see
it in `hoso status` and `hoso history`; the officers' notices still reach them."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from activities.database import make_engine
from models.dossier import DossierStatus
from support.catalogue import publish_paths
from support.publishers import machine_publisher
from tests.faults.conftest import Rigging
from tests.faults.ledger import EIA_NOTICES, read
from tests.faults.load import Load, eia_submissions
from tests.faults.outages import Inbox, MailServer
from tests.faults.processes import free_port, hoso
from tests.workflows.harness import APPLICANT, PROCEDURES

pytestmark = [pytest.mark.faults, pytest.mark.timeout(180)]
DOSSIERS = 2
APPLICANT_NOTICES = ("dossier_submitted", "receipt_issued", "result_ready_online")
REFUSAL = "550 5.1.1 <hong@example.vn>: Recipient address rejected: mailbox unavailable"


async def test_notice_refused_for_good_is_recorded_and_the_dossier_goes_on(
    rigging: Rigging,
) -> None:
    assert APPLICANT.email is not None
    mail = MailServer(free_port(), Inbox(refused=(APPLICANT.email,), reply=REFUSAL))
    mail.start()
    try:
        rig = await rigging.up(workers=1, notification_channel="smtp", smtp_port=mail.port)
        engine = make_engine(rig.settings.resolved_database_url)
        with Session(engine) as session:  # the officers' registry: their addresses
            publish_paths(session, [PROCEDURES], publisher=machine_publisher(rig.settings))
        engine.dispose()
        load = Load(
            rig.client, rig.settings.task_queue, DOSSIERS, timeout=150, context=rig.workers.report
        )
        subs = eia_submissions(DOSSIERS)
        results = await load.run(subs)
        code = subs[0].code
        status = await hoso(rig.settings, "status", code)
        history = await hoso(rig.settings, "history", code)
    finally:
        mail.stop()

    assert {r.status for r in results} == {DossierStatus.completed}
    for state in results:
        assert len(state.failures) == len(APPLICANT_NOTICES), state.failures
        for template, failure in zip(APPLICANT_NOTICES, state.failures, strict=True):
            assert f"{state.code}:" in failure and template in failure
            assert "SMTPRecipientsRefused 550" in failure and "not retried" in failure
            assert APPLICANT.email not in failure
    for code_, rows in read(rig.settings.resolved_database_url, [s.code for s in subs]).items():
        assert len(rows.notices) == sum(EIA_NOTICES.values())
        for notice in rows.notices:
            if notice.template in APPLICANT_NOTICES:  # tried once, never again
                assert notice.sent_at is None and notice.attempts == 1, (code_, notice)
                assert notice.last_error and "550" in notice.last_error
            else:
                assert notice.sent_at is not None and notice.attempts == 1, (code_, notice)
    # The officers' notices were mailed, one message per notice; nothing reached the applicant.
    officer_notices = sum(EIA_NOTICES.values()) - len(APPLICANT_NOTICES)
    assert len(mail.inbox.messages) == officer_notices * DOSSIERS
    assert all(APPLICANT.email not in to and to for to, _ in mail.inbox.messages)

    status_failures = next(line for line in status.splitlines() if line.startswith("failures"))
    assert "dossier_submitted" in status_failures and "550" in status_failures, status
    failed = [line for line in history.splitlines() if " failed " in line and "550" in line]
    print(status_failures, *failed, sep="\n")
    assert len(failed) == len(APPLICANT_NOTICES), history
    assert "dossier_submitted → applicant" in failed[0], history
