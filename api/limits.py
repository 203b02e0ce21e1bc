"""Request size limits, enforced before a body is read: a declared length over the limit is
refused at once (413), a body that grows past it while streaming is cut off (413)."""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import RequestTooLarge, problem

# a dossier with its documents: the API's submission and its documents for a supplement or an
# action, and the counter pages' entry and supplement
SUBMISSIONS = re.compile(
    r"^(/api/v1/dossiers|/api/v1/dossiers/[a-z0-9-]+/(supplement|actions)/documents"
    r"|/counter/dossiers|/dossiers/[a-z0-9-]+/supplement/prepare)/?$"
)


class BodyLimit:
    def __init__(self, app: ASGIApp, *, max_request: int, max_dossier: int) -> None:
        self.app = app
        self.max_request = max_request
        self.max_dossier = max_dossier

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        submission = scope["method"] == "POST" and SUBMISSIONS.match(scope["path"]) is not None
        limit = self.max_dossier if submission else self.max_request
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            response = problem(413, "too-large", f"the request body is over {limit} bytes")
            await response(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise RequestTooLarge(f"the request body is over {limit} bytes")
            return message

        await self.app(scope, limited, send)
