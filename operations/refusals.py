"""Refused actions, for operators (issue 22, item 14): every update a dossier refused (forged,
stale, replayed, not allowed now), as the workers noted it (`activities/refusal_log.py`), and
who is refused in bursts.

An operator sees the refusals on the dossiers of their scope (a province-wide operator also
those on codes no dossier of the projection holds: forged starts, made-up codes). A refusal
names the officer the attempt named, the dossier, the update, the reason and the time: never
what the action said.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from pydantic import BaseModel, Field
from sqlmodel import col, select

from models.tables import DossierRecord, RefusedActionRecord
from operations.access import Caller, readable_agencies, utc_now
from operations.mending import require_operator
from operations.services import Services

BURST_SPAN = timedelta(minutes=10)
BURST_COUNT = 5
MAX_LISTED = 500


class RefusedAttempt(BaseModel):
    at: datetime
    dossier: str
    update: str
    officer: str | None = Field(description="as the attempt named them (certified or not)")
    token_id: str | None
    reason: str


class OfficerRefusals(BaseModel):
    """One officer's refused attempts in the period, and the most in any BURST_SPAN."""

    officer: str | None
    count: int
    first: datetime
    last: datetime
    most_in_span: int = Field(description=f"most refusals within {BURST_SPAN.seconds // 60} min")
    burst: bool = Field(description=f"{BURST_COUNT} or more within that span")


class Refusals(BaseModel):
    since: datetime
    attempts: list[RefusedAttempt] = Field(description=f"newest first, at most {MAX_LISTED}")
    officers: list[OfficerRefusals] = Field(description="bursts first, then by count")


def _most_in_span(times: list[datetime]) -> int:
    ordered, most, start = sorted(times), 0, 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] > BURST_SPAN:
            start += 1
        most = max(most, end - start + 1)
    return most


def _by_officer(rows: list[RefusedActionRecord]) -> list[OfficerRefusals]:
    times: dict[str | None, list[datetime]] = defaultdict(list)
    for row in rows:
        times[row.officer_id].append(row.at)
    found = []
    for officer, moments in times.items():
        most = _most_in_span(moments)
        found.append(
            OfficerRefusals(
                officer=officer,
                count=len(moments),
                first=min(moments),
                last=max(moments),
                most_in_span=most,
                burst=most >= BURST_COUNT,
            )
        )
    return sorted(found, key=lambda o: (not o.burst, -o.count, o.officer or ""))


def refusals(
    caller: Caller,
    services: Services,
    *,
    hours: int = 24,
    officer: str | None = None,
    dossier: str | None = None,
) -> Refusals:
    """The refused attempts of the last `hours` on the dossiers of the caller's scope."""
    require_operator(caller)
    since = utc_now() - timedelta(hours=hours)
    query = select(RefusedActionRecord).where(col(RefusedActionRecord.at) >= since)
    if officer:
        query = query.where(RefusedActionRecord.officer_id == officer)
    if dossier:
        query = query.where(RefusedActionRecord.dossier_code == dossier)
    agencies = readable_agencies(caller, services.settings)
    if agencies is not None:
        query = query.join(
            DossierRecord, col(DossierRecord.code) == col(RefusedActionRecord.dossier_code)
        ).where(col(DossierRecord.agency).in_(agencies))
    with services.sessions() as session:
        rows = list(session.exec(query.order_by(col(RefusedActionRecord.at).desc())))
    attempts = [
        RefusedAttempt(
            at=row.at,
            dossier=row.dossier_code,
            update=row.update,
            officer=row.officer_id,
            token_id=row.token_id,
            reason=row.reason,
        )
        for row in rows[:MAX_LISTED]
    ]
    return Refusals(since=since, attempts=attempts, officers=_by_officer(rows))
