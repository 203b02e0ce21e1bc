"""the web pages' sign-in: officers' accounts (password, TOTP, lock-out), browser sessions, and
the record of sign-ins and sign-outs

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
TIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "officer_account",
        sa.Column("officer_id", TEXT(), nullable=False),
        sa.Column("password_hash", TEXT(), nullable=False),
        sa.Column("totp_secret", TEXT(), nullable=True),
        sa.Column("totp_enrolled_at", TIME(), nullable=True),
        sa.Column("totp_last_step", sa.Integer(), nullable=True),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", TIME(), nullable=True),
        sa.Column("password_set_at", TIME(), nullable=False),
        sa.PrimaryKeyConstraint("officer_id"),
    )
    op.create_table(
        "web_session",
        sa.Column("id", TEXT(), nullable=False),
        sa.Column("secret_sha256", TEXT(), nullable=False),
        sa.Column("officer_id", TEXT(), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("created_at", TIME(), nullable=False),
        sa.Column("last_seen_at", TIME(), nullable=False),
        sa.Column("ended_at", TIME(), nullable=True),
        sa.Column("ended_by", TEXT(), nullable=True),
        sa.Column("certificate", TEXT(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("secret_sha256"),
    )
    op.create_index(op.f("ix_web_session_officer_id"), "web_session", ["officer_id"])
    op.create_table(
        "sign_in",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("officer_id", TEXT(), nullable=False),
        sa.Column("event", TEXT(), nullable=False),
        sa.Column("session_id", TEXT(), nullable=True),
        sa.Column("at", TIME(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_sign_in_officer_id"), "sign_in", ["officer_id"])
    op.create_index(op.f("ix_sign_in_at"), "sign_in", ["at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_sign_in_at"), table_name="sign_in")
    op.drop_index(op.f("ix_sign_in_officer_id"), table_name="sign_in")
    op.drop_table("sign_in")
    op.drop_index(op.f("ix_web_session_officer_id"), table_name="web_session")
    op.drop_table("web_session")
    op.drop_table("officer_account")
