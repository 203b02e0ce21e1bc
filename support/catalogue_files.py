"""Catalogue files read and validated, told apart by kind (procedure, officers, agency list,
calendar), touching no database: what `support/catalogue.py` publishes and `hoso procedures load`
signs. Every problem is a CatalogueError line naming the file, the stage (or officer) and the
field."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from models.agency import Agency
from models.officer import OfficerRoster
from models.procedure import Procedure
from support.agencies import validate_agencies
from support.calendars import load_calendar_changes
from support.errors import CatalogueError, read_yaml_mapping, validate_procedure, validate_roster

CALENDAR_KEYS = frozenset({"days_off", "working_days"})


def load_procedure(path: Path) -> Procedure:
    """Reads and validates one procedure file (the chain's structure included)."""
    return validate_procedure(read_yaml_mapping(path), path)


def load_officers(path: Path) -> OfficerRoster:
    """Reads and validates an officers file (`officers: [...]`)."""
    return validate_roster(read_yaml_mapping(path), path)


@dataclass
class CatalogueFiles:
    """Catalogue files read and validated, by kind, and the problems of those that are not."""

    rosters: list[tuple[str, OfficerRoster]] = field(default_factory=list)
    agencies: list[Agency] = field(default_factory=list)
    calendars: list[Path] = field(default_factory=list)
    procedures: list[tuple[str, Procedure]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_files(paths: Sequence[Path]) -> CatalogueFiles:
    """Reads officers, agency list, calendar and procedure files (folders: their *.yaml), as
    `publish_paths` tells them apart; touches no database."""
    files = CatalogueFiles()
    procedure_paths: list[Path] = []
    for path in _expand(paths):
        try:
            data = read_yaml_mapping(path)
            if "officers" in data:
                files.rosters.append((str(path), validate_roster(data, path)))
            elif "agencies" in data:
                files.agencies += validate_agencies(data, path).agencies
            elif set(data) <= CALENDAR_KEYS and data:
                load_calendar_changes(path)
                files.calendars.append(path)
            else:
                procedure_paths.append(path)
        except CatalogueError as exc:
            files.problems += exc.problems
    files.procedures = load_all(procedure_paths, files.problems)
    return files


def _expand(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix in {".yaml", ".yml"})
        else:
            files.append(path)
    return files


def load_all(paths: Sequence[Path], problems: list[str]) -> list[tuple[str, Procedure]]:
    """The valid procedures of `paths`; each file's problems are added to `problems`."""
    loaded: list[tuple[str, Procedure]] = []
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
        loaded.append((str(path), procedure))
    return loaded
