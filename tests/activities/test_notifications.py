"""Notices reach people once, through a real SMTP server; failures retry and are recorded."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select
from structlog.testing import capture_logs
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.database import SessionFactory
from activities.notify import LogChannel, NotificationActivities, SmtpChannel
from models.effects import Notification, Recipient
from models.tables import NotificationRecord
from tests.activities.conftest import APPLICANT, CODE, Inbox, free_port, specialist

SENDER = "hoso@example.gov.vn"
TEMPLATES = Path(__file__).parents[2] / "activities" / "templates" / "notifications"


def to_applicant(email: str | None = APPLICANT.email) -> Recipient:
    return Recipient(audience="applicant", email=email, phone=APPLICANT.phone)


def notice(
    template: str = "supplement_requested",
    recipient: Recipient | None = None,
    key: str = f"{CODE}:4:supplement_requested",
    **context: str,
) -> Notification:
    base = {
        "code": CODE,
        "procedure_name": "Thẩm định báo cáo ĐTM",
        "missing": "Bản vẽ mặt bằng\nDự án đầu tư bản ký số",
    }
    return Notification(
        key=key,
        dossier_code=CODE,
        template=template,
        recipient=recipient or to_applicant(),
        context=base | context,
    )


def subject_of(message: EmailMessage) -> str:
    return str(message["Subject"])


def body_of(message: EmailMessage) -> str:
    return str(message.get_content())


def outbox(sessions: SessionFactory) -> list[NotificationRecord]:
    with sessions() as session:
        return list(session.exec(select(NotificationRecord)).all())


async def test_supplement_request_is_mailed_once_with_everything_missing(
    sessions: SessionFactory, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    activities = NotificationActivities(sessions, SmtpChannel("127.0.0.1", port, SENDER))
    await activities.send_notification(notice())
    await activities.send_notification(notice())  # a retry after success

    assert len(inbox.messages) == 1
    recipients, message = inbox.messages[0]
    assert recipients == ["bich@example.vn"]
    assert subject_of(message) == f"Yêu cầu bổ sung, hoàn thiện hồ sơ {CODE}"
    body = body_of(message)
    assert "- Bản vẽ mặt bằng\n- Dự án đầu tư bản ký số\n" in body
    assert "không tính vào thời hạn giải quyết" in body
    [row] = outbox(sessions)
    assert row.sent_at is not None and row.attempts == 1 and row.channel == "smtp"


async def test_a_notice_sent_again_after_a_lost_sent_mark_carries_the_same_message_id(
    sessions: SessionFactory, smtp: tuple[Inbox, int]
) -> None:
    """The worker died between the mail server's accept and the outbox's `sent`: the retry
    sends the message again, and readers' mail programs can tell it is the same one."""
    inbox, port = smtp
    activities = NotificationActivities(sessions, SmtpChannel("127.0.0.1", port, SENDER))
    await activities.send_notification(notice())
    with sessions() as session:
        [row] = session.exec(select(NotificationRecord)).all()
        row.sent_at = None
        session.add(row)
        session.commit()
    await activities.send_notification(notice())

    ids = [message["Message-ID"] for _, message in inbox.messages]
    assert len(ids) == 2 and ids[0] == ids[1]
    assert ids[0].endswith("@" + SENDER.rpartition("@")[2] + ">") and CODE not in ids[0]
    other = Notification(
        key="other", dossier_code=CODE, template="dossier_submitted", recipient=to_applicant()
    )
    await activities.send_notification(other)
    assert inbox.messages[-1][1]["Message-ID"] != ids[0]


async def test_receipt_notice_gives_the_due_date_as_vietnamese_readers_write_it(
    sessions: SessionFactory, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    activities = NotificationActivities(sessions, SmtpChannel("127.0.0.1", port, SENDER))
    await ActivityEnvironment().run(
        activities.send_notification, notice("receipt_issued", due_date="2027-01-12")
    )
    [(_, message)] = inbox.messages
    assert subject_of(message) == f"Đã tiếp nhận hồ sơ {CODE}, hẹn trả kết quả ngày 12/01/2027"
    assert "Ngày hẹn trả kết quả: 12/01/2027." in body_of(message)


async def test_officers_of_the_stage_are_mailed_at_their_registry_addresses(
    sessions: SessionFactory, smtp: tuple[Inbox, int]
) -> None:
    with sessions() as session:
        session.add_all([specialist("tnmt.specialist2"), specialist("tnmt.retired", active=False)])
        session.commit()
    inbox, port = smtp
    activities = NotificationActivities(sessions, SmtpChannel("127.0.0.1", port, SENDER))
    officers = Recipient(
        audience="officers", role="specialist", unit="environment-office", agency="so-tnmt"
    )
    await activities.send_notification(
        notice("stage_assigned", officers, key=f"{CODE}:2:stage_assigned", stage="specialist")
    )
    [(recipients, message)] = inbox.messages
    assert sorted(recipients) == [
        "tnmt.specialist2@example.gov.vn",
        "tnmt.specialist@example.gov.vn",
    ]
    assert subject_of(message) == f"Hồ sơ {CODE} chờ đồng chí xử lý ở bước specialist"


async def test_officers_without_email_are_named_by_their_unit_and_nothing_is_mailed(
    sessions: SessionFactory, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    activities = NotificationActivities(sessions, SmtpChannel("127.0.0.1", port, SENDER))
    board = Recipient(audience="officers", role="director", unit="board", agency="so-tnmt")
    await activities.send_notification(notice("stage_assigned", board, stage="decide"))
    assert inbox.messages == []
    [row] = outbox(sessions)
    assert row.recipient == "board" and row.sent_at is not None


async def test_applicant_without_email_counts_as_notified_and_nobody_is_mailed(
    sessions: SessionFactory, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    activities = NotificationActivities(sessions, SmtpChannel("127.0.0.1", port, SENDER))
    with capture_logs() as logs:
        await activities.send_notification(notice(recipient=to_applicant(email=None)))
    assert inbox.messages == []
    [row] = outbox(sessions)
    assert row.recipient == APPLICANT.phone and row.sent_at is not None
    assert "no_email_address" in [entry["event"] for entry in logs]


async def test_refused_smtp_connection_is_retried_and_recorded_then_sent(
    sessions: SessionFactory,
) -> None:
    port = free_port()  # nothing listens there yet
    activities = NotificationActivities(sessions, SmtpChannel("127.0.0.1", port, SENDER, timeout=2))
    for attempt in (1, 2):
        with pytest.raises(Exception):  # noqa: B017 - any connection error; Temporal retries it
            await activities.send_notification(notice())
        [row] = outbox(sessions)
        assert row.sent_at is None and row.attempts == attempt and row.last_error
        assert "bich@example.vn" not in row.last_error and "127.0.0.1" not in row.last_error

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        await activities.send_notification(notice())
        await activities.send_notification(notice())
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    [row] = outbox(sessions)
    assert row.sent_at is not None and row.attempts == 3


async def test_log_channel_keeps_the_message_in_the_outbox_and_logs_no_personal_data(
    sessions: SessionFactory,
) -> None:
    activities = NotificationActivities(sessions, LogChannel())
    with capture_logs() as logs:
        await activities.send_notification(notice(reasons=f"{APPLICANT.name} thiếu chữ ký"))
    [row] = outbox(sessions)
    assert row.sent_at is not None and row.channel == "log" and row.recipient == APPLICANT.email
    assert "- Bản vẽ mặt bằng" in row.body
    sent = [entry for entry in logs if entry["event"] == "notification_sent"]
    assert sent and sent[0]["key"] == row.key and sent[0]["template"] == "supplement_requested"
    logged = repr(logs)
    for personal in (APPLICANT.email, APPLICANT.phone, APPLICANT.name, "Bản vẽ mặt bằng"):
        assert personal not in logged


async def test_log_channel_writes_and_sends_once_however_often_it_is_retried(
    sessions: SessionFactory,
) -> None:
    activities = NotificationActivities(sessions, LogChannel())
    with capture_logs() as logs:
        await activities.send_notification(notice())
        await activities.send_notification(notice())  # a retry after the first attempt wrote
    [row] = outbox(sessions)
    assert row.sent_at is not None and row.attempts == 1
    assert [e["event"] for e in logs if e["event"].startswith("notification_")] == [
        "notification_sent",
        "notification_already_sent",
    ]


@pytest.mark.parametrize("template", sorted(p.stem for p in TEMPLATES.glob("*.txt")))
async def test_every_notice_reads_well_even_when_context_is_missing(
    sessions: SessionFactory, template: str
) -> None:
    activities = NotificationActivities(sessions, LogChannel())
    await activities.send_notification(
        Notification(key="k", dossier_code=CODE, template=template, recipient=to_applicant())
    )
    [row] = outbox(sessions)
    assert row.subject and "\n" not in row.subject and row.body.strip()
    assert "{{" not in row.body and "{%" not in row.body


@pytest.mark.parametrize("template", ["no_such_notice", "../forms/receipt", "Receipt_Issued"])
async def test_unknown_template_fails_for_good(sessions: SessionFactory, template: str) -> None:
    activities = NotificationActivities(sessions, LogChannel())
    with pytest.raises(ApplicationError) as failure:
        await activities.send_notification(notice(template))
    assert failure.value.non_retryable and failure.value.type == "UnknownTemplate"
    assert outbox(sessions) == []


class Refusing(Inbox):
    """An SMTP server that refuses every recipient (RCPT; or only the address `only`) or every
    message (DATA) with `reply`."""

    def __init__(self, reply: str, at: str = "RCPT", only: str | None = None) -> None:
        super().__init__()
        self.reply, self.at, self.only = reply, at, only

    async def handle_RCPT(
        self, server: object, session: object, envelope: Any, address: str, options: object
    ) -> str:
        if self.at == "RCPT" and self.only in (None, address):
            return self.reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return (
            self.reply
            if self.at == "DATA"
            else await super().handle_DATA(server, session, envelope)
        )


@pytest.mark.parametrize(
    ("reply", "at"),
    [("550 5.1.1 <bich@example.vn>: mailbox unavailable", "RCPT"), ("554 5.7.1 rejected", "DATA")],
)
async def test_message_refused_for_good_fails_without_retry_and_is_recorded(
    sessions: SessionFactory, reply: str, at: str
) -> None:
    port = free_port()
    controller = Controller(Refusing(reply, at), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        activities = NotificationActivities(sessions, SmtpChannel("127.0.0.1", port, SENDER))
        with pytest.raises(ApplicationError) as failure:
            await activities.send_notification(notice())
    finally:
        controller.stop()
    assert failure.value.non_retryable and failure.value.type == "NotificationRejected"
    code = reply[:3]
    assert code in failure.value.message and "not retried" in failure.value.message
    [row] = outbox(sessions)
    assert row.sent_at is None and row.attempts == 1 and row.last_error == failure.value.message
    assert "bich@example.vn" not in row.last_error  # the server's words may name the address


async def test_temporary_refusal_is_retried(sessions: SessionFactory) -> None:
    port = free_port()
    controller = Controller(Refusing("450 4.2.1 try later"), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        activities = NotificationActivities(sessions, SmtpChannel("127.0.0.1", port, SENDER))
        with pytest.raises(ApplicationError) as failure:
            await activities.send_notification(notice())
    finally:
        controller.stop()
    assert not failure.value.non_retryable and failure.value.type == "NotificationFailed"
    assert failure.value.message == "SMTPRecipientsRefused 450"


async def test_a_notice_some_recipients_are_refused_is_sent_to_the_others_and_says_so(
    sessions: SessionFactory,
) -> None:
    with sessions() as session:
        session.add_all([specialist("tnmt.specialist2"), specialist("tnmt.gone")])
        session.commit()
    port = free_port()
    gone = "tnmt.gone@example.gov.vn"
    server = Refusing("550 5.1.1 mailbox unavailable", only=gone)
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        activities = NotificationActivities(sessions, SmtpChannel("127.0.0.1", port, SENDER))
        officers = Recipient(
            audience="officers", role="specialist", unit="environment-office", agency="so-tnmt"
        )
        notification = notice(
            "stage_assigned", officers, key=f"{CODE}:2:stage_assigned", stage="specialist"
        )
        with capture_logs() as logs:
            missed = await activities.send_notification(notification)
            again = await activities.send_notification(notification)  # a retry: still said
    finally:
        controller.stop()
    [(recipients, _)] = server.messages  # once, to the two the server took
    assert sorted(recipients) == [
        "tnmt.specialist2@example.gov.vn",
        "tnmt.specialist@example.gov.vn",
    ]
    assert missed == again == "sent, but 1 of 3 recipients refused (550); not sent again"
    [row] = outbox(sessions)
    assert row.sent_at is not None and row.last_error == missed
    warned = [entry for entry in logs if entry["event"] == "notification_partly_refused"]
    assert warned and warned[0]["refused"] == missed
    assert gone not in repr(logs)
