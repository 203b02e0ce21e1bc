"""Officers' documents for actions and supplements through the API: uploaded, checked, stored by
hash, then named by the signed action; refused outside one's reach and when they fail a check."""

from __future__ import annotations

import hashlib
import json

import httpx

from models.dossier import DocumentRef
from tests.api.conftest import EXE, PDF, Api
from tests.api.helpers import action, signed_action, submitted
from tests.api.test_submission import assert_problem


async def upload(
    api: Api,
    officer_id: str,
    code: str,
    kinds: list[dict[str, str]],
    files: list[tuple[str, bytes]],
    *,
    to: str = "actions",
) -> httpx.Response:
    return await api.http.post(
        f"/api/v1/dossiers/{code}/{to}/documents",
        data={"kinds": json.dumps(kinds)},
        files=[("documents", (name, content, "application/pdf")) for name, content in files],
        auth=api.auth(officer_id),
    )


def stored_files(api: Api) -> set[str]:
    root = api.settings.resolved_document_dir
    return {p.name for p in root.rglob("*") if p.is_file() and ".uploads" not in p.parts}


async def test_an_officer_uploads_minutes_and_the_signed_action_names_them_by_hash(
    api: Api,
) -> None:
    code = await submitted(api)
    minutes = PDF + b"% minutes of the check\n"
    response = await upload(
        api,
        "xa.reception",
        code,
        [{"kind": "minutes", "path": "minutes.pdf"}],
        [("minutes.pdf", minutes)],
    )
    assert response.status_code == 201, response.text
    (ref,) = [DocumentRef.model_validate(item) for item in response.json()]
    assert ref.kind == "minutes" and ref.sha256 == hashlib.sha256(minutes).hexdigest()
    assert ref.size == len(minutes) and ref.format == "pdf"
    accept = action(api, "xa.reception", "accept", documents=[ref])
    body = signed_action(api, "xa.reception", code, "reception", "act", accept)
    acted = await api.http.post(
        f"/api/v1/dossiers/{code}/actions", json=body, auth=api.auth("xa.reception")
    )
    assert acted.status_code == 200, acted.text
    assert ref.sha256 in {doc["sha256"] for doc in acted.json()["documents"]}


async def test_a_supplements_documents_are_of_the_procedures_kinds(api: Api) -> None:
    code = await submitted(api)
    before = stored_files(api)
    wrong = await upload(
        api,
        "xa.reception",
        code,
        [{"kind": "minutes", "path": "m.pdf"}],
        [("m.pdf", PDF)],
        to="supplement",
    )
    body = assert_problem(wrong, 422, "invalid-dossier")
    assert "declares no document kind 'minutes'" in body["detail"]
    right = await upload(
        api,
        "xa.reception",
        code,
        [{"kind": "request_form", "path": "form-v2.pdf"}],
        [("form-v2.pdf", PDF + b"% v2\n")],
        to="supplement",
    )
    assert right.status_code == 201, right.text
    assert len(stored_files(api) - before) == 1


async def test_a_supplements_scan_may_be_larger_than_an_ordinary_request(api: Api) -> None:
    code = await submitted(api)
    limit = api.settings.api_max_request_bytes
    scan = PDF + b"%" + b"0" * (2 * limit) + b"\n"
    uploaded = await upload(
        api,
        "xa.reception",
        code,
        [{"kind": "request_form", "path": "scan.pdf"}],
        [("scan.pdf", scan)],
        to="supplement",
    )
    assert uploaded.status_code == 201, uploaded.text


async def test_documents_for_a_dossier_out_of_reach_answer_404_and_nothing_is_kept(
    api: Api,
) -> None:
    code = await submitted(api)
    before = stored_files(api)
    kinds = [{"kind": "minutes", "path": "m.pdf"}]
    other = await upload(api, "tnmt.specialist", code, kinds, [("m.pdf", PDF)])
    unknown = await upload(api, "xa.reception", "ubnd-xa-000101-9999", kinds, [("m.pdf", PDF)])
    assert_problem(other, 404, "not-found")
    assert_problem(unknown, 404, "not-found")
    assert stored_files(api) == before


async def test_hostile_uploads_are_refused_before_anything_is_kept(api: Api) -> None:
    code = await submitted(api)
    before = stored_files(api)
    climbing = await upload(
        api, "xa.reception", code, [{"kind": "minutes", "path": "../m.pdf"}], [("../m.pdf", PDF)]
    )
    assert_problem(climbing, 422, "invalid-dossier")
    mistyped = await upload(
        api, "xa.reception", code, [{"kind": "minutes", "path": "m.pdf"}], [("m.pdf", EXE)]
    )
    assert "PDF" in assert_problem(mistyped, 422, "invalid-dossier")["detail"]
    unnamed = await upload(
        api,
        "xa.reception",
        code,
        [{"kind": "minutes", "path": "m.pdf"}],
        [("m.pdf", PDF), ("other.pdf", PDF)],
    )
    assert "other.pdf" in assert_problem(unnamed, 422, "invalid-dossier")["detail"]
    no_kinds = await upload(api, "xa.reception", code, [], [("m.pdf", PDF)])
    assert_problem(no_kinds, 422, "invalid-dossier")
    bad_kind = await upload(
        api, "xa.reception", code, [{"kind": "Minutes!", "path": "m.pdf"}], [("m.pdf", PDF)]
    )
    body = assert_problem(bad_kind, 422, "invalid-request")
    assert body["errors"][0]["pointer"].startswith("/kinds/0/kind")
    assert stored_files(api) == before
