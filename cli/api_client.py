"""The CLI's door to the hoso API (HOSO_API_URL): every request signed with the officer's token.

A CLI host needs the API's URL and the officer's token, nothing else: this module never touches
the database, the document store, Temporal or key files. A problem detail (RFC 9457) becomes the
CLI's one red line: its `detail` and each invalid field's pointer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from config import Settings, get_settings
from support.credentials import Credential, CredentialError, token_from_settings
from support.request_signing import OfficerAuth

PROBLEM_TYPES = "/api/v1/problems/"


class ApiError(Exception):
    """The API refused a request; the message is the problem's detail, said as one line.
    `kind` is the problem's type (`stage-moved-on`, `not-found`, …), `status` its HTTP status."""

    def __init__(
        self, message: str, *, status: int = 0, kind: str = "", stage: str | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind
        self.stage = stage  # stage-moved-on: the stage the dossier is at now


def credential(settings: Settings, officer_id: str | None = None) -> Credential:
    """The caller's credential from their token (HOSO_TOKEN_FILE / HOSO_TOKEN; in development the
    sample token of `officer_id`); with `officer_id` (`--as`), the token must be theirs."""
    try:
        found = Credential.from_token(token_from_settings(settings, officer_id))
    except CredentialError as exc:
        if officer_id is None:
            raise
        raise CredentialError(f"{officer_id}: {exc}") from None
    if officer_id is not None and found.officer.id != officer_id:
        raise CredentialError(
            f"the token belongs to {found.officer.id}, not {officer_id}: --as must match the token"
        )
    return found


def problem_line(response: httpx.Response) -> ApiError:
    """A refused answer as one line: the problem's detail and each invalid field's pointer."""
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return ApiError(f"the API answered {response.status_code}", status=response.status_code)
    detail = str(body.get("detail") or body.get("title") or f"status {response.status_code}")
    fields = [
        f"{error.get('pointer', '?')}: {error.get('detail', '')}"
        for error in body.get("errors") or []
        if isinstance(error, dict)
    ]
    kind = str(body.get("type", "")).removeprefix(PROBLEM_TYPES)
    message = "; ".join([detail, *fields]) if fields else detail
    stage = body.get("stage")
    return ApiError(
        message,
        status=response.status_code,
        kind=kind,
        stage=stage if isinstance(stage, str) else None,
    )


class PublicClient:
    """Requests to the API, answers as JSON (or bytes), refusals as ApiError."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self.http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            url = str(self.http.base_url).rstrip("/")
            if isinstance(exc, httpx.TimeoutException):
                raise ApiError(f"the hoso API at {url} gave no answer in time") from None
            raise ApiError(f"no hoso API at {url}: is `hoso up` running?") from None
        if response.status_code >= 400:
            raise problem_line(response)
        return response

    async def get(self, path: str, **params: Any) -> Any:
        wanted = {name: value for name, value in params.items() if value is not None}
        return (await self.request("GET", path, params=wanted)).json()

    async def post(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        return (await self.request("POST", path, json=body, headers=headers)).json()


class ApiClient(PublicClient):
    """Requests signed with the officer's token."""

    def __init__(self, http: httpx.AsyncClient, signer: Credential) -> None:
        super().__init__(http)
        self.credential = signer


@asynccontextmanager
async def public_client(settings: Settings | None = None) -> AsyncIterator[PublicClient]:
    """A client of HOSO_API_URL for its public endpoints (the catalogue): no token needed."""
    settings = settings or get_settings()
    async with httpx.AsyncClient(base_url=settings.api_url, timeout=30) as http:
        yield PublicClient(http)


@asynccontextmanager
async def api_client(
    officer_id: str | None = None, settings: Settings | None = None
) -> AsyncIterator[ApiClient]:
    """A client of HOSO_API_URL signing as the token's officer (`--as` when given)."""
    settings = settings or get_settings()
    signer = credential(settings, officer_id)
    # An action waits for the dossier's answer on the server: wait a little longer for its reply.
    timeout = httpx.Timeout(settings.action_wait_seconds + 30, connect=5)
    async with httpx.AsyncClient(
        base_url=settings.api_url, auth=OfficerAuth(signer), timeout=timeout
    ) as http:
        yield ApiClient(http, signer)
