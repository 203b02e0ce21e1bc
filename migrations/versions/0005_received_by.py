"""the counter officer who received a dossier, in the dossier row

Revision ID: 0005
Revises: 0004

Dossiers projected before this received none at the counter by a named officer: empty.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dossier") as batch_op:
        batch_op.add_column(
            sa.Column("received_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("dossier") as batch_op:
        batch_op.drop_column("received_by")
