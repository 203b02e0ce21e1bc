"""Result delivery (trả kết quả): online, by post, at the counter."""

from __future__ import annotations

from temporalio import activity

from models.effects import DeliveryReceipt, ResultDelivery


class DeliveryActivities:
    def __init__(self, session_factory) -> None:  # type: ignore[no-untyped-def]
        self._sessions = session_factory

    @activity.defn
    async def deliver_result(self, delivery: ResultDelivery) -> DeliveryReceipt:
        raise NotImplementedError
