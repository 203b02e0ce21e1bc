"""What an operator reads every morning (bảng điều hành): the open dossiers of their scope counted
by agency and by stage, and how many of them are overdue or at risk. Operators only; the scope is
the reads' (an operator of one agency: that agency; of a province-wide centre: every agency)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import case, func, select

from models.dossier import CLOSED_STATUSES
from operations.access import Caller, readable_agencies
from operations.mending import require_operator
from operations.search import DOSSIERS, DossierFilter, search_conditions
from operations.services import Services


class StageCount(BaseModel):
    """Open dossiers of one agency at one stage of one procedure."""

    agency: str
    procedure: str
    stage: str | None = Field(description="none: between stages (delivering, waiting to start)")
    open: int
    overdue: int
    at_risk: int


class Board(BaseModel):
    """The open dossiers of the caller's scope, by agency and stage, as of a moment."""

    as_of: datetime
    agencies: list[str] | None = Field(description="the scope; none: every agency")
    stages: list[StageCount]

    def by_agency(self) -> dict[str, int]:
        """Open dossiers per agency."""
        found: dict[str, int] = {}
        for row in self.stages:
            found[row.agency] = found.get(row.agency, 0) + row.open
        return found

    @property
    def open(self) -> int:
        return sum(row.open for row in self.stages)

    @property
    def overdue(self) -> int:
        return sum(row.overdue for row in self.stages)

    @property
    def at_risk(self) -> int:
        return sum(row.at_risk for row in self.stages)


def board(services: Services, caller: Caller) -> Board:
    """The caller's open dossiers counted by agency, procedure and stage (operators only)."""
    require_operator(caller)
    now = datetime.now(UTC)
    scope = readable_agencies(caller, services.settings)
    conditions = search_conditions(
        services.sessions, services.settings, caller, DossierFilter(), now
    )
    late = search_conditions(
        services.sessions, services.settings, caller, DossierFilter(overdue=True), now
    )[0]  # the overdue filter's own condition, with the clock's catch-up
    keys = (DOSSIERS.c.agency, DOSSIERS.c.procedure_code, DOSSIERS.c.stage)
    query = (
        select(
            *keys,
            func.count(),
            func.sum(case((late, 1), else_=0)),
            func.sum(case((DOSSIERS.c.at_risk, 1), else_=0)),
        )
        .where(*conditions, DOSSIERS.c.status.not_in(sorted(s.value for s in CLOSED_STATUSES)))
        .group_by(*keys)
        .order_by(*keys)
    )
    with services.sessions() as session:
        rows: list[Any] = list(session.connection().execute(query).all())
    return Board(
        as_of=now,
        agencies=None if scope is None else sorted(scope),
        stages=[
            StageCount(
                agency=agency,
                procedure=procedure,
                stage=stage,
                open=int(total),
                overdue=int(overdue or 0),
                at_risk=int(at_risk or 0),
            )
            for agency, procedure, stage, total, overdue, at_risk in rows
        ],
    )
