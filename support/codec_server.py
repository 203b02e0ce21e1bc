"""The remote codec for the Temporal Web UI and CLI: lets an authenticated operator read payloads.

Temporal's codec protocol: `POST /encode` and `POST /decode` (at any depth, e.g.
`/{namespace}/decode` for the CLI's `--codec-endpoint` templating) take and return
`{"payloads": [...]}` in protobuf's JSON form; the Web UI names its namespace in `X-Namespace` and,
with "pass access token", sends `Authorization: Bearer …`. Browsers ask first with an `OPTIONS`
preflight, answered only for the configured Web UI origins.

Every request must carry the token of an officer with the operator role (checked like any other
command: known, unexpired, unrevoked, matching the registry). Refusals say why in JSON; nothing is
decoded for them. Each decode is logged with the officer and the namespace, never the payloads.

The Web UI can pass only its own login's access token, so a browser signs in here instead: the
operator pastes their token once at `/login`, and the UI ("include cross-origin credentials")
sends the session cookie, HttpOnly and SameSite=Strict (open the UI and this server under the same
host name). The token stays in this process's memory and is checked again on every request, so a
revocation takes effect at once.
"""

from __future__ import annotations

import asyncio
import html
import json
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from ssl import SSLContext
from urllib.parse import urlsplit

import structlog
from aiohttp import hdrs, web
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.converter import PayloadCodec

from config import Settings
from models.officer import OPERATOR_ROLE
from support.codec import EncryptionError, codec_from_settings
from support.credentials import CredentialError, authenticate
from support.intake import Sessions

log = structlog.get_logger(__name__)

ALLOWED_HEADERS = "authorization, content-type, x-namespace"
NAMESPACE_HEADER = "X-Namespace"
MAX_BODY_BYTES = 16 * 1024 * 1024  # a page of history: many payloads of up to 2 MB each
PREFLIGHT_MAX_AGE = "600"
SESSION_COOKIE = "hoso_codec_session"
SESSION_SECONDS = 8 * 3600  # a working day
PAGE_HEADERS = {
    hdrs.CACHE_CONTROL: "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
LOGIN_PAGE = """<!doctype html><html lang="en"><meta charset="utf-8">
<title>hoso codec server</title><body style="font-family:sans-serif;max-width:40em;margin:3em auto">
<h1>hoso codec server</h1><p>{message}</p>
<form method="post" action="login">
<label>Operator token <input type="password" name="token" autocomplete="off" required></label>
<button>Sign in</button></form>
<form method="post" action="logout"><button>Sign out</button></form></body></html>"""


def allowed_origins(settings: Settings) -> frozenset[str]:
    return frozenset(
        o.strip().rstrip("/") for o in settings.codec_server_origins.split(",") if o.strip()
    )


class Refusal(Exception):
    """A request answered with an error status and a JSON reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class CodecService:
    settings: Settings
    sessions: Sessions
    codec: PayloadCodec
    origins: frozenset[str]
    logins: dict[str, tuple[str, float]] = field(default_factory=dict)  # session → token, until

    def cors(self, request: web.Request, *, preflight: bool = False) -> dict[str, str]:
        """CORS headers for an allowed Web UI origin; none for any other caller."""
        origin = request.headers.get(hdrs.ORIGIN, "")
        if origin.rstrip("/") not in self.origins:
            return {hdrs.VARY: hdrs.ORIGIN}
        headers: dict[str, str] = {
            hdrs.ACCESS_CONTROL_ALLOW_ORIGIN: origin,
            hdrs.ACCESS_CONTROL_ALLOW_CREDENTIALS: "true",
            hdrs.VARY: hdrs.ORIGIN,
        }
        if preflight:
            headers[hdrs.ACCESS_CONTROL_ALLOW_METHODS] = "POST, OPTIONS"
            headers[hdrs.ACCESS_CONTROL_ALLOW_HEADERS] = ALLOWED_HEADERS
            headers[hdrs.ACCESS_CONTROL_MAX_AGE] = PREFLIGHT_MAX_AGE
        return headers

    def answer(self, request: web.Request, status: int, body: str) -> web.Response:
        headers = {
            **self.cors(request),
            hdrs.CACHE_CONTROL: "no-store",  # decoded personal data: never cached
            "X-Content-Type-Options": "nosniff",
        }
        if status == 401:
            headers[hdrs.WWW_AUTHENTICATE] = 'Bearer realm="hoso codec server"'
        return web.Response(
            status=status, text=body, content_type="application/json", headers=headers
        )

    async def preflight(self, request: web.Request) -> web.Response:
        if request.headers.get(hdrs.ORIGIN, "").rstrip("/") not in self.origins:
            return self.answer(request, 403, _error("this origin may not call the codec server"))
        return web.Response(status=204, headers=self.cors(request, preflight=True))

    def token(self, request: web.Request) -> str:
        """`Authorization: Bearer <token>`, else the token of the browser's session."""
        if hdrs.AUTHORIZATION in request.headers:
            scheme, _, token = request.headers[hdrs.AUTHORIZATION].partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
        login = self.logins.get(request.cookies.get(SESSION_COOKIE, ""))
        if login is not None and login[1] > time.monotonic():
            return login[0]
        raise Refusal(
            401,
            "an operator's token is required: Authorization: Bearer <token>, or sign in at /login",
        )

    async def officer_id(self, request: web.Request, token: str | None = None) -> str:
        """The operator calling (see `token`); refuses anyone else."""
        token = token or self.token(request)
        try:
            credential = await asyncio.to_thread(authenticate, self.sessions, self.settings, token)
        except CredentialError as exc:
            raise Refusal(401, str(exc)) from exc
        officer = credential.certificate.officer
        if officer.role != OPERATOR_ROLE:
            raise Refusal(403, f"{officer.id} is not an operator: only operators read payloads")
        return officer.id

    def namespace(self, request: web.Request) -> str:
        """X-Namespace, else the path segment before /decode (`…/{namespace}/decode`)."""
        namespace = (
            request.headers.get(NAMESPACE_HEADER)
            or request.match_info.get("prefix", "").rstrip("/").rpartition("/")[2]
            or self.settings.temporal_namespace
        )
        if namespace != self.settings.temporal_namespace:
            raise Refusal(
                403, f"this codec server holds the keys of '{self.settings.temporal_namespace}'"
            )
        return namespace

    async def apply(
        self,
        request: web.Request,
        step: Callable[[Sequence[Payload]], Awaitable[list[Payload]]],
        action: str,
    ) -> web.Response:
        try:
            officer = await self.officer_id(request)
            namespace = self.namespace(request)
            if request.content_type != "application/json":
                raise Refusal(415, "send the payloads as application/json")
            try:
                payloads = json_format.Parse(await request.read(), Payloads())
            except (json_format.ParseError, UnicodeDecodeError) as exc:
                raise Refusal(400, 'expected {"payloads": [...]} in protobuf JSON form') from exc
            try:
                result = Payloads(payloads=await step(payloads.payloads))
            except EncryptionError as exc:
                raise Refusal(422, str(exc)) from exc
        except Refusal as refusal:
            log.warning(f"{action}_refused", status=refusal.status, reason=refusal.reason)
            return self.answer(request, refusal.status, _error(refusal.reason))
        except web.HTTPRequestEntityTooLarge:
            return self.answer(request, 413, _error(f"at most {MAX_BODY_BYTES} bytes a request"))
        log.info(f"payloads_{action}d", officer=officer, namespace=namespace)
        return self.answer(request, 200, json_format.MessageToJson(result))

    async def decode(self, request: web.Request) -> web.Response:
        return await self.apply(request, self.codec.decode, "decode")

    async def encode(self, request: web.Request) -> web.Response:
        return await self.apply(request, self.codec.encode, "encode")

    async def login_page(self, request: web.Request) -> web.Response:
        return _page(200, "Sign in with your operator token to read payloads in the Web UI.")

    async def login(self, request: web.Request) -> web.Response:
        """Checks the token like a decode would, then opens a browser session for it."""
        if not _same_origin(request):
            return _page(403, "Sign in from this server's own page.")
        token = str((await request.post()).get("token", "")).strip()
        try:
            officer = await self.officer_id(request, token or "-")
        except Refusal as refusal:
            log.warning("codec_login_refused", status=refusal.status, reason=refusal.reason)
            return _page(refusal.status, refusal.reason)
        now = time.monotonic()
        for session, (_, until) in list(self.logins.items()):
            if until <= now:
                del self.logins[session]
        session = secrets.token_urlsafe(32)
        self.logins[session] = (token, now + SESSION_SECONDS)
        log.info("codec_login", officer=officer)
        response = _page(200, f"Signed in as {officer}. Payloads now show in the Web UI.")
        response.set_cookie(
            SESSION_COOKIE,
            session,
            max_age=SESSION_SECONDS,
            path="/",
            httponly=True,
            samesite="Strict",
            secure=_https(request),
        )
        return response

    async def logout(self, request: web.Request) -> web.Response:
        if not _same_origin(request):
            return _page(403, "Sign out from this server's own page.")
        self.logins.pop(request.cookies.get(SESSION_COOKIE, ""), None)
        response = _page(200, "Signed out.")
        response.del_cookie(SESSION_COOKIE, path="/")
        return response


def _same_origin(request: web.Request) -> bool:
    """A form posted from this server's own page (or by a client that is not a browser)."""
    origin = request.headers.get(hdrs.ORIGIN)
    return origin is None or urlsplit(origin).netloc == request.host


def _https(request: web.Request) -> bool:
    """Whether the browser came over HTTPS (here, or to a TLS proxy in front)."""
    return request.secure or request.headers.get(hdrs.ORIGIN, "").startswith("https://")


def _page(status: int, message: str) -> web.Response:
    text = LOGIN_PAGE.replace("{message}", html.escape(message))
    return web.Response(status=status, text=text, content_type="text/html", headers=PAGE_HEADERS)


def _error(reason: str) -> str:
    return json.dumps({"error": reason})


def build_app(
    settings: Settings, sessions: Sessions, codec: PayloadCodec | None = None
) -> web.Application:
    """The codec server's routes; `codec` defaults to the settings' keyring."""
    service = CodecService(
        settings,
        sessions,
        codec or codec_from_settings(settings, reading=True),
        allowed_origins(settings),
    )
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    # Only the last segment names the operation: the server may be mounted at any depth.
    for name, handler in (("decode", service.decode), ("encode", service.encode)):
        path = "/{prefix:(?:.*/)?}" + name
        app.router.add_post(path, handler)
        app.router.add_route("OPTIONS", path, service.preflight)
    app.router.add_get("/login", service.login_page)
    app.router.add_post("/login", service.login)
    app.router.add_post("/logout", service.logout)
    return app


@asynccontextmanager
async def serving(
    app: web.Application, host: str, port: int, ssl_context: SSLContext | None = None
) -> AsyncIterator[str]:
    """Serves `app` on host:port until the block ends; yields its base URL."""
    runner = web.AppRunner(app, access_log=None)  # each request is logged by its handler
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port, ssl_context=ssl_context)
        await site.start()
        scheme = "https" if ssl_context else "http"
        shown = f"[{host}]" if ":" in host else host
        yield f"{scheme}://{shown}:{port}"
    finally:
        await runner.cleanup()
