"""`hoso verify --catalogue`: the catalogue's rows against its signed publication record (and the
calendar file in force against the calendar's: support/calendar_publications.py).

Each publication must be valid (its signature, its signer an administrator of the agency or the
issuer key, its content the content it signed, its statement used once); each procedure version
in the database must be one a valid publication covers with the same content; the officers in
the database must be the rosters published, in order (an officer of no roster was planted, one
that differs was changed, one missing was deleted).

What a signed record cannot show alone: the newest publication of a subject deleted together with
the rows it covers reads as a catalogue that never had it (an anchor kept elsewhere would).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlmodel import select

from activities.database import SessionFactory
from activities.publications import row_problem
from models.intake import procedure_hash
from models.officer import Officer
from models.procedure import Procedure
from models.publication import PublicationKind, calendar_hash, roster_hash
from models.tables import OfficerRecord, ProcedureRecord, PublicationRecord
from support.calendar_publications import calendar_problem

OFFICER_FIELDS = ("name", "role", "unit", "agency", "email")


@dataclass
class CatalogueReport:
    differences: list[str] = field(default_factory=list)
    publications: int = 0
    procedures: int = 0
    officers: int = 0

    def intact(self) -> str:
        return (
            f"catalogue: publication record intact ({self.publications} publications,"
            f" {self.procedures} procedure versions, {self.officers} officers)"
        )


def content_hash(row: PublicationRecord) -> str | None:
    """The SHA-256 of what the row keeps, as its kind hashes it; None when it is not that."""
    try:
        if row.kind == PublicationKind.procedure.value:
            return procedure_hash(Procedure.model_validate(row.content))
        if row.kind == PublicationKind.roster.value:
            officers = [Officer.model_validate(o) for o in row.content.get("officers", [])]
            return roster_hash(officers)
        if row.kind == PublicationKind.calendar.value:
            return calendar_hash(row.content)
    except (ValidationError, AttributeError, TypeError):
        return None
    return None


def _valid(
    report: CatalogueReport,
    rows: Iterable[PublicationRecord],
    issuers: dict[str, str],
    province: set[str],
) -> list[PublicationRecord]:
    valid: list[PublicationRecord] = []
    nonces: dict[str, int | None] = {}
    for row in rows:
        where = f"publication #{row.n} ({row.kind} {row.subject}, by {row.publisher})"
        if row.kind == PublicationKind.calendar.value:
            problem = calendar_problem(row, issuers, province)
        else:
            problem = row_problem(row, issuers)
        if problem is None and content_hash(row) != row.sha256:
            problem = "what it keeps is not the content that was signed (changed in the database)"
        if problem is None and row.nonce in nonces:
            problem = f"it repeats the signed statement of publication #{nonces[row.nonce]}"
        nonces.setdefault(row.nonce, row.n)
        if problem is not None:
            report.differences.append(f"{where}: {problem}")
            continue
        valid.append(row)
    report.publications = len(valid)
    return valid


def _check_procedures(
    report: CatalogueReport, records: Iterable[ProcedureRecord], valid: list[PublicationRecord]
) -> None:
    covered = {
        (row.subject, row.version, row.sha256)
        for row in valid
        if row.kind == PublicationKind.procedure.value
    }
    for record in records:
        where = f"procedure {record.code} version {record.version}"
        try:
            body = procedure_hash(Procedure.model_validate(record.body))
        except ValidationError:
            report.differences.append(f"{where}: its body is not a procedure (changed)")
            continue
        if body != record.source_sha256 or (record.code, record.version, body) not in covered:
            report.differences.append(
                f"{where} is on no valid signed publication with this content (changed or"
                " planted in the database)"
            )
            continue
        report.procedures += 1


def published_officers(valid: Iterable[PublicationRecord]) -> dict[str, dict[str, Any]]:
    """The registry the valid rosters make, folded in the order they were published."""
    registry: dict[str, dict[str, Any]] = {}
    for row in valid:
        if row.kind == PublicationKind.roster.value:
            for officer in row.content.get("officers", []):
                registry[officer["id"]] = officer
    return registry


def _check_officers(
    report: CatalogueReport, records: Iterable[OfficerRecord], valid: list[PublicationRecord]
) -> set[str]:
    expected = published_officers(valid)
    seen = set()
    for record in records:
        seen.add(record.id)
        published = expected.get(record.id)
        if published is None:
            if record.active:
                report.differences.append(
                    f"officer {record.id} ({record.role} of {record.agency}) is on no valid"
                    " signed roster (planted in the database)"
                )
            continue
        changed = [k for k in OFFICER_FIELDS if getattr(record, k) != published.get(k)]
        if changed:
            report.differences.append(
                f"officer {record.id} differs from their signed roster: {', '.join(changed)}"
                " changed in the database"
            )
            continue
        report.officers += 1
    return {officer for officer in expected if officer not in seen}


def verify_catalogue(
    sessions: SessionFactory,
    issuers: dict[str, str],
    agencies: set[str] | None,
    province: set[str] | None = None,
) -> CatalogueReport:
    """The catalogue of `agencies` (None: every agency) against its publication record; the
    calendar's publications (the province's: by an administrator of one of `province`) too."""
    report = CatalogueReport()
    with sessions() as session:
        rows = list(session.exec(select(PublicationRecord).order_by(PublicationRecord.n)))  # type: ignore[arg-type]
        procedures = list(session.exec(select(ProcedureRecord)))
        officers = list(session.exec(select(OfficerRecord)))
    if agencies is not None:
        calendar = PublicationKind.calendar.value
        rows = [row for row in rows if row.agency in agencies or row.kind == calendar]
        procedures = [p for p in procedures if p.agency in agencies]
        officers = [o for o in officers if o.agency in agencies]
    valid = _valid(report, rows, issuers, province or set())
    _check_procedures(report, sorted(procedures, key=lambda p: (p.code, p.version)), valid)
    missing = _check_officers(report, sorted(officers, key=lambda o: o.id), valid)
    report.differences += [
        f"officer {officer} of a signed roster is missing from the database (deleted)"
        for officer in sorted(missing)
    ]
    return report
