"""The projection: the dossier's state written to the database for search and reporting."""

from __future__ import annotations

from temporalio import activity

from models.effects import DossierProjection


class ProjectionActivities:
    def __init__(self, session_factory) -> None:  # type: ignore[no-untyped-def]
        self._sessions = session_factory

    @activity.defn
    async def record_dossier(self, projection: DossierProjection) -> None:
        """Upsert the dossier row, its actions (by seq) and documents; a repeat writes nothing new."""
        raise NotImplementedError
