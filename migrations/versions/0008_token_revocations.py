"""token revocations on a chained, append-only register (issue 22, item 6)

Revision ID: 0008
Revises: 0007

Tokens revoked before this have only their `revoked_at`: they are entered on the register here,
in the order they were revoked, so they stay revoked when the register alone is read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64


def upgrade() -> None:
    table = op.create_table(
        "token_revocation",
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("token_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("officer_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("revoked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("revoked_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("prev", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("n"),
        sa.UniqueConstraint("token_id"),
    )
    op.create_index("ix_token_revocation_officer_id", "token_revocation", ["officer_id"])
    tokens = sa.table(
        "officer_token",
        sa.column("token_id", sa.String()),
        sa.column("officer_id", sa.String()),
        sa.column("revoked_at", sqlmodel.sql.sqltypes.UTCDateTime()),
        sa.column("revoked_by", sa.String()),
    )
    rows = op.get_bind().execute(
        sa.select(tokens.c.token_id, tokens.c.officer_id, tokens.c.revoked_at, tokens.c.revoked_by)
        .where(tokens.c.revoked_at.is_not(None))
        .order_by(tokens.c.revoked_at, tokens.c.token_id)
    )
    prev, entries = GENESIS, []
    for n, row in enumerate(rows, start=1):
        token_id, officer_id, revoked_by = row.token_id, row.officer_id, row.revoked_by
        moment: datetime = row.revoked_at
        at = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        entry = {
            "n": n,
            "token_id": token_id,
            "officer_id": officer_id,
            "revoked_at": at.astimezone(UTC).isoformat(),
            "revoked_by": revoked_by or "unknown",
            "reason": "revoked before the register",
            "prev": prev,
        }
        text = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        prev = hashlib.sha256(text.encode()).hexdigest()
        entries.append(entry | {"revoked_at": at, "hash": prev})
    if entries:
        op.bulk_insert(table, entries)


def downgrade() -> None:
    op.drop_index("ix_token_revocation_officer_id", table_name="token_revocation")
    op.drop_table("token_revocation")
