"""`hoso verify` recomputes a dossier's record from its history and names every tampering: a
modified or deleted row, a replaced document, a forged result, an altered record."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC
from typing import Any

import pytest
from sqlalchemy import delete
from sqlmodel import select
from temporalio.testing import WorkflowEnvironment

from activities.database import make_engine, session_factory
from activities.document_store import DocumentStore
from activities.forms import render_form_pdf
from config import Settings
from models.actions import RetryRequest
from models.effects import FormRequest
from models.record import (
    FormSeal,
    RecordEntry,
    action_digest,
    chained,
    input_digest,
    seal_message,
)
from models.tables import (
    ActionRecord,
    DeliveryRecord,
    DocumentRecord,
    DossierRecord,
    RecordEntryRecord,
    WaitingRecord,
)
from support.rebuild import dossier_codes, rebuild
from support.seals import AgencySeals, create_seal_key, revoke_seal_key
from support.verify_checks import Report
from support.verify_history import Update, check_history, read_history
from tests.security.dossiers import Dossier, cli_deployment, eia_dossier, hoso, stored
from tests.workflows.harness import (
    APPLICANT,
    act,
    assignee,
    officers,
    procedure,
    running_worker,
    send,
    start,
    submission,
)
from workflows.dossier import DossierWorkflow

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def env(skip_env: WorkflowEnvironment) -> WorkflowEnvironment:
    return skip_env


async def test_an_untouched_dossier_verifies_clean(
    env: WorkflowEnvironment, settings: Settings
) -> None:
    dossier = await eia_dossier(env, settings)
    report = await dossier.verify(env.client)
    assert report.differences == []
    assert report.lines() == [
        f"{dossier.code}: record intact ({len(dossier.result.record)} entries, 4 documents,"
        " 3 forms sealed)"
    ]


async def test_forms_sealed_before_and_after_a_seal_key_rotation_verify_until_one_is_revoked(
    env: WorkflowEnvironment, settings: Settings
) -> None:
    folder = settings.resolved_keys_dir
    dossier = await eia_dossier(
        env, settings, after_reception=lambda: create_seal_key(folder, "so-tnmt", rotate=True)
    )
    sealed_with = {form.kind: form.seal.key for form in dossier.result.forms if form.seal}
    assert sealed_with == {
        "supplement_request": "so-tnmt",
        "receipt": "so-tnmt",
        "result": "so-tnmt.2",  # the running worker took the new key up
    }
    report = await dossier.verify(env.client)
    assert report.differences == [] and report.sealed == 3

    result = next(form for form in dossier.result.forms if form.kind == "result")
    revoke_seal_key(folder, "so-tnmt.2", result.issued_at)  # stolen when the result was issued
    report = await dossier.verify(env.client)
    revoked = f"revoked since {result.issued_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    assert report.differences, report.lines()
    assert all("form result" in line and revoked in line for line in report.differences)


async def test_a_modified_action_row_is_named_with_the_changed_column(
    env: WorkflowEnvironment, settings: Settings
) -> None:
    dossier = await eia_dossier(env, settings)
    seq = dossier.action("approve", "specialist")
    with dossier.session() as session:
        row = dossier.action_row(session, seq)
        row.comment = "Không đạt"
        session.add(row)
        session.commit()
    report = await dossier.verify(env.client)
    assert report.differences == [
        f"action #{seq} (approve at specialist) in the database differs from the record:"
        " comment changed"
    ]


async def test_a_rebuild_repairs_modified_action_and_record_rows(
    env: WorkflowEnvironment, settings: Settings
) -> None:
    dossier = await eia_dossier(env, settings)
    seq = dossier.action("approve", "specialist")
    with dossier.session() as session:
        row = dossier.action_row(session, seq)
        row.comment = "Không đạt"
        entry = session.exec(
            select(RecordEntryRecord).where(
                RecordEntryRecord.dossier_code == dossier.code, RecordEntryRecord.n == 2
            )
        ).one()
        entry.actor = "someone.else"
        session.add_all([row, entry])
        session.commit()
    assert len((await dossier.verify(env.client)).differences) == 2

    sessions = session_factory(make_engine(settings.resolved_database_url))
    assert await rebuild(env.client, sessions, dossier.store, [dossier.code]) == [dossier.code]
    report = await dossier.verify(env.client)
    assert report.differences == []
    with dossier.session() as session:
        repaired = dossier.action_row(session, seq)
    assert repaired.comment == "Đạt yêu cầu"


async def test_a_deleted_action_row_is_named(env: WorkflowEnvironment, settings: Settings) -> None:
    dossier = await eia_dossier(env, settings)
    seq = dossier.action("approve", "head")
    with dossier.session() as session:
        row = dossier.action_row(session, seq)
        session.delete(row)
        session.commit()
    report = await dossier.verify(env.client)
    assert report.differences == [
        f"action #{seq} (approve at head) is on the record but missing from the database (deleted)"
    ]


async def test_a_document_replaced_in_the_store_or_in_the_database_is_named(
    env: WorkflowEnvironment, settings: Settings
) -> None:
    dossier = await eia_dossier(env, settings)
    report_doc = dossier.document("eia_report")
    path = dossier.store.path(report_doc.sha256)
    path.write_bytes(b"%PDF-1.7\n% a different report\n%%EOF\n")
    report = await dossier.verify(env.client)
    assert report.differences == [
        f"document eia_report sha256 {report_doc.sha256[:12]}… replaced in the store"
        " (its bytes no longer match)"
    ]

    # The database pointed at another file instead: the row names the swap.
    other = stored(dossier.store, "eia_report", "báo cáo khác")
    with dossier.session() as session:
        row = session.exec(
            select(DocumentRecord).where(
                DocumentRecord.dossier_code == dossier.code,
                DocumentRecord.sha256 == report_doc.sha256,
            )
        ).one()
        row.sha256 = other.sha256
        session.add(row)
        session.commit()
    report = await dossier.verify(env.client)
    assert (
        f"document eia_report in the database points to {other.sha256[:12]}… instead of the"
        f" recorded {report_doc.sha256[:12]}… (replaced)"
    ) in report.differences


def forged_result(dossier: Dossier) -> tuple[bytes, FormRequest]:
    """A result that looks genuine: rendered from the real template, saying something else."""
    genuine = next(f for f in dossier.result.forms if f.kind == "result")
    request = FormRequest(
        key=f"{dossier.code}:forged",
        dossier_code=dossier.code,
        kind="result",
        issued_at=genuine.issued_at,
        context={
            "procedure_name": dossier.result.procedure_name,
            "procedure_code": dossier.result.procedure_code,
            "agency": dossier.result.agency,
            "applicant_name": "Công ty Kẻ Gian",
            "outcome": "approved",
            "reasons": "Phê duyệt toàn bộ, miễn mọi điều kiện",
        },
    )
    return render_form_pdf(request), request


async def test_a_forged_result_is_named_by_its_hash_and_its_seal(
    env: WorkflowEnvironment, settings: Settings, tmp_path: Any
) -> None:
    dossier = await eia_dossier(env, settings)
    genuine = next(f for f in dossier.result.forms if f.kind == "result")
    assert genuine.seal is not None
    data, _ = forged_result(dossier)
    assert data.startswith(b"%PDF")
    forged_sha = dossier.store.put(data)
    # Sealed with a key of the forger's own, over the forged hash.
    rogue = AgencySeals(tmp_path / "rogue", create_missing=True)
    message = seal_message(
        dossier=dossier.code,
        kind="result",
        sha256=forged_sha,
        issued_at=genuine.issued_at,
        head=genuine.seal.head,
    )
    _, signature = rogue.sign("so-tnmt", message)
    seal = FormSeal(key=dossier.result.agency, signature=signature, head=genuine.seal.head)
    with dossier.session() as session:
        row = session.exec(
            select(DocumentRecord).where(
                DocumentRecord.dossier_code == dossier.code, DocumentRecord.kind == "result"
            )
        ).one()
        row.sha256, row.size, row.seal = forged_sha, len(data), seal.model_dump(mode="json")
        session.add(row)
        session.commit()
    report = await dossier.verify(env.client)
    assert report.differences == [
        f"form result in the database points to {forged_sha[:12]}… instead of the recorded"
        f" {genuine.sha256[:12]}… (replaced)",
        f"form result ({forged_sha[:12]}…) in the database: seal does not verify — forged or"
        " altered",
    ]


async def test_a_rebuild_puts_back_replaced_altered_and_planted_document_rows(
    env: WorkflowEnvironment, settings: Settings
) -> None:
    dossier = await eia_dossier(env, settings)
    genuine = next(f for f in dossier.result.forms if f.kind == "result")
    report_doc = dossier.document("eia_report")
    data, _ = forged_result(dossier)
    forged_sha = dossier.store.put(data)
    planted = stored(dossier.store, "drawings", "bản vẽ cài vào")
    with dossier.session() as session:
        rows = session.exec(
            select(DocumentRecord).where(DocumentRecord.dossier_code == dossier.code)
        ).all()
        result = next(row for row in rows if row.kind == "result")
        result.sha256, result.size = forged_sha, len(data)  # the forged result, its seal kept
        receipt = next(row for row in rows if row.kind == "receipt")
        receipt.seal = {**(receipt.seal or {}), "head": "0" * 64}
        report_row = next(row for row in rows if row.sha256 == report_doc.sha256)
        report_row.file_name, report_row.size = "bao-cao-sua.pdf", 1
        session.add_all([result, receipt, report_row])
        session.add(
            DocumentRecord(
                dossier_code=dossier.code,
                source="applicant",
                added_at=genuine.issued_at,
                **planted.model_dump(),
            )
        )
        session.commit()
    assert len((await dossier.verify(env.client)).differences) == 5

    sessions = session_factory(make_engine(settings.resolved_database_url))
    assert await rebuild(env.client, sessions, dossier.store, [dossier.code]) == [dossier.code]
    report = await dossier.verify(env.client)
    assert report.differences == [], report.lines()
    with dossier.session() as session:
        rows = session.exec(
            select(DocumentRecord).where(DocumentRecord.dossier_code == dossier.code)
        ).all()
    assert {row.sha256 for row in rows if row.kind == "result"} == {genuine.sha256}
    assert planted.sha256 not in {row.sha256 for row in rows}
    report_row = next(row for row in rows if row.sha256 == report_doc.sha256)
    assert (report_row.file_name, report_row.size) == (report_doc.file_name, report_doc.size)


async def test_a_result_overwritten_in_the_store_is_named(
    env: WorkflowEnvironment, settings: Settings
) -> None:
    dossier = await eia_dossier(env, settings)
    genuine = next(f for f in dossier.result.forms if f.kind == "result")
    data, _ = forged_result(dossier)
    dossier.store.path(genuine.sha256).write_bytes(data)
    report = await dossier.verify(env.client)
    assert report.differences == [
        f"form result sha256 {genuine.sha256[:12]}… replaced in the store (its bytes no longer"
        " match)"
    ]


async def test_a_modified_record_row_is_named(env: WorkflowEnvironment, settings: Settings) -> None:
    dossier = await eia_dossier(env, settings)
    entry = next(e for e in dossier.result.record if e.kind == "action")
    with dossier.session() as session:
        row = session.exec(
            select(RecordEntryRecord).where(
                RecordEntryRecord.dossier_code == dossier.code, RecordEntryRecord.n == entry.n
            )
        ).one()
        row.actor = "tnmt.director"
        session.add(row)
        session.commit()
    report = await dossier.verify(env.client)
    assert report.differences == [
        f"record entry {entry.describe()} in the database differs from the record: actor changed"
    ]


def rewrite_from(entries: list[RecordEntry], n: int, subject: dict[str, Any]) -> list[RecordEntry]:
    """The record as a forger with database access rewrites it: entry `n` changed and every
    entry after it rehashed, so the chain holds again."""
    rewritten = entries[: n - 1]
    for entry in entries[n - 1 :]:
        rewritten.append(
            chained(
                rewritten,
                at=entry.at,
                kind=entry.kind,
                actor=entry.actor,
                subject=subject if entry.n == n else entry.subject,
                digest=entry.digest,
            )
        )
    return rewritten


async def test_without_the_history_the_seals_still_expose_a_rewritten_record(
    env: WorkflowEnvironment, dev_env: WorkflowEnvironment, settings: Settings
) -> None:
    dossier = await eia_dossier(env, settings)
    gone = dev_env.client  # another server: it holds no history of this dossier
    report = await dossier.verify(gone)
    assert report.lines() == [
        f"{dossier.code}: history no longer held by Temporal: the database's record is checked"
        " against itself and the seals",
        f"{dossier.code}: record intact ({len(dossier.result.record)} entries, 4 documents,"
        " 3 forms sealed)",
    ]

    # The specialist's comment changed, its entry and every later entry rehashed to match.
    seq = dossier.action("approve", "specialist")
    entry = next(e for e in dossier.result.record if e.subject.get("seq") == seq)
    with dossier.session() as session:
        action = dossier.action_row(session, seq)
        action.comment = "Không đạt"
        session.add(action)
        changed = {
            **entry.subject,
            "row": action_digest(
                {
                    **next(a for a in dossier.result.actions if a.seq == seq).model_dump(
                        mode="json"
                    ),
                    "comment": "Không đạt",
                }
            ),
        }
        rewritten = rewrite_from(list(dossier.result.record), entry.n, changed)
        rows = session.exec(
            select(RecordEntryRecord).where(RecordEntryRecord.dossier_code == dossier.code)
        ).all()
        for row in rows:
            new = rewritten[row.n - 1]
            row.subject, row.prev, row.hash = new.subject, new.prev, new.hash
            session.add(row)
        session.commit()
    report = await dossier.verify(gone)
    assert report.differences == [
        f"form result ({r.sha256[:12]}…): its seal covers a record that is not this one"
        " (the entries before it were rewritten)"
        for r in dossier.result.forms
        if r.kind == "result"
    ]
    # With the history, the same rewrite is named entry by entry and row by row.
    with_history = await dossier.verify(env.client)
    assert (
        f"record entry {entry.describe()} in the database differs from the record:"
        " subject, hash changed"
    ) in with_history.differences
    assert (
        f"action #{seq} (approve at specialist) in the database differs from the record:"
        " comment changed"
    ) in with_history.differences


async def test_a_falsified_dossier_row_or_hand_over_is_named(
    env: WorkflowEnvironment, settings: Settings
) -> None:
    dossier = await eia_dossier(env, settings)
    forged = "f" * 64
    with dossier.session() as session:
        row = session.get(DossierRecord, dossier.code)
        assert row is not None
        row.outcome, row.applicant_name = "rejected", "Người Khác"
        session.add(row)
        handed = session.exec(
            select(DeliveryRecord).where(DeliveryRecord.dossier_code == dossier.code)
        ).one()
        recorded, handed.form_sha256 = handed.form_sha256, forged
        session.add(handed)
        session.commit()
    report = await dossier.verify(env.client)
    assert report.differences == [
        f"the hand-over by online of {recorded[:12]}… in the database differs from the record:"
        " form_sha256 changed",
        "the dossier row in the database differs from the history: outcome changed",
        "the dossier row in the database differs from the submission: applicant_name changed",
    ]


async def test_a_projection_rebuilt_from_the_histories_verifies_clean(
    env: WorkflowEnvironment, settings: Settings
) -> None:
    dossier = await eia_dossier(env, settings)
    with dossier.session() as session:
        for table in (RecordEntryRecord, ActionRecord, DocumentRecord):
            session.execute(delete(table).where(table.dossier_code == dossier.code))  # type: ignore[attr-defined]
        session.execute(delete(DossierRecord).where(DossierRecord.code == dossier.code))  # type: ignore[arg-type]
        session.commit()
    broken = await dossier.verify(env.client)
    assert "the dossier row is missing from the database (deleted)" in broken.differences

    sessions = session_factory(make_engine(settings.resolved_database_url))
    assert await rebuild(env.client, sessions, dossier.store, [dossier.code]) == [dossier.code]
    report = await dossier.verify(env.client)
    assert report.differences == []
    assert report.sealed == 3


async def test_an_open_dossier_verifies_clean_while_its_last_entry_awaits_projection(
    env: WorkflowEnvironment, settings: Settings
) -> None:
    proc = procedure("extract")
    sub = submission("extract")
    store = DocumentStore(settings.resolved_document_dir)
    sub = sub.model_copy(update={"documents": [stored(store, d.kind, "") for d in sub.documents]})
    async with running_worker(env, settings) as queue:
        handle = await start(env.client, queue, sub)
        await act(handle, assignee(proc, "reception"), "accept")
        operator = next(o for o in officers().values() if o.role == "operator")
        # A retry is recorded at once, not projected until the dossier's next step.
        state = await send(handle, DossierWorkflow.retry, RetryRequest(officer=operator))
        assert state.record[-1].kind == "retry"
        dossier = Dossier(sub.code, state, settings)
        report = await dossier.verify(env.client)
        assert report.differences == []
        # the update answered a receipt: its entry reaches the history with the next step
        assert report.entries == len(state.record) - 1
        assert [n for n in report.notes if "update retry" in n and "awaits its projection" in n]
        await act(handle, assignee(proc, "review"), "approve")
        report = await dossier.verify(env.client)
        assert report.differences == []


async def test_the_record_is_checked_against_the_updates_in_the_history(
    env: WorkflowEnvironment, settings: Settings
) -> None:
    dossier = await eia_dossier(env, settings)
    history = await read_history(env.client, dossier.code)
    assert history is not None
    report = Report(dossier.code)
    assert check_history(report, history) == dossier.result.record
    assert report.differences == []

    # An entry for which the history holds no update: the record was given an action.
    approval = history.updates.pop()
    report = Report(dossier.code)
    check_history(report, history)
    entry = next(e for e in dossier.result.record if e.digest == input_digest(approval.item))
    assert report.differences == [
        f"record entry {entry.describe()} matches no update in the history (forged)"
    ]

    # An update the history applied without its entry: an action left off the record.
    history.updates.append(approval)
    forged = approval.item.model_copy(update={"comment": "Khác"})
    history.updates.append(Update("act", forged, approval.at))
    report = Report(dossier.code)
    check_history(report, history)
    assert report.differences == [f"update act ({approval.describe()}) has no entry in the record"]


# -- the command --------------------------------------------------------------------------


@pytest.fixture
def cli_env(
    dev_env: WorkflowEnvironment, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    yield from cli_deployment(dev_env, monkeypatch)


async def test_verify_command_prints_one_line_per_dossier_and_fails_on_a_difference(
    dev_env: WorkflowEnvironment, cli_env: Settings
) -> None:
    first = await eia_dossier(dev_env, cli_env, cli_env.task_queue)
    second = await eia_dossier(dev_env, cli_env, cli_env.task_queue)

    result = await asyncio.to_thread(hoso, "verify", first.code)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        f"{first.code}: record intact ({len(first.result.record)} entries, 4 documents,"
        " 3 forms sealed)"
    )

    sha = first.document("project").sha256
    first.store.path(sha).write_bytes(b"%PDF-1.7\n% swapped\n%%EOF\n")
    result = await asyncio.to_thread(hoso, "verify", "--all")
    assert result.exit_code == 1
    assert sorted(result.stdout.splitlines()) == sorted(
        [
            f"{first.code}: document project sha256 {sha[:12]}… replaced in the store (its bytes"
            " no longer match)",
            f"{second.code}: record intact ({len(second.result.record)} entries, 4 documents,"
            " 3 forms sealed)",
            "checked 2: 1 intact, 1 with differences, 0 failed",
        ]
    )

    result = await asyncio.to_thread(hoso, "verify")
    assert result.exit_code == 1
    assert "name one dossier CODE or --all" in result.stderr


async def test_verify_all_names_a_dossier_the_database_lost_and_rebuild_all_brings_it_back(
    dev_env: WorkflowEnvironment, cli_env: Settings
) -> None:
    kept = await eia_dossier(dev_env, cli_env, cli_env.task_queue)
    lost = await eia_dossier(dev_env, cli_env, cli_env.task_queue)
    with lost.session() as session:
        for table in (ActionRecord, DocumentRecord, RecordEntryRecord, DeliveryRecord):
            session.exec(delete(table).where(table.dossier_code == lost.code))  # type: ignore[call-overload]
        session.exec(delete(DossierRecord).where(DossierRecord.code == lost.code))  # type: ignore[call-overload]
        session.commit()
    while len([c async for c in dossier_codes(dev_env.client, cli_env.task_queue)]) < 2:
        await asyncio.sleep(0.1)  # the server's list catches up with its dossiers

    result = await asyncio.to_thread(hoso, "verify", "--all")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert f"{kept.code}: record intact ({len(kept.result.record)} entries, 4 documents," in (
        result.stdout
    )
    assert f"{lost.code}: the dossier row is missing from the database (deleted)" in lines

    result = await asyncio.to_thread(hoso, "rebuild", "--all")
    assert result.exit_code == 0, result.output
    assert "rebuilt 2 dossiers" in result.stdout
    result = await asyncio.to_thread(hoso, "verify", "--all")
    assert result.exit_code == 0, result.output
    assert sorted(result.stdout.splitlines()) == sorted(
        [
            *(
                f"{d.code}: record intact ({len(d.result.record)} entries, 4 documents,"
                " 3 forms sealed)"
                for d in (kept, lost)
            ),
            "checked 2: 2 intact, 0 with differences, 0 failed",
        ]
    )


async def test_a_row_projected_before_the_contact_columns_is_named_and_a_rebuild_fills_it(
    env: WorkflowEnvironment, settings: Settings
) -> None:
    dossier = await eia_dossier(env, settings)
    with dossier.session() as session:
        row = session.get(DossierRecord, dossier.code)
        assert row is not None and row.applicant_phone == APPLICANT.phone
        assert row.applicant_address == APPLICANT.address
        row.applicant_address = row.applicant_phone = None  # as migration 0004 leaves it
        session.add(row)
        session.commit()
    report = await dossier.verify(env.client)
    assert report.differences == [
        "the dossier row lacks applicant_address, applicant_phone (projected before migration"
        " 0004): `hoso rebuild` fills them from the history"
    ]

    sessions = session_factory(make_engine(settings.resolved_database_url))
    assert await rebuild(env.client, sessions, dossier.store, [dossier.code]) == [dossier.code]
    assert (await dossier.verify(env.client)).differences == []
    with dossier.session() as session:
        row = session.get(DossierRecord, dossier.code)
        assert row is not None and row.applicant_address == APPLICANT.address


async def test_a_deleted_or_planted_worklist_row_is_named_and_a_rebuild_puts_it_right(
    env: WorkflowEnvironment, settings: Settings
) -> None:
    proc = procedure("extract")
    sub = submission("extract")
    store = DocumentStore(settings.resolved_document_dir)
    sub = sub.model_copy(update={"documents": [stored(store, d.kind, "") for d in sub.documents]})
    async with running_worker(env, settings) as queue:
        handle = await start(env.client, queue, sub)
        state = await act(handle, assignee(proc, "reception"), "accept")
        dossier = Dossier(sub.code, state, settings)
        assert (await dossier.verify(env.client)).differences == []
        with dossier.session() as session:
            held = session.exec(
                select(WaitingRecord).where(WaitingRecord.dossier_code == sub.code)
            ).one()
            session.delete(held)
            session.add(
                WaitingRecord(dossier_code=sub.code, kind="council", party="x", due=held.due)
            )
            session.commit()
        report = await dossier.verify(env.client)
        assert report.differences == [
            "the worklist rows name waiting the history does not: council x",
            f"the worklist rows lack waiting the history holds: stage {held.party}",
        ]
        sessions = session_factory(make_engine(settings.resolved_database_url))
        assert await rebuild(env.client, sessions, dossier.store, [sub.code]) == [sub.code]
        assert (await dossier.verify(env.client)).differences == []
