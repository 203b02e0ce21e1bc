"""actions the dossiers refused, for operators (issue 22, item 14)

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "refused_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("dossier_code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("update", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("officer_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("token_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_refused_action_at", "refused_action", ["at"])
    op.create_index("ix_refused_action_dossier_code", "refused_action", ["dossier_code"])
    op.create_index("ix_refused_action_officer_id", "refused_action", ["officer_id"])


def downgrade() -> None:
    op.drop_index("ix_refused_action_officer_id", table_name="refused_action")
    op.drop_index("ix_refused_action_dossier_code", table_name="refused_action")
    op.drop_index("ix_refused_action_at", table_name="refused_action")
    op.drop_table("refused_action")
