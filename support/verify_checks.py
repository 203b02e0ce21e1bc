"""The checks of `hoso verify` (support/verify.py): the database's rows, the document store and
the seals against a dossier's record. Each adds one line per difference to a `Report`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlmodel import select

from activities.database import SessionFactory
from activities.document_store import DocumentStore
from models.record import (
    ACTION_FIELDS,
    GENESIS,
    FormSeal,
    RecordEntry,
    Subject,
    action_digest,
    chain_breaks,
)
from models.state import ActionEntry
from models.tables import (
    ActionRecord,
    DeliveryRecord,
    DocumentRecord,
    DossierRecord,
    RecordEntryRecord,
)
from support.seals import SealKeys, seal_problem

ENTRY_FIELDS = ("at", "kind", "actor", "subject", "digest", "prev", "hash")
DOCUMENT_FIELDS = ("file_name", "size", "format")
_TIME = TypeAdapter(datetime)
Key = tuple[str, str]


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


@dataclass
class Report:
    """What `verify` found for one dossier: its differences, or how much it found intact."""

    code: str
    differences: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    entries: int = 0
    documents: int = 0
    sealed: int = 0

    def add(self, line: str) -> None:
        self.differences.append(line)

    def intact(self) -> str:
        return (
            f"{self.code}: record intact ({_count(self.entries, 'entry', 'entries')},"
            f" {_count(self.documents, 'document')}, {_count(self.sealed, 'form')} sealed)"
        )

    def lines(self) -> list[str]:
        """Notes, then one line per difference, or the intact line."""
        lines = [f"{self.code}: {note}" for note in self.notes]
        lines += [f"{self.code}: {difference}" for difference in self.differences]
        return lines if self.differences else [*lines, self.intact()]


@dataclass
class Rows:
    """The database's rows of one dossier."""

    dossier: DossierRecord | None
    actions: list[ActionRecord]
    documents: list[DocumentRecord]
    entries: list[RecordEntryRecord]
    deliveries: list[DeliveryRecord]

    @property
    def empty(self) -> bool:
        return self.dossier is None and not (self.actions or self.documents or self.entries)


def load_rows(sessions: SessionFactory, code: str) -> Rows:
    with sessions() as session:
        return Rows(
            dossier=session.get(DossierRecord, code),
            actions=list(
                session.exec(select(ActionRecord).where(ActionRecord.dossier_code == code))
            ),
            documents=list(
                session.exec(select(DocumentRecord).where(DocumentRecord.dossier_code == code))
            ),
            entries=list(
                session.exec(
                    select(RecordEntryRecord)
                    .where(RecordEntryRecord.dossier_code == code)
                    .order_by(RecordEntryRecord.n)  # type: ignore[arg-type]
                )
            ),
            deliveries=list(
                session.exec(select(DeliveryRecord).where(DeliveryRecord.dossier_code == code))
            ),
        )


def json_value(value: Any) -> Any:
    return _TIME.dump_python(value, mode="json") if isinstance(value, datetime) else value


def short(sha: Any) -> str:
    return f"{str(sha)[:12]}…"


def _entry_row(row: RecordEntryRecord) -> dict[str, Any]:
    return {name: json_value(getattr(row, name)) for name in ("n", *ENTRY_FIELDS)}


def entries_from_rows(report: Report, rows: Sequence[RecordEntryRecord]) -> list[RecordEntry]:
    """The database's own record (when the history is gone); unreadable rows are named."""
    chain = []
    for row in rows:
        try:
            chain.append(RecordEntry.model_validate(_entry_row(row)))
        except ValidationError:
            report.add(f"record entry #{row.n} in the database is malformed (altered)")
    return chain


def check_chain(report: Report, chain: Sequence[RecordEntry], where: str) -> None:
    for problem in chain_breaks(chain):
        report.add(f"{where}: {problem}")


def check_record_rows(
    report: Report, chain: Sequence[RecordEntry], rows: Sequence[RecordEntryRecord], required: int
) -> None:
    """The projected entries are the record's, field for field; entries 1..`required` exist."""
    by_n = {row.n: row for row in rows}
    numbers = {entry.n for entry in chain}
    for entry in chain:
        row = by_n.get(entry.n)
        if row is None:
            if entry.n <= required:
                report.add(
                    f"record entry {entry.describe()} is missing from the database (deleted)"
                )
            continue
        expected, actual = entry.model_dump(mode="json"), _entry_row(row)
        changed = [name for name in ENTRY_FIELDS if expected[name] != actual[name]]
        if changed:
            report.add(
                f"record entry {entry.describe()} in the database differs from the record:"
                f" {', '.join(changed)} changed"
            )
    for n in sorted(set(by_n) - numbers):
        report.add(f"record entry #{n} in the database is not on the record (added)")


def _action_row(row: ActionRecord) -> dict[str, Any] | None:
    try:
        entry = ActionEntry.model_validate({name: getattr(row, name) for name in ACTION_FIELDS})
    except ValidationError:
        return None
    return entry.model_dump(mode="json")


def check_action_rows(
    report: Report,
    chain: Sequence[RecordEntry],
    rows: Sequence[ActionRecord],
    expected: dict[int, dict[str, Any]] | None,
    required: int | None,
) -> None:
    """Each action row hashes to its entry; with the history's rows (`expected`) the changed
    columns are named. Rows 1..`required` exist (None: all); rows off the record are named."""
    recorded = {
        seq: entry.subject
        for entry in chain
        if isinstance(seq := entry.subject.get("seq"), int) and "row" in entry.subject
    }
    by_seq = {row.seq: row for row in rows}
    for seq, subject in sorted(recorded.items()):
        stage = f" at {subject['stage']}" if subject.get("stage") else ""
        label = f"action #{seq} ({subject['action']}{stage})"
        row = by_seq.get(seq)
        if row is None:
            if required is None or seq <= required:
                report.add(f"{label} is on the record but missing from the database (deleted)")
            continue
        actual = _action_row(row)
        if actual is not None and action_digest(actual) == subject["row"]:
            continue
        known = expected.get(seq) if expected else None
        changed = (
            [name for name in ACTION_FIELDS if known.get(name) != actual.get(name)]
            if known is not None and actual is not None
            else []
        )
        detail = f": {', '.join(changed)} changed" if changed else ""
        report.add(f"{label} in the database differs from the record{detail}")
    for seq in sorted(set(by_seq) - set(recorded)):
        report.add(
            f"action #{seq} ({by_seq[seq].action}) in the database is not on the record (added)"
        )


def recorded_documents(chain: Sequence[RecordEntry]) -> dict[Key, tuple[str, Subject]]:
    """{(kind, sha256): (entry kind, subject)} of the documents and forms on the record."""
    return {
        (str(entry.subject["kind"]), str(entry.subject["sha256"])): (entry.kind, entry.subject)
        for entry in chain
        if entry.kind in ("document", "form")
    }


def recorded_seal(subject: Subject) -> dict[str, Any] | None:
    if subject.get("seal") is None:
        return None
    return {
        "key": subject.get("key"),
        "signature": subject.get("seal"),
        "head": subject.get("head"),
    }


def row_seal_problem(
    keys: SealKeys, agency: str | None, code: str, row: DocumentRecord
) -> str | None:
    """What is wrong with a form row's own seal (None when it verifies)."""
    try:
        seal = FormSeal.model_validate(row.seal) if row.seal is not None else None
    except ValidationError:
        return "seal is malformed — forged or altered"
    return seal_problem(
        keys,
        agency=agency or (seal.key if seal else ""),
        dossier=code,
        kind=row.kind,
        sha256=row.sha256,
        issued_at=json_value(row.added_at),
        seal=seal,
    )


def check_document_rows(
    report: Report,
    chain: Sequence[RecordEntry],
    rows: Sequence[DocumentRecord],
    required: set[Key],
    *,
    agency: str | None,
    keys: SealKeys,
) -> None:
    """Each document and form row is on the record (by kind and hash) with the recorded name,
    size, format and seal; a row pointing elsewhere is named as a replacement."""
    recorded = recorded_documents(chain)
    present = {(row.kind, row.sha256) for row in rows}
    missing = [key for key in recorded if key not in present and key in required]
    for row in rows:
        what = "form" if row.source == "form" else "document"
        label = f"{what} {row.kind}"
        found = recorded.get((row.kind, row.sha256))
        if found is None:
            instead = next((key for key in missing if key[0] == row.kind), None)
            if instead is not None:
                missing.remove(instead)
                report.add(
                    f"{label} in the database points to {short(row.sha256)} instead of the"
                    f" recorded {short(instead[1])} (replaced)"
                )
            else:
                report.add(f"{label} {short(row.sha256)} in the database is not on the record")
            if row.source == "form":
                problem = row_seal_problem(keys, agency, report.code, row)
                if problem is not None:
                    report.add(f"{label} ({short(row.sha256)}) in the database: {problem}")
            continue
        kind, subject = found
        if kind == "form":
            if row.seal != recorded_seal(subject):
                problem = row_seal_problem(keys, agency, report.code, row)
                report.add(
                    f"{label} ({short(row.sha256)}): the seal in the database differs from the"
                    " record" + (f"; {problem}" if problem else "")
                )
            continue
        changed = [name for name in DOCUMENT_FIELDS if getattr(row, name) != subject.get(name)]
        if changed:
            report.add(
                f"{label} ({short(row.sha256)}) in the database differs from the record:"
                f" {', '.join(changed)} changed"
            )
    for kind, sha in missing:
        what = recorded[(kind, sha)][0]
        report.add(f"{what} {kind} {short(sha)} is on the record but missing from the database")


def check_seals(
    report: Report, chain: Sequence[RecordEntry], *, agency: str | None, keys: SealKeys
) -> None:
    """Every recorded form bears the agency's seal, over the record as it stood before it."""
    heads = {GENESIS}
    for entry in chain:
        if entry.kind == "form":
            subject = entry.subject
            label = f"form {subject['kind']} ({short(subject['sha256'])})"
            try:
                seal = (
                    FormSeal.model_validate(recorded_seal(subject)) if subject.get("seal") else None
                )
            except ValidationError:
                report.add(f"{label}: its recorded seal is malformed")
                seal = None
            else:
                problem = seal_problem(
                    keys,
                    agency=agency or (seal.key if seal else ""),
                    dossier=report.code,
                    kind=str(subject["kind"]),
                    sha256=str(subject["sha256"]),
                    issued_at=str(subject["issued_at"]),
                    seal=seal,
                )
                if problem is not None:
                    report.add(f"{label}: {problem}")
                elif seal is not None and seal.head not in heads:
                    report.add(
                        f"{label}: its seal covers a record that is not this one"
                        " (the entries before it were rewritten)"
                    )
                else:
                    report.sealed += 1
        heads.add(entry.hash)


def check_store(report: Report, store: DocumentStore, chain: Sequence[RecordEntry]) -> None:
    """Every recorded document and form is in the store and still hashes to its address."""
    seen: set[str] = set()
    for entry in chain:
        if entry.kind not in ("document", "form"):
            continue
        sha = str(entry.subject["sha256"])
        if sha in seen:
            continue
        seen.add(sha)
        label = f"{entry.kind} {entry.subject['kind']} sha256 {short(sha)}"
        try:
            stored = store.exists(sha)
        except ValueError:
            report.add(f"{label} is not a document reference (altered)")
            continue
        if not stored:
            report.add(f"{label} is missing from the store")
        elif not store.verify(sha):
            report.add(f"{label} replaced in the store (its bytes no longer match)")


def check_delivery_rows(
    report: Report, chain: Sequence[RecordEntry], rows: Sequence[DeliveryRecord]
) -> None:
    """Each hand-over row names a recorded hand-over: the same channel, result and tracking."""
    handed = {
        (entry.subject.get("channel"), entry.subject.get("sha256"), entry.subject.get("tracking"))
        for entry in chain
        if entry.kind == "handover"
    }
    for row in rows:
        if (row.channel, row.form_sha256, row.tracking) not in handed:
            report.add(
                f"the hand-over by {row.channel} of {short(row.form_sha256)} in the database"
                " differs from the record"
            )
