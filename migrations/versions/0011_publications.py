"""the publication record: each procedure version and roster published, with its publisher's
signed statement

Revision ID: 0011
Revises: 0010

Catalogue rows published before this are on no publication: verify names them, and the worker
starts no new dossier of them until an administrator publishes them again (`hoso up` does it in
development; the same content keeps its version).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "publication",
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("kind", text(), nullable=False),
        sa.Column("subject", text(), nullable=False),
        sa.Column("agency", text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("sha256", text(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("publisher", text(), nullable=False),
        sa.Column("proof", sa.JSON(), nullable=False),
        sa.Column("nonce", text(), nullable=False),
        sa.Column("published_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("n"),
        sa.UniqueConstraint("nonce"),
    )
    op.create_index(op.f("ix_publication_kind"), "publication", ["kind"], unique=False)
    op.create_index(op.f("ix_publication_subject"), "publication", ["subject"], unique=False)
    op.create_index(op.f("ix_publication_agency"), "publication", ["agency"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_publication_agency"), table_name="publication")
    op.drop_index(op.f("ix_publication_subject"), table_name="publication")
    op.drop_index(op.f("ix_publication_kind"), table_name="publication")
    op.drop_table("publication")
