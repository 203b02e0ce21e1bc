"""applicant contact in the dossier row: the address and phone column of the register (form 06)

Revision ID: 0004
Revises: 0003

Rows of dossiers projected before this stay empty there until `hoso rebuild` fills them from the
dossiers' histories.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dossier") as batch_op:
        batch_op.add_column(
            sa.Column("applicant_address", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("applicant_phone", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("dossier") as batch_op:
        batch_op.drop_column("applicant_phone")
        batch_op.drop_column("applicant_address")
