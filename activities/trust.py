"""What dossiers trust: the issuer public keys in the keys folder and the revoked tokens.

Read by the worker (a trusted host), never supplied by a caller: the workflow checks every
officer's signature against these anchors.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import select
from temporalio import activity

from activities.database import SessionFactory
from activities.keys import load_public_keys
from models.credentials import TrustAnchors
from models.tables import OfficerTokenRecord


class TrustActivities:
    def __init__(self, session_factory: SessionFactory, keys_dir: Path) -> None:
        self._sessions = session_factory
        self._keys_dir = keys_dir

    @activity.defn
    async def load_trust(self) -> TrustAnchors:
        return await asyncio.to_thread(self._load)

    def _load(self) -> TrustAnchors:
        return TrustAnchors(
            issuers=load_public_keys(self._keys_dir, "issuer"),
            revoked=revoked_token_ids(self._sessions),
        )


def revoked_token_ids(sessions: SessionFactory) -> list[str]:
    """Revoked tokens not yet expired: the dossiers must refuse them."""
    now = datetime.now(UTC)
    with sessions() as session:
        rows = session.exec(
            select(OfficerTokenRecord.token_id).where(
                OfficerTokenRecord.revoked_at.is_not(None),  # type: ignore[union-attr]
                OfficerTokenRecord.expires_at > now,
            )
        )
        return sorted(rows)
