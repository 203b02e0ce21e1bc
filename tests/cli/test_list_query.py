"""The search (`hoso list`, the API's /dossiers) builds its visibility query from validated filters
only."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from support.dossier_queries import FilterError, build_query


def test_filters_become_search_attribute_clauses() -> None:
    query = build_query(status="in_review", procedure="1.010733", unit="environment-office")
    assert query == (
        "WorkflowType = 'DossierWorkflow' AND ExecutionStatus != 'ContinuedAsNew' AND "
        "HosoStatus = 'in_review' AND "
        "HosoProcedure = '1.010733' AND HosoUnit = 'environment-office'"
    )


def test_overdue_means_past_due_and_still_open() -> None:
    query = build_query(overdue=True, now=datetime(2025, 7, 1, 3, 0, tzinfo=UTC))
    assert "(HosoOverdue = true OR HosoDueDate < '2025-07-01T03:00:00Z')" in query
    assert "HosoStatus NOT IN ('cancelled', 'completed', 'refused', 'withdrawn')" in query


def test_due_before_a_day_means_due_before_its_midnight_in_vietnam() -> None:
    query = build_query(due_before=date(2027, 1, 19), at_risk=True)
    assert "HosoDueDate < '2027-01-18T17:00:00Z'" in query
    assert "HosoAtRisk = true" in query
    assert "HosoStatus NOT IN (" in query


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "done' OR 1=1"),
        ("agency", "x' OR '1'='1"),
        ("procedure", "abc"),
        ("stage", "A B"),
    ],
)
def test_malformed_filter_values_are_refused(field: str, value: str) -> None:
    with pytest.raises(FilterError, match=f"--{field}"):
        build_query(**{field: value})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("received_to", date(1, 1, 1)),  # once a 500: the year 0 reached Temporal's parser
        ("received_to", date(9999, 12, 31)),  # the day after it does not exist
        ("received_from", date(1999, 12, 31)),
        ("due_before", date(3000, 1, 1)),
    ],
)
def test_filter_dates_outside_any_dossiers_days_are_refused(field: str, value: date) -> None:
    with pytest.raises(FilterError, match="--" + field.replace("_", "-")):
        build_query(**{field: value})
