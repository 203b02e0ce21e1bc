"""A notice's SMS through the notification outbox: a row per notice (its key + ":sms"), written
before the gateway is asked and marked sent once it took the text, so a retry after that sends
nothing. The history shows each row (operations/timeline.py), with the phone masked."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy import insert, select, update
from temporalio.exceptions import ApplicationError

from activities.database import SessionFactory
from activities.notify import OUTBOX
from activities.sms import (
    SmsGateway,
    SmsGatewayDown,
    SmsRefused,
    sms_number,
    sms_reference,
    sms_text,
)
from models.effects import Notification

log = structlog.get_logger()
SMS_KEY_SUFFIX = ":sms"
REFUSED = "refused for good"  # how a row the gateway refused for good begins its error


class SmsNotices:
    """Sends the applicant's SMS of a notice once; the gateway's outages raise (retried)."""

    def __init__(self, session_factory: SessionFactory, gateway: SmsGateway) -> None:
        self._sessions = session_factory
        self._gateway = gateway

    async def send(self, notification: Notification) -> None:
        to = notification.recipient
        number = sms_number(to.phone) if to.audience == "applicant" else None
        text = sms_text(notification, unicode=self._gateway.unicode)
        if number is None or text is None or to.phone is None:
            return  # no SMS for this notice, or no mobile number to send it to
        key = notification.key + SMS_KEY_SUFFIX
        row = await asyncio.to_thread(self._outbox, notification, key, to.phone, text)
        if row["sent_at"] is not None or str(row["last_error"] or "").startswith(REFUSED):
            log.info("sms_already_sent", key=key)
            return
        try:  # the stored text, so every attempt sends the same words
            await self._gateway.send(number, row["body"], reference=sms_reference(key))
        except SmsRefused as err:
            await asyncio.to_thread(self._mark, key, f"{REFUSED}: {err}", sent=False)
            log.warning("sms_refused", key=key, status=err.status)
            return  # the email (if any) went; the history shows the SMS failed
        except SmsGatewayDown as err:
            await asyncio.to_thread(self._mark, key, str(err), sent=False)
            log.warning("sms_failed", key=key, status=err.status)
            raise ApplicationError(f"SMS not sent: {err}", type="SmsFailed") from None
        await asyncio.to_thread(self._mark, key, None, sent=True)
        log.info("sms_sent", key=key, template=notification.template)

    def _outbox(
        self, notification: Notification, key: str, phone: str, text: str
    ) -> dict[str, Any]:
        with self._sessions() as session:
            db = session.connection()
            stored = db.execute(select(OUTBOX).where(OUTBOX.c.key == key)).first()
            if stored is not None:
                return dict(stored._mapping)
            row = {
                "key": key,
                "dossier_code": notification.dossier_code,
                "template": notification.template,
                "channel": "sms",
                "recipient": phone,
                "subject": "",
                "body": text,
                "created_at": datetime.now(UTC),
                "sent_at": None,
                "attempts": 0,
                "last_error": None,
            }
            db.execute(insert(OUTBOX), row)
            session.commit()
            return row

    def _mark(self, key: str, error: str | None, *, sent: bool) -> None:
        """Counts the attempt; sent: when the gateway took it (an earlier outage stays)."""
        values: dict[str, Any] = {"attempts": OUTBOX.c.attempts + 1}
        if sent:
            values["sent_at"] = datetime.now(UTC)
        if error is not None:
            values["last_error"] = error
        with self._sessions() as session:
            session.connection().execute(update(OUTBOX).where(OUTBOX.c.key == key).values(values))
            session.commit()
