"""The catalogue's agency list: agencies' and units' official names, validated from a file,
published to the database, and snapshotted into each dossier's submission (`names_for`)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, col, select

from models.agency import Agency, AgencyList, Names
from models.procedure import ConsultationStage, Procedure
from models.tables import AgencyRecord
from support.errors import CatalogueError, describe_errors, read_yaml_mapping


def validate_agencies(data: dict[str, Any], path: Path) -> AgencyList:
    """The agency list of a file's mapping; CatalogueError naming file, agency and field."""
    try:
        agencies = AgencyList.model_validate(data)
    except ValidationError as exc:
        raise CatalogueError(
            describe_errors(str(path), exc, data, {"agencies": "agency"})
        ) from None
    seen: set[str] = set()
    for agency in agencies.agencies:
        if agency.id in seen:
            raise CatalogueError(f"{path}: agency '{agency.id}', field 'id': duplicate agency id")
        seen.add(agency.id)
    return agencies


def load_agencies(path: Path) -> AgencyList:
    return validate_agencies(read_yaml_mapping(path), path)


def publish_agencies(session: Session, agencies: Iterable[Agency]) -> list[tuple[str, bool]]:
    """Upserts the agencies by id; returns (id, changed) for each. The caller commits."""
    results = []
    for agency in agencies:
        record = session.get(AgencyRecord, agency.id)
        units = dict(agency.units)
        if record is None:
            session.add(AgencyRecord(id=agency.id, name=agency.name, units=units))
            results.append((agency.id, True))
            continue
        changed = (record.name, record.units) != (agency.name, units)
        record.name, record.units = agency.name, units
        session.add(record)
        results.append((agency.id, changed))
    return results


def involved(procedure: Procedure) -> list[str]:
    """The agencies a dossier of `procedure` involves: its own, then those it consults."""
    consulted = [
        agency
        for stage in procedure.chain
        if isinstance(stage, ConsultationStage)
        for agency in stage.agencies
    ]
    return list(dict.fromkeys([procedure.agency, *consulted]))


def names_for(agencies: Iterable[Agency], procedure: Procedure) -> Names:
    """The names a dossier of `procedure` prints (those the list has; the others print as codes)."""
    wanted = involved(procedure)
    known = {agency.id: agency for agency in agencies if agency.id in wanted}
    own = known.get(procedure.agency)
    return Names(
        agencies={agency_id: known[agency_id].name for agency_id in wanted if agency_id in known},
        units=dict(own.units) if own else {},
    )


def stored_names(session: Session, procedure: Procedure) -> Names:
    """`names_for` the agencies published in the database."""
    query = select(AgencyRecord).where(col(AgencyRecord.id).in_(involved(procedure)))
    records = session.exec(query).all()
    return names_for((Agency(id=r.id, name=r.name, units=r.units) for r in records), procedure)
