"""The names pages print for agencies, units, procedures and stages, from the catalogue (the
agency list and the procedures' chains); a code the catalogue does not name prints as itself."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlmodel import select

from models.officer import OfficerIdentity
from models.procedure import ReceptionStage
from models.tables import AgencyRecord
from support.catalogue import list_procedures
from support.intake import Sessions

KEEP_SECONDS = 60.0


@dataclass(frozen=True)
class CatalogueNames:
    agencies: dict[str, str] = field(default_factory=dict)
    units: dict[tuple[str, str], str] = field(default_factory=dict)
    procedures: dict[str, str] = field(default_factory=dict)
    stages: dict[tuple[str, str], str] = field(default_factory=dict)
    documents: dict[tuple[str, str], str] = field(default_factory=dict)
    receptions: frozenset[tuple[str, str, str]] = frozenset()  # (agency, unit, role) receiving

    def agency(self, agency_id: str | None) -> str:
        return self.agencies.get(agency_id or "", agency_id or "")

    def unit(self, agency_id: str | None, unit_id: str | None) -> str:
        return self.units.get((agency_id or "", unit_id or ""), unit_id or "")

    def procedure(self, code: str | None) -> str:
        return self.procedures.get(code or "", code or "")

    def document(self, procedure: str | None, kind: str) -> str:
        return self.documents.get((procedure or "", kind), kind)

    def at_counter(self, officer: OfficerIdentity) -> bool:
        """The officer receives dossiers at a one-stop unit's counter (for the navigation; the
        counter's pages ask `operations.counter_intake` themselves)."""
        return (officer.agency, officer.unit, officer.role) in self.receptions

    def stage(self, procedure: str | None, stage_id: str | None) -> str:
        return self.stages.get((procedure or "", stage_id or ""), stage_id or "")


_kept: dict[int, tuple[float, CatalogueNames]] = {}


def catalogue_names(sessions: Sessions) -> CatalogueNames:
    """The catalogue's names, read again at most once a minute."""
    now = time.monotonic()
    kept = _kept.get(id(sessions))
    if kept is not None and now - kept[0] < KEEP_SECONDS:
        return kept[1]
    with sessions() as session:
        agencies = list(session.exec(select(AgencyRecord)))
        procedures = list_procedures(session)
    names = CatalogueNames(
        agencies={a.id: a.name for a in agencies},
        units={(a.id, unit): name for a in agencies for unit, name in a.units.items()},
        procedures={p.code: p.name for p in procedures},
        stages={(p.code, s.id): s.name or s.id for p in procedures for s in p.chain},
        documents={(p.code, d.kind): d.name for p in procedures for d in p.documents},
        receptions=frozenset(
            (p.agency, stage.unit, stage.role)
            for p in procedures
            if isinstance(stage := p.chain[0], ReceptionStage)
        ),
    )
    _kept[id(sessions)] = (now, names)
    return names
