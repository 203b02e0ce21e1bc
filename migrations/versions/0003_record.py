"""tamper-evident record: each dossier's chained entries, and the seals of issued forms

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dossier_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("subject", sa.JSON(), nullable=False),
        sa.Column("digest", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("prev", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dossier_code", "n"),
    )
    op.create_index("ix_dossier_record_dossier_code", "dossier_record", ["dossier_code"])
    with op.batch_alter_table("dossier_document") as batch_op:
        batch_op.add_column(sa.Column("seal", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dossier_document") as batch_op:
        batch_op.drop_column("seal")
    op.drop_index("ix_dossier_record_dossier_code", table_name="dossier_record")
    op.drop_table("dossier_record")
