"""Officers' tokens for operators: the token register listed (never the tokens: their hash alone
is kept) and tokens revoked at once, every open dossier then reloading its trust anchors.

An operator of one agency sees and revokes the tokens of that agency's officers; a province-wide
operator every officer's. A token or officer out of reach answers 404, as one that does not exist.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from sqlmodel import col, select
from temporalio.client import Client

from activities.revocations import register
from models.tables import (
    OfficerRecord,
    OfficerTokenRecord,
    TokenRevocationRecord,
    WebSessionRecord,
)
from operations.access import Caller, readable_agencies
from operations.errors import NotFound
from operations.mending import require_operator
from operations.services import Services
from support.credentials import list_tokens, revoke
from support.open_dossiers import refresh_trust


class TokenView(BaseModel):
    """A token of the register: who it was issued to, when, until when, and its revocation."""

    token_id: str
    officer: str
    issuer: str
    issued_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    revoked_by: str | None


class RevocationRequest(BaseModel):
    target: str = Field(
        min_length=1, max_length=64, description="a token id, or an officer id (all their tokens)"
    )


class Revocation(BaseModel):
    revoked: list[str] = Field(description="the tokens revoked now (live ones only)")
    reloading: int = Field(description="open dossiers told to reload their trust anchors")


def _officers_in_reach(caller: Caller, services: Services) -> set[str] | None:
    agencies = readable_agencies(caller, services.settings)
    if agencies is None:
        return None
    with services.sessions() as session:
        found = session.exec(select(OfficerRecord.id).where(OfficerRecord.agency.in_(agencies)))  # type: ignore[attr-defined]
        return set(found)


def _signed_in_in_reach(caller: Caller, services: Services, officer_id: str) -> bool:
    """The officer is in the caller's reach and signed in to the web pages now."""
    reach = _officers_in_reach(caller, services)
    if reach is not None and officer_id not in reach:
        return False
    with services.sessions() as session:
        live = select(WebSessionRecord.id).where(
            WebSessionRecord.officer_id == officer_id, col(WebSessionRecord.ended_at).is_(None)
        )
        return session.exec(live).first() is not None


def _view(row: OfficerTokenRecord, entry: TokenRevocationRecord | None) -> TokenView:
    """The token as the register of revocations has it (its own column only shows it)."""
    return TokenView(
        token_id=row.token_id,
        officer=row.officer_id,
        issuer=row.issuer,
        issued_at=row.issued_at,
        expires_at=row.expires_at,
        revoked_at=entry.revoked_at if entry is not None else row.revoked_at,
        revoked_by=entry.revoked_by if entry is not None else row.revoked_by,
    )


def tokens(caller: Caller, services: Services, officer_id: str | None = None) -> list[TokenView]:
    """The tokens issued to the officers in the caller's reach (`officer_id`: theirs only)."""
    require_operator(caller)
    reach = _officers_in_reach(caller, services)
    rows = list_tokens(services.sessions, officer_id)
    with services.sessions() as session:
        revoked = {entry.token_id: entry for entry in register(session)}
    return [
        _view(row, revoked.get(row.token_id))
        for row in rows
        if reach is None or row.officer_id in reach
    ]


async def revoke_tokens(
    client: Client, caller: Caller, services: Services, target: str
) -> Revocation:
    """Revokes one token (by id) or every live token of an officer (by officer id), then has
    every open dossier reload its trust anchors."""
    require_operator(caller)
    named = [view for view in tokens(caller, services) if target in (view.token_id, view.officer)]
    if not named and not _signed_in_in_reach(caller, services, target):
        raise NotFound(f"no token or officer '{target}' in the token register")
    revoked = revoke(services.sessions, target, by=caller.officer.id)
    reloading = await refresh_trust(client, services.settings.task_queue) if revoked else 0
    return Revocation(revoked=revoked, reloading=reloading)
