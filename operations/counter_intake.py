"""A dossier brought to the counter in person (tiếp nhận trực tiếp), entered by a reception
officer of the one-stop unit that receives its procedure: the procedures that unit receives, and
the submission itself, received at the counter by that officer (the API's submission, the same
checks and the same registration)."""

from __future__ import annotations

from temporalio.client import Client

from models.dossier import ReceptionChannel
from models.procedure import Procedure, ReceptionStage
from operations.access import Caller
from operations.counter_desk import RECEPTION_ROLE
from operations.errors import Forbidden
from operations.services import Services
from operations.submission import SubmissionReceipt, submit
from operations.uploads import UploadFolder
from support.catalogue import list_procedures
from support.intake import DossierFile

NOT_AT_THE_COUNTER = "the counter's pages are for the reception officers of a one-stop unit"


def counter_procedures(services: Services, caller: Caller) -> list[Procedure]:
    """The procedures the caller's unit receives (their agency's, the reception stage theirs);
    Forbidden to anyone but a reception officer of such a unit."""
    officer = caller.officer
    if officer.role != RECEPTION_ROLE:
        raise Forbidden(NOT_AT_THE_COUNTER)
    with services.sessions() as session:
        procedures = list_procedures(session)
    received = [
        p
        for p in procedures
        if p.agency == officer.agency
        and isinstance(p.chain[0], ReceptionStage)
        and (p.chain[0].unit, p.chain[0].role) == (officer.unit, officer.role)
    ]
    if not received:
        raise Forbidden(NOT_AT_THE_COUNTER)
    return received


async def receive_at_counter(
    services: Services,
    client: Client,
    caller: Caller,
    dossier: DossierFile,
    uploads: UploadFolder,
    form_key: str | None = None,
) -> SubmissionReceipt:
    """The dossier received at the counter by the caller: checked, stored, registered, started;
    its receipt holds the code and the applicant's lookup secret. `form_key`, the entry form's
    own, makes the same form sent twice (a double click) one dossier."""
    counter_procedures(services, caller)
    at_counter = dossier.model_copy(
        update={"received_via": ReceptionChannel.counter, "received_by": None}
    )
    return await submit(
        services, client, at_counter, uploads, receiver=caller.officer, idempotency_key=form_key
    )
