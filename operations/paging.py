"""Cursors over the projection's pages: the keyset (the last row's sort key: due date and code),
said as URL-safe base64 for a client to give back; a cursor this API did not give is refused
(BadCursor), never passed on blindly."""

from __future__ import annotations

import base64
import binascii
from datetime import date

from pydantic import TypeAdapter, ValidationError


class BadCursor(ValueError):
    """A cursor that is not one this API gave."""


_KEYSET = "k1"


def keyset_cursor(due: date, code: str) -> str:
    """The cursor of the page after the row sorted at (due, code)."""
    return cursor_of(f"{_KEYSET} {due.isoformat()} {code}".encode()) or ""


def keyset_after(cursor: str | None) -> tuple[date, str] | None:
    """The (due, code) a keyset cursor names; None for the first page."""
    token = page_token(cursor)
    if token is None:
        return None
    try:
        mark, due, code = token.decode("ascii").split(" ")
        if mark != _KEYSET or not code.isprintable() or len(code) > 64:
            raise ValueError(mark)
        return TypeAdapter(date).validate_python(due), code
    except (UnicodeDecodeError, ValueError, ValidationError):
        raise BadCursor("the cursor is not one this API gave") from None


def page_token(cursor: str | None) -> bytes | None:
    if not cursor:
        return None
    try:
        token = base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        token = b""
    if not token:
        raise BadCursor("the cursor is not one this API gave")
    return token


def cursor_of(token: bytes | None) -> str | None:
    return base64.urlsafe_b64encode(token).decode().rstrip("=") if token else None
