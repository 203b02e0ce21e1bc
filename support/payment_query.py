"""The transaction query's HTTP side: one signed querydr request POSTed as JSON to the gateway's
query API, and its JSON answer back (its signature is checked by the caller, support/vnpay.py).
A gateway that does not answer, answers with an HTTP error or with something other than a JSON
object is `QueryUnanswered`: nothing is learnt, the attempt is asked again later."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

LONGEST_ANSWER = 64 * 1024
"""A querydr answer is a few hundred bytes: a longer one is not read."""


class QueryUnanswered(RuntimeError):
    """The gateway gave no readable answer (why, without the answer's content)."""


async def ask(http: httpx.AsyncClient, url: str, body: Mapping[str, str]) -> dict[str, Any]:
    """The gateway's answer to the signed request `body`."""
    try:
        async with http.stream("POST", url, json=dict(body)) as response:
            if response.status_code != 200:
                raise QueryUnanswered(f"HTTP {response.status_code}")
            content = b""
            async for chunk in response.aiter_bytes():
                content += chunk
                if len(content) > LONGEST_ANSWER:
                    raise QueryUnanswered("an answer too long to be one")
    except httpx.HTTPError as err:
        raise QueryUnanswered(type(err).__name__) from None
    try:
        answer = json.loads(content)
    except ValueError:
        raise QueryUnanswered("an answer that is not JSON") from None
    if not isinstance(answer, dict):
        raise QueryUnanswered("an answer that is not a JSON object")
    return answer
