"""A real OpenID Connect provider on loopback for the single sign-on tests: panva's oidc-provider
(tests/web/oidc_provider, installed by `make test` with npm ci), started by subprocess on a free
port for one test's site and stopped by its pid."""

from __future__ import annotations

import re
import secrets
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from tests.web.conftest import Site

PROVIDER_DIR = Path(__file__).parent / "oidc_provider"
CLIENT_ID = "hoso-test"


@dataclass
class Provider:
    issuer: str
    process: subprocess.Popen[str]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("no Node.js on this machine: the single sign-on tests need it for the provider")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("no npm to install the test OIDC provider (tests/web/oidc_provider)")
        subprocess.run([npm, "ci", "--prefix", str(PROVIDER_DIR)], check=True, timeout=300)
    return node


@pytest.fixture
def provider(site: Site) -> Iterator[Provider]:
    """The provider, its client being hoso's site of this test (the client secret random)."""
    node = _node()
    port = _free_port()
    client_secret = secrets.token_urlsafe(24)
    redirect = f"{site.url}/signin/sso/callback"
    args = [node, "server.mjs", str(port), CLIENT_ID, client_secret, redirect]
    process = subprocess.Popen(
        args, cwd=PROVIDER_DIR, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.strip() == "ready", f"the provider did not start: {line!r}"
        issuer = f"http://127.0.0.1:{port}"
        settings = site.settings
        settings.oidc_issuer, settings.oidc_client_id = issuer, CLIENT_ID
        settings.oidc_client_secret = SecretStr(client_secret)
        yield Provider(issuer, process)
    finally:
        process.terminate()
        process.wait(timeout=10)
        site.settings.oidc_issuer = site.settings.oidc_client_id = None
        site.settings.oidc_client_secret = None


def _form(html: str) -> tuple[str, dict[str, str]]:
    action = re.search(r'<form[^>]*action="([^"]+)"', html)
    assert action, "the provider's page has no form"
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    return unescape(action.group(1)), fields


async def through_provider(
    http: httpx.AsyncClient, provider: Provider, login: str, *, follow: bool = True
) -> httpx.Response:
    """A browser's trip: hoso's SSO link, the provider's login form (any password) and its
    consent form; with `follow`, back to hoso's callback, else the callback's URL unvisited."""
    page = await http.get("/signin/sso")
    assert page.url.host == "127.0.0.1" and str(page.url).startswith(provider.issuer), page.text
    action, fields = _form(page.text)
    page = await http.post(
        httpx.URL(str(page.url)).join(action),
        data={**fields, "login": login, "password": "any"},
    )
    action, fields = _form(page.text)
    consent = await http.post(
        httpx.URL(str(page.url)).join(action), data=fields, follow_redirects=False
    )
    while consent.is_redirect:
        target = httpx.URL(str(consent.url)).join(consent.headers["location"])
        if target.path.endswith("/signin/sso/callback") and not follow:
            return consent
        consent = await http.get(target, follow_redirects=False)
    return consent
