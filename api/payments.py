"""Fee payments: the applicant starts one (code + lookup secret) and downloads its receipt; the
gateway's IPN lands here (GET, as VNPAY sends it); operators list attempts and refused IPNs, ask
the gateway about the open ones now, and record refunds made."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request, status
from fastapi.responses import Response

from api.dependencies import CallerDep, ClientDep, RateLimitsDep, ServicesDep
from api.forms import PDF_RESPONSE, file_response
from api.responses import PROBLEMS
from models.payment import RefundStatement
from operations import payment_queries, payments, refunds
from operations.errors import NotFound
from operations.forms import public_payment_receipt
from operations.payment_queries import PaymentQueried
from operations.payments import IPN_PATH, PaymentStarted
from operations.refunds import IpnRefusal, PaymentView
from support.client import TemporalUnreachable
from support.vnpay import IpnAnswer, ipn_reply

router = APIRouter(tags=["payments"])
SecretHeader = Annotated[str | None, Header(max_length=100)]
Code = Annotated[str, Path(max_length=64)]


@router.post(
    "/api/v1/public/dossiers/{code}/payments",
    response_model=PaymentStarted,
    status_code=status.HTTP_201_CREATED,
    responses=PROBLEMS(404, 409, 429, 503),
    tags=["public"],
)
async def start_payment(
    request: Request,
    code: Code,
    services: ServicesDep,
    client: ClientDep,
    limits: RateLimitsDep,
    hoso_lookup_secret: SecretHeader = None,
) -> PaymentStarted:
    """A new attempt to pay the fee the dossier waits for (an earlier open one is superseded),
    for whoever holds the code and its secret; the answer's `gateway_url` is where the browser
    goes to pay. Only the gateway's IPN records a payment."""
    await limits.lookup(request)
    if not hoso_lookup_secret:
        raise NotFound("no dossier with this code and secret")
    payer = request.client.host if request.client else "127.0.0.1"
    return await payments.start_payment(
        client, services.sessions, services.settings, code, hoso_lookup_secret, payer
    )


@router.get(
    "/api/v1/public/dossiers/{code}/payment-receipt",
    response_class=Response,
    responses={**PDF_RESPONSE, **PROBLEMS(404, 429)},
    tags=["public"],
)
async def get_payment_receipt(
    request: Request,
    code: Code,
    services: ServicesDep,
    client: ClientDep,
    limits: RateLimitsDep,
    hoso_lookup_secret: SecretHeader = None,
) -> Response:
    """The sealed electronic receipt of the fee paid online (biên lai), as PDF."""
    await limits.lookup(request)
    if not hoso_lookup_secret:
        raise NotFound("no dossier with this code and secret")
    return file_response(await public_payment_receipt(client, services, code, hoso_lookup_secret))


@router.get(IPN_PATH)
async def receive_ipn(
    request: Request, services: ServicesDep, limits: RateLimitsDep
) -> dict[str, str]:
    """The gateway's IPN (VNPAY 2.1.0): believed only when its signature, amount, currency and
    reference match an open attempt. Always 200 with `{"RspCode", "Message"}`: 00 recorded,
    01 order not found, 02 already confirmed, 04 invalid amount, 97 invalid signature, 99
    unknown error (the gateway asks again)."""
    if not await limits.ipn_heard(request):
        return ipn_reply(IpnAnswer.invalid_signature)  # forged too often from here: not read
    params = dict(request.query_params)
    remote = request.client.host if request.client else None
    try:
        client = await services.client()
    except TemporalUnreachable:
        return ipn_reply(IpnAnswer.unknown_error)  # the gateway asks again later
    reply = await payments.receive_ipn(client, services.sessions, services.settings, params, remote)
    if reply["RspCode"] == IpnAnswer.invalid_signature:
        await limits.ipn_forged(request)
    return reply


@router.get(
    "/api/v1/payments",
    response_model=list[PaymentView],
    responses=PROBLEMS(401, 403, 429),
    tags=["operators"],
)
async def list_payments(
    caller: CallerDep,
    services: ServicesDep,
    dossier: Annotated[str | None, Query(max_length=64)] = None,
    status: Annotated[
        str | None, Query(pattern="^(open|paid|superseded|failed)$", description="attempts in it")
    ] = None,
    refund_owed: Annotated[
        bool, Query(description="only paid attempts whose refund is owed, not made")
    ] = False,
) -> list[PaymentView]:
    """The attempts to pay of the dossiers of the operator's scope, newest first."""
    return refunds.payments(
        caller, services, dossier=dossier, status=status, refund_owed=refund_owed
    )


@router.get(
    "/api/v1/payments/refusals",
    response_model=list[IpnRefusal],
    responses=PROBLEMS(401, 403, 429, 422),
    tags=["operators"],
)
async def list_ipn_refusals(
    caller: CallerDep,
    services: ServicesDep,
    hours: Annotated[int, Query(ge=1, le=24 * 90, description="the last N hours")] = 24,
) -> list[IpnRefusal]:
    """The gateway answers hoso refused (forged, unknown reference, wrong amount), newest first."""
    return refunds.ipn_refusals(caller, services, hours=hours)


@router.get(
    "/api/v1/payments/{reference}",
    response_model=PaymentView,
    responses=PROBLEMS(401, 403, 404, 429),
    tags=["operators"],
)
async def one_payment(
    reference: Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9-]{1,64}$")],
    caller: CallerDep,
    services: ServicesDep,
) -> PaymentView:
    """One attempt of the operator's scope: its dossier and amount, what a refund is signed for."""
    return refunds.payment(caller, services, reference)


@router.post(
    "/api/v1/payments/reconcile",
    response_model=list[PaymentQueried],
    responses=PROBLEMS(401, 403, 422, 429, 503),
    tags=["operators"],
)
async def reconcile_payments(
    caller: CallerDep,
    services: ServicesDep,
    client: ClientDep,
    dossier: Annotated[
        str | None, Query(max_length=64, description="only this dossier's open attempt")
    ] = None,
) -> list[PaymentQueried]:
    """Asks the gateway now (querydr, signed) about the open attempts of the operator's scope,
    as the worker does for those whose IPN has not come after HOSO_PAYMENT_QUERY_AFTER_SECONDS:
    a signed answer that says paid reaches the dossier as its IPN would have."""
    return await payment_queries.reconcile_now(caller, services, client, dossier)


@router.post(
    "/api/v1/payments/{reference}/refund",
    response_model=PaymentView,
    responses=PROBLEMS(401, 403, 404, 409, 422, 429),
    tags=["operators"],
)
async def record_refund(
    reference: Annotated[str, Path(max_length=64)],
    statement: RefundStatement,
    caller: CallerDep,
    services: ServicesDep,
) -> PaymentView:
    """The operator paid back the fee of a dossier refused after it paid: on the payment's row
    (when, who, the note), once, with the statement they signed with their token for the
    payment's dossier (`proof`, update `refund`; refused 422 when it is not theirs, not for
    this payment and amount, or signed more than 10 minutes ago)."""
    return refunds.record_refund(caller, services, reference, statement)
