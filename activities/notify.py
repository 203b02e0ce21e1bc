"""Notifications: an outbox row per key, then a channel (log or SMTP) sends it exactly once."""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formatdate
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import aiosmtplib
import jinja2
import structlog
from sqlalchemy import Connection, Table, bindparam, insert, select, update
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.database import SessionFactory
from models.effects import Notification
from models.tables import NotificationRecord, OfficerRecord

if TYPE_CHECKING:
    from activities.sms_outbox import SmsNotices

log = structlog.get_logger()
TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates" / "notifications"),
    autoescape=False,  # noqa: S701 - plain-text messages, never rendered as HTML
    keep_trailing_newline=False,
    auto_reload=False,  # templates ship with the code: no file check at every render
)
TEMPLATE_NAME = re.compile(r"^[a-z0-9_]{1,64}$")
PARTLY_SENT = "sent, but "  # how a sent message's outbox row says some recipients were refused
OUTBOX: Table = NotificationRecord.__table__  # type: ignore[attr-defined]
OFFICERS: Table = OfficerRecord.__table__  # type: ignore[attr-defined]
_STORED = select(OUTBOX).where(OUTBOX.c.key == bindparam("wanted"))
_ATTEMPT = (
    update(OUTBOX).where(OUTBOX.c.key == bindparam("wanted")).values(attempts=OUTBOX.c.attempts + 1)
)
_MARK_SENT = _ATTEMPT.values(sent_at=bindparam("sent_at"))
_MARK_SENT_PARTLY = _MARK_SENT.values(last_error=bindparam("last_error"))
_MARK_FAILED = _ATTEMPT.values(last_error=bindparam("last_error"))


def vietnamese_date(value: object) -> str:
    """An ISO date (or date-time) as Vietnamese readers write it, 2027-01-12 → 12/01/2027."""
    text = str(value or "")
    try:
        return date.fromisoformat(text[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return text


TEMPLATES.filters["vn_date"] = vietnamese_date


class Channel(Protocol):
    """Where a rendered message goes; raising makes the activity retry. A channel whose outbox
    row is the message itself (`in_outbox`) is sent by writing the row."""

    name: str
    in_outbox: bool

    async def send(self, recipient: str, subject: str, body: str, *, key: str) -> list[int]:
        """Sends the message; returns the reply codes of the recipients the server refused
        while it took the message for the others (all refused: it raises)."""
        ...


class LogChannel:
    """The default channel: the outbox row is the message, and the activity logs that it left.

    Nothing here is logged: the recipient and the body are personal data.
    """

    name = "log"
    in_outbox = True

    async def send(self, recipient: str, subject: str, body: str, *, key: str) -> list[int]:
        return []


class SmtpChannel:
    """Email through an SMTP server; an applicant without an email address is not an error."""

    name = "smtp"
    in_outbox = False

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        timeout: float = 10.0,
        *,
        username: str | None = None,
        password: str | None = None,
        start_tls: bool | None = None,
    ) -> None:
        self._host, self._port, self._sender, self._timeout = host, port, sender, timeout
        self._username, self._password, self._start_tls = username, password, start_tls

    async def send(self, recipient: str, subject: str, body: str, *, key: str) -> list[int]:
        if "@" not in recipient:
            log.info("no_email_address", channel=self.name)
            return []
        # compat32 with an explicit Header: the modern policy's folder drops the space between
        # two encoded words (CPython 3.11), which turns "đồng chí" into "đồngchí" in subjects.
        message = MIMEText(body, "plain", "utf-8")
        message["Subject"] = Header(subject, "utf-8")  # type: ignore[assignment]
        message["From"], message["To"] = self._sender, recipient
        message["Date"] = formatdate(usegmt=True)
        message["Message-ID"] = message_id(key, self._sender)
        refused, _ = await aiosmtplib.send(
            message,
            hostname=self._host,
            port=self._port,
            timeout=self._timeout,
            username=self._username,
            password=self._password,
            start_tls=self._start_tls,
        )
        return sorted(reply.code for reply in refused.values())


class NotificationActivities:
    def __init__(
        self, session_factory: SessionFactory, channel: Channel, sms: SmsNotices | None = None
    ) -> None:
        self._sessions = session_factory
        self._channel = channel
        self._sms = sms

    @property
    def sends_sms(self) -> bool:
        """The applicants' notices also go by SMS."""
        return self._sms is not None

    @activity.defn
    async def send_notification(self, notification: Notification) -> str | None:
        """Sends the message once: a retry after it was sent is a no-op. A message the server
        refuses for good fails without retrying (the workflow records it and carries on). A
        message some of its recipients were refused is sent: what they missed is returned (and
        kept on the outbox row) for the workflow to record, and not retried — the others have it.
        With an SMS gateway, the applicant's notices also go by SMS, each channel once: a
        gateway outage retries the activity, whose email is then a no-op.
        """
        structlog.contextvars.bind_contextvars(dossier=notification.dossier_code)
        failure: ApplicationError | None = None
        try:
            missed = await self._send_email(notification)
        except ApplicationError as err:
            failure, missed = err, None
        if self._sms is not None:
            await self._sms.send(notification)
        if failure is not None:
            raise failure
        return missed

    async def _send_email(self, notification: Notification) -> str | None:
        subject, body = _render(notification)
        sent = self._channel.in_outbox  # written and sent in one transaction
        row, sent_before = await asyncio.to_thread(self._outbox, notification, subject, body, sent)
        if sent_before:
            log.info("notification_already_sent", key=notification.key)
            partly = row.last_error is not None and row.last_error.startswith(PARTLY_SENT)
            return row.last_error if partly else None
        if sent:
            self._log_sent(notification)
            return None
        try:  # the stored message, so every attempt sends the same words to the same people
            refused = await self._channel.send(row.recipient, row.subject, row.body, key=row.key)
        except Exception as err:
            permanent = _permanent(err)
            error = _describe(err) + (" (refused for good, not retried)" if permanent else "")
            await asyncio.to_thread(self._failed, notification.key, error)
            log.warning(
                "notification_failed", key=notification.key, error=error, permanent=permanent
            )
            raise ApplicationError(  # the message only: Temporal logs it, and logs no addresses
                error,
                type="NotificationRejected" if permanent else "NotificationFailed",
                non_retryable=permanent,
            ) from None
        missed = _partly_refused(refused, row.recipient)
        await asyncio.to_thread(self._sent, notification.key, missed)
        self._log_sent(notification)
        if missed is not None:
            log.warning("notification_partly_refused", key=notification.key, refused=missed)
        return missed

    def _log_sent(self, notification: Notification) -> None:
        log.info(
            "notification_sent",
            key=notification.key,
            template=notification.template,
            channel=self._channel.name,
        )

    def _address(self, db: Connection, notification: Notification) -> str:
        to = notification.recipient
        if to.audience == "applicant":
            return to.email or to.phone or "applicant"
        query = select(OFFICERS.c.email).where(OFFICERS.c.active)
        if to.officers:
            query = query.where(OFFICERS.c.id.in_(to.officers))
        for column, value in (("role", to.role), ("unit", to.unit), ("agency", to.agency)):
            if value:
                query = query.where(OFFICERS.c[column] == value)
        found: list[str | None] = list(db.execute(query).scalars())
        emails = sorted(email for email in found if email)
        # Nobody with an email: the unit (or agency) is named, and the log channel's row shows it.
        return ", ".join(emails) or to.unit or to.agency or to.role or "officers"

    def _outbox(
        self, notification: Notification, subject: str, body: str, sent: bool
    ) -> tuple[Outboxed, bool]:
        """The message's outbox row, written on the first attempt (one trip to a thread) and
        marked sent in the same transaction when `sent`; True with it when an earlier attempt
        had sent it already. SQL statements, not ORM objects: it runs for every notice."""
        with self._sessions() as session:
            db = session.connection()
            stored = db.execute(_STORED, {"wanted": notification.key}).first()
            if stored is not None:
                sent_before = stored.sent_at is not None
                if sent and not sent_before:
                    db.execute(_MARK_SENT, {"sent_at": datetime.now(UTC), "wanted": stored.key})
                    session.commit()
                return Outboxed.of(stored._mapping), sent_before
            now = datetime.now(UTC)
            row = {
                "key": notification.key,
                "dossier_code": notification.dossier_code,
                "template": notification.template,
                "channel": self._channel.name,
                "recipient": self._address(db, notification),
                "subject": subject,
                "body": body,
                "created_at": now,
                "sent_at": now if sent else None,
                "attempts": 1 if sent else 0,
                "last_error": None,
            }
            db.execute(insert(OUTBOX), row)
            session.commit()
            return Outboxed.of(row), False

    def _failed(self, key: str, error: str) -> None:
        with self._sessions() as session:
            session.connection().execute(_MARK_FAILED, {"last_error": error, "wanted": key})
            session.commit()

    def _sent(self, key: str, missed: str | None = None) -> None:
        """Marks the message sent; an earlier attempt's error stays (the outage it went
        through), unless some recipients were refused this time: then that is what it says."""
        values: dict[str, object] = {"sent_at": datetime.now(UTC), "wanted": key}
        with self._sessions() as session:
            if not missed:  # an earlier attempt's error stays
                session.connection().execute(_MARK_SENT, values)
            else:
                session.connection().execute(_MARK_SENT_PARTLY, values | {"last_error": missed})
            session.commit()


@dataclass(frozen=True)
class Outboxed:
    """What a send needs of the outbox row."""

    key: str
    recipient: str
    subject: str
    body: str
    last_error: str | None

    @classmethod
    def of(cls, row: Mapping[Any, Any]) -> Outboxed:
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})


def message_id(key: str, sender: str) -> str:
    """The same Message-ID for every attempt at one notice, so that a message sent again after
    a worker died between the server's accept and the outbox's `sent` is known as a duplicate by
    mail servers and readers; a hash, so the dossier code is not in the header."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"<{digest}@{sender.rpartition('@')[2] or 'hoso.invalid'}>"


def _partly_refused(codes: list[int], recipients: str) -> str | None:
    """What the refused recipients missed, without their addresses (None: nobody was)."""
    if not codes:
        return None
    total = max(len([r for r in recipients.split(",") if r.strip()]), len(codes))
    replies = ", ".join(str(code) for code in sorted(set(codes)))
    return f"{PARTLY_SENT}{len(codes)} of {total} recipients refused ({replies}); not sent again"


def _describe(err: Exception) -> str:
    """The failure without personal data: its class and, for SMTP, the server's reply code."""
    code = getattr(err, "code", None)
    if isinstance(err, aiosmtplib.SMTPRecipientsRefused) and err.recipients:
        code = err.recipients[0].code
    return f"{type(err).__name__} {code}" if isinstance(code, int) else type(err).__name__


def _permanent(err: Exception) -> bool:
    """The server refused this message for good (a 5yz reply to its recipients or its data, RFC
    5321 §4.2.1): sending it again cannot help. Refused connections, 4yz replies, a refused
    sender or failed authentication are the channel's trouble, not the message's: they retry
    until the channel is mended."""
    if isinstance(err, aiosmtplib.SMTPRecipientsRefused):
        return bool(err.recipients) and all(r.code >= 500 for r in err.recipients)
    if isinstance(err, aiosmtplib.SMTPRecipientRefused | aiosmtplib.SMTPDataError):
        return err.code >= 500
    return False


def _render(notification: Notification) -> tuple[str, str]:
    """The first line of the template is the subject, the rest the body."""
    try:
        if not TEMPLATE_NAME.fullmatch(notification.template):
            raise jinja2.TemplateNotFound(notification.template)
        template = TEMPLATES.get_template(f"{notification.template}.txt")
    except jinja2.TemplateNotFound:
        raise ApplicationError(
            f"no notification template '{notification.template[:64]}'",
            type="UnknownTemplate",
            non_retryable=True,
        ) from None
    text = template.render(**notification.context)
    subject, _, body = text.partition("\n")
    return subject.strip(), body.strip() + "\n"
