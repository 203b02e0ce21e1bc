"""fee payments: every attempt to pay online (one unique transaction reference each), the gateway
answers refused, and the fee paid on the dossier's row (for the fees report and indicator 3.6)

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
WHEN = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "payment",
        sa.Column("reference", TEXT(), nullable=False),
        sa.Column("dossier_code", TEXT(), nullable=False),
        sa.Column("procedure_code", TEXT(), nullable=False),
        sa.Column("agency", TEXT(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("status", TEXT(), nullable=False),
        sa.Column("created_at", WHEN(), nullable=False),
        sa.Column("transaction_number", TEXT(), nullable=True),
        sa.Column("bank", TEXT(), nullable=True),
        sa.Column("response_code", TEXT(), nullable=True),
        sa.Column("paid_at", WHEN(), nullable=True),
        sa.Column("refund_owed", sa.Boolean(), nullable=False),
        sa.Column("refund_made_at", WHEN(), nullable=True),
        sa.Column("refund_made_by", TEXT(), nullable=True),
        sa.Column("refund_note", TEXT(), nullable=True),
        sa.PrimaryKeyConstraint("reference"),
    )
    for column in ("dossier_code", "procedure_code", "agency", "status", "paid_at"):
        op.create_index(op.f(f"ix_payment_{column}"), "payment", [column], unique=False)
    op.create_table(
        "payment_refusal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", WHEN(), nullable=False),
        sa.Column("answer", TEXT(), nullable=False),
        sa.Column("reason", TEXT(), nullable=False),
        sa.Column("reference", TEXT(), nullable=True),
        sa.Column("dossier_code", TEXT(), nullable=True),
        sa.Column("remote", TEXT(), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("at", "reference"):
        op.create_index(
            op.f(f"ix_payment_refusal_{column}"), "payment_refusal", [column], unique=False
        )
    with op.batch_alter_table("dossier") as batch:
        batch.add_column(sa.Column("fee_amount", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("fee_channel", TEXT(), nullable=True))
        batch.add_column(sa.Column("fee_paid_at", WHEN(), nullable=True))
        batch.add_column(
            sa.Column("refund_owed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.create_index("ix_dossier_fee_paid_at", ["fee_paid_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dossier") as batch:
        batch.drop_index("ix_dossier_fee_paid_at")
        for column in ("refund_owed", "fee_paid_at", "fee_channel", "fee_amount"):
            batch.drop_column(column)
    for column in ("at", "reference"):
        op.drop_index(op.f(f"ix_payment_refusal_{column}"), table_name="payment_refusal")
    op.drop_table("payment_refusal")
    for column in ("dossier_code", "procedure_code", "agency", "status", "paid_at"):
        op.drop_index(op.f(f"ix_payment_{column}"), table_name="payment")
    op.drop_table("payment")
