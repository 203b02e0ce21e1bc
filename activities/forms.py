"""Forms issued as documents of the dossier: receipt (01), supplement request (02), refusal (03),
apology (04), control sheet (05) and the result, rendered from templates and stored by hash."""

from __future__ import annotations

import asyncio
from typing import Protocol

import structlog
from temporalio import activity

from activities.database import SessionFactory
from activities.document_store import DocumentStore
from activities.form_rendering import render, render_form, render_form_pdf
from activities.storage import register_forms
from models.effects import FormRequest
from models.record import GENESIS, FormSeal, seal_message
from models.state import FormRef

log = structlog.get_logger()
__all__ = ["FormActivities", "Sealer", "render_form", "render_form_pdf"]


class Sealer(Protocol):
    """The agencies' seal keys (support/seals.py, wired by the worker)."""

    def sign(self, agency: str, message: bytes) -> tuple[str, str]:
        """(the id of the key used, the signature)."""
        ...


class FormActivities:
    def __init__(
        self,
        session_factory: SessionFactory,
        store: DocumentStore,
        seals: Sealer | None = None,
        *,
        processes: int = 0,
    ) -> None:
        self._sessions = session_factory
        self._store = store
        self._seals = seals
        self._processes = processes  # rendering processes beside the worker (0: a thread)

    @activity.defn
    async def issue_form(self, request: FormRequest) -> FormRef:
        """Renders, stores, seals and registers the form; a retry gives the same form and seal."""
        structlog.contextvars.bind_contextvars(dossier=request.dossier_code)
        data = await render(request, self._processes)
        form = await asyncio.to_thread(self._keep, request, data)
        log.info("form_issued", kind=request.kind, sha256=form.sha256, sealed=form.seal is not None)
        return form

    def _keep(self, request: FormRequest, data: bytes) -> FormRef:
        """Stores, seals and registers the rendered form (one trip to a thread)."""
        sha = self._store.put(data)
        form = FormRef(
            kind=request.kind,
            sha256=sha,
            issued_at=request.issued_at,
            seal=self._seal(request, sha),
        )
        with self._sessions() as session:
            register_forms(session, request.dossier_code, [(form, len(data))])
            session.commit()
        return form

    def _seal(self, request: FormRequest, sha: str) -> FormSeal | None:
        """The agency's seal over the form and the dossier's record so far."""
        if self._seals is None:
            return None
        agency = request.agency or request.context.get("agency", "")
        head = request.record_head or GENESIS
        message = seal_message(
            dossier=request.dossier_code,
            kind=request.kind,
            sha256=sha,
            issued_at=request.issued_at,
            head=head,
        )
        key, signature = self._seals.sign(agency, message)
        return FormSeal(key=key, signature=signature, head=head)
