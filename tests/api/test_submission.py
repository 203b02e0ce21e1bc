"""Submitting through the API: checks before anything is kept, one dossier per reference, and the
applicant's lookup secret."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlmodel import select

from models.tables import SubmissionRecord
from tests.api.conftest import APPLICANT, EXE, JPG, PDF, Api, extract_dossier

PROBLEM = "application/problem+json"


def assert_problem(response: httpx.Response, status: int, kind: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"].endswith("/" + kind) and body["status"] == status and body["title"]
    assert "Traceback" not in response.text and "/tmp" not in response.text
    return body


def nothing_kept(api: Api) -> bool:
    root = api.settings.resolved_document_dir
    stored = [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
    with api.sessions() as session:
        return not stored and not list(session.exec(select(SubmissionRecord)))


async def test_a_reception_officer_submits_and_gets_code_location_and_secret(api: Api) -> None:
    response = await api.submit()
    assert response.status_code == 201, response.text
    receipt = response.json()
    assert receipt["code"].startswith("ubnd-xa-") and not receipt["duplicate"]
    assert response.headers["location"] == f"/api/v1/dossiers/{receipt['code']}"
    secret = receipt["lookup_secret"]
    assert len(secret) >= 32
    with api.sessions() as session:
        record = session.exec(select(SubmissionRecord)).one()
    assert record.lookup_secret_sha256 and secret not in record.lookup_secret_sha256

    public = await api.http.get(
        f"/api/v1/public/dossiers/{receipt['code']}", headers={"Hoso-Lookup-Secret": secret}
    )
    assert public.status_code == 200, public.text
    assert public.json()["status"] in ("submitted", "received")
    assert "applicant" not in public.text and "0912345678" not in public.text
    wrong = await api.http.get(f"/api/v1/public/dossiers/{receipt['code']}?secret=guess")
    unknown = await api.http.get(f"/api/v1/public/dossiers/ubnd-xa-000101-9999?secret={secret}")
    assert_problem(wrong, 404, "not-found")
    assert wrong.json() == unknown.json()


async def test_the_same_idempotency_key_answers_the_same_dossier_and_another_body_conflicts(
    api: Api,
) -> None:
    key = {"Idempotency-Key": "portal-123"}
    first = await api.submit(headers=key)
    again = await api.submit(headers=key)
    assert first.status_code == 201 and again.status_code == 200, again.text
    assert again.json()["code"] == first.json()["code"] and again.json()["duplicate"]
    assert again.json()["lookup_secret"] is None
    other = await api.submit(
        headers=key,
        dossier=extract_dossier(
            delivery="post", applicant={**APPLICANT, "address": "12 Phố Huế, Hà Nội"}
        ),
    )
    assert_problem(other, 409, "conflict")


async def test_an_officer_of_another_agency_may_not_submit(api: Api) -> None:
    assert_problem(await api.submit("tnmt.reception"), 403, "forbidden")


async def test_a_mistyped_document_is_refused_and_nothing_is_kept(api: Api) -> None:
    response = await api.submit(files=[("form.pdf", EXE), ("card.jpg", EXE)])
    body = assert_problem(response, 422, "invalid-dossier")
    assert "PDF" in body["detail"]
    assert nothing_kept(api)


async def test_a_result_by_post_without_an_address_is_refused(api: Api) -> None:
    response = await api.submit(dossier=extract_dossier(delivery="post"))
    body = assert_problem(response, 422, "invalid-dossier")
    assert "applicant.address" in body["detail"] and "post" in body["detail"], body
    assert nothing_kept(api)


async def test_a_file_name_climbing_out_of_the_folder_is_refused(api: Api) -> None:
    dossier = extract_dossier(
        documents=[
            {"kind": "request_form", "path": "../form.pdf"},
            {"kind": "id_card", "path": "card.jpg"},
        ]
    )
    response = await api.submit(dossier=dossier, files=[("../form.pdf", PDF)])
    body = assert_problem(response, 422, "invalid-dossier")
    assert "'..'" in body["detail"] or "folder" in body["detail"], body
    assert nothing_kept(api)


async def test_an_oversized_upload_is_refused_with_413(api: Api) -> None:
    limit = api.settings.max_document_bytes
    api.settings.__dict__["max_document_bytes"] = 1000  # this app's own settings object
    try:
        big = PDF + b"0" * 2000
        response = await api.submit(files=[("form.pdf", big), ("card.jpg", PDF)])
    finally:
        api.settings.__dict__["max_document_bytes"] = limit
    assert_problem(response, 413, "too-large")
    assert nothing_kept(api)


async def test_a_declared_body_over_the_limit_is_refused_before_it_is_read(api: Api) -> None:
    response = await api.http.post(
        "/api/v1/dossiers",
        content=b"x",
        headers={"content-length": str(10**12), "content-type": "multipart/form-data"},
    )
    assert_problem(response, 413, "too-large")


async def _send_signed(api: Api, content: bytes, content_type: str) -> httpx.Response:
    request = api.http.build_request(
        "POST", "/api/v1/dossiers", content=content, headers={"content-type": content_type}
    )
    signed = next(api.auth("xa.reception").auth_flow(request))
    return await api.http.send(signed)


async def test_broken_multipart_is_a_bad_request(api: Api) -> None:
    part = b'--nope\r\nContent-Disposition: form-data; name="dossier"\r\n\r\n{'
    no_boundary = await _send_signed(api, part, "multipart/form-data")
    assert_problem(no_boundary, 400, "bad-request")
    truncated = await _send_signed(api, part, "multipart/form-data; boundary=nope")
    assert_problem(truncated, 422, "invalid-dossier")
    assert nothing_kept(api)


async def test_a_submission_that_is_not_multipart_is_415(api: Api) -> None:
    response = await api.http.post(
        "/api/v1/dossiers", json={"procedure": "x"}, auth=api.auth("xa.reception")
    )
    assert_problem(response, 415, "unsupported-media-type")


async def test_invalid_dossier_fields_are_named_by_pointer(api: Api) -> None:
    dossier = extract_dossier(applicant={"name": "A", "id_number": "12", "phone": "1"})
    response = await api.submit(dossier=dossier)
    body = assert_problem(response, 422, "invalid-request")
    pointers = {error["pointer"] for error in body["errors"]}
    assert "/dossier/applicant/id_number" in pointers and "/dossier/applicant/phone" in pointers
    assert "001" not in json.dumps(body["errors"])


async def test_an_upload_cut_off_after_some_documents_were_written_leaves_nothing(
    api: Api,
) -> None:
    """The first documents are already in the store's incoming area when the last one fails
    (over the limit): the request ends with nothing of it kept, no file in the store at all."""
    limit = api.settings.max_document_bytes
    api.settings.__dict__["max_document_bytes"] = 5000  # this app's own settings object
    try:
        files = [("form.pdf", PDF + b"0" * 4000), ("card.jpg", JPG), ("big.pdf", PDF * 200)]
        dossier = extract_dossier()
        dossier["documents"].append({"kind": "request_form", "path": "big.pdf"})
        response = await api.submit(dossier=dossier, files=files)
    finally:
        api.settings.__dict__["max_document_bytes"] = limit
    assert_problem(response, 413, "too-large")
    assert nothing_kept(api)


async def test_a_client_gone_in_the_middle_of_a_document_leaves_nothing(api: Api) -> None:
    """The connection drops while the body streams in: no document, no submission."""
    request = api.http.build_request(
        "POST",
        "/api/v1/dossiers",
        data={"dossier": json.dumps(extract_dossier())},
        files=[("documents", ("form.pdf", PDF + b"0" * 300_000, "application/pdf"))],
    )
    request.read()
    signed = next(api.auth("xa.reception").auth_flow(request))
    whole = signed.content

    async def cut_off() -> AsyncIterator[bytes]:
        yield whole[: len(whole) // 2]
        raise ConnectionResetError("the client went away")

    gone = api.http.build_request(
        "POST", "/api/v1/dossiers", content=cut_off(), headers=dict(signed.headers)
    )
    with pytest.raises((ConnectionResetError, httpx.HTTPError)):
        await api.http.send(gone)
    assert nothing_kept(api)
