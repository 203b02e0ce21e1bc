"""The projection: each dossier's row and its actions, documents and record entries, written to
the database for search and reporting from the changes its workflow sends."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy import (
    Connection,
    Row,
    String,
    Table,
    bindparam,
    cast,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel
from temporalio import activity

from activities.database import SessionFactory
from activities.form_rendering import FORM_FORMAT
from activities.waiting import write_waiting
from activities.webhook_outbox import record_status_change
from models.effects import DossierProjection
from models.projection import DossierChange, opening_from_state, whole
from models.state import FormRef
from models.tables import ActionRecord, DocumentRecord, DossierRecord, RecordEntryRecord

log = structlog.get_logger()
DOSSIERS: Table = DossierRecord.__table__  # type: ignore[attr-defined]
ACTIONS: Table = ActionRecord.__table__  # type: ignore[attr-defined]
# Built once: the columns an UPDATE or INSERT sets are the keys of the values it is given.
_ACTIONS_KNOWN = (
    select(func.count()).select_from(ACTIONS).where(ACTIONS.c.dossier_code == bindparam("code"))
)
_STORED_ROW = select(DOSSIERS).where(DOSSIERS.c.code == bindparam("code"))
_UPDATE_ROW = update(DOSSIERS).where(DOSSIERS.c.code == bindparam("dossier"))
_INSERT_ROW = insert(DOSSIERS)


class ProjectionActivities:
    def __init__(self, session_factory: SessionFactory) -> None:
        self._sessions = session_factory

    @activity.defn
    async def record_change(self, change: DossierChange) -> None:
        """Writes the dossier's row and the rows its change adds; a repeat adds nothing."""
        structlog.contextvars.bind_contextvars(dossier=change.code)
        if await asyncio.to_thread(record_change, self._sessions, change):
            log.info("dossier_recorded", status=change.row.status, actions=change.actions_total)
        else:
            log.info("stale_projection_ignored", actions=change.actions_total)

    @activity.defn
    async def record_dossier(self, projection: DossierProjection) -> None:
        """The whole state, as dossiers started before changes existed still send it."""
        await self.record_change(as_change(projection))


def as_change(projection: DossierProjection) -> DossierChange:
    state = projection.state
    return whole(state, opening_from_state(state, projection.reference, projection.applicant))


def record_change(sessions: SessionFactory, change: DossierChange, *, repair: bool = False) -> bool:
    """Writes the change in one transaction; False when a newer one was written already (the
    rows it adds are still added: they are the same rows). Shared by the activity and by
    `hoso rebuild`, so a rebuilt projection is the same rows; `repair` (the rebuild) also
    rewrites action and record rows that differ from the workflow's. A change of status queues
    its webhook deliveries in the same transaction (activities/webhook_outbox.py).

    SQL statements, not ORM objects: it runs ten times per dossier, and the ORM's bookkeeping
    was most of its CPU."""
    with sessions() as session:
        db = session.connection()
        known = db.execute(_ACTIONS_KNOWN, {"code": change.code}).scalar_one()
        current = known <= change.actions_total
        now = datetime.now(UTC)
        stored = None
        if current:
            stored = db.execute(_STORED_ROW, {"code": change.code}).first()
            if stored is None:
                _insert_row(db, change, now)  # before the rows that point at it
        changed = _differences(stored, change) if stored is not None else {}
        if current and not repair:  # a rebuild tells portals nothing they were not told
            record_status_change(db, change, stored, now)
        added = _add_rows(session, change, repair, now)
        if current:
            write_waiting(db, change, _agency(change, stored))
        if stored is not None and (changed or added):
            db.execute(_UPDATE_ROW, {**changed, "updated_at": now, "dossier": change.code})
        session.commit()
        return current


def _agency(change: DossierChange, stored: Row[Any] | None) -> str:
    """The dossier's agency: its opening's, or its row's (fixed at submission)."""
    if change.opening is not None:
        return change.opening.agency
    assert stored is not None  # a change without an opening finds its row, or _insert_row refused
    return str(stored.agency)


def _insert_row(db: Connection, change: DossierChange, now: datetime) -> None:
    if change.opening is None:
        raise ValueError(f"dossier {change.code}: no row yet and no opening to create it")
    row = {**change.opening.model_dump(), **change.row.model_dump()}
    db.execute(_INSERT_ROW, {"code": change.code, "updated_at": now, **row})


def _differences(stored: Row[Any], change: DossierChange) -> dict[str, Any]:
    """The row's columns that the change sets to other values (its opening columns too when it
    carries them: a repeated first change, or a rebuild, which fills or repairs them)."""
    fields = change.row.model_dump()
    if change.opening is not None:
        fields |= change.opening.model_dump()
    columns = stored._mapping
    return {name: value for name, value in fields.items() if not same(columns[name], value)}


def _add_rows(session: Session, change: DossierChange, repair: bool, now: datetime) -> bool:
    """Inserts the actions, documents, forms and entries not there yet (and with `repair`,
    rewrites the actions and entries that differ); True when a row was written."""
    code = change.code
    documents = [
        {
            "dossier_code": code,
            "source": "applicant",
            "added_at": now,
            "seal": None,
            **d.model_dump(),
        }
        for d in change.documents
    ]
    # issue_form registers a form first with its size; this is the fallback
    documents += [form_row(code, form) for form in change.forms]
    actions = [{"dossier_code": code, **a.model_dump()} for a in change.actions]
    added = _insert_new(session, ActionRecord, actions, ("seq",) if repair else None)
    added = _insert_new(session, DocumentRecord, documents) or added
    entries = [{"dossier_code": code, **entry.model_dump()} for entry in change.record]
    return _insert_new(session, RecordEntryRecord, entries, ("n",) if repair else None) or added


def form_row(code: str, form: FormRef, size: int = 0) -> dict[str, Any]:
    """A form's document row, as `issue_form` registers it."""
    return {
        "dossier_code": code,
        "kind": form.kind,
        "file_name": f"{form.kind}.{FORM_FORMAT}",
        "sha256": form.sha256,
        "size": size,
        "format": FORM_FORMAT,
        "source": "form",
        "added_at": form.issued_at,
        "seal": form.seal.model_dump(mode="json") if form.seal else None,
    }


def register_forms(session: Session, code: str, forms: list[tuple[FormRef, int]]) -> bool:
    """Registers forms (with their sizes) not registered yet; True when one was."""
    return _insert_new(session, DocumentRecord, [form_row(code, f, size) for f, size in forms])


def _insert_new(
    session: Session,
    table: type[SQLModel],
    rows: list[dict[str, Any]],
    repair: tuple[str, ...] | None = None,
) -> bool:
    """One INSERT of the rows, each skipped where its unique key is taken (a repeat, or a form
    `issue_form` registered first) — or, with `repair` (the key's columns after the dossier
    code), rewritten where it differs; True when a row was written."""
    if not rows:
        return False
    target = table.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    if dialect not in ("sqlite", "postgresql"):  # pragma: no cover - hoso runs on these two
        raise ValueError(f"no upsert for {dialect}")
    statement: Any = (sqlite if dialect == "sqlite" else postgresql).insert(target)
    if repair is None:
        statement = statement.on_conflict_do_nothing()
    else:
        key = ("dossier_code", *repair)
        columns = [name for name in rows[0] if name not in key]
        # json has no equality in PostgreSQL: compare its text (one serializer wrote both)
        differs = [
            cast(target.c[name], String).is_distinct_from(cast(statement.excluded[name], String))
            for name in columns
        ]
        statement = statement.on_conflict_do_update(
            index_elements=list(key),
            set_={name: statement.excluded[name] for name in columns},
            where=or_(*differs),
        )
    result = session.connection().execute(statement.returning(target.c.id), rows)
    return bool(result.all())


def same(stored: object, value: object) -> bool:
    """Equal, with SQLite's naive datetimes read back as the UTC they were written in."""
    if isinstance(stored, datetime) and isinstance(value, datetime):
        if stored.tzinfo is None:
            stored = stored.replace(tzinfo=UTC)
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
    return stored == value
