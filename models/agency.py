"""Agencies (cơ quan) and their units (đơn vị) by the names people read, from the catalogue's
agency list; the names a dossier prints are snapshotted into its submission."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from models.procedure import Identifier, Text

MAX_AGENCIES = 500
MAX_UNITS = 100


class Agency(BaseModel):
    """An agency's official name and the names of its units, by id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Identifier
    name: Text
    units: dict[Identifier, Text] = Field(default_factory=dict, max_length=MAX_UNITS)


class AgencyList(BaseModel):
    """What the catalogue's agency list file holds (`agencies: [...]`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    agencies: list[Agency] = Field(min_length=1, max_length=MAX_AGENCIES)


class Names(BaseModel):
    """The display names a dossier's forms and notices print: the agencies it involves (its own,
    those consulted) and the units of its own agency. A code without a name prints as itself
    (dossiers submitted before names existed)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    agencies: dict[str, str] = Field(default_factory=dict)
    units: dict[str, str] = Field(default_factory=dict)

    def agency(self, agency_id: str) -> str:
        return self.agencies.get(agency_id, agency_id)

    def unit(self, unit_id: str) -> str:
        return self.units.get(unit_id, unit_id)
