"""SMS to applicants through an operator's HTTP gateway: short texts with the dossier (or
booking) code, one per notice, sent once.

The gateway's API: `POST <url>` with `Authorization: Bearer <token>` and a JSON body
`{"to": "+84…", "text": "…", "reference": "…"}`; a 2xx answer (or 409: that reference was taken
already) means accepted. The reference is the same for every attempt at one notice, so a gateway
that keeps its references drops a repeat sent after a worker died between its answer and the
outbox's `sent`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

import httpx
import jinja2
from pydantic import SecretStr

from activities.notify import TEMPLATE_NAME, vietnamese_date
from models.effects import Notification

SMS_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates" / "sms"),
    autoescape=False,  # noqa: S701 - plain text
    auto_reload=False,
)
SMS_TEMPLATES.filters["vn_date"] = vietnamese_date
GSM7_LIMIT = 160  # one part of 7-bit text
UCS2_LIMIT = 2 * 67  # two parts of UCS-2 text (70 alone, 67 each when split)
# The GSM 03.38 basic character set (without the escape table): what a text without
# diacritics may hold so that it goes as 7-bit text.
GSM7 = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
MOBILE = re.compile(r"0[35789][0-9]{8}")


class SmsRefused(Exception):
    """The gateway refused this message for good (a 4xx answer other than 401, 403, 408, 429)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"gateway answered {status}")
        self.status = status


class SmsGatewayDown(Exception):
    """The gateway did not take the message this time (5xx, 401/403/408/429, no answer)."""

    def __init__(self, status: int | None) -> None:
        super().__init__(f"gateway answered {status}" if status else "gateway unreachable")
        self.status = status


def without_diacritics(text: str) -> str:
    """Vietnamese as GSM-7 can carry it: "Hồ sơ đã được tiếp nhận" → "Ho so da duoc tiep nhan"."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    kept = "".join(c for c in plain if not unicodedata.combining(c))
    return "".join(c if c in GSM7 else "?" for c in unicodedata.normalize("NFC", kept))


def sms_text(notification: Notification, *, unicode: bool) -> str | None:
    """The notice's SMS (None: the notice has no SMS), with diacritics when the gateway takes
    UCS-2 (at most two parts) or without them (one 7-bit part)."""
    if not TEMPLATE_NAME.fullmatch(notification.template):
        return None
    try:
        template = SMS_TEMPLATES.get_template(f"{notification.template}.txt")
    except jinja2.TemplateNotFound:
        return None
    text = " ".join(template.render(**notification.context).split())
    # NFC: each Vietnamese letter one UCS-2 unit, as the length limit counts them
    text = unicodedata.normalize("NFC", text) if unicode else without_diacritics(text)
    limit = UCS2_LIMIT if unicode else GSM7_LIMIT
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def sms_number(phone: str | None) -> str | None:
    """A mobile number as the gateway takes it (+84…); None for a landline or no number."""
    return f"+84{phone[1:]}" if phone and MOBILE.fullmatch(phone) else None


def masked_phone(phone: str) -> str:
    """A phone number as the history shows it: 0987654321 → 09xx…xx21."""
    return f"{phone[:2]}xx…xx{phone[-2:]}" if len(phone) > 6 else "xx…xx"


def sms_reference(key: str) -> str:
    """The gateway's reference of a notice: the same at every attempt, no dossier code in it."""
    return hashlib.sha256(f"sms:{key}".encode()).hexdigest()[:32]


class SmsGateway:
    """The operator's HTTP SMS gateway (`unicode`: it takes texts with diacritics)."""

    name = "sms"

    def __init__(
        self, url: str, token: SecretStr, *, unicode: bool = False, timeout: float = 10.0
    ) -> None:
        self._url, self._token, self._timeout = url, token, timeout
        self.unicode = unicode

    async def send(self, to: str, text: str, *, reference: str) -> None:
        """Hands the text to the gateway; SmsRefused or SmsGatewayDown when it did not take it."""
        headers = {"Authorization": f"Bearer {self._token.get_secret_value()}"}
        body = {"to": to, "text": text, "reference": reference}
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                answer = await client.post(self._url, json=body, headers=headers)
        except httpx.HTTPError:
            raise SmsGatewayDown(None) from None  # its text may name the URL: not kept
        status = answer.status_code
        if status < 300 or status == 409:
            return
        if 400 <= status < 500 and status not in (401, 403, 408, 429):
            raise SmsRefused(status)
        raise SmsGatewayDown(status)
