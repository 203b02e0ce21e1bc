"""appointments at the counter: each one-stop unit's published counters, and the citizens'
bookings, one place of one slot each (a unique place per counter and slot holds the capacity)

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
WHEN = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "counter_set",
        sa.Column("agency", TEXT(), nullable=False),
        sa.Column("unit", TEXT(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("published_at", WHEN(), nullable=False),
        sa.PrimaryKeyConstraint("agency", "unit"),
    )
    op.create_table(
        "booking",
        sa.Column("code", TEXT(), nullable=False),
        sa.Column("agency", TEXT(), nullable=False),
        sa.Column("unit", TEXT(), nullable=False),
        sa.Column("counter", TEXT(), nullable=False),
        sa.Column("procedure_code", TEXT(), nullable=False),
        sa.Column("slot_start", WHEN(), nullable=False),
        sa.Column("place", sa.Integer(), nullable=True),
        sa.Column("status", TEXT(), nullable=False),
        sa.Column("name", TEXT(), nullable=False),
        sa.Column("phone", TEXT(), nullable=False),
        sa.Column("id_number", TEXT(), nullable=False),
        sa.Column("email", TEXT(), nullable=True),
        sa.Column("created_at", WHEN(), nullable=False),
        sa.Column("checked_in_at", WHEN(), nullable=True),
        sa.Column("closed_at", WHEN(), nullable=True),
        sa.Column("dossier_code", TEXT(), nullable=True),
        sa.Column("checked_in_by", TEXT(), nullable=True),
        sa.PrimaryKeyConstraint("code"),
        sa.UniqueConstraint(
            "agency", "unit", "counter", "slot_start", "place", name="uq_booking_place"
        ),
    )
    for column in ("agency", "procedure_code", "slot_start", "id_number", "dossier_code"):
        op.create_index(op.f(f"ix_booking_{column}"), "booking", [column], unique=False)


def downgrade() -> None:
    for column in ("agency", "procedure_code", "slot_start", "id_number", "dossier_code"):
        op.drop_index(op.f(f"ix_booking_{column}"), table_name="booking")
    op.drop_table("booking")
    op.drop_table("counter_set")
