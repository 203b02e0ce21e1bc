"""Notifications: an outbox row per key, then a channel (log or SMTP) sends it once."""

from __future__ import annotations

from temporalio import activity

from models.effects import Notification


class NotificationActivities:
    def __init__(self, session_factory, channel) -> None:  # type: ignore[no-untyped-def]
        self._sessions = session_factory
        self._channel = channel

    @activity.defn
    async def send_notification(self, notification: Notification) -> None:
        raise NotImplementedError
