"""The one-stop units' counters for appointments (procedures/counters.yaml): validated with
errors naming the file, the unit and the field, checked against the procedures each counter
receives (a procedure of that agency, received by that unit), and published with the catalogue."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, select

from models.counters import CountersFile, UnitCounters
from models.procedure import Procedure, ReceptionStage
from models.tables import CounterSetRecord
from support.errors import CatalogueError, describe_errors, read_yaml_mapping


def validate_counters(data: dict[str, Any], path: Path) -> CountersFile:
    """The counters of a file's mapping; CatalogueError naming the file, the unit and field."""
    try:
        found = CountersFile.model_validate(data)
    except ValidationError as exc:
        raise CatalogueError(describe_errors(str(path), exc, data, {"counters": "unit"})) from None
    seen: set[tuple[str, str]] = set()
    for position, unit in enumerate(found.counters):
        key = (unit.agency, unit.unit)
        if key in seen:
            raise CatalogueError(
                f"{path}: unit #{position + 1}, field 'unit': {unit.unit} of {unit.agency}"
                " is given twice"
            )
        seen.add(key)
    return found


def load_counters(path: Path) -> CountersFile:
    return validate_counters(read_yaml_mapping(path), path)


def reception_unit(procedure: Procedure) -> str:
    """The one-stop unit that receives the procedure's dossiers (its reception stage's)."""
    reception = procedure.chain[0]
    assert isinstance(reception, ReceptionStage)
    return reception.unit


def check_counters(
    path: Path, units: Iterable[UnitCounters], procedures: Mapping[str, Procedure]
) -> list[str]:
    """Each counter's procedures exist and are received by its unit (their reception stage's)."""
    problems = []
    for position, unit in enumerate(units):
        for counter in unit.counters:
            where = f"{path}: unit #{position + 1}, counter '{counter.id}', field 'procedures'"
            for code in counter.procedures:
                procedure = procedures.get(code)
                if procedure is None:
                    problems.append(f"{where}: unknown procedure {code}")
                elif (procedure.agency, reception_unit(procedure)) != (unit.agency, unit.unit):
                    problems.append(
                        f"{where}: procedure {code} is received by {reception_unit(procedure)}"
                        f" of {procedure.agency}, not by {unit.unit} of {unit.agency}"
                    )
    return problems


def publish_counters(session: Session, units: Sequence[UnitCounters]) -> list[tuple[str, bool]]:
    """Upserts each unit's counters; returns ('agency/unit', changed). The caller commits."""
    now, results = datetime.now(UTC), []
    for unit in units:
        body = unit.model_dump(mode="json")
        record = session.get(CounterSetRecord, (unit.agency, unit.unit))
        name = f"{unit.agency}/{unit.unit}"
        if record is None:
            session.add(
                CounterSetRecord(agency=unit.agency, unit=unit.unit, body=body, published_at=now)
            )
            results.append((name, True))
            continue
        changed = record.body != body
        if changed:
            record.body, record.published_at = body, now
            session.add(record)
        results.append((name, changed))
    return results


def unit_counters(session: Session, agency: str, unit: str) -> UnitCounters | None:
    record = session.get(CounterSetRecord, (agency, unit))
    return UnitCounters.model_validate(record.body) if record is not None else None


def all_counters(session: Session) -> list[UnitCounters]:
    return [UnitCounters.model_validate(r.body) for r in session.exec(select(CounterSetRecord))]
