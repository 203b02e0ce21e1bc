"""The tamper-evident record: each entry chained to the one before, forms sealed by the agency."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select
from temporalio.testing import WorkflowEnvironment

from activities.database import make_engine
from config import Settings
from models.credentials import digest
from models.dossier import DossierSubmission
from models.record import (
    GENESIS,
    FormSeal,
    RecordEntry,
    chain_breaks,
    chained,
    input_digest,
    seal_message,
)
from models.tables import DocumentRecord, RecordEntryRecord
from support.seals import AgencySeals, SealError, create_seal_key, public_seals, seal_problem
from support.verify_documents import row_seal_problem
from tests.workflows.harness import (
    act,
    admitted,
    assignee,
    pay,
    procedure,
    running_worker,
    start,
    submission,
)

pytestmark = pytest.mark.timeout(120)
T0 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


def record(count: int) -> list[RecordEntry]:
    entries: list[RecordEntry] = []
    for n in range(count):
        entries.append(
            chained(
                entries,
                at=T0 + timedelta(minutes=n),
                kind="action",
                actor=f"officer-{n}",
                subject={"seq": n + 1, "action": "approve", "stage": "review", "row": "x"},
                digest=digest({"n": n}),
            )
        )
    return entries


def test_entries_chain_each_to_the_one_before() -> None:
    entries = record(4)
    assert entries[0].prev == GENESIS
    assert [e.prev for e in entries[1:]] == [e.hash for e in entries[:-1]]
    assert [e.n for e in entries] == [1, 2, 3, 4]
    assert chain_breaks(entries) == []


def test_a_changed_entry_breaks_the_chain() -> None:
    entries = record(4)
    altered = entries[1].model_copy(update={"actor": "someone-else"})
    assert chain_breaks([entries[0], altered, *entries[2:]]) == [
        "record entry #2 action approve at review: its hash does not match its content (altered)"
    ]
    # Rehashing the altered entry moves the break to the next link.
    rehashed = altered.model_copy(update={"hash": altered.computed_hash()})
    problems = chain_breaks([entries[0], rehashed, *entries[2:]])
    assert problems == [
        "record entry #3 action approve at review does not follow the entry before it"
        " (an entry was removed, inserted or altered)"
    ]


def test_a_removed_entry_breaks_the_chain() -> None:
    entries = record(4)
    problems = chain_breaks([entries[0], entries[2], entries[3]])
    assert any("#3 action approve at review is at position 2" in p for p in problems)
    assert any("#3 action approve at review does not follow" in p for p in problems)


def test_digest_covers_the_input_as_sent() -> None:
    one = FormSeal(key="so-tnmt", signature="abc", head=GENESIS)
    other = one.model_copy(update={"signature": "abd"})
    assert input_digest(one) != input_digest(other)
    assert input_digest(one) == input_digest(FormSeal.model_validate(one.model_dump()))


def test_development_creates_one_private_seal_key_per_agency(tmp_path: Path) -> None:
    seals = AgencySeals(tmp_path, create_missing=True)
    message = seal_message(
        dossier="so-tnmt-261130-0001", kind="result", sha256="a" * 64, issued_at=T0, head=GENESIS
    )
    key_id, signature = seals.sign("so-tnmt", message)
    assert key_id == "so-tnmt"
    key = tmp_path / "seal-so-tnmt.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert (tmp_path / "seal-so-tnmt.pub").is_file()
    again = AgencySeals(tmp_path, create_missing=True).sign("so-tnmt", message)
    assert again == (key_id, signature)  # the same key; Ed25519 is deterministic: same seal

    keys = public_seals(Settings(data_dir=tmp_path.parent, keys_dir=tmp_path))
    seal = FormSeal(key="so-tnmt", signature=signature, head=GENESIS)
    fields = {
        "dossier": "so-tnmt-261130-0001",
        "kind": "result",
        "issued_at": "2026-11-30T01:00:00Z",
    }
    assert seal_problem(keys, agency="so-tnmt", sha256="a" * 64, seal=seal, **fields) is None
    assert seal_problem(keys, agency="so-tnmt", sha256="b" * 64, seal=seal, **fields) == (
        "seal does not verify — forged or altered"
    )
    assert "not of the agency so-xay-dung" in str(
        seal_problem(keys, agency="so-xay-dung", sha256="a" * 64, seal=seal, **fields)
    )
    assert seal_problem(keys, agency="so-tnmt", sha256="a" * 64, seal=None, **fields) == (
        "is not sealed"
    )


def test_production_refuses_to_seal_without_the_agency_key(tmp_path: Path) -> None:
    seals = AgencySeals(tmp_path, create_missing=False)
    with pytest.raises(SealError, match="no seal key for agency so-tnmt"):
        seals.sign("so-tnmt", b"form")
    with pytest.raises(SealError, match="not an agency id"):
        AgencySeals(tmp_path, create_missing=True).sign("../escape", b"form")
    assert list(tmp_path.iterdir()) == []

    assert create_seal_key(tmp_path, "so-tnmt") == "so-tnmt"  # installed by an operator
    assert (tmp_path / "seal-so-tnmt.pub").is_file()
    key_id, signature = seals.sign("so-tnmt", b"form")
    keys = public_seals(Settings(data_dir=tmp_path.parent, keys_dir=tmp_path))
    assert set(keys.public) == {"so-tnmt"} and key_id == "so-tnmt" and signature


async def test_a_dossier_records_every_action_document_and_sealed_form(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    proc = procedure("extract")
    sub = submission("extract")
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, sub)
        await act(handle, assignee(proc, "reception"), "accept", comment="Đủ")
        await act(handle, assignee(proc, "review"), "approve")
        state = await act(handle, assignee(proc, "decide"), "approve", comment="Cấp")
        await pay(handle)  # the extract's fee is paid before delivery
        result = await handle.result()

    chain = result.record
    assert chain_breaks(chain) == []
    assert [e.kind for e in chain] == [
        "submission",
        "document",
        "document",
        "action",
        "form",
        "action",
        "action",
        "form",
        "system",  # the payment asked for
        "system",  # the attempt started
        "system",  # the fee paid
        "form",  # its receipt
        "handover",
    ]
    # The submission as the workflow received it: every field it was sent with, intake's seal
    # (deterministic: Ed25519) included.
    started = admitted(sub, settings)
    assert chain[0].digest == input_digest(
        DossierSubmission.model_validate_json(started.model_dump_json())
    )
    assert [e.subject["sha256"] for e in chain if e.kind == "document"] == [
        d.sha256 for d in sub.documents
    ]
    decision = chain[6]
    assert decision.actor == assignee(proc, "decide").id
    assert decision.subject["signed_by"] == decision.actor  # the digest covers the proof
    assert decision.subject["token"]
    assert [f.seal is not None and f.seal.key == "ubnd-xa" for f in result.forms] == [True] * 3
    assert result.forms[0].seal and result.forms[0].seal.head == chain[3].hash  # after accept
    assert state.record == chain[: len(state.record)]

    with Session(make_engine(settings.resolved_database_url)) as session:
        rows = session.exec(
            select(RecordEntryRecord)
            .where(RecordEntryRecord.dossier_code == sub.code)
            .order_by(RecordEntryRecord.n)  # type: ignore[arg-type]
        ).all()
        forms = session.exec(
            select(DocumentRecord).where(
                DocumentRecord.dossier_code == sub.code, DocumentRecord.source == "form"
            )
        ).all()
    assert [RecordEntry.model_validate(r, from_attributes=True) for r in rows] == chain
    assert {f.kind: f.seal for f in forms} == {
        f.kind: f.seal.model_dump(mode="json") for f in result.forms if f.seal
    }
    keys = public_seals(settings)
    assert [row_seal_problem(keys, "ubnd-xa", sub.code, row) for row in forms] == [None] * 3
