"""Webhook signatures are the Standard Webhooks ones: the standard's own example signs the same,
and a receiver checking them refuses a changed body, a stale timestamp or another secret."""

from __future__ import annotations

import time

import pytest
from pydantic import ValidationError

from models.webhooks import WebhookSubscription, url_problem
from support.webhook_signing import (
    WebhookVerificationError,
    new_secret,
    sign,
    signed_headers,
    verify,
)

# The example of the Standard Webhooks specification (and Svix's documentation).
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MESSAGE = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TIMESTAMP = 1614265330
BODY = b'{"test": 2432232314}'
SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_standards_example_signs_as_the_standard_says() -> None:
    assert sign(SECRET, MESSAGE, TIMESTAMP, BODY) == SIGNATURE


def test_a_receiver_refuses_a_changed_body_a_stale_time_and_another_secret() -> None:
    now = int(time.time())
    headers = signed_headers(SECRET, MESSAGE, now, BODY)
    assert verify(SECRET, headers, BODY, now=now) == MESSAGE
    with pytest.raises(WebhookVerificationError, match="no signature"):
        verify(SECRET, headers, BODY.replace(b"2", b"3"), now=now)
    with pytest.raises(WebhookVerificationError, match="tolerance"):
        verify(SECRET, headers, BODY, now=now + 600)
    with pytest.raises(WebhookVerificationError, match="no signature"):
        verify(new_secret(), headers, BODY, now=now)
    rotated = {**headers, "webhook-signature": "v1,AAAA " + headers["webhook-signature"]}
    assert verify(SECRET, rotated, BODY, now=now) == MESSAGE


def test_secrets_events_and_urls_outside_the_rules_are_refused() -> None:
    assert new_secret().startswith("whsec_")
    for secret in ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_not base64!", "whsec_c2hvcnQ="):
        with pytest.raises(ValidationError):
            WebhookSubscription(name="portal", url="https://x.example", secret=secret)
    with pytest.raises(ValidationError, match="unknown events"):
        WebhookSubscription(name="portal", url="https://x.example", events=["dossier.eaten"])
    assert url_problem("http://127.0.0.1:9000/h", development=True) is None
    assert url_problem("http://127.0.0.1:9000/h", development=False) is not None
    assert url_problem("http://portal.example/h", development=True) is not None
    assert url_problem("https://user:pw@portal.example/h", development=False) is not None
    assert url_problem("ftp://portal.example/h", development=False) is not None
