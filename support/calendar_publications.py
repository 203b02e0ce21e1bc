"""The province's working calendar as published: an administrator of a province-wide agency
(settings.province_agencies: the service centre) signs the calendar changes (days off and
swapped weekend days); they go on the publication record and become the calendar file in force
(`calendar.yaml` of the data folder, before the procedures folder's): the calendar intake gives
new dossiers and operators push.

`hoso verify --catalogue` checks that the served calendar file is the latest valid publication.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session, select

from activities.keys import load_public_keys
from activities.publications import Publisher, record_publication, row_problem
from config import Settings
from models.publication import CALENDAR_SUBJECT, PublicationKind, calendar_hash
from models.tables import PublicationRecord
from support.calendars import (
    CALENDAR_FILE,
    CalendarChanges,
    calendar_file,
    load_calendar_changes,
)
from support.errors import CatalogueError


def changes_json(changes: CalendarChanges) -> dict[str, Any]:
    return changes.model_dump(mode="json")


def published_file(settings: Settings) -> Path:
    """Where a calendar published through the API is served from (before the procedures')."""
    return settings.data_dir / CALENDAR_FILE


def province_agency(settings: Settings) -> str:
    """The agency a machine publication of the calendar names: the first province-wide one."""
    return next(iter(sorted(_province(settings))), "trung-tam-hcc")


def _province(settings: Settings) -> set[str]:
    return {a.strip() for a in settings.province_agencies.split(",") if a.strip()}


def publish_calendar(
    session: Session,
    settings: Settings,
    changes: CalendarChanges,
    publisher: Publisher,
    agency: str,
    *,
    serve: bool = True,
) -> str:
    """Records the calendar's publication (unless the latest one is this content) and, with
    `serve`, writes it as the calendar file in force; returns its SHA-256. Commits."""
    content = changes_json(changes)
    digest = calendar_hash(content)
    latest = latest_calendar(session, settings)
    if latest is None or latest.sha256 != digest:
        proof = publisher.proof_for(PublicationKind.calendar, CALENDAR_SUBJECT, agency, digest)
        record_publication(session, proof, content)
        session.commit()
    if serve:
        write_served(settings, content)
    return digest


def write_served(settings: Settings, content: dict[str, Any]) -> None:
    """The calendar file intake reads, replaced at once (never half-written)."""
    path = published_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "# Published through hoso (`hoso calendar publish`): edit it there, not here.\n"
    text += yaml.safe_dump(content, allow_unicode=True, sort_keys=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".calendar-", suffix=".yaml")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, path)


def calendar_problem(
    row: PublicationRecord, issuers: dict[str, str], province: set[str]
) -> str | None:
    """Why a calendar publication is not valid: its proof, or its publisher not an administrator
    of a province-wide agency (the issuer key itself may publish it)."""
    problem = row_problem(row, issuers)
    if problem is None and not row.publisher.startswith("issuer:") and row.agency not in province:
        return f"published for {row.agency}, which is not a province-wide agency"
    return problem


def latest_calendar(session: Session, settings: Settings) -> PublicationRecord | None:
    """The newest valid publication of the calendar."""
    issuers = load_public_keys(settings.resolved_keys_dir, "issuer")
    rows = session.exec(
        select(PublicationRecord)
        .where(PublicationRecord.kind == PublicationKind.calendar.value)
        .order_by(PublicationRecord.n.desc())  # type: ignore[union-attr]
    )
    for row in rows:
        if calendar_problem(row, issuers, _province(settings)) is None:
            return row
    return None


def served_calendar_problem(session: Session, settings: Settings) -> str | None:
    """Why the calendar file in force is not the latest valid publication of the calendar."""
    path = calendar_file(settings)
    latest = latest_calendar(session, settings)
    if path is None:
        return None if latest is None else "the published calendar file is missing (deleted)"
    try:
        served = calendar_hash(changes_json(load_calendar_changes(path)))
    except CatalogueError:
        return f"the calendar file {path.name} is not a valid calendar (changed on the server)"
    if latest is None:
        return f"the calendar file {path.name} is on no valid signed publication (planted)"
    if served != latest.sha256:
        return (
            f"the calendar file {path.name} differs from its latest signed publication"
            f" #{latest.n} (changed on the server)"
        )
    return None
