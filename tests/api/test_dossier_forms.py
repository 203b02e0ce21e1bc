"""A dossier's forms through the API: listed and downloaded as PDF with their SHA-256, the control
sheet drawn on request, for those who may read the dossier only."""

from __future__ import annotations

import asyncio
import base64
import hashlib

from tests.api.conftest import Api
from tests.api.helpers import action, signed_action, state_of, submitted
from tests.api.test_submission import assert_problem


async def received_with_receipt(api: Api) -> str:
    """A dossier accepted at reception, once its receipt (form 01) is issued."""
    code = await submitted(api)
    accept = signed_action(
        api, "xa.reception", code, "reception", "act", action(api, "xa.reception", "accept")
    )
    acted = await api.http.post(
        f"/api/v1/dossiers/{code}/actions", json=accept, auth=api.auth("xa.reception")
    )
    assert acted.status_code == 200, acted.text
    deadline = asyncio.get_running_loop().time() + 20
    while not (await state_of(api, code)).forms:
        assert asyncio.get_running_loop().time() < deadline, "no receipt issued"
        await asyncio.sleep(0.2)
    return code


async def test_forms_are_listed_and_downloaded_as_pdf_with_their_sha256(api: Api) -> None:
    code = await received_with_receipt(api)
    listed = await api.http.get(f"/api/v1/dossiers/{code}/forms", auth=api.auth("xa.chairman"))
    assert listed.status_code == 200, listed.text
    (receipt,) = listed.json()
    assert receipt["kind"] == "receipt" and receipt["file_name"] == f"{code}-receipt.pdf"
    got = await api.http.get(
        f"/api/v1/dossiers/{code}/forms/{receipt['sha256']}", auth=api.auth("xa.chairman")
    )
    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == "application/pdf" and got.content.startswith(b"%PDF")
    digest = hashlib.sha256(got.content).digest()
    assert digest.hex() == receipt["sha256"]
    assert got.headers["repr-digest"] == f"sha-256=:{base64.b64encode(digest).decode()}:"
    assert f'filename="{code}-receipt.pdf"' in got.headers["content-disposition"]

    sheet = await api.http.get(
        f"/api/v1/dossiers/{code}/forms/control-sheet", auth=api.auth("ops.operator")
    )
    assert sheet.status_code == 200, sheet.text
    assert sheet.headers["content-type"] == "application/pdf" and sheet.content.startswith(b"%PDF")
    sheet_digest = base64.b64encode(hashlib.sha256(sheet.content).digest()).decode()
    assert sheet.headers["repr-digest"] == f"sha-256=:{sheet_digest}:"


async def test_forms_out_of_reach_or_not_the_dossiers_answer_404(api: Api) -> None:
    code = await received_with_receipt(api)
    sha = (await state_of(api, code)).forms[0].sha256
    for path in ("forms", f"forms/{sha}", "forms/control-sheet"):
        other = await api.http.get(f"/api/v1/dossiers/{code}/{path}", auth=api.auth("xd.head"))
        assert_problem(other, 404, "not-found")
    another = await submitted(api)  # no form of its own
    borrowed = await api.http.get(
        f"/api/v1/dossiers/{another}/forms/{sha}", auth=api.auth("xa.chairman")
    )
    assert_problem(borrowed, 404, "not-found")


async def test_a_form_changed_in_the_store_is_refused_not_served(api: Api) -> None:
    code = await received_with_receipt(api)
    sha = (await state_of(api, code)).forms[0].sha256
    stored = next(p for p in api.settings.resolved_document_dir.rglob(sha) if p.is_file())
    stored.chmod(0o600)
    stored.write_bytes(b"%PDF-1.4 forged")
    got = await api.http.get(f"/api/v1/dossiers/{code}/forms/{sha}", auth=api.auth("xa.chairman"))
    body = assert_problem(got, 500, "form-unreadable")
    assert "differs from the record" in body["detail"] and str(stored) not in got.text
