"""The checks of `hoso verify` (support/verify.py): the database's rows against a dossier's
record and history — its record entries, actions and deliveries here, its documents, forms,
store and seals in support/verify_documents.py. Each adds one line per difference to a
`Report`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlmodel import select

from activities.database import SessionFactory
from models.record import (
    ACTION_FIELDS,
    RecordEntry,
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
    WaitingRecord,
)
from support.handovers import HistoryHandovers, pair_rows, recorded_handovers

ENTRY_FIELDS = ("at", "kind", "actor", "subject", "digest", "prev", "hash")
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
    waiting: list[WaitingRecord] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.dossier is None and not (
            self.actions or self.documents or self.entries or self.deliveries or self.waiting
        )


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
            waiting=list(
                session.exec(select(WaitingRecord).where(WaitingRecord.dossier_code == code))
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


def check_delivery_rows(
    report: Report,
    chain: Sequence[RecordEntry],
    rows: Sequence[DeliveryRecord],
    handed: HistoryHandovers | None = None,
) -> None:
    """Each delivery row shows a hand-over of the history (by its key) or of the record: the
    same channel, result, tracking number, and a time within the hand-over's; every completed
    hand-over has its row; a row no hand-over explains is named."""
    handed = handed or HistoryHandovers()
    paired = pair_rows(rows, recorded_handovers(chain, handed.done), handed.pending)
    for row, handover in paired.pairs:
        changed = handover.changed(row)
        if changed:
            report.add(
                f"the hand-over by {handover.channel} of {short(handover.form_sha256)} in the"
                f" database differs from the record: {', '.join(changed)} changed"
            )
    for row in paired.planted:
        report.add(
            f"the hand-over by {row.channel} of {short(row.form_sha256)} in the database is not"
            " on the record (added)"
        )
    for handover in paired.missing:
        report.add(
            f"the hand-over by {handover.channel} of {short(handover.form_sha256)} is on the"
            " record but missing from the database (deleted)"
        )
