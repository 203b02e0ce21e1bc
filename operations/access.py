"""Who is calling and what they may read.

Officers are known by their certificate (issued with their token) and the signature of each
request, made on their own machine: the token's private key never reaches the server. Reads are
authorised like actions: an officer sees their agency's dossiers and those their agency is
consulted on; an operator the agencies of their scope (a province-wide service centre: all).
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict

from config import Settings
from models.credentials import Certificate
from models.officer import LEADER_ROLES, OPERATOR_ROLE, OfficerIdentity
from models.state import DossierState
from support.credentials import check_certificate
from support.intake import Sessions
from support.remembered_trust import TRUST


class Caller(BaseModel):
    """An authenticated officer, as the registry knows them, and the token they signed with."""

    model_config = ConfigDict(frozen=True)

    officer: OfficerIdentity
    token_id: str


def identify(
    sessions: Sessions, settings: Settings, certificate: Certificate, *, now: datetime
) -> Caller:
    """The caller a request's certificate names (CredentialError when it is not to be trusted:
    forged, unknown, revoked, expired, or the registry changed since it was issued). A good
    answer is remembered for `api_trust_seconds` (support/remembered_trust.py)."""
    if certificate.expires_at <= now:  # remembered or not, an expired token is refused
        check_certificate(sessions, settings, certificate, now=now)
    officer = TRUST.officer(
        certificate,
        settings.api_trust_seconds,
        lambda cert: check_certificate(sessions, settings, cert, now=now),
    )
    return Caller(officer=officer, token_id=certificate.token_id)


def province_wide(settings: Settings) -> set[str]:
    return {agency.strip() for agency in settings.province_agencies.split(",") if agency.strip()}


def readable_agencies(caller: Caller, settings: Settings) -> set[str] | None:
    """The agencies whose dossiers the caller reads in full; None: every agency."""
    officer = caller.officer
    if officer.role == OPERATOR_ROLE and officer.agency in province_wide(settings):
        return None
    return {officer.agency}


def consulted(state: DossierState, agency: str) -> bool:
    """The agency is asked for its opinion on the dossier now, or gave one."""
    return agency in state.awaiting_agencies or any(o.agency == agency for o in state.opinions)


def may_read(caller: Caller, state: DossierState, settings: Settings) -> bool:
    agencies = readable_agencies(caller, settings)
    return agencies is None or state.agency in agencies or consulted(state, caller.officer.agency)


def may_read_confidential(caller: Caller, state: DossierState) -> bool:
    """Confidential documents: the officers who hold the dossier's stage now or acted on it
    (its past stages), and the leaders of its agency; no operator, no other agency's officer
    unless they acted on it."""
    officer = caller.officer
    holds_now = (
        officer.agency == state.agency
        and officer.role == state.stage_role
        and officer.unit == state.stage_unit
    )
    acted = state.acted(officer.id)
    leads = officer.agency == state.agency and officer.role in LEADER_ROLES
    return holds_now or acted or leads


def utc_now() -> datetime:
    return datetime.now(UTC)
