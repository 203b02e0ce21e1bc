"""The search's and worklists' filter values, checked before any reaches a query: well-formed
identifiers only, dates within the days a dossier can have."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import TypeAdapter, ValidationError


class FilterError(ValueError):
    """A filter value that is not well formed (named by its option)."""


def checked_filter(value: str, kind: Any, option: str) -> str:
    """Filter values go into a query: only well-formed identifiers pass (FilterError names the
    option)."""
    try:
        return str(TypeAdapter(kind).validate_python(value))
    except ValidationError:
        raise FilterError(f"{option} '{value}' is not a valid value") from None


# hoso has no dossier received before 2000 (as its reports say), and none due after 2999
FILTER_DAYS = (date(2000, 1, 1), date(2999, 12, 31))


def checked_day(value: date | None, option: str) -> date | None:
    """A filter's date within the days a dossier can have."""
    first, last = FILTER_DAYS
    if value is not None and not first <= value <= last:
        raise FilterError(f"{option} {value} is outside {first} … {last}")
    return value
