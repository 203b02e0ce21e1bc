"""The agency's single sign-on as an OpenID Connect client: authorization code with PKCE (S256),
the client authenticated with client_secret_basic, the ID token checked with joserfc against the
provider's published keys (signature, iss, aud, exp, iat, nonce).

No state is kept on the server: a random binding in the browser's cookie, and the state, the nonce
and the PKCE verifier derived from it with an HMAC keyed by the client secret, so the browser never
holds the verifier and a state from another browser does not match.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from config import Settings

TIMEOUT = httpx.Timeout(10.0)
ALGORITHMS = ["RS256", "PS256", "ES256", "EdDSA"]
LEEWAY_SECONDS = 60


class ProviderUnavailable(Exception):
    """The provider did not answer, or answered something that is no OpenID Connect."""


class TokenRefused(Exception):
    """The provider refused the code, or its ID token does not hold (signature, claims, nonce)."""


@dataclass(frozen=True)
class Provider:
    """The endpoints of the provider's discovery document."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _derived(settings: Settings, binding: str, purpose: str) -> str:
    secret = settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else ""
    digest = hmac.new(secret.encode(), f"hoso sso {purpose}|{binding}".encode(), hashlib.sha256)
    return _b64url(digest.digest())


def new_binding() -> str:
    """The random value the browser keeps in its cookie between the redirect and the callback."""
    return secrets.token_urlsafe(32)


def state_of(settings: Settings, binding: str) -> str:
    return _derived(settings, binding, "state")


def nonce_of(settings: Settings, binding: str) -> str:
    return _derived(settings, binding, "nonce")


def verifier_of(settings: Settings, binding: str) -> str:
    """The PKCE code verifier (43 characters of base64url): known to hoso only."""
    return _derived(settings, binding, "pkce")


def state_matches(settings: Settings, binding: str | None, state: str | None) -> bool:
    if not binding or not state:
        return False
    return hmac.compare_digest(state_of(settings, binding), state)


async def discover(settings: Settings) -> Provider:
    """The provider's endpoints, from its discovery document (its issuer must be the one set)."""
    issuer = (settings.oidc_issuer or "").rstrip("/")
    url = f"{issuer}/.well-known/openid-configuration"
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT) as http:
            response = await http.get(url)
        response.raise_for_status()
        document = response.json()
        provider = Provider(
            issuer=str(document["issuer"]),
            authorization_endpoint=str(document["authorization_endpoint"]),
            token_endpoint=str(document["token_endpoint"]),
            jwks_uri=str(document["jwks_uri"]),
        )
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        raise ProviderUnavailable(f"no discovery document at {url}: {type(exc).__name__}") from None
    if provider.issuer.rstrip("/") != issuer:
        raise ProviderUnavailable("the discovery document names another issuer")
    return provider


def authorization_url(
    settings: Settings, provider: Provider, binding: str, redirect_uri: str
) -> str:
    """Where the browser goes to sign in: the code flow with state, nonce and an S256 challenge."""
    challenge = _b64url(hashlib.sha256(verifier_of(settings, binding).encode()).digest())
    query = {
        "response_type": "code",
        "client_id": settings.oidc_client_id or "",
        "redirect_uri": redirect_uri,
        "scope": "openid profile",
        "state": state_of(settings, binding),
        "nonce": nonce_of(settings, binding),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    separator = "&" if "?" in provider.authorization_endpoint else "?"
    return f"{provider.authorization_endpoint}{separator}{urlencode(query)}"


async def _exchange(
    settings: Settings, provider: Provider, binding: str, code: str, redirect_uri: str
) -> tuple[str, dict[str, Any]]:
    """The code exchanged for the ID token (client_secret_basic, the PKCE verifier); the JWKS."""
    secret = settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else ""
    # RFC 6749 2.3.1: the id and secret are form-encoded before they go into Basic.
    auth = (quote(settings.oidc_client_id or "", safe=""), quote(secret, safe=""))
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": verifier_of(settings, binding),
    }
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT) as http:
            answer = await http.post(provider.token_endpoint, data=form, auth=auth)
            if answer.status_code >= 500:
                raise ProviderUnavailable(f"token endpoint answered {answer.status_code}")
            if answer.status_code != 200:
                raise TokenRefused(f"token endpoint answered {answer.status_code}")
            id_token = answer.json()["id_token"]
            keys = await http.get(provider.jwks_uri)
            keys.raise_for_status()
            jwks = keys.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise ProviderUnavailable(f"token exchange failed: {type(exc).__name__}") from None
    except (KeyError, TypeError):
        raise TokenRefused("the token endpoint gave no ID token") from None
    if not isinstance(id_token, str) or not isinstance(jwks, dict):
        raise TokenRefused("the token endpoint gave no ID token")
    return id_token, jwks


def checked_claims(
    settings: Settings, provider: Provider, binding: str, id_token: str, jwks: dict[str, Any]
) -> dict[str, Any]:
    """The ID token's claims, once its signature, issuer, audience, times and nonce hold."""
    client_id = settings.oidc_client_id or ""
    try:
        token = jwt.decode(id_token, KeySet.import_key_set(jwks), algorithms=ALGORITHMS)  # type: ignore[arg-type]
        registry = jwt.JWTClaimsRegistry(
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": provider.issuer},
            aud={"essential": True, "value": client_id},
            exp={"essential": True},
            iat={"essential": True},
            sub={"essential": True},
            nonce={"essential": True, "value": nonce_of(settings, binding)},
        )
        registry.validate(token.claims)
    except (JoseError, ValueError, TypeError) as exc:
        raise TokenRefused(f"ID token refused: {type(exc).__name__}") from None
    claims = dict(token.claims)
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise TokenRefused("ID token refused: another party is authorized")
    return claims


async def signed_in_claims(
    settings: Settings, binding: str, code: str, redirect_uri: str
) -> dict[str, Any]:
    """The claims of the ID token the code is worth, checked; or ProviderUnavailable /
    TokenRefused."""
    provider = await discover(settings)
    id_token, jwks = await _exchange(settings, provider, binding, code, redirect_uri)
    return checked_claims(settings, provider, binding, id_token, jwks)
