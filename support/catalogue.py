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
from typing import NamedTuple, Protocol

from sqlmodel import Session, select

from models.agency import Agency
from models.counters import CountersFile
from models.intake import procedure_hash
from models.officer import Officer, OfficerRoster
from models.procedure import ConsultationStage, Procedure
from models.tables import OfficerRecord, ProcedureRecord
from support.agencies import publish_agencies, validate_agencies
from support.calendars import load_calendar_changes
from support.counters import check_counters, publish_counters, validate_counters
from support.errors import CatalogueError as CatalogueError
from support.errors import read_yaml_mapping, validate_procedure, validate_roster

CALENDAR_KEYS = frozenset({"days_off", "working_days"})


class Published(NamedTuple):
    code: str
    version: int
    changed: bool


class Holder(Protocol):
    """An officer as the registry check sees them: an Officer or an OfficerRecord."""

    @property
    def role(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def agency(self) -> str: ...


@dataclass
class LoadReport:
    """What `publish_paths` did with each kind of file."""

    procedures: list[Published] = field(default_factory=list)
    officers: list[tuple[str, bool]] = field(default_factory=list)
    agencies: list[tuple[str, bool]] = field(default_factory=list)
    calendars: list[Path] = field(default_factory=list)
    counters: list[tuple[str, bool]] = field(default_factory=list)


# --- reading files -------------------------------------------------------------------------------


def load_procedure(path: Path) -> Procedure:
    """Reads and validates one procedure file (the chain's structure included)."""
    return validate_procedure(read_yaml_mapping(path), path)


def load_officers(path: Path) -> OfficerRoster:
    """Reads and validates an officers file (`officers: [...]`)."""
    return validate_roster(read_yaml_mapping(path), path)


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


def publish_officers(session: Session, roster: OfficerRoster) -> list[tuple[str, bool]]:
    """Upserts the roster's officers by id; returns (id, changed) for each. Commits."""
    results = _write_officers(session, roster.officers)
    session.commit()
    return results


def publish_procedures(
    session: Session, paths: Sequence[Path], *, check_registry: bool = True
) -> list[Published]:
    """Validates every file, then publishes them all or none; returns (code, version, changed)."""
    return _publish(session, LoadReport(), [], list(paths), [], check_registry).procedures


def publish_paths(
    session: Session, paths: Sequence[Path], *, check_registry: bool = True
) -> LoadReport:
    """Loads officers, calendar and procedure files (folders: their *.yaml), all or nothing.

    A file is an officers file when its top level has `officers:`, the agency list when it has
    `agencies:`, the one-stop units' counters when it has `counters:`, a calendar file when it
    has only `days_off:`/`working_days:`, a procedure file otherwise. Officers are written first,
    and the procedures are checked against the registry as it will be; the counters against the
    procedures as they will be.
    """
    report = LoadReport()
    names: list[Agency] = []
    rosters: list[tuple[Path, OfficerRoster]] = []
    counters: list[tuple[Path, CountersFile]] = []
    procedure_paths: list[Path] = []
    problems: list[str] = []
    for path in _expand(paths):
        try:
            data = read_yaml_mapping(path)
            if "officers" in data:
                rosters.append((path, validate_roster(data, path)))
            elif "agencies" in data:
                names += validate_agencies(data, path).agencies
            elif "counters" in data:
                counters.append((path, validate_counters(data, path)))
            elif set(data) <= CALENDAR_KEYS and data:
                load_calendar_changes(path)
                report.calendars.append(path)
            else:
                procedure_paths.append(path)
        except CatalogueError as exc:
            problems += exc.problems
    report = _publish(
        session, report, rosters, procedure_paths, problems, check_registry, names, commit=False
    )
    _publish_counters(session, report, counters)
    session.commit()
    return report


def _publish_counters(
    session: Session, report: LoadReport, files: Sequence[tuple[Path, CountersFile]]
) -> None:
    """The counters, checked against the procedures as they are now published."""
    if not files:
        return
    session.flush()
    procedures = {procedure.code: procedure for procedure in list_procedures(session)}
    problems = [
        p for path, found in files for p in check_counters(path, found.counters, procedures)
    ]
    if problems:
        session.rollback()
        raise CatalogueError(problems)
    for _, found in files:
        report.counters += publish_counters(session, found.counters)


def _publish(
    session: Session,
    report: LoadReport,
    rosters: Sequence[tuple[Path, OfficerRoster]],
    procedure_paths: Sequence[Path],
    problems: list[str],
    check_registry: bool,
    agencies: Sequence[Agency] = (),
    *,
    commit: bool = True,
) -> LoadReport:
    loaded = _load_all(procedure_paths, problems)
    registry: dict[str, Holder] = {record.id: record for record in _active_officers(session)}
    owner: dict[str, Path] = {}
    for path, roster in rosters:
        for officer in roster.officers:
            if officer.id in owner:
                problems.append(
                    f"{path}: officer '{officer.id}' is also defined in {owner[officer.id]}"
                )
            owner.setdefault(officer.id, path)
            registry[officer.id] = officer
    for path, procedure in loaded if check_registry and not problems else ():
        try:
            check_against_registry(procedure, registry.values(), source=str(path))
        except CatalogueError as exc:
            problems += exc.problems
    if problems:
        raise CatalogueError(problems)
    report.agencies = publish_agencies(session, agencies)
    for _, roster in rosters:
        report.officers += _write_officers(session, roster.officers)
    report.procedures = _write_procedures(session, [procedure for _, procedure in loaded])
    if commit:
        session.commit()
    return report


def _expand(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix in {".yaml", ".yml"})
        else:
            files.append(path)
    return files


def _load_all(paths: Sequence[Path], problems: list[str]) -> list[tuple[Path, Procedure]]:
    """The valid procedures of `paths`; each file's problems are added to `problems`."""
    loaded: list[tuple[Path, Procedure]] = []
    first: dict[str, Path] = {}
    for path in paths:
        try:
            procedure = load_procedure(path)
        except CatalogueError as exc:
            problems += exc.problems
            continue
        if procedure.code in first:
            problems.append(
                f"{path}: procedure {procedure.code} is also defined in {first[procedure.code]}"
            )
            continue
        first[procedure.code] = path
        loaded.append((path, procedure))
    return loaded


def _write_officers(session: Session, officers: Iterable[Officer]) -> list[tuple[str, bool]]:
    results = []
    for officer in officers:
        values = officer.model_dump(mode="json") | {"active": True}
        record = session.get(OfficerRecord, officer.id)
        if record is None:
            session.add(OfficerRecord(**values))
            results.append((officer.id, True))
            continue
        changed = any(getattr(record, key) != value for key, value in values.items())
        for key, value in values.items():
            setattr(record, key, value)
        session.add(record)
        results.append((officer.id, changed))
    return results


def _write_procedures(session: Session, procedures: Sequence[Procedure]) -> list[Published]:
    now = datetime.now(UTC)
    results = []
    for procedure in procedures:
        latest = _latest_record(session, procedure.code)
        digest = content_hash(procedure)
        if latest is not None and content_hash(Procedure.model_validate(latest.body)) == digest:
            results.append(Published(procedure.code, latest.version, False))
            continue
        version = latest.version + 1 if latest is not None else 1
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
