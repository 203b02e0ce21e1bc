"""the API's submissions: a lookup secret (hashed) and the request's hash per submission, and the
nonces of signed requests (no replay)

Revision ID: 0007
Revises: 0006

Submissions made before this have no lookup secret: their applicants follow them at the counter
(or an officer issues a secret later).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("submission") as batch_op:
        batch_op.add_column(
            sa.Column("request_sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("lookup_secret_sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
    op.create_table(
        "request_nonce",
        sa.Column("nonce", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("seen_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("nonce"),
    )
    op.create_index(op.f("ix_request_nonce_seen_at"), "request_nonce", ["seen_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_request_nonce_seen_at"), table_name="request_nonce")
    op.drop_table("request_nonce")
    with op.batch_alter_table("submission") as batch_op:
        batch_op.drop_column("lookup_secret_sha256")
        batch_op.drop_column("request_sha256")
