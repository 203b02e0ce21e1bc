"""The reconciliation of fees paid online (đối soát): an attempt to pay still open a while after it
started (HOSO_PAYMENT_QUERY_AFTER_SECONDS) is asked of the gateway with the transaction query
(querydr, signed), because its IPN may never come (hoso was down through the gateway's retries, a
network cut). The answer is believed only when signed with the merchant's secret, and then the
way the IPN is (`operations.payments.believe`: the same checks of reference, amount and currency,
the same hand-over to the dossier, recorded once):

- paid: the dossier holds the payment, as a good IPN would have done (a later IPN answers 02);
- failed, or a transaction the gateway never had, once the attempt's page has expired: failed;
  one left unfinished on the gateway's page long past its expiry (`ABANDONED_AFTER`) too;
- not finished yet, not found before its expiry, an answer unsigned, a gateway that does not
  answer: nothing changes, it is asked again the next period.

An attempt the applicant left for a newer one (superseded) is asked too while it could still have
been paid and its IPN lost (`SUPERSEDED_ASKED_FOR` after it started): paid, the dossier takes it
if it still waits for its fee, else it is owed back (`payments.believe`); not paid, it stays
superseded.

The worker runs a round every HOSO_PAYMENT_QUERY_POLL_SECONDS (`PaymentReconciler`, beside the
webhook relay); an operator runs one now for the attempts of their scope (`hoso payments
reconcile`). Each round claims its batch in one statement, so two workers never ask about the same
attempt twice in a period.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import httpx
import structlog
from pydantic import BaseModel, Field
from sqlalchemy import Table, or_, select, update
from temporalio.client import Client

from config import Settings
from models.payment_records import PaymentRecord
from operations import payments
from operations.access import Caller, readable_agencies
from operations.mending import require_operator
from operations.payments import ATTEMPT_LIFETIME, PaymentsUnavailable, Refusal, Refused
from operations.services import Services
from support import vnpay
from support.intake import Sessions
from support.payment_query import QueryUnanswered, ask
from support.vnpay import GatewayAnswer, IpnAnswer, QueryCode

log = structlog.get_logger()
PAYMENTS: Table = PaymentRecord.__table__  # type: ignore[attr-defined]
QUERY_TIMEOUT = httpx.Timeout(10)
REQUESTER_ADDRESS = "127.0.0.1"
"""vnp_IpAddr of the query: the gateway knows hoso's servers by their merchant contract."""
PENDING = "01"
"""`vnp_TransactionStatus` of a payment shown to the payer and not finished."""
FAILED = "02"
"""`vnp_TransactionStatus` of a payment that failed or was cancelled."""
ABANDONED_AFTER = ATTEMPT_LIFETIME
"""A payment still unfinished this long past its expiry was left on the gateway's page: the
gateway refuses to take it now (code 11), so the attempt is failed rather than asked forever."""
SUPERSEDED_ASKED_FOR = ATTEMPT_LIFETIME + ABANDONED_AFTER + timedelta(minutes=30)
"""How long after it started a superseded attempt is still asked about: past its page's expiry
nothing pays it, and its IPN would have come or been given up by the gateway's retries."""


class QueryOutcome(StrEnum):
    """What one query changed."""

    paid = "paid"  # the dossier holds the payment now
    recorded_before = "recorded_before"  # its IPN (or an earlier query) had recorded it
    failed = "failed"  # the attempt is closed as failed
    pending = "pending"  # not paid yet: asked again later
    refused = "refused"  # a signed answer that does not match the attempt: kept with refusals
    unsigned = "unsigned"  # not signed with the merchant's secret: not believed
    unanswered = "unanswered"  # the gateway did not answer: asked again later


class PaymentQueried(BaseModel):
    """One attempt asked of the gateway, and what its answer changed."""

    reference: str
    dossier_code: str
    outcome: QueryOutcome
    detail: str = Field(description="why, in a few words")


@dataclass(frozen=True)
class Asked:
    """An open attempt claimed for a query."""

    reference: str
    dossier_code: str
    amount: int
    created_at: datetime
    status: str = "open"

    @property
    def expires_at(self) -> datetime:
        return self.created_at + ATTEMPT_LIFETIME

    def outcome(self, outcome: QueryOutcome, detail: str) -> PaymentQueried:
        return PaymentQueried(
            reference=self.reference, dossier_code=self.dossier_code, outcome=outcome, detail=detail
        )


def query_gateway(settings: Settings) -> tuple[str, str, str]:
    """The query API, the merchant code and the hash secret (PaymentsUnavailable without them)."""
    _, merchant, secret = payments.gateway(settings)
    if not settings.payment_query_url:
        raise PaymentsUnavailable("the gateway's query API is not set (HOSO_PAYMENT_QUERY_URL)")
    return settings.payment_query_url, merchant, secret


def claim(
    sessions: Sessions,
    now: datetime,
    *,
    age: timedelta,
    size: int,
    agencies: set[str] | None = None,
    dossier: str | None = None,
) -> list[Asked]:
    """Up to `size` attempts open (or superseded, within `SUPERSEDED_ASKED_FOR`) started `age`
    ago or more and not asked in the last `age` (the never asked first), marked asked now in the
    same statement."""
    superseded = (PAYMENTS.c.status == "superseded") & (
        PAYMENTS.c.created_at >= now - SUPERSEDED_ASKED_FOR
    )
    due = (
        ((PAYMENTS.c.status == "open") | superseded)
        & (PAYMENTS.c.created_at <= now - age)
        & or_(PAYMENTS.c.queried_at.is_(None), PAYMENTS.c.queried_at <= now - age)
    )
    chosen: Any = select(PAYMENTS.c.reference).where(due)
    if agencies is not None:
        chosen = chosen.where(PAYMENTS.c.agency.in_(agencies))
    if dossier:
        chosen = chosen.where(PAYMENTS.c.dossier_code == dossier)
    chosen = chosen.order_by(
        PAYMENTS.c.queried_at.asc().nulls_first(), PAYMENTS.c.created_at
    ).limit(size)
    statement = (
        update(PAYMENTS)
        # `due` again: a round that waited on another's lock re-checks the row
        .where(PAYMENTS.c.reference.in_(chosen), due)
        .values(queried_at=now)
        .returning(
            PAYMENTS.c.reference,
            PAYMENTS.c.dossier_code,
            PAYMENTS.c.amount,
            PAYMENTS.c.created_at,
            PAYMENTS.c.status,
        )
    )
    with sessions() as session:
        rows = session.connection().execute(statement).all()
        session.commit()
    return sorted((Asked(**row._mapping) for row in rows), key=lambda asked: asked.created_at)


async def reconcile(
    client: Client,
    sessions: Sessions,
    settings: Settings,
    http: httpx.AsyncClient,
    *,
    age: timedelta,
    agencies: set[str] | None = None,
    dossier: str | None = None,
) -> list[PaymentQueried]:
    """One round: the open attempts due (see `claim`), each asked and settled."""
    query_gateway(settings)  # PaymentsUnavailable before anything is claimed
    now = datetime.now(UTC)
    batch = await asyncio.to_thread(
        claim,
        sessions,
        now,
        age=age,
        size=settings.payment_query_batch,
        agencies=agencies,
        dossier=dossier,
    )
    return list(
        await asyncio.gather(*(_settle(client, sessions, settings, http, a) for a in batch))
    )


async def _settle(
    client: Client, sessions: Sessions, settings: Settings, http: httpx.AsyncClient, asked: Asked
) -> PaymentQueried:
    try:
        return await settle(client, sessions, settings, http, asked)
    except Exception as err:  # one attempt's trouble (the database, Temporal) stops no other
        log.warning(
            "payment_query_failed",
            dossier=asked.dossier_code,
            reference=asked.reference,
            error=type(err).__name__,
        )
        return asked.outcome(QueryOutcome.unanswered, f"not settled ({type(err).__name__})")


async def settle(
    client: Client, sessions: Sessions, settings: Settings, http: httpx.AsyncClient, asked: Asked
) -> PaymentQueried:
    """Asks the gateway about `asked` and believes its signed answer as an IPN."""
    url, merchant, secret = query_gateway(settings)
    now = datetime.now(UTC)
    body = vnpay.query_request(
        merchant,
        secret,
        request_id=secrets.token_hex(16),
        reference=asked.reference,
        order_created_at=asked.created_at,
        asked_at=now,
        requester_address=REQUESTER_ADDRESS,
        description=f"Tra cuu giao dich {asked.reference}",
    )
    try:
        raw = await ask(http, url, body)
    except QueryUnanswered as why:
        log.warning(
            "payment_query_unanswered",
            dossier=asked.dossier_code,
            reference=asked.reference,
            error=str(why),
        )
        return asked.outcome(QueryOutcome.unanswered, f"the gateway did not answer ({why})")
    try:
        answer = vnpay.read_query_answer(raw, secret)
    except vnpay.UnsignedAnswer:
        log.warning(
            "payment_query_unsigned",
            dossier=asked.dossier_code,
            reference=asked.reference,
            code=str(raw.get("vnp_ResponseCode", ""))[:4],
        )
        return asked.outcome(
            QueryOutcome.unsigned, "the answer is not signed with the merchant's secret"
        )
    return await _judge(client, sessions, asked, answer, _plain(raw), now)


async def _judge(
    client: Client,
    sessions: Sessions,
    asked: Asked,
    answer: GatewayAnswer,
    raw: dict[str, str],
    now: datetime,
) -> PaymentQueried:
    code, status = answer.response_code, answer.transaction_status
    answered = code == QueryCode.answered
    if answered and answer.reference != asked.reference:
        return await _refuse(sessions, asked, raw, "an answer about another reference")
    if asked.status == "superseded" and not (answered and status == vnpay.SUCCESS):
        return asked.outcome(QueryOutcome.pending, f"superseded, not paid ({code}, {status})")
    over = now >= asked.expires_at
    abandoned = status == PENDING and now >= asked.expires_at + ABANDONED_AFTER
    if code == QueryCode.not_found and over:
        closed = await asyncio.to_thread(payments.close_unseen, sessions, asked.reference, code)
        if closed:
            log.info(
                "payment_queried_failed", dossier=asked.dossier_code, reference=asked.reference
            )
            return asked.outcome(QueryOutcome.failed, "the gateway never had it; expired")
        return asked.outcome(QueryOutcome.recorded_before, "no longer open")
    if answered and (status == vnpay.SUCCESS or (status == FAILED and over) or abandoned):
        # the transaction's own outcome stands where an IPN has it (the query's code is 00)
        return await _believe(client, sessions, asked, replace(answer, response_code=status), raw)
    log.info(
        "payment_query_pending",
        dossier=asked.dossier_code,
        reference=asked.reference,
        code=code[:4],
        status=status[:4],
    )
    return asked.outcome(QueryOutcome.pending, f"the gateway answered {code}, status {status}")


async def _believe(
    client: Client, sessions: Sessions, asked: Asked, answer: GatewayAnswer, raw: dict[str, str]
) -> PaymentQueried:
    try:
        believed = await payments.believe(client, sessions, answer)
    except Refused as refused:
        return await _refuse(sessions, asked, raw, refused.refusal.reason, refused.refusal.answer)
    if believed == IpnAnswer.already_confirmed:
        return asked.outcome(QueryOutcome.recorded_before, "recorded before")
    if answer.paid:
        log.info("payment_queried_paid", dossier=asked.dossier_code, reference=asked.reference)
        return asked.outcome(QueryOutcome.paid, "the gateway confirmed it paid")
    log.info("payment_queried_failed", dossier=asked.dossier_code, reference=asked.reference)
    if answer.response_code == PENDING:
        return asked.outcome(QueryOutcome.failed, "left unfinished on the gateway's page; expired")
    return asked.outcome(QueryOutcome.failed, "the gateway says it failed")


async def _refuse(
    sessions: Sessions,
    asked: Asked,
    raw: dict[str, str],
    reason: str,
    code: IpnAnswer = IpnAnswer.order_not_found,
) -> PaymentQueried:
    refusal = Refusal(code, f"querydr: {reason}")
    await asyncio.to_thread(payments.record_refusal, sessions, refusal, raw, None)
    log.warning(
        "payment_query_refused", dossier=asked.dossier_code, reference=asked.reference, answer=code
    )
    return asked.outcome(QueryOutcome.refused, reason)


def _plain(raw: dict[str, Any]) -> dict[str, str]:
    return {str(name): "" if value is None else str(value) for name, value in raw.items()}


# --- who runs it ---------------------------------------------------------------------------------


async def reconcile_now(
    caller: Caller, services: Services, client: Client, dossier: str | None = None
) -> list[PaymentQueried]:
    """An operator's round, now: every open attempt of their scope (or of `dossier`) is asked,
    however recent (a batch at most)."""
    require_operator(caller)
    agencies = readable_agencies(caller, services.settings)
    async with httpx.AsyncClient(timeout=QUERY_TIMEOUT, follow_redirects=False) as http:
        found = await reconcile(
            client,
            services.sessions,
            services.settings,
            http,
            age=timedelta(0),
            agencies=agencies,
            dossier=dossier,
        )
    log.info("payments_reconciled", operator=caller.officer.id, asked=len(found))
    return found


class PaymentReconciler:
    """The worker's rounds: every poll period, the attempts due; at once again after a full
    batch."""

    def __init__(self, client: Client, sessions: Sessions, settings: Settings) -> None:
        self._client = client
        self._sessions = sessions
        self._settings = settings

    @staticmethod
    def configured(settings: Settings) -> bool:
        """Whether this process can ask the gateway (a query API, a merchant and its secret)."""
        try:
            query_gateway(settings)
        except PaymentsUnavailable:
            return False
        return True

    async def run(self, stop: asyncio.Event) -> None:
        settings = self._settings
        age = timedelta(seconds=settings.payment_query_after_seconds)
        async with httpx.AsyncClient(timeout=QUERY_TIMEOUT, follow_redirects=False) as http:
            log.info("payment_reconciliation_started")
            while not stop.is_set():
                try:
                    found = await reconcile(self._client, self._sessions, settings, http, age=age)
                except Exception as err:  # the database away: the next round tries again
                    log.warning("payment_reconciliation_failed", error=type(err).__name__)
                    found = []
                if len(found) < settings.payment_query_batch:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(
                            stop.wait(), timeout=settings.payment_query_poll_seconds
                        )
            log.info("payment_reconciliation_stopped")
