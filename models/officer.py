"""Officers (cán bộ) and who may act where."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from models.procedure import Identifier

OfficerId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,62}$")]
OPERATOR_ROLE = "operator"
PORTAL_ROLE = "portal"  # the agency's online public service account: receives for applicants
# The agency's leaders (lãnh đạo): its head and deputies, of a department (giám đốc, phó giám đốc)
# or of a people's committee (chủ tịch, phó chủ tịch). They read their agency's reports and
# register; the confidential documents of its dossiers will be theirs too.
LEADER_ROLES = frozenset({"director", "deputy_director", "chairman", "vice_chairman"})
# The agency's administrator (quản trị): publishes its procedures and its officers' roster. The
# first one is registered on the machine that holds the issuer key (`hoso officers
# new-administrator`); later ones come with the rosters an administrator publishes.
ADMINISTRATOR_ROLE = "administrator"
# A council seats people: neither an agency's portal account nor the system's operators sit on one.
SEATLESS_ROLES = frozenset({PORTAL_ROLE, OPERATOR_ROLE})


def seat_problem(officer_id: str, role: str) -> str | None:
    """Why this officer cannot sit on a council, or None."""
    if role == PORTAL_ROLE:
        return f"{officer_id} is a portal account, not a person: it sits on no council"
    if role in SEATLESS_ROLES:
        return f"{officer_id} is an operator of the system: an operator sits on no council"
    return None


class OfficerIdentity(BaseModel):
    """Who acts, as the officers registry knows them (never as the caller claims)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: OfficerId
    role: Identifier
    unit: Identifier
    agency: Identifier


class Officer(BaseModel):
    """One officer of the registry: their role and unit say which stages they may act on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: OfficerId
    name: Annotated[str, Field(min_length=1, max_length=200)]
    role: Identifier
    unit: Identifier
    agency: Identifier
    email: EmailStr | None = None
    expert: bool = Field(
        default=False, description="an expert (chuyên gia): councils may seat them as one"
    )


class OfficerRoster(BaseModel):
    """An officers file: `officers: [...]`."""

    model_config = ConfigDict(extra="forbid")

    officers: list[Officer] = Field(min_length=1)
