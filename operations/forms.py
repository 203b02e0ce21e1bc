"""A dossier's forms (01 receipt, 02 supplement request, 03 refusal, 04 apology, the result …) as
its workflow issued them, for those who may read the dossier; and its control sheet (form 05,
every hand-over with its time) drawn from its history on request.

A form is read from the document store by the hash the dossier's state names, and its bytes are
checked against that hash before they leave: a changed file is refused, never served.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import BaseModel, Field
from temporalio.client import Client

from activities.document_store import DocumentNotFound
from models.state import DossierState
from operations.access import Caller
from operations.dossiers import DossierView, online_result, public_state, readable_state
from operations.errors import NotFound
from operations.services import Services
from support.control_sheet import render_control_sheet
from support.rebuild import read_dossier

FORM_FORMAT = "pdf"


class FormEntry(BaseModel):
    """A form issued to the dossier, with the file name it is written under."""

    kind: str
    issued_at: datetime
    file_name: str = Field(description="`<code>-<kind>.pdf`; a second of a kind gets `-2`")
    sha256: str
    sealed: bool = Field(description="the agency's seal is over it")


@dataclass(frozen=True)
class FormFile:
    """A form's bytes, its file name and its SHA-256."""

    file_name: str
    content: bytes
    sha256: str


class FormUnreadable(RuntimeError):
    """A form the document store lacks, or holds changed: an operator's matter (`hoso verify`)."""


def form_entries(state: DossierState | DossierView) -> list[FormEntry]:
    """The dossier's forms in the order they were issued, each named for its file."""
    seen: dict[str, int] = {}
    entries = []
    for form in state.forms:
        seen[form.kind] = seen.get(form.kind, 0) + 1
        suffix = f"-{seen[form.kind]}" if seen[form.kind] > 1 else ""
        entries.append(
            FormEntry(
                kind=form.kind,
                issued_at=form.issued_at,
                file_name=f"{state.code}-{form.kind}{suffix}.{FORM_FORMAT}",
                sha256=form.sha256,
                sealed=form.seal is not None,
            )
        )
    return entries


async def dossier_forms(
    client: Client, caller: Caller, services: Services, code: str
) -> list[FormEntry]:
    return form_entries(await readable_state(client, caller, services.settings, code))


async def form_file(
    client: Client, caller: Caller, services: Services, code: str, sha256: str
) -> FormFile:
    """One of the dossier's forms by its hash; NotFound when the dossier issued no such form."""
    state = await readable_state(client, caller, services.settings, code)
    entry = next((e for e in form_entries(state) if e.sha256 == sha256), None)
    if entry is None:
        raise NotFound(f"dossier {code} has no form {sha256[:12]}…")
    return FormFile(entry.file_name, read_checked(services, sha256, entry.file_name), sha256)


async def latest_form(
    client: Client, caller: Caller, services: Services, code: str, kind: str
) -> FormFile:
    """The dossier's latest form of `kind` (the receipt: the one with the current due date);
    NotFound when none was issued yet."""
    state = await readable_state(client, caller, services.settings, code)
    entry = next((e for e in reversed(form_entries(state)) if e.kind == kind), None)
    if entry is None:
        raise NotFound(f"dossier {code} has no {kind} yet")
    return FormFile(
        entry.file_name, read_checked(services, entry.sha256, entry.file_name), entry.sha256
    )


def read_checked(services: Services, sha256: str, file_name: str) -> bytes:
    """A file of the document store, checked against the hash the record names."""
    try:
        content = services.store.read(sha256)
    except DocumentNotFound:
        raise FormUnreadable(f"{file_name} is not in the document store") from None
    if hashlib.sha256(content).hexdigest() != sha256:
        raise FormUnreadable(f"{file_name} in the document store differs from the record")
    return content


async def public_result(client: Client, services: Services, code: str, secret: str) -> FormFile:
    """The result (or refusal) delivered online, for whoever holds the code and its lookup
    secret; NotFound otherwise, as for a wrong secret."""
    state = await public_state(client, services.sessions, code, secret)
    form = online_result(state)
    entry = next((e for e in form_entries(state) if form and e.sha256 == form.sha256), None)
    if entry is None:
        raise NotFound(f"dossier {code} has no result delivered online")
    content = read_checked(services, entry.sha256, entry.file_name)
    return FormFile(entry.file_name, content, entry.sha256)


async def control_sheet(
    client: Client, caller: Caller, services: Services, code: str, *, now: datetime | None = None
) -> FormFile:
    """The control sheet (form 05) drawn now from the dossier's history and state."""
    await readable_state(client, caller, services.settings, code)
    source = await read_dossier(client, code)
    if source.state is None:
        raise NotFound(f"dossier {code} has no recorded state yet")
    content = render_control_sheet(
        source.submission.procedure,
        source.state,
        source.submission.applicant.name,
        now or datetime.now(UTC),
        source.submission.names,
    )
    name = f"{code}-control_sheet.{FORM_FORMAT}"
    return FormFile(name, content, hashlib.sha256(content).hexdigest())


async def public_payment_receipt(
    client: Client, services: Services, code: str, secret: str
) -> FormFile:
    """The electronic receipt of the fee paid online (biên lai), for whoever holds the code and
    its lookup secret; NotFound otherwise, as for a wrong secret."""
    state = await public_state(client, services.sessions, code, secret)
    entry = next((e for e in form_entries(state) if e.kind == "payment_receipt"), None)
    if entry is None:
        raise NotFound(f"dossier {code} has no payment receipt")
    return FormFile(
        entry.file_name, read_checked(services, entry.sha256, entry.file_name), entry.sha256
    )
