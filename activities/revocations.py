"""The register of revocations: every revoked token on an append-only chain, each entry carrying
the SHA-256 of the one before, as a dossier's record does (issue 22, item 6).

A token's `revoked_at` column is only what the token list shows; what is revoked is read from
this register (and from the column, so either one revokes). Setting `revoked_at` back to NULL
changes nothing, and `hoso verify` names it; removing or changing an entry breaks the chain,
which `verify` names too. Rewriting the whole chain is what a database account could still do:
every open dossier keeps the revocations it loaded (patch `revocations-kept`), and `verify`
names a revocation that a dossier's history saw and the register no longer holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from models.credentials import digest
from models.tables import OfficerTokenRecord, TokenRevocationRecord

GENESIS = "0" * 64
REGISTRY = "registry"  # who revokes the tokens of an officer whose role, unit or agency changed


def entry_hash(entry: TokenRevocationRecord) -> str:
    """What the entry's `hash` must be: its fields and the previous entry's hash, hashed."""
    at = entry.revoked_at if entry.revoked_at.tzinfo else entry.revoked_at.replace(tzinfo=UTC)
    return digest(
        {
            "n": entry.n,
            "token_id": entry.token_id,
            "officer_id": entry.officer_id,
            "revoked_at": at.astimezone(UTC).isoformat(),
            "revoked_by": entry.revoked_by,
            "reason": entry.reason,
            "prev": entry.prev,
        }
    )


def register(session: Session) -> list[TokenRevocationRecord]:
    return list(session.exec(select(TokenRevocationRecord).order_by(col(TokenRevocationRecord.n))))


def record_revocations(
    session: Session, tokens: Iterable[OfficerTokenRecord], *, by: str, reason: str
) -> list[str]:
    """Enters each live token of `tokens` on the register and marks it revoked (the caller
    commits); returns their ids."""
    now = datetime.now(UTC).replace(microsecond=0)
    last = session.exec(
        select(TokenRevocationRecord).order_by(col(TokenRevocationRecord.n).desc()).limit(1)
    ).first()
    n, prev = (last.n, last.hash) if last is not None else (0, GENESIS)
    entered = set(session.exec(select(TokenRevocationRecord.token_id)))
    revoked = []
    for token in tokens:
        if token.revoked_at is None:
            token.revoked_at, token.revoked_by = now, by
            session.add(token)
        if token.token_id in entered:
            continue
        n += 1
        entry = TokenRevocationRecord(
            n=n,
            token_id=token.token_id,
            officer_id=token.officer_id,
            revoked_at=now,
            revoked_by=by,
            reason=reason,
            prev=prev,
            hash="",
        )
        entry.hash = prev = entry_hash(entry)
        session.add(entry)
        revoked.append(token.token_id)
    return revoked


def revoked_ids(session: Session) -> set[str]:
    """Every token revoked: on the register, or marked in the token list."""
    marked = select(OfficerTokenRecord.token_id).where(
        col(OfficerTokenRecord.revoked_at).is_not(None)
    )
    return set(session.exec(select(TokenRevocationRecord.token_id))) | set(session.exec(marked))


def revocation(session: Session, token_id: str) -> datetime | None:
    """When the token was revoked (the register first), or None."""
    entry = session.exec(
        select(TokenRevocationRecord).where(TokenRevocationRecord.token_id == token_id)
    ).first()
    if entry is not None:
        return entry.revoked_at
    row = session.get(OfficerTokenRecord, token_id)
    return row.revoked_at if row is not None else None


def register_problems(session: Session) -> list[tuple[str | None, str]]:
    """What is wrong with the register, as (the token concerned or None, the problem): a broken
    chain, or a revocation that the token list undid."""
    problems: list[tuple[str | None, str]] = []
    prev = GENESIS
    for expected, entry in enumerate(register(session), start=1):
        if entry.n != expected or entry.prev != prev:
            problems.append(
                (None, f"the register of revocations lacks an entry before #{entry.n} (removed)")
            )
        if entry_hash(entry) != entry.hash:
            problems.append(
                (
                    None,
                    f"revocation #{entry.n} (token {entry.token_id}) was altered on the register",
                )
            )
        prev = entry.hash
        token = session.get(OfficerTokenRecord, entry.token_id)
        if token is not None and token.revoked_at is None:
            problems.append(
                (
                    entry.token_id,
                    f"the revocation of token {entry.token_id} ({entry.officer_id}, by"
                    f" {entry.revoked_by} on {entry.revoked_at:%Y-%m-%d %H:%M} UTC) was undone"
                    " in the token list (it stays revoked)",
                )
            )
    return problems
