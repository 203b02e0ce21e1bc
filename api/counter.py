"""The counter's door (signed officers' requests): the day's queue of the officer's one-stop
unit, a citizen checked in by code or QR, a no-show, and the dossier started from a booking."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from api.dependencies import CallerDep, ClientDep, ServicesDep, SubmitterDep
from api.responses import PROBLEMS, SIGNED
from api.submissions import BODY, multipart_submission
from operations import counter_desk
from operations.counter_desk import Queue, QueueEntry
from operations.submission import SubmissionReceipt
from operations.uploads import UploadFolder
from support.intake import DossierFile

router = APIRouter(prefix="/api/v1/counter", tags=["counter"])
CODE = r"^[A-Za-z0-9:-]{1,40}$"
Code = Annotated[str, Path(pattern=CODE, description="the booking's code")]


class CheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=CODE, description="the booking's code, or the content of its QR code")


@router.get("/queue", response_model=Queue, responses=PROBLEMS(*SIGNED, 403))
def get_queue(caller: CallerDep, services: ServicesDep, day: date | None = None) -> Queue:
    """The bookings of the caller's unit on `day` (default today), by slot: who comes, for
    what, and whether they are here (reception officers of the unit only)."""
    return counter_desk.queue(services, caller, day)


@router.get("/bookings/{code}", response_model=QueueEntry, responses=PROBLEMS(*SIGNED, 403))
def get_booking(code: Code, caller: CallerDep, services: ServicesDep) -> QueueEntry:
    """One booking of the caller's unit (another unit's answers 404)."""
    return counter_desk.read(services, caller, code)


@router.post("/check-ins", response_model=QueueEntry, responses=PROBLEMS(*SIGNED, 400, 403, 409))
def check_in(given: CheckIn, caller: CallerDep, services: ServicesDep) -> QueueEntry:
    """Checks the citizen in, on the day of their slot; a cancelled or used booking is 409."""
    return counter_desk.check_in(services, caller, given.code)


@router.post(
    "/bookings/{code}/no-show", response_model=QueueEntry, responses=PROBLEMS(*SIGNED, 403, 409)
)
def no_show(code: Code, caller: CallerDep, services: ServicesDep) -> QueueEntry:
    """The citizen did not come: their slot has begun and they were not checked in."""
    return counter_desk.no_show(services, caller, code)


@router.post(
    "/bookings/{code}/dossier",
    status_code=201,
    response_model=SubmissionReceipt,
    responses={
        200: {"model": SubmissionReceipt, "description": "started before"},
        **PROBLEMS(400, 401, 429, 403, 404, 409, 413, 415, 422),
    },
    openapi_extra=BODY,
)
async def start_dossier(
    request: Request, code: Code, caller: SubmitterDep, services: ServicesDep, client: ClientDep
) -> JSONResponse:
    """The dossier of a checked-in booking (multipart, as a submission): received at the counter
    by the caller, for the booking's procedure and applicant, its reference `booking:<code>`."""

    async def received(dossier: DossierFile, uploads: UploadFolder) -> SubmissionReceipt:
        return await counter_desk.start_dossier(services, client, caller, code, dossier, uploads)

    return await multipart_submission(request, services, received)
