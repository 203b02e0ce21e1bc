"""Who received a dossier: at the counter, an officer of the one-stop unit of the procedure's
agency (the unit of its reception stage); online (through a portal) or by post, nobody named."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from models.dossier import Receiver, ReceptionChannel
from models.procedure import Procedure, ReceptionStage
from support.catalogue import get_officer
from support.errors import CatalogueError, IntakeError


def check_receiver(
    sessions: Callable[[], Session],
    procedure: Procedure,
    via: ReceptionChannel,
    officer_id: str | None,
    source: str,
) -> Receiver | None:
    """At the counter, the officer who received the dossier: an active officer of the one-stop
    unit (the reception stage's) of the procedure's agency; on other channels, nobody."""
    if via != ReceptionChannel.counter:
        if officer_id is not None:
            raise IntakeError(
                f"{source}: received_by: only a dossier received at the counter names the officer"
                f" who received it (this one is received_via '{via.value}')"
            )
        return None
    reception = procedure.chain[0]
    assert isinstance(reception, ReceptionStage)
    if officer_id is None:
        raise IntakeError(
            f"{source}: received_by: a dossier received at the counter names the officer of"
            f" {reception.unit} ({procedure.agency}) who received it"
        )
    try:
        with sessions() as session:
            officer = get_officer(session, officer_id)
    except CatalogueError as exc:
        raise IntakeError(f"{source}: received_by: {exc}") from None
    if (officer.agency, officer.unit) != (procedure.agency, reception.unit):
        raise IntakeError(
            f"{source}: received_by: officer {officer_id} ({officer.unit}, {officer.agency}) is"
            f" not of the one-stop unit {reception.unit} of {procedure.agency}, which receives"
            f" procedure {procedure.code}"
        )
    return Receiver(id=officer.id, name=officer.name)
