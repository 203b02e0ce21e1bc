"""Issue 22, item 8: every table the projection writes per dossier is covered by `hoso verify`
and `hoso rebuild` — a planted, changed or deleted row of the dossier, its actions, documents,
record entries and deliveries is named, and after a rebuild the dossier verifies intact."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import Session, select
from temporalio.testing import WorkflowEnvironment

from activities.database import make_engine, session_factory
from config import Settings
from models.tables import (
    ActionRecord,
    DeliveryRecord,
    DocumentRecord,
    DossierRecord,
    RecordEntryRecord,
)
from support.rebuild import rebuild
from tests.security.dossiers import Dossier, eia_dossier, stored

pytestmark = pytest.mark.timeout(180)
TABLES = (DossierRecord, ActionRecord, DocumentRecord, RecordEntryRecord, DeliveryRecord)
# Written when the row was (re)written, not told by the history.
UNTOLD = {"id", "updated_at", "handed_at"}

Tamper = Callable[[Session, Dossier], list[str]]


def rows_of(session: Session, table: Any, code: str) -> list[Any]:
    column = table.code if table is DossierRecord else table.dossier_code
    return list(session.exec(select(table).where(column == code)).all())


def snapshot(dossier: Dossier) -> dict[str, list[dict[str, Any]]]:
    """Every projected row of the dossier, without what a rewrite changes by itself."""
    with dossier.session() as session:
        return {
            table.__tablename__: sorted(
                (
                    row.model_dump(
                        exclude=UNTOLD | ({"added_at"} if getattr(row, "source", "") else set())
                    )
                    for row in rows_of(session, table, dossier.code)
                ),
                key=repr,
            )
            for table in TABLES
        }


def tamper_actions(session: Session, dossier: Dossier) -> list[str]:
    changed, deleted = dossier.action("approve", "specialist"), dossier.action("approve", "head")
    row = dossier.action_row(session, changed)
    row.comment = "Không đạt"
    session.add(row)
    gone = dossier.action_row(session, deleted)
    planted = gone.model_dump(exclude={"id"})
    session.delete(gone)
    session.add(ActionRecord(**{**planted, "seq": 99, "comment": "Duyệt thay"}))
    return [
        f"action #{changed} (approve at specialist) in the database differs from the record:"
        " comment changed",
        f"action #{deleted} (approve at head) is on the record but missing from the database"
        " (deleted)",
        "action #99 (approve) in the database is not on the record (added)",
    ]


def tamper_record(session: Session, dossier: Dossier) -> list[str]:
    rows = {row.n: row for row in rows_of(session, RecordEntryRecord, dossier.code)}
    entries = {entry.n: entry for entry in dossier.result.record}
    changed = next(e for e in dossier.result.record if e.kind == "action")
    deleted = entries[changed.n + 1]
    rows[changed.n].actor = "tnmt.director"
    session.add(rows[changed.n])
    session.delete(rows[deleted.n])
    planted = rows[changed.n].model_dump(exclude={"id"})
    session.add(RecordEntryRecord(**{**planted, "n": 99}))
    return [
        f"record entry {changed.describe()} in the database differs from the record: actor changed",
        f"record entry {deleted.describe()} is missing from the database (deleted)",
        "record entry #99 in the database is not on the record (added)",
    ]


def tamper_documents(session: Session, dossier: Dossier) -> list[str]:
    rows = rows_of(session, DocumentRecord, dossier.code)
    report_doc, project = dossier.document("eia_report"), dossier.document("project")
    changed = next(row for row in rows if row.sha256 == report_doc.sha256)
    changed.file_name = "bao-cao-sua.pdf"
    session.add(changed)
    session.delete(next(row for row in rows if row.sha256 == project.sha256))
    planted = stored(dossier.store, "drawings", "bản vẽ cài vào")
    session.add(
        DocumentRecord(
            dossier_code=dossier.code,
            source="applicant",
            added_at=changed.added_at,
            **planted.model_dump(),
        )
    )
    return [
        f"document eia_report ({report_doc.sha256[:12]}…) in the database differs from the"
        " record: file_name changed",
        f"document project {project.sha256[:12]}… is on the record but missing from the database",
        f"document drawings {planted.sha256[:12]}… in the database is not on the record",
    ]


def tamper_delivery(session: Session, dossier: Dossier) -> list[str]:
    [row] = rows_of(session, DeliveryRecord, dossier.code)
    sha = row.form_sha256
    planted = DeliveryRecord(
        key=f"{dossier.code}:99:delivery",
        dossier_code=dossier.code,
        channel="post",
        form_sha256=sha,
        tracking="VN000000001VN",
        handed_at=row.handed_at,
    )
    row.channel, row.tracking = "counter", "VN123456789VN"
    session.add_all([row, planted])
    return [
        f"the hand-over by online of {sha[:12]}… in the database differs from the record:"
        " channel, tracking changed",
        f"the hand-over by post of {sha[:12]}… in the database is not on the record (added)",
    ]


def delete_delivery(session: Session, dossier: Dossier) -> list[str]:
    [row] = rows_of(session, DeliveryRecord, dossier.code)
    session.delete(row)
    return [
        f"the hand-over by online of {row.form_sha256[:12]}… is on the record but missing from"
        " the database (deleted)"
    ]


def tamper_dossier_row(session: Session, dossier: Dossier) -> list[str]:
    row = session.get(DossierRecord, dossier.code)
    assert row is not None
    row.status, row.applicant_id_number = "rejected", "079000000000"
    session.add(row)
    return [
        "the dossier row in the database differs from the history: status changed",
        "the dossier row in the database differs from the submission: applicant_id_number changed",
    ]


def delete_dossier_row(session: Session, dossier: Dossier) -> list[str]:
    """The row with its actions, which point at it."""
    for row in rows_of(session, ActionRecord, dossier.code):
        session.delete(row)
    session.flush()
    session.delete(session.get(DossierRecord, dossier.code))
    return [
        "the dossier row is missing from the database (deleted)",
        *(
            f"action #{a.seq} ({a.action}{f' at {a.stage}' if a.stage else ''}) is on the"
            " record but missing from the database (deleted)"
            for a in dossier.result.actions
        ),
    ]


@pytest.mark.parametrize(
    "tamper",
    [
        tamper_dossier_row,
        delete_dossier_row,
        tamper_actions,
        tamper_record,
        tamper_documents,
        tamper_delivery,
        delete_delivery,
    ],
)
async def test_verify_names_planted_changed_and_deleted_rows_and_rebuild_mends_them(
    skip_env: WorkflowEnvironment, settings: Settings, tamper: Tamper
) -> None:
    dossier = await eia_dossier(skip_env, settings)
    before = snapshot(dossier)
    with dossier.session() as session:
        expected = tamper(session, dossier)
        session.commit()
    report = await dossier.verify(skip_env.client)
    assert sorted(report.differences) == sorted(expected)

    sessions = session_factory(make_engine(settings.resolved_database_url))
    assert await rebuild(skip_env.client, sessions, dossier.store, [dossier.code]) == [dossier.code]
    report = await dossier.verify(skip_env.client)
    assert report.differences == [], report.lines()
    assert snapshot(dossier) == before


async def test_a_dossier_planted_in_the_database_is_named(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    dossier = await eia_dossier(skip_env, settings)
    with dossier.session() as session:
        genuine = session.get(DossierRecord, dossier.code)
        assert genuine is not None
        planted = DossierRecord(**{**genuine.model_dump(), "code": f"{dossier.code}-gia"})
        session.add(planted)
        session.commit()
    fake = Dossier(planted.code, dossier.result, settings)
    report = await fake.verify(skip_env.client)
    assert report.differences == [
        "the database holds no record of it: nothing shows it was ever submitted (planted, or"
        " processed before the record existed)"
    ]
