"""Officers' tokens, for operators: the register listed, tokens revoked at once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.dependencies import CallerDep, ClientDep, ServicesDep
from api.responses import PROBLEMS
from operations import tokens
from operations.tokens import Revocation, RevocationRequest, TokenView

router = APIRouter(prefix="/api/v1/tokens", tags=["tokens"])


@router.get("", response_model=list[TokenView], responses=PROBLEMS(401, 429, 403, 422))
async def list_tokens(
    caller: CallerDep,
    services: ServicesDep,
    officer: Annotated[str | None, Query(max_length=64, description="only this officer's")] = None,
) -> list[TokenView]:
    """The tokens of the officers in the caller's reach: id, officer, issued, expires, revoked."""
    return tokens.tokens(caller, services, officer)


@router.post("/revocations", response_model=Revocation, responses=PROBLEMS(401, 429, 403, 404, 422))
async def revoke_tokens(
    request: RevocationRequest, caller: CallerDep, client: ClientDep, services: ServicesDep
) -> Revocation:
    """Revokes a token, or every live token of an officer, at once; every open dossier reloads
    its trust anchors."""
    return await tokens.revoke_tokens(client, caller, services, request.target)
