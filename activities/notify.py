"""Notifications: an outbox row per key, then a channel (log or SMTP) sends it exactly once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

import aiosmtplib
import jinja2
import structlog
from sqlmodel import select
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.database import SessionFactory
from models.effects import Notification
from models.tables import NotificationRecord, OfficerRecord

log = structlog.get_logger()
TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates" / "notifications"),
    autoescape=False,  # noqa: S701 - plain-text messages, never rendered as HTML
    keep_trailing_newline=False,
)


class Channel(Protocol):
    name: str

    async def send(self, recipient: str, subject: str, body: str) -> None: ...


class LogChannel:
    """The default channel: the outbox row is the message; the log says it left."""

    name = "log"

    async def send(self, recipient: str, subject: str, body: str) -> None:
        log.info("notification_delivered", channel=self.name)


class SmtpChannel:
    name = "smtp"

    def __init__(self, host: str, port: int, sender: str, timeout: float = 10.0) -> None:
        self._host, self._port, self._sender, self._timeout = host, port, sender, timeout

    async def send(self, recipient: str, subject: str, body: str) -> None:
        if "@" not in recipient:
            log.info("notification_without_email", channel=self.name)
            return
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self._sender, recipient, subject
        message.set_content(body)
        await aiosmtplib.send(message, hostname=self._host, port=self._port, timeout=self._timeout)


class NotificationActivities:
    def __init__(self, session_factory: SessionFactory, channel: Channel) -> None:
        self._sessions = session_factory
        self._channel = channel

    @activity.defn
    async def send_notification(self, notification: Notification) -> None:
        """Sends the message once: a retry after it was sent is a no-op."""
        structlog.contextvars.bind_contextvars(dossier=notification.dossier_code)
        subject, body = _render(notification)
        recipient = await asyncio.to_thread(self._address, notification)
        row = await asyncio.to_thread(self._outbox, notification, recipient, subject, body)
        if row.sent_at is not None:
            return
        try:
            await self._channel.send(recipient, subject, body)
        except Exception as err:
            await asyncio.to_thread(self._failed, notification.key, type(err).__name__)
            log.warning("notification_failed", key=notification.key, error=type(err).__name__)
            raise
        await asyncio.to_thread(self._sent, notification.key)
        log.info("notification_sent", key=notification.key, template=notification.template)

    def _address(self, notification: Notification) -> str:
        to = notification.recipient
        if to.audience == "applicant":
            return to.email or to.phone or "applicant"
        with self._sessions() as session:
            query = select(OfficerRecord).where(OfficerRecord.active)
            if to.role:
                query = query.where(OfficerRecord.role == to.role)
            if to.unit:
                query = query.where(OfficerRecord.unit == to.unit)
            if to.agency:
                query = query.where(OfficerRecord.agency == to.agency)
            emails = sorted(o.email for o in session.exec(query) if o.email)
        return ", ".join(emails) or f"{to.agency}/{to.unit or '*'}/{to.role or '*'}"

    def _outbox(
        self, notification: Notification, recipient: str, subject: str, body: str
    ) -> NotificationRecord:
        with self._sessions() as session:
            row = session.get(NotificationRecord, notification.key)
            if row is None:
                row = NotificationRecord(
                    key=notification.key,
                    dossier_code=notification.dossier_code,
                    template=notification.template,
                    channel=self._channel.name,
                    recipient=recipient,
                    subject=subject,
                    body=body,
                    created_at=datetime.now(UTC),
                )
                session.add(row)
                session.commit()
            return row

    def _failed(self, key: str, error: str) -> None:
        with self._sessions() as session:
            row = session.get(NotificationRecord, key)
            if row is not None:
                row.attempts += 1
                row.last_error = error
                session.add(row)
                session.commit()

    def _sent(self, key: str) -> None:
        with self._sessions() as session:
            row = session.get(NotificationRecord, key)
            if row is not None:
                row.attempts += 1
                row.sent_at = datetime.now(UTC)
                session.add(row)
                session.commit()


def _render(notification: Notification) -> tuple[str, str]:
    """The first line of the template is the subject, the rest the body."""
    try:
        template = TEMPLATES.get_template(f"{notification.template}.txt")
    except jinja2.TemplateNotFound:
        raise ApplicationError(
            f"no notification template '{notification.template}'",
            type="UnknownTemplate",
            non_retryable=True,
        ) from None
    text = template.render(**notification.context)
    subject, _, body = text.partition("\n")
    return subject.strip(), body.strip() + "\n"
