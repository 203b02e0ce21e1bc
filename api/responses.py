"""The problem responses each route documents in the OpenAPI document."""

from __future__ import annotations

from typing import Any

from api.problems import MEDIA_TYPE, TITLES, Problem


def PROBLEMS(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {
        status: {
            "model": Problem,
            "description": TITLES[status],
            "content": {MEDIA_TYPE: {}},
        }
        for status in statuses
    }


SIGNED = (401, 404, 422, 429)
