"""The projection's `dossier_waiting` rows: who an open dossier waits for, as its newest change
says (models/projection.py `waiting_of`), written beside its row by `record_change`."""

from __future__ import annotations

from sqlalchemy import Connection, Table, bindparam, delete, insert, select

from models.projection import DossierChange, waiting_of
from models.tables import WaitingRecord

WAITING: Table = WaitingRecord.__table__  # type: ignore[attr-defined]
_STORED = select(WAITING.c.kind, WAITING.c.party, WAITING.c.due).where(
    WAITING.c.dossier_code == bindparam("code")
)
_DELETE = delete(WAITING).where(
    WAITING.c.dossier_code == bindparam("code"),
    WAITING.c.kind == bindparam("gone_kind"),
    WAITING.c.party == bindparam("gone_party"),
)


def write_waiting(db: Connection, change: DossierChange, agency: str) -> bool:
    """Makes the dossier's waiting rows those of the change; True when one was written."""
    wanted = waiting_of(change, agency)
    stored = {(kind, party, due) for kind, party, due in db.execute(_STORED, {"code": change.code})}
    gone, new = stored - wanted, wanted - stored
    if gone:
        db.execute(
            _DELETE,
            [{"code": change.code, "gone_kind": k, "gone_party": p} for k, p, _ in gone],
        )
    if new:
        db.execute(
            insert(WAITING),
            [{"dossier_code": change.code, "kind": k, "party": p, "due": d} for k, p, d in new],
        )
    return bool(gone or new)
