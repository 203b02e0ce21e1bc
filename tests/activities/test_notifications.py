"""Notices reach people once, through a real SMTP server; failures retry and are recorded."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select
from temporalio.exceptions import ApplicationError

from activities.database import SessionFactory
from activities.notify import NotificationActivities, SmtpChannel
from models.effects import Notification, Recipient
from models.tables import NotificationRecord
from tests.activities.conftest import APPLICANT


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def supplement_notice(key: str = "so-tnmt-261128-0001:4:supplement_requested") -> Notification:
    return Notification(
        key=key,
        dossier_code="so-tnmt-261128-0001",
        template="supplement_requested",
        recipient=Recipient(audience="applicant", email=APPLICANT.email, phone=APPLICANT.phone),
        context={
            "code": "so-tnmt-261128-0001",
            "procedure_name": "Thẩm định báo cáo ĐTM",
            "missing": "Bản vẽ mặt bằng\nDự án đầu tư bản ký số",
        },
    )


async def test_supplement_request_is_mailed_once_with_everything_missing(
    sessions: SessionFactory, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    activities = NotificationActivities(
        sessions, SmtpChannel("127.0.0.1", port, "hoso@example.gov.vn")
    )
    await activities.send_notification(supplement_notice())
    await activities.send_notification(supplement_notice())  # a retry after success

    assert len(inbox.messages) == 1
    recipients, message = inbox.messages[0]
    assert recipients == ["bich@example.vn"]
    subject = str(make_header(decode_header(message["Subject"])))
    body = message.get_payload(decode=True).decode("utf-8")
    assert subject == "Yêu cầu bổ sung, hoàn thiện hồ sơ so-tnmt-261128-0001"
    assert "- Bản vẽ mặt bằng" in body and "- Dự án đầu tư bản ký số" in body
    with sessions() as session:
        rows = session.exec(select(NotificationRecord)).all()
    assert len(rows) == 1 and rows[0].sent_at is not None and rows[0].attempts == 1


async def test_officers_are_mailed_at_their_registry_address(
    sessions: SessionFactory, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    activities = NotificationActivities(
        sessions, SmtpChannel("127.0.0.1", port, "hoso@example.gov.vn")
    )
    await activities.send_notification(
        Notification(
            key="k:1:stage_assigned",
            dossier_code="so-tnmt-261128-0001",
            template="stage_assigned",
            recipient=Recipient(
                audience="officers", role="specialist", unit="environment-office", agency="so-tnmt"
            ),
            context={"code": "so-tnmt-261128-0001", "stage": "specialist"},
        )
    )
    assert inbox.messages[0][0] == ["tnmt.specialist@example.gov.vn"]


async def test_refused_smtp_connection_is_retried_and_recorded_then_sent(
    sessions: SessionFactory,
) -> None:
    port = free_port()  # nothing listens there yet
    activities = NotificationActivities(
        sessions, SmtpChannel("127.0.0.1", port, "hoso@example.gov.vn", timeout=2)
    )
    with pytest.raises(Exception):  # noqa: B017 - any connection error; Temporal retries it
        await activities.send_notification(supplement_notice())
    with sessions() as session:
        row = session.get(NotificationRecord, supplement_notice().key)
    assert row is not None and row.sent_at is None and row.attempts == 1 and row.last_error
    assert "bich@example.vn" not in row.last_error

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        await activities.send_notification(supplement_notice())
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    with sessions() as session:
        row = session.get(NotificationRecord, supplement_notice().key)
    assert row is not None and row.sent_at is not None and row.attempts == 2


async def test_unknown_template_fails_for_good(sessions: SessionFactory) -> None:
    from activities.notify import LogChannel

    activities = NotificationActivities(sessions, LogChannel())
    notice = supplement_notice().model_copy(update={"template": "no_such_notice"})
    with pytest.raises(ApplicationError) as failure:
        await activities.send_notification(notice)
    assert failure.value.non_retryable and failure.value.type == "UnknownTemplate"
