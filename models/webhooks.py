"""Portals' webhooks: who subscribes to which dossier events, and what an event says.

Events follow the Standard Webhooks convention (standardwebhooks.com): a JSON body
`{type, timestamp, data}`, signed with the subscriber's `whsec_` secret. An event says where a
dossier is (code, procedure, status, due date, time), never who the applicant is.
"""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from models.procedure import Identifier

STATUS_CHANGED = "dossier.status_changed"
EVENT_TYPES = (STATUS_CHANGED,)
SECRET_PREFIX = "whsec_"  # noqa: S105 - the standard's prefix, not a secret
SECRET_BYTES = (24, 64)  # the standard's range for a secret's random bytes
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
MAX_AGENCIES = 100

SubscriberName = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9.-]{1,62}$",
        description="the portal's name, its id in hoso (lower-case letters, digits, . and -)",
    ),
]


def secret_key(secret: str) -> bytes:
    """The HMAC key of a `whsec_<base64>` secret (ValueError when it is not one)."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError(f"a webhook secret starts with {SECRET_PREFIX} (Standard Webhooks)")
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"a webhook secret is {SECRET_PREFIX} then base64") from None
    low, high = SECRET_BYTES
    if not low <= len(key) <= high:
        raise ValueError(f"a webhook secret holds {low} to {high} random bytes")
    return key


def url_problem(url: str, *, development: bool) -> str | None:
    """Why hoso will not post to `url`, or None: https only, but for a loopback receiver in
    development; no credentials in the URL."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return "not a URL"
    if parts.scheme not in ("https", "http") or not host:
        return "an https:// URL with a host"
    if parts.username or parts.password:
        return "no user or password in the URL: sign with the secret instead"
    if parts.scheme == "http" and not (development and host in LOOPBACK_HOSTS):
        return "https only (plain http is for a loopback receiver in development)"
    return None


class WebhookSubscription(BaseModel):
    """A portal subscribing to dossiers' events: where to post them, signed with which secret.
    Without a secret, hoso makes one and shows it once; without agencies, the caller's scope."""

    model_config = ConfigDict(extra="forbid")

    name: SubscriberName
    url: Annotated[str, Field(min_length=8, max_length=2000, description="where events go")]
    secret: Annotated[
        str | None,
        Field(
            default=None,
            max_length=100,
            description="whsec_ then the base64 of 24 to 64 random bytes; default: made by hoso",
        ),
    ] = None
    events: Annotated[
        list[str],
        Field(min_length=1, max_length=len(EVENT_TYPES), description="event types wanted"),
    ] = [STATUS_CHANGED]
    agencies: Annotated[
        list[Identifier] | None,
        Field(
            default=None,
            min_length=1,
            max_length=MAX_AGENCIES,
            description="the agencies whose dossiers it follows; default: the caller's scope",
        ),
    ] = None

    @field_validator("secret")
    @classmethod
    def _secret(cls, value: str | None) -> str | None:
        if value is not None:
            secret_key(value)
        return value

    @field_validator("events")
    @classmethod
    def _events(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(EVENT_TYPES))
        if unknown:
            raise ValueError(f"unknown events {unknown}; known: {list(EVENT_TYPES)}")
        return sorted(set(value))


class DossierStatusChanged(BaseModel):
    """What a `dossier.status_changed` event tells a portal: nothing personal."""

    model_config = ConfigDict(frozen=True)

    code: str
    procedure: str
    procedure_version: int
    agency: str
    status: str
    previous_status: str | None = None
    due_date: date | None = None
    changed_at: datetime


class WebhookEvent(BaseModel):
    """An event's body as posted (Standard Webhooks' `{type, timestamp, data}`)."""

    model_config = ConfigDict(frozen=True)

    type: str
    timestamp: datetime
    data: DossierStatusChanged
