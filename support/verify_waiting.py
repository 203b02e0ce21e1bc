"""`hoso verify` of the worklist's rows (`dossier_waiting`): who an open dossier waits for, as
the states written since the last completed projection say; none once it is closed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from models.dossier import CLOSED_STATUSES
from models.projection import DossierChange, waiting_of
from models.tables import DossierRecord, WaitingRecord
from support.verify_checks import Report

Waiting = set[tuple[str, str, date]]


def told_waiting(change: DossierChange) -> bool:
    """The change says who waits (changes recorded before the worklist's rows did not)."""
    return "awaiting_agencies" in change.model_fields_set and "role" in change.row.model_fields_set


def _stored(rows: Sequence[WaitingRecord]) -> Waiting:
    return {(row.kind, row.party, row.due) for row in rows}


def _named(rows: Waiting) -> str:
    return ", ".join(f"{kind} {party}" for kind, party, _ in sorted(rows))


def check_waiting_rows(
    report: Report,
    rows: Sequence[WaitingRecord],
    candidates: Sequence[DossierChange],
    agency: str | None,
) -> None:
    """The rows are those of one of the candidate states; planted and missing ones are named."""
    told = [change for change in candidates if told_waiting(change)]
    if agency is None or not told:
        return
    stored, expected = _stored(rows), [waiting_of(change, agency) for change in told]
    if stored in expected:
        return
    newest = expected[-1]
    planted, missing = stored - newest, newest - stored
    if planted:
        report.add(f"the worklist rows name waiting the history does not: {_named(planted)}")
    if missing:
        report.add(f"the worklist rows lack waiting the history holds: {_named(missing)}")


def check_closed_waiting(
    report: Report, dossier: DossierRecord | None, rows: Sequence[WaitingRecord]
) -> None:
    """Without a history: a closed dossier waits for no one."""
    closed = {status.value for status in CLOSED_STATUSES}
    if rows and dossier is not None and dossier.status in closed:
        report.add(f"the worklist rows name waiting on a closed dossier: {_named(_stored(rows))}")
