"""What an approved EIA dossier (online delivery) must leave in the database and the document
store, counted row by row: a fault may delay a dossier, never lose or repeat one of these."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, select

from activities.database import make_engine
from activities.document_store import DocumentStore
from models.tables import (
    ActionRecord,
    DeliveryRecord,
    DocumentRecord,
    DossierRecord,
    NotificationRecord,
    RecordEntryRecord,
)
from tests.faults.load import Step

# The EIA chain's notices: the applicant's three, each stage's officers (specialist and head
# share the environment office), one request per consulted agency.
EIA_NOTICES = Counter(
    {
        "dossier_submitted": 1,
        "receipt_issued": 1,
        "result_ready_online": 1,
        "stage_assigned": 4,
        "consultation_requested": 3,
    }
)
EIA_DOCUMENTS = Counter(
    {
        ("eia_report", "applicant"): 1,
        ("drawings", "applicant"): 1,
        ("project", "applicant"): 1,
        ("receipt", "form"): 1,
        ("result", "form"): 1,
    }
)
# The record: the submission, its three documents, seven actions, two forms, the hand-over.
EIA_RECORD = Counter({"submission": 1, "document": 3, "action": 7, "form": 2, "handover": 1})


@dataclass
class Dossier:
    """One dossier's rows."""

    rows: int = 0
    status: str = ""
    actions: list[tuple[int, str, str]] = field(default_factory=list)
    notices: list[NotificationRecord] = field(default_factory=list)
    documents: list[DocumentRecord] = field(default_factory=list)
    deliveries: int = 0
    record: list[RecordEntryRecord] = field(default_factory=list)


def read(database_url: str, codes: Iterable[str]) -> dict[str, Dossier]:
    wanted = set(codes)
    found: dict[str, Dossier] = defaultdict(Dossier)
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            for row in session.exec(select(DossierRecord)):
                found[row.code].rows += 1
                found[row.code].status = row.status
            for action in session.exec(select(ActionRecord)):
                found[action.dossier_code].actions.append((action.seq, action.actor, action.action))
            for notice in session.exec(select(NotificationRecord)):
                found[notice.dossier_code].notices.append(notice)
            for document in session.exec(select(DocumentRecord)):
                found[document.dossier_code].documents.append(document)
            for delivery in session.exec(select(DeliveryRecord)):
                found[delivery.dossier_code].deliveries += 1
            for entry in session.exec(select(RecordEntryRecord)):
                found[entry.dossier_code].record.append(entry)
    finally:
        engine.dispose()
    strangers = set(found) - wanted
    assert not strangers, f"rows of dossiers nobody submitted: {sorted(strangers)[:5]}"
    return {code: found[code] for code in wanted}


def problems_of(
    code: str, rows: Dossier, path: list[Step], store: DocumentStore, *, smtp_failures: bool
) -> list[str]:
    """Everything wrong with one completed EIA dossier's rows (empty when all is in order)."""
    wrong = []
    if rows.rows != 1 or rows.status != "completed":
        wrong.append(f"dossier rows {rows.rows}, status {rows.status!r}")
    expected = [(n, s.officer.id, s.action) for n, s in enumerate(path, start=1)]
    if sorted(rows.actions) != expected:
        wrong.append(f"actions {sorted(rows.actions)}")
    wrong += _notice_problems(rows, smtp_failures)
    wrong += _document_problems(rows, store)
    if rows.deliveries != 1:
        wrong.append(f"deliveries {rows.deliveries}")
    wrong += _record_problems(rows)
    return [f"{code}: {w}" for w in wrong]


def _notice_problems(rows: Dossier, smtp_failures: bool) -> list[str]:
    wrong = []
    notices = Counter(n.template for n in rows.notices)
    if notices != EIA_NOTICES:
        wrong.append(f"notices {dict(notices)}")
    for notice in rows.notices:
        if notice.sent_at is None:
            wrong.append(f"notice {notice.key} never sent ({notice.last_error})")
        # Each notice leaves once: one successful attempt, after failed ones only in an outage.
        elif not smtp_failures and notice.attempts != 1:
            wrong.append(f"notice {notice.key} attempts {notice.attempts}")
    return wrong


def _document_problems(rows: Dossier, store: DocumentStore) -> list[str]:
    wrong = []
    documents = Counter((d.kind, d.source) for d in rows.documents)
    if documents != EIA_DOCUMENTS:
        wrong.append(f"documents {dict(documents)}")
    for form in (d for d in rows.documents if d.source == "form"):
        stored = store.verify(form.sha256) and store.path(form.sha256).stat().st_size == form.size
        if not stored or form.seal is None:
            wrong.append(f"form {form.kind} {form.sha256[:12]} not stored whole, or unsealed")
    return wrong


def _record_problems(rows: Dossier) -> list[str]:
    wrong = []
    if Counter(e.kind for e in rows.record) != EIA_RECORD:
        wrong.append(f"record {dict(Counter(e.kind for e in rows.record))}")
    chain = sorted(rows.record, key=lambda e: e.n)
    if [e.n for e in chain] != list(range(1, len(chain) + 1)) or any(
        later.prev != earlier.hash for earlier, later in zip(chain, chain[1:], strict=False)
    ):
        wrong.append("record entries not one unbroken chain")
    return wrong


def check_eia_rows(
    database_url: str,
    codes: Iterable[str],
    path: list[Step],
    store: DocumentStore,
    *,
    smtp_failures: bool = False,
    superseded: Iterable[str] = (),
) -> list[str]:
    """The problems of every dossier of `codes`, as lines (empty: none lost, none repeated).
    `superseded`: forms a reset dossier issued before its reset, kept on file without a row."""
    found = read(database_url, codes)
    wrong = []
    for code in sorted(found):
        wrong += problems_of(code, found[code], path, store, smtp_failures=smtp_failures)
    # Only the forms are stored here (the sample submissions reference documents by hash alone):
    # a form rendered twice with other bytes would be a file no row points at.
    forms = {d.sha256 for rows in found.values() for d in rows.documents if d.source == "form"}
    files = {p.name for p in store.root.glob("??/??/*") if p.is_file()}
    if stray := files - forms - set(superseded):
        wrong.append(f"stored files without a form row: {sorted(stray)[:5]}")
    if missing := forms - files:
        wrong.append(f"form rows without a stored file: {sorted(missing)[:5]}")
    return wrong


def document_store(data_dir: Path) -> DocumentStore:
    return DocumentStore(data_dir / "documents")
