"""A local SMS gateway for development and tests: a real HTTP server on 127.0.0.1 that speaks the
gateway API hoso's adapter uses (activities/sms.py), records what it accepts, and can be told to
fail the next requests (as a gateway in an outage does)."""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from activities.sms import masked_phone
from config import Settings


@dataclass
class SmsInbox:
    """What the receiver took: one message per reference (a repeat is answered, not kept)."""

    token: str
    log_file: Path | None = None
    messages: list[dict[str, str]] = field(default_factory=list)
    requests: int = 0
    fail_next: int = 0  # answer 503 to that many requests
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, authorization: str, body: dict[str, Any]) -> int:
        """The status the gateway answers to one request."""
        with self.lock:
            self.requests += 1
            if self.fail_next > 0:
                self.fail_next -= 1
                return 503
            if authorization != f"Bearer {self.token}":
                return 401
            message = {k: body.get(k) for k in ("to", "text", "reference")}
            if not all(isinstance(v, str) and v for v in message.values()):
                return 400
            if any(m["reference"] == message["reference"] for m in self.messages):
                return 409
            self.messages.append(message)  # type: ignore[arg-type]
            if self.log_file is not None:
                shown = message | {"to": masked_phone("0" + str(message["to"])[3:])}
                with self.log_file.open("a", encoding="utf-8") as out:
                    out.write(json.dumps(shown, ensure_ascii=False) + "\n")
            return 202


class SmsReceiver:
    """Serves an SmsInbox on 127.0.0.1 (port 0: a free one) in a thread."""

    def __init__(self, inbox: SmsInbox, port: int = 0) -> None:
        self.inbox = inbox
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler(inbox))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/messages"

    def __enter__(self) -> SmsReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


def _handler(inbox: SmsInbox) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                body = {}
            status = inbox.take(self.headers.get("Authorization", ""), body)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps({"accepted": status in (202, 409)}).encode())

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the request line is not personal, but the receiver stays quiet

    return Handler


@contextmanager
def development_gateway(settings: Settings) -> Iterator[tuple[Settings, Path | None]]:
    """In development with no gateway configured, a local receiver the worker sends the SMS to
    (its messages appended to <data>/sms.jsonl, phones masked): the settings that use it, and
    that file. Elsewhere, the settings as they are."""
    if settings.environment != "development" or settings.sms_gateway_url:
        yield settings, None
        return
    log_file = settings.data_dir / "sms.jsonl"
    token = secrets.token_urlsafe(24)
    with SmsReceiver(SmsInbox(token=token, log_file=log_file)) as receiver:
        update = {"sms_gateway_url": receiver.url, "sms_gateway_token": SecretStr(token)}
        yield settings.model_copy(update=update), log_file
