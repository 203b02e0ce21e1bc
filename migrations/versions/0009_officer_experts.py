"""officers the registry marks as experts, whom councils may seat as experts (issue 22, item 13)

Revision ID: 0009
Revises: 0008

Officers registered before are not experts until their roster says so (`expert: true`).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("officer") as batch_op:
        batch_op.add_column(
            sa.Column("expert", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("officer") as batch_op:
        batch_op.drop_column("expert")
