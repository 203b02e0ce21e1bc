"""The ID token's checks (support/oidc.py), on tokens signed here with keys made here: a token
the provider did not sign, or for another client, another sign-in (nonce), another issuer, or
out of date, is refused; the one that holds gives its claims."""

from __future__ import annotations

import time
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey
from pydantic import SecretStr

from config import Settings
from support import oidc

ISSUER = "https://sso.example.gov.vn/realms/agency"
PROVIDER = oidc.Provider(ISSUER, f"{ISSUER}/auth", f"{ISSUER}/token", f"{ISSUER}/jwks")
BINDING = "the browser's binding"


@pytest.fixture(scope="module")
def key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "k1"})


@pytest.fixture
def settings(tmp_path: Any) -> Settings:
    return Settings(
        data_dir=tmp_path,
        oidc_issuer=ISSUER,
        oidc_client_id="hoso",
        oidc_client_secret=SecretStr("the client secret"),
    )


def token(settings: Settings, key: Any, alg: str = "RS256", **changes: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": "hoso",
        "sub": "u-1",
        "preferred_username": "xa.reception",
        "iat": now,
        "exp": now + 300,
        "nonce": oidc.nonce_of(settings, BINDING),
        **changes,
    }
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode({"alg": alg, "kid": "k1"}, claims, key)


def check(settings: Settings, key: RSAKey, id_token: str) -> dict[str, Any]:
    jwks = KeySet([key]).as_dict(private=False)
    return oidc.checked_claims(settings, PROVIDER, BINDING, id_token, jwks)


def test_a_token_that_holds_gives_its_claims(settings: Settings, key: RSAKey) -> None:
    claims = check(settings, key, token(settings, key))
    assert claims["preferred_username"] == "xa.reception"


@pytest.mark.parametrize(
    "changes",
    [
        {"aud": "another-client"},
        {"iss": "https://elsewhere.example"},
        {"nonce": "another sign-in"},
        {"nonce": None},
        {"exp": int(time.time()) - 3600},
        {"iat": None},
        {"aud": ["hoso", "another-client"]},  # several audiences and no azp of hoso
    ],
)
def test_a_token_for_another_client_sign_in_or_time_is_refused(
    settings: Settings, key: RSAKey, changes: dict[str, Any]
) -> None:
    with pytest.raises(oidc.TokenRefused):
        check(settings, key, token(settings, key, **changes))


def test_a_token_signed_by_another_key_or_with_the_client_secret_is_refused(
    settings: Settings, key: RSAKey
) -> None:
    stranger = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    with pytest.raises(oidc.TokenRefused):
        check(settings, key, token(settings, stranger))
    shared = OctKey.import_key(b"the client secret, as an HMAC key!")
    with pytest.raises(oidc.TokenRefused):
        check(settings, key, token(settings, shared, alg="HS256"))


def test_the_verifier_is_the_servers_and_the_state_binds_the_browser(settings: Settings) -> None:
    url = oidc.authorization_url(settings, PROVIDER, BINDING, "https://hoso/signin/sso/callback")
    verifier = oidc.verifier_of(settings, BINDING)
    assert 43 <= len(verifier) <= 128 and verifier not in url and BINDING not in url
    assert "code_challenge_method=S256" in url
    assert oidc.state_matches(settings, BINDING, oidc.state_of(settings, BINDING))
    assert not oidc.state_matches(settings, "another browser", oidc.state_of(settings, BINDING))
    other = settings.model_copy(update={"oidc_client_secret": SecretStr("another secret")})
    assert oidc.verifier_of(other, BINDING) != verifier
