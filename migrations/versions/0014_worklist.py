"""the worklist from the projection: the stage's role and budget on the dossier row, and who each
open dossier waits for (`dossier_waiting`), indexed to be read soonest due first

Revision ID: 0014
Revises: 0013

Dossiers projected before this have no waiting rows until their next change: `hoso rebuild`
writes them from the histories at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dossier") as batch_op:
        batch_op.add_column(sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(
            sa.Column("stage_due_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    op.create_table(
        "dossier_waiting",
        sa.Column("dossier_code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("party", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["dossier_code"], ["dossier.code"]),
        sa.PrimaryKeyConstraint("dossier_code", "kind", "party"),
    )
    op.create_index(
        "ix_dossier_waiting_queue",
        "dossier_waiting",
        ["kind", "party", "due", "dossier_code"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_dossier_waiting_queue", table_name="dossier_waiting")
    op.drop_table("dossier_waiting")
    with op.batch_alter_table("dossier") as batch_op:
        batch_op.drop_column("stage_due_at")
        batch_op.drop_column("role")
