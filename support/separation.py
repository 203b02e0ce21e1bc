"""Separation of duties: the law keeps receiving a dossier and deciding it in different hands.

A chain where one officer could hold both (a reception stage and a decision stage of the same
role in the same unit, since an officer holds one role in one unit) is refused at publication,
unless the procedure says why the law allows it (`separation_waived`, with its legal basis).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import product
from typing import Protocol

from models.procedure import DecisionStage, Procedure, ReceptionStage

# The pairs of stage kinds the law separates: (the first, the second).
SEPARATED = ((ReceptionStage, DecisionStage),)


class Holder(Protocol):
    """An officer as the registry checks see them: an Officer or an OfficerRecord."""

    @property
    def id(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def agency(self) -> str: ...


def separation_problems(procedure: Procedure, people: Iterable[Holder]) -> list[str]:
    """One line per pair of separated stages one officer could hold, naming the stages, the
    role and unit, and the officers who would hold both."""
    if procedure.separation_waived:
        return []
    problems = []
    own: Sequence[Holder] = [p for p in people if p.agency == procedure.agency]
    for first_kind, second_kind in SEPARATED:
        firsts = [s for s in procedure.chain if isinstance(s, first_kind)]
        seconds = [s for s in procedure.chain if isinstance(s, second_kind)]
        for first, second in product(firsts, seconds):
            if (first.role, first.unit) != (second.role, second.unit):
                continue
            holders = sorted(p.id for p in own if (p.role, p.unit) == (first.role, first.unit))
            who = f" (held by {', '.join(holders)})" if holders else ""
            problems.append(
                f"stages '{first.id}' ({first.kind.value}) and '{second.id}' ({second.kind.value})"
                f" are both held by role '{first.role}' in unit '{first.unit}'{who}: the law"
                " separates them, so one officer would decide what they received; give the stages"
                " to different roles, or say why the law allows it in `separation_waived`"
            )
    return problems
