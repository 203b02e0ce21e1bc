"""The procedure catalogue and the officer registry: YAML files validated, then published to the DB.

Every refusal is a CatalogueError naming the file, the stage (or officer) and the field. Publishing
is all or nothing: every file is checked first, and a procedure whose content changed gets a new
version while the earlier ones stay readable (dossiers already submitted keep their snapshot).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from sqlmodel import Session, select

from activities.publications import procedure_on_record, record_publication, recorded
from activities.revocations import REGISTRY, record_revocations
from models.agency import Agency
from models.counters import CountersFile, UnitCounters
from models.intake import procedure_hash
from models.officer import Officer, OfficerRoster
from models.procedure import ConsultationStage, Procedure
from models.publication import PublicationKind, roster_hash
from models.tables import OfficerRecord, OfficerTokenRecord, ProcedureRecord
from support import remembered_trust
from support.agencies import publish_agencies
from support.catalogue_files import CatalogueFiles as CatalogueFiles
from support.catalogue_files import load_all
from support.catalogue_files import load_officers as load_officers
from support.catalogue_files import load_procedure as load_procedure
from support.catalogue_files import read_files as read_files
from support.counters import check_counters, publish_counters
from support.errors import CatalogueError as CatalogueError
from support.separation import Holder, separation_problems

if TYPE_CHECKING:
    from activities.publications import Publisher


class Published(NamedTuple):
    code: str
    version: int
    changed: bool


IDENTITY_FIELDS = ("role", "unit", "agency")  # what a token certifies of its officer


@dataclass
class LoadReport:
    """What `publish_paths` did with each kind of file."""

    procedures: list[Published] = field(default_factory=list)
    officers: list[tuple[str, bool]] = field(default_factory=list)
    agencies: list[tuple[str, bool]] = field(default_factory=list)
    calendars: list[Path] = field(default_factory=list)
    revoked: list[str] = field(default_factory=list)  # tokens of officers moved or re-roled
    counters: list[tuple[str, bool]] = field(default_factory=list)


# --- the registry check --------------------------------------------------------------------------


def check_against_registry(
    procedure: Procedure,
    officers: OfficerRoster | Iterable[Holder],
    *,
    source: str | None = None,
) -> None:
    """Every stage's (role, unit) is held in the procedure's agency; every consulted agency exists.

    Inactive records do not count. Raises CatalogueError, one line per problem.
    """
    every: Iterable[Holder] = officers.officers if isinstance(officers, OfficerRoster) else officers
    people = [person for person in every if getattr(person, "active", True)]
    problems = _registry_problems(procedure, people)
    if problems:
        prefix = source or f"procedure {procedure.code}"
        raise CatalogueError([f"{prefix}: {problem}" for problem in problems])


def _registry_problems(procedure: Procedure, people: Sequence[Holder]) -> list[str]:
    agencies = sorted({person.agency for person in people})
    own = [person for person in people if person.agency == procedure.agency]
    if not own:
        return [f"field 'agency': unknown agency '{procedure.agency}' (known: {_list(agencies)})"]
    units = sorted({person.unit for person in own})
    roles = sorted({person.role for person in own})
    pairs = {(person.role, person.unit) for person in own}
    problems = []
    for stage in procedure.chain:
        where = f"stage '{stage.id}'"
        if isinstance(stage, ConsultationStage):
            problems += [
                f"{where}, field 'agencies': unknown agency '{agency}' (known: {_list(agencies)})"
                for agency in stage.agencies
                if agency not in agencies
            ]
            continue
        role, unit, agency = stage.role, stage.unit, procedure.agency
        if (role, unit) in pairs:
            continue
        if unit not in units:
            problems.append(
                f"{where}, field 'unit': unknown unit '{unit}' in agency '{agency}' "
                f"(known: {_list(units)})"
            )
        elif role not in roles:
            problems.append(
                f"{where}, field 'role': unknown role '{role}' in agency '{agency}' "
                f"(known: {_list(roles)})"
            )
        else:
            held = sorted(r for r, u in pairs if u == unit)
            problems.append(
                f"{where}, field 'role': no officer holds role '{role}' in unit '{unit}' of "
                f"agency '{agency}' (roles there: {_list(held)})"
            )
    return problems


def _list(values: Iterable[str]) -> str:
    return ", ".join(values) or "none"


# --- publishing ----------------------------------------------------------------------------------


def content_hash(procedure: Procedure) -> str:
    """SHA-256 of the procedure's canonical JSON, its version left out (what an intake seal
    covers and a dossier's start is checked against)."""
    return procedure_hash(procedure)


def publish_officers(
    session: Session, roster: OfficerRoster, *, publisher: Publisher | None = None
) -> list[tuple[str, bool]]:
    """Upserts the roster's officers by id; returns (id, changed) for each. Commits."""
    results = _write_officers(session, roster.officers)
    _record_roster(session, roster.officers, publisher)
    session.commit()
    return results


def publish_procedures(
    session: Session,
    paths: Sequence[Path],
    *,
    check_registry: bool = True,
    publisher: Publisher | None = None,
) -> list[Published]:
    """Validates every file, then publishes them all or none; returns (code, version, changed)."""
    problems: list[str] = []
    loaded = load_all(paths, problems)
    return _publish(
        session, LoadReport(), [], loaded, problems, check_registry, publisher=publisher
    ).procedures


def publish_signed(
    session: Session,
    rosters: Sequence[OfficerRoster],
    procedures: Sequence[Procedure],
    publisher: Publisher,
    *,
    counters: Sequence[UnitCounters] = (),
) -> LoadReport:
    """Publishes rosters and procedures that came with their publisher's signatures (the API),
    and units' counters, all or none, with the same checks as files."""
    named = [(f"roster {n + 1}", roster) for n, roster in enumerate(rosters)]
    loaded = [(f"procedure {p.code}", p) for p in procedures]
    report = _publish(
        session, LoadReport(), named, loaded, [], True, publisher=publisher, commit=False
    )
    if counters:
        _publish_counters(session, report, [("counters", CountersFile(counters=list(counters)))])
    session.commit()
    return report


def publish_paths(
    session: Session,
    paths: Sequence[Path],
    *,
    check_registry: bool = True,
    publisher: Publisher | None = None,
) -> LoadReport:
    """Loads officers, calendar and procedure files (folders: their *.yaml), all or nothing.

    A file is an officers file when its top level has `officers:`, the agency list when it has
    `agencies:`, the one-stop units' counters when it has `counters:`, a calendar file when it
    has only `days_off:`/`working_days:`, a procedure file otherwise. Officers are written first,
    and the procedures are checked against the registry as it will be, the counters against the
    procedures as they will be. With `publisher`, each procedure version and each agency's roster
    goes on the publication record signed by it; without, the rows are written unsigned (the
    worker starts no dossier of such a version, and `verify` names them).
    """
    files = read_files(paths)
    report = LoadReport(calendars=files.calendars)
    report = _publish(
        session,
        report,
        files.rosters,
        files.procedures,
        files.problems,
        check_registry,
        files.agencies,
        publisher=publisher,
        commit=False,
    )
    _publish_counters(session, report, files.counters)
    session.commit()
    return report


def _publish_counters(
    session: Session, report: LoadReport, files: Sequence[tuple[str, CountersFile]]
) -> None:
    """The counters, checked against the procedures as they are now published."""
    if not files:
        return
    session.flush()
    procedures = {procedure.code: procedure for procedure in list_procedures(session)}
    problems = [
        p for path, found in files for p in check_counters(Path(path), found.counters, procedures)
    ]
    if problems:
        session.rollback()
        raise CatalogueError(problems)
    for _, found in files:
        report.counters += publish_counters(session, found.counters)


def _publish(
    session: Session,
    report: LoadReport,
    rosters: Sequence[tuple[str, OfficerRoster]],
    loaded: Sequence[tuple[str, Procedure]],
    problems: list[str],
    check_registry: bool,
    agencies: Sequence[Agency] = (),
    *,
    publisher: Publisher | None = None,
    commit: bool = True,
) -> LoadReport:
    registry: dict[str, Holder] = {record.id: record for record in _active_officers(session)}
    problems += _roster_problems(session, rosters, registry)
    for path, procedure in loaded if check_registry and not problems else ():
        try:
            check_against_registry(procedure, registry.values(), source=path)
        except CatalogueError as exc:
            problems += exc.problems
    for path, procedure in loaded if not problems else ():
        problems += [
            f"{path}: {line}" for line in separation_problems(procedure, registry.values())
        ]
    if problems:
        raise CatalogueError(problems)
    report.agencies = publish_agencies(session, agencies)
    for _, roster in rosters:
        report.officers += _write_officers(session, roster.officers, report.revoked)
        _record_roster(session, roster.officers, publisher)
    report.procedures = _write_procedures(
        session, [procedure for _, procedure in loaded], publisher
    )
    if commit:
        session.commit()
    if rosters:  # the registry changed here: every certificate is checked again
        remembered_trust.forget()
    return report


def _roster_problems(
    session: Session, rosters: Sequence[tuple[str, OfficerRoster]], registry: dict[str, Holder]
) -> list[str]:
    """An officer defined twice, or one of the registry published by another agency (an
    agency's roster names its own officers only); `registry` becomes the registry to be."""
    problems = []
    owner: dict[str, str] = {}
    for path, roster in rosters:
        for officer in roster.officers:
            if officer.id in owner:
                problems.append(
                    f"{path}: officer '{officer.id}' is also defined in {owner[officer.id]}"
                )
            owner.setdefault(officer.id, path)
            known = session.get(OfficerRecord, officer.id)
            if known is not None and known.agency != officer.agency:
                problems.append(
                    f"{path}: officer '{officer.id}' is an officer of agency '{known.agency}',"
                    f" not '{officer.agency}': an agency's roster names its own officers only"
                )
            registry[officer.id] = officer
    return problems


def _record_roster(
    session: Session, officers: Sequence[Officer], publisher: Publisher | None
) -> None:
    """Each agency's part of a roster on the publication record, unless it is there already."""
    if publisher is None:
        return
    for agency in sorted({officer.agency for officer in officers}):
        own = [officer for officer in officers if officer.agency == agency]
        digest = roster_hash(own)
        if recorded(session, PublicationKind.roster, agency, digest):
            continue
        proof = publisher.proof_for(PublicationKind.roster, agency, agency, digest)
        content = {"officers": [officer.model_dump(mode="json") for officer in own]}
        record_publication(session, proof, content)


def _write_officers(
    session: Session, officers: Iterable[Officer], revoked: list[str] | None = None
) -> list[tuple[str, bool]]:
    """Upserts the officers; the tokens of one whose role, unit or agency changed are revoked
    (their ids added to `revoked`)."""
    results = []
    for officer in officers:
        values = officer.model_dump(mode="json") | {"active": True}
        record = session.get(OfficerRecord, officer.id)
        if record is None:
            session.add(OfficerRecord(**values))
            results.append((officer.id, True))
            continue
        changed = any(getattr(record, key) != value for key, value in values.items())
        if any(getattr(record, key) != values[key] for key in IDENTITY_FIELDS):
            (revoked if revoked is not None else []).extend(_revoke_certified(session, officer.id))
        for key, value in values.items():
            setattr(record, key, value)
        session.add(record)
        results.append((officer.id, changed))
    return results


def _revoke_certified(session: Session, officer_id: str) -> list[str]:
    """An officer whose role, unit or agency changes loses what their tokens certified: every
    live token is revoked (dossiers refuse it once they reload their trust anchors)."""
    live = session.exec(
        select(OfficerTokenRecord).where(
            OfficerTokenRecord.officer_id == officer_id,
            OfficerTokenRecord.revoked_at == None,  # noqa: E711
        )
    )
    return record_revocations(
        session, list(live), by=REGISTRY, reason="the registry changed the officer's role or unit"
    )


def _write_procedures(
    session: Session, procedures: Sequence[Procedure], publisher: Publisher | None
) -> list[Published]:
    now = datetime.now(UTC)
    results = []
    for procedure in procedures:
        latest = _latest_record(session, procedure.code)
        digest = content_hash(procedure)
        if latest is not None and content_hash(Procedure.model_validate(latest.body)) == digest:
            _record_procedure(session, procedure, latest.version, digest, publisher)
            results.append(Published(procedure.code, latest.version, False))
            continue
        version = latest.version + 1 if latest is not None else 1
        _record_procedure(session, procedure, version, digest, publisher)
        body = procedure.model_copy(update={"version": version}).model_dump(mode="json")
        session.add(
            ProcedureRecord(
                code=procedure.code,
                version=version,
                name=procedure.name,
                agency=procedure.agency,
                source_sha256=digest,
                body=body,
                published_at=now,
            )
        )
        results.append(Published(procedure.code, version, True))
    return results


def _record_procedure(
    session: Session, procedure: Procedure, version: int, digest: str, publisher: Publisher | None
) -> None:
    """The version on the publication record, unless it is there already (the same content
    published again signs for a version published before the record existed)."""
    if publisher is None or recorded(
        session, PublicationKind.procedure, procedure.code, digest, version
    ):
        return
    proof = publisher.proof_for(PublicationKind.procedure, procedure.code, procedure.agency, digest)
    body = procedure.model_copy(update={"version": version}).model_dump(mode="json")
    record_publication(session, proof, body, version=version)


# --- reading the catalogue -----------------------------------------------------------------------


def _latest_record(session: Session, code: str) -> ProcedureRecord | None:
    query = (
        select(ProcedureRecord)
        .where(ProcedureRecord.code == code)
        .order_by(ProcedureRecord.version.desc())  # type: ignore[attr-defined]
        .limit(1)
    )
    return session.exec(query).first()


def _active_officers(session: Session) -> list[OfficerRecord]:
    return list(session.exec(select(OfficerRecord).where(OfficerRecord.active == True)))  # noqa: E712


def latest_procedure(session: Session, code: str) -> Procedure:
    """The latest published version of a procedure."""
    record = _latest_record(session, code)
    if record is None:
        raise CatalogueError(f"unknown procedure {code}")
    return Procedure.model_validate(record.body)


def latest_published(session: Session, code: str, issuers: dict[str, str]) -> Procedure:
    """The newest version a valid signed publication covers with its content: what intake gives
    new dossiers (a version written into the database behind hoso's back is passed over)."""
    query = (
        select(ProcedureRecord)
        .where(ProcedureRecord.code == code)
        .order_by(ProcedureRecord.version.desc())  # type: ignore[attr-defined]
    )
    records = list(session.exec(query))
    if not records:
        raise CatalogueError(f"unknown procedure {code}")
    for record in records:
        procedure = Procedure.model_validate(record.body)
        digest = content_hash(procedure)
        if digest == record.source_sha256 and procedure_on_record(
            session, code, record.version, digest, issuers
        ):
            return procedure
    raise CatalogueError(f"procedure {code} has no version on the signed publication record")


def procedure_versions(session: Session, code: str) -> list[Procedure]:
    """Every published version of a procedure, oldest first."""
    query = select(ProcedureRecord).where(ProcedureRecord.code == code)
    records = sorted(session.exec(query), key=lambda record: record.version)
    if not records:
        raise CatalogueError(f"unknown procedure {code}")
    return [Procedure.model_validate(record.body) for record in records]


def list_procedures(session: Session) -> list[Procedure]:
    """The latest version of every procedure, by code."""
    latest: dict[str, ProcedureRecord] = {}
    for record in session.exec(select(ProcedureRecord)):
        if record.code not in latest or record.version > latest[record.code].version:
            latest[record.code] = record
    return [Procedure.model_validate(latest[code].body) for code in sorted(latest)]


def get_officer(session: Session, officer_id: str) -> OfficerRecord:
    """An active officer of the registry."""
    record = session.get(OfficerRecord, officer_id)
    if record is None:
        raise CatalogueError(f"unknown officer {officer_id}")
    if not record.active:
        raise CatalogueError(f"officer {officer_id} is inactive")
    return record
