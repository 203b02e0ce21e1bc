"""A dossier's documents through the API: listed to whoever reads the dossier, downloaded as
submitted, and a confidential one read only by the officers who hold or held its stages and the
leaders of its agency."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

from support.catalogue import publish_paths
from support.publishers import machine_publisher
from tests.api.conftest import JPG, PDF, PROCEDURES, Api, extract_dossier
from tests.api.helpers import action, signed_action, submitted, wait_for_stage
from tests.api.test_submission import assert_problem

JPG_SHA = hashlib.sha256(JPG).hexdigest()
PDF_SHA = hashlib.sha256(PDF).hexdigest()


def id_cards_confidential(api: Api, folder: Path) -> None:
    """A new version of the extract whose identity card copies are confidential."""
    body = yaml.safe_load((PROCEDURES / "civil-status-extract.yaml").read_text())
    for document in body["documents"]:
        if document["kind"] == "id_card":
            document["confidentiality"] = "confidential"
    (folder / "extract.yaml").write_text(yaml.safe_dump(body, allow_unicode=True))
    with api.sessions() as session:
        publish_paths(session, [folder], publisher=machine_publisher(api.settings))


async def download(api: Api, officer: str, code: str, sha: str):
    return await api.http.get(f"/api/v1/dossiers/{code}/documents/{sha}", auth=api.auth(officer))


async def test_an_officer_lists_and_downloads_the_documents_as_submitted(api: Api) -> None:
    code = await submitted(api)
    listed = await api.http.get(f"/api/v1/dossiers/{code}/documents", auth=api.auth("xa.chairman"))
    assert listed.status_code == 200, listed.text
    by_kind = {entry["kind"]: entry for entry in listed.json()}
    assert by_kind["id_card"]["name"].startswith("Bản sao thẻ Căn cước")
    assert by_kind["id_card"]["confidentiality"] == "internal" and by_kind["id_card"]["readable"]
    got = await download(api, "xa.civil-status", code, JPG_SHA)
    assert got.status_code == 200, got.text
    assert got.content == JPG and got.headers["content-type"] == "image/jpeg"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert "attachment" in got.headers["content-disposition"]
    # a province-wide operator reads an internal document too
    assert (await download(api, "ops.operator", code, PDF_SHA)).status_code == 200


async def test_documents_of_a_dossier_one_may_not_read_answer_404(api: Api) -> None:
    code = await submitted(api)
    assert_problem(await download(api, "tnmt.specialist", code, JPG_SHA), 404, "not-found")
    # a hash of the store that is not this dossier's document is not served through it
    other = hashlib.sha256(b"another dossier's file").hexdigest()
    assert_problem(await download(api, "xa.chairman", code, other), 404, "not-found")


async def test_a_confidential_document_is_read_by_its_stage_holders_and_leaders_only(
    api: Api, tmp_path: Path
) -> None:
    id_cards_confidential(api, tmp_path)
    code = await submitted(api)
    # the review officer has not held the dossier yet; the operator never holds it
    for outsider in ("xa.civil-status", "ops.operator"):
        body = assert_problem(await download(api, outsider, code, JPG_SHA), 403, "forbidden")
        assert "confidential" in body["detail"] and "0912345678" not in body["detail"]
        listed = await api.http.get(f"/api/v1/dossiers/{code}/documents", auth=api.auth(outsider))
        levels = {e["kind"]: (e["confidentiality"], e["readable"]) for e in listed.json()}
        assert levels == {"id_card": ("confidential", False), "request_form": ("internal", True)}
    # the request form stays internal: every reader of the dossier reads it
    assert (await download(api, "xa.civil-status", code, PDF_SHA)).status_code == 200
    # the reception officer holds the stage; the chairman leads the agency
    for insider in ("xa.reception", "xa.chairman"):
        assert (await download(api, insider, code, JPG_SHA)).content == JPG

    accept = signed_action(
        api, "xa.reception", code, "reception", "act", action(api, "xa.reception", "accept")
    )
    moved = await api.http.post(
        f"/api/v1/dossiers/{code}/actions", json=accept, auth=api.auth("xa.reception")
    )
    assert moved.status_code == 200, moved.text
    await wait_for_stage(api, code, "review")
    # now the review officer holds it, and the reception officer held it
    for holder in ("xa.civil-status", "xa.reception"):
        assert (await download(api, holder, code, JPG_SHA)).content == JPG
    assert_problem(await download(api, "ops.operator", code, JPG_SHA), 403, "forbidden")


async def test_the_applicants_file_name_is_quoted_never_a_header_of_its_own(api: Api) -> None:
    name = "hợp đồng mới; x=1.pdf"
    documents = [{"kind": "request_form", "path": name}, {"kind": "id_card", "path": "card.jpg"}]
    response = await api.submit(
        dossier=extract_dossier(documents=documents), files=[(name, PDF), ("card.jpg", JPG)]
    )
    assert response.status_code == 201, response.text
    code = response.json()["code"]
    await wait_for_stage(api, code, "reception")
    got = await download(api, "xa.chairman", code, PDF_SHA)
    assert got.headers["content-disposition"] == (
        'attachment; filename="h_p __ng m_i_ x_1.pdf"; '
        "filename*=UTF-8''h%E1%BB%A3p%20%C4%91%E1%BB%93ng%20m%E1%BB%9Bi%3B%20x%3D1.pdf"
    )
