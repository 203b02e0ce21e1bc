"""The problem responses each route documents in the OpenAPI document."""

from __future__ import annotations

from typing import Any

from api.problems import MEDIA_TYPE, TITLES, Problem

PROBLEM_SCHEMA = {"$ref": "#/components/schemas/Problem"}
METHODS = ("get", "put", "post", "delete", "patch")


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


def problem_contract(document: dict[str, Any]) -> dict[str, Any]:
    """The contract as the app answers: every error is a problem (application/problem+json, not
    FastAPI's own validation error); every operation that reads parameters may answer 422 and every
    one with a body 400 (a body that does not parse), every signed one 429."""
    for operation in _operations(document):
        responses = operation["responses"]
        if operation.get("parameters") or "requestBody" in operation:
            responses.setdefault("422", {})
        if "requestBody" in operation:
            responses.setdefault("400", {})
        if "401" in responses:  # signed: too many failed authentications from one address
            responses.setdefault("429", {})
        for status, response in responses.items():
            if status.isdigit() and int(status) >= 400:
                response["description"] = TITLES[int(status)]
                response["content"] = {MEDIA_TYPE: {"schema": PROBLEM_SCHEMA}}
    schemas = document.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return document


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        operation
        for item in document.get("paths", {}).values()
        for method, operation in item.items()
        if method in METHODS
    ]
