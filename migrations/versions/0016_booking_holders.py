"""the per-person lock row of appointments: a booking's transaction locks its identity number's
row before counting that person's future bookings (the limit holds under contention)

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "booking_holder",
        sa.Column("id_number", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("locked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id_number"),
    )


def downgrade() -> None:
    op.drop_table("booking_holder")
