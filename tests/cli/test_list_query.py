"""The search's filters (`hoso list`, the API's /dossiers and worklists): only well-formed values
reach a query, each refusal naming its option."""

from __future__ import annotations

from datetime import date

import pytest

from models.dossier import DossierStatus
from models.procedure import Identifier, ProcedureCode
from support.dossier_queries import FilterError, checked_day, checked_filter


def test_well_formed_filter_values_pass_as_they_are() -> None:
    assert checked_filter("in_review", DossierStatus, "--status") == "in_review"
    assert checked_filter("1.010733", ProcedureCode, "--procedure") == "1.010733"
    assert checked_day(date(2027, 1, 19), "--due-before") == date(2027, 1, 19)


@pytest.mark.parametrize(
    ("kind", "value", "option"),
    [
        (DossierStatus, "done' OR 1=1", "--status"),
        (Identifier, "x' OR '1'='1", "--agency"),
        (ProcedureCode, "abc", "--procedure"),
        (Identifier, "A B", "--stage"),
    ],
)
def test_malformed_filter_values_are_refused(kind: object, value: str, option: str) -> None:
    with pytest.raises(FilterError, match=option):
        checked_filter(value, kind, option)


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--received-to", date(1, 1, 1)),  # once a 500: the year 0 reached Temporal's parser
        ("--received-to", date(9999, 12, 31)),  # the day after it does not exist
        ("--received-from", date(1999, 12, 31)),
        ("--due-before", date(3000, 1, 1)),
    ],
)
def test_filter_dates_outside_any_dossiers_days_are_refused(option: str, value: date) -> None:
    with pytest.raises(FilterError, match=option):
        checked_day(value, option)
