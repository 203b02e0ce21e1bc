"""The hoso worker: the only place that wires activities to their dependencies."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
from datetime import timedelta
from typing import Any

import structlog
from temporalio.client import Client
from temporalio.worker import Interceptor, UnsandboxedWorkflowRunner, Worker

from activities.bookings import BookingActivities
from activities.database import (
    DatabaseErrors,
    SessionFactory,
    create_schema,
    make_engine,
    session_factory,
)
from activities.delivery import DeliveryActivities
from activities.document_store import DocumentStore
from activities.form_rendering import stop_renderers
from activities.forms import FormActivities
from activities.notify import LogChannel, NotificationActivities, SmtpChannel
from activities.refusal_log import RefusalLog
from activities.sms import SmsGateway
from activities.sms_outbox import SmsNotices
from activities.storage import ProjectionActivities
from activities.trust import TrustActivities
from config import Settings
from logs import logging_in_background
from operations.payment_queries import PaymentReconciler
from support.credentials import Issuer
from support.intake_seal import IntakeSealer
from support.seals import AgencySeals
from support.webhook_relay import WebhookRelay
from workflows.booking_reminder import BookingReminderWorkflow
from workflows.dossier import DossierWorkflow

log = structlog.get_logger()
# Dossiers run outside the SDK's sandbox. It re-imports the workflow's module for every dossier
# and wraps every activation, a cost bench/RESULTS.md gives, and it never checked the modules
# passed through to it, where all of hoso's workflow code lives. Determinism is
# checked instead where it reaches all of that code: lint bans (workflows/ruff.toml,
# models/ruff.toml) and the recorded histories replayed in a strict sandbox (tests/workflows).
WORKFLOW_RUNNER = UnsandboxedWorkflowRunner()


def sms_notices(settings: Settings, sessions: SessionFactory) -> SmsNotices | None:
    """The applicants' SMS, when the operator configured a gateway."""
    if not settings.sms_gateway_url or settings.sms_gateway_token is None:
        return None
    gateway = SmsGateway(
        settings.sms_gateway_url, settings.sms_gateway_token, unicode=settings.sms_unicode
    )
    return SmsNotices(sessions, gateway)


def build_worker(
    client: Client,
    settings: Settings,
    task_queue: str | None = None,
    *,
    interceptors: Sequence[Interceptor] = (),
) -> Worker:
    """hoso's worker; `interceptors` are added after hoso's own (tracing, a test's faults)."""
    if settings.environment == "development":
        Issuer.from_settings(settings)  # the dev issuer exists before any dossier loads its trust
        IntakeSealer.from_settings(settings)  # and the dev intake key before any dossier starts
    engine = make_engine(settings.resolved_database_url)
    create_schema(engine)
    sessions = session_factory(engine)
    store = DocumentStore(settings.resolved_document_dir)
    channel = (
        SmtpChannel(settings.smtp_host, settings.smtp_port, settings.smtp_sender)
        if settings.notification_channel == "smtp"
        else LogChannel()
    )
    projection = ProjectionActivities(sessions)
    notifications = NotificationActivities(sessions, channel, sms_notices(settings, sessions))
    forms = FormActivities(
        sessions,
        store,
        AgencySeals.from_settings(settings),
        processes=settings.worker_form_processes,
    )
    delivery = DeliveryActivities(sessions)
    bookings = BookingActivities(sessions, notifications)
    trust = TrustActivities(sessions, settings.resolved_keys_dir)
    return Worker(
        client,
        task_queue=task_queue or settings.task_queue,
        workflows=[DossierWorkflow, BookingReminderWorkflow],
        workflow_runner=WORKFLOW_RUNNER,
        activities=[
            projection.record_change,
            projection.record_dossier,
            notifications.send_notification,
            forms.issue_form,
            delivery.deliver_result,
            trust.load_trust,
            trust.check_submission,
            trust.check_council,
            bookings.remind_booking,
        ],
        interceptors=[DatabaseErrors(), RefusalLog(sessions), *interceptors],
        max_concurrent_workflow_tasks=settings.worker_max_concurrent_workflow_tasks,
        max_concurrent_activities=settings.worker_max_concurrent_activities,
        max_cached_workflows=settings.worker_max_cached_workflows,
        graceful_shutdown_timeout=timedelta(seconds=settings.worker_graceful_shutdown_seconds),
    )


def background_tasks(
    client: Client, settings: Settings, stop: asyncio.Event
) -> list[Coroutine[Any, Any, None]]:
    """What runs beside the worker until `stop`: the webhook relay, and the reconciliation of
    fees paid online where the gateway's query API is configured."""
    sessions = session_factory(make_engine(settings.resolved_database_url))
    tasks = [WebhookRelay(sessions, settings).run(stop)]
    if PaymentReconciler.configured(settings):
        tasks.append(PaymentReconciler(client, sessions, settings).run(stop))
    return tasks


async def run_worker(client: Client, settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Runs the worker and its background tasks (`background_tasks`) until `stop` is set (or
    forever), then shuts them down gracefully."""
    worker = build_worker(client, settings)
    stop = stop or asyncio.Event()
    with logging_in_background():
        log.info("worker_started", task_queue=settings.task_queue)
        running = [asyncio.create_task(task) for task in background_tasks(client, settings, stop)]
        try:
            async with worker:
                await stop.wait()
        finally:
            stop.set()  # the background tasks end with the worker, however the worker ended
            await asyncio.gather(*running)
        await asyncio.to_thread(stop_renderers)
        log.info("worker_stopped", task_queue=settings.task_queue)
