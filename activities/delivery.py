"""Result delivery (trả kết quả): published online, handed to the post, or kept at the counter."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime

import structlog
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.database import SessionFactory
from models.effects import DeliveryReceipt, ResultDelivery
from models.procedure import DeliveryChannel
from models.tables import DeliveryRecord

log = structlog.get_logger()


def tracking_number(key: str) -> str:
    """A postal item number (S10 shape: two letters, nine digits, country) derived from the key."""
    digits = int(hashlib.sha256(key.encode()).hexdigest(), 16) % 10**9
    return f"VN{digits:09d}VN"


def _handed_at() -> datetime:
    """The server's time this attempt started, not the worker's clock: the history holds it
    (between the activity's scheduling and completion), so `hoso verify` can check a row's
    time. Called outside a worker (directly), the local clock."""
    return activity.info().started_time if activity.in_activity() else datetime.now(UTC)


class DeliveryActivities:
    def __init__(self, session_factory: SessionFactory) -> None:
        self._sessions = session_factory

    @activity.defn
    async def deliver_result(self, delivery: ResultDelivery) -> DeliveryReceipt:
        """Hands the result to its channel once; a repeat returns the first hand-over."""
        structlog.contextvars.bind_contextvars(dossier=delivery.dossier_code)
        if delivery.channel == DeliveryChannel.post and not delivery.address:
            raise ApplicationError(
                "delivery by post needs the applicant's address",
                type="MissingAddress",
                non_retryable=True,
            )
        row = await asyncio.to_thread(self._hand_over, delivery, _handed_at())
        log.info("result_handed_over", channel=row.channel)
        return DeliveryReceipt(
            channel=DeliveryChannel(row.channel),
            tracking=row.tracking,
            needs_confirmation=row.channel != DeliveryChannel.online,
        )

    def _hand_over(self, delivery: ResultDelivery, at: datetime) -> DeliveryRecord:
        with self._sessions() as session:
            row = session.get(DeliveryRecord, delivery.key)
            if row is None:
                row = DeliveryRecord(
                    key=delivery.key,
                    dossier_code=delivery.dossier_code,
                    channel=delivery.channel.value,
                    form_sha256=delivery.form_sha256,
                    tracking=tracking_number(delivery.key)
                    if delivery.channel == DeliveryChannel.post
                    else None,
                    handed_at=at,
                )
                session.add(row)
                session.commit()
            return row
