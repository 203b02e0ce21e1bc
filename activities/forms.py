"""Forms issued as documents of the dossier (receipt, supplement request, refusal, result)."""

from __future__ import annotations

from temporalio import activity

from models.effects import FormRequest
from models.state import FormRef


class FormActivities:
    def __init__(self, session_factory, store) -> None:  # type: ignore[no-untyped-def]
        self._sessions = session_factory
        self._store = store

    @activity.defn
    async def issue_form(self, request: FormRequest) -> FormRef:
        raise NotImplementedError
