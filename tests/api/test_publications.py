"""Publishing the catalogue through the API: an agency's administrator publishes a signed
procedure version or roster, new dossiers take it, and the catalogue verifies intact (who is
refused and what is forged: tests/security/test_publishing.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import yaml

from models.intake import procedure_hash
from models.officer import Officer
from models.procedure import Procedure
from models.publication import PublicationKind, roster_hash
from models.tables import ProcedureRecord
from support.publishers import OfficerPublisher
from tests.api.conftest import EXTRACT, PROCEDURES, Api
from tests.api.helpers import state_of, wait_for_stage
from tests.api.test_submission import assert_problem


def signed(api: Api, officer_id: str, procedure: Procedure) -> dict[str, Any]:
    proof = OfficerPublisher(api.officer(officer_id)).proof_for(
        PublicationKind.procedure, procedure.code, procedure.agency, procedure_hash(procedure)
    )
    body = procedure.model_dump(mode="json", exclude={"version"})
    return {"procedures": [{"procedure": body, "proof": proof.model_dump(mode="json")}]}


async def extract(api: Api) -> Procedure:
    found = await api.http.get(f"/api/v1/procedures/{EXTRACT}")
    return Procedure.model_validate(found.json())


async def test_an_administrator_publishes_a_version_that_new_dossiers_take(api: Api) -> None:
    revised = (await extract(api)).model_copy(update={"fee": 10000})
    published = await api.http.post(
        "/api/v1/publications", json=signed(api, "xa.admin", revised), auth=api.auth("xa.admin")
    )
    assert published.status_code == 201, published.text
    assert published.json() == {
        "procedures": [{"code": EXTRACT, "version": 2, "changed": True}],
        "officers": [],
        "revoked_tokens": 0,
        "counters": [],
    }
    again = await api.http.post(
        "/api/v1/publications", json=signed(api, "xa.admin", revised), auth=api.auth("xa.admin")
    )
    assert again.json()["procedures"] == [{"code": EXTRACT, "version": 2, "changed": False}]
    assert (await extract(api)).fee == 10000

    response = await api.submit(headers={"Idempotency-Key": uuid.uuid4().hex})
    assert response.status_code == 201, response.text
    code = response.json()["code"]
    state = await wait_for_stage(api, code, "reception")
    assert (state.procedure_version, state.status) == (2, "received")

    verified = await api.http.get("/api/v1/verification/catalogue", auth=api.auth("ops.operator"))
    assert verified.status_code == 200, verified.text
    assert verified.json()["outcome"] == "intact", verified.json()["differences"]
    assert (await state_of(api, code)).procedure_version == 2


async def test_an_administrator_publishes_their_agencys_roster(api: Api) -> None:
    newcomer = Officer(
        id="xa.reception-2",
        name="Tạ Thị Hoa",
        role="reception_officer",
        unit="one-stop",
        agency="ubnd-xa",
    )
    proof = OfficerPublisher(api.officer("xa.admin")).proof_for(
        PublicationKind.roster, "ubnd-xa", "ubnd-xa", roster_hash([newcomer])
    )
    body = {
        "rosters": [
            {"officers": [newcomer.model_dump(mode="json")], "proof": proof.model_dump(mode="json")}
        ]
    }
    published = await api.http.post("/api/v1/publications", json=body, auth=api.auth("xa.admin"))
    assert published.status_code == 201, published.text
    assert published.json()["officers"] == [{"id": "xa.reception-2", "changed": True}]
    assert api.officer("xa.reception-2").officer.agency == "ubnd-xa"  # the registry has them

    mine = await api.http.get("/api/v1/verification/catalogue", auth=api.auth("xa.admin"))
    assert mine.json()["outcome"] == "intact", mine.json()["differences"]


async def test_publications_are_refused_to_others_and_when_empty_or_malformed(api: Api) -> None:
    revised = (await extract(api)).model_copy(update={"fee": 10000})
    refused = await api.http.post(
        "/api/v1/publications",
        json=signed(api, "ops.operator", revised),
        auth=api.auth("ops.operator"),
    )
    assert "only an administrator of ubnd-xa" in assert_problem(refused, 403, "forbidden")["detail"]
    empty = await api.http.post("/api/v1/publications", json={}, auth=api.auth("xa.admin"))
    assert "nothing to publish" in assert_problem(empty, 422, "catalogue")["detail"]
    malformed = await api.http.post(
        "/api/v1/publications",
        json={"procedures": [{"procedure": {"code": "x"}, "proof": {}}]},
        auth=api.auth("xa.admin"),
    )
    assert_problem(malformed, 422, "invalid-request")
    reading = await api.http.get("/api/v1/verification/catalogue", auth=api.auth("xa.reception"))
    assert_problem(reading, 403, "forbidden")


async def test_a_version_planted_in_the_database_is_passed_over_by_intake(api: Api) -> None:
    current = await extract(api)
    free = {"fee": 0, "fee_payment": None, "payment_working_days": None}
    planted = current.model_copy(update={"version": 2, **free, "chain": current.chain[::2]})
    with api.sessions() as session:
        session.add(
            ProcedureRecord(
                code=EXTRACT,
                version=2,
                name=planted.name,
                agency=planted.agency,
                source_sha256=procedure_hash(planted),
                body=planted.model_dump(mode="json"),
                published_at=datetime.now(UTC),
            )
        )
        session.commit()

    response = await api.submit(headers={"Idempotency-Key": uuid.uuid4().hex})
    assert response.status_code == 201, response.text
    state = await wait_for_stage(api, response.json()["code"], "reception")
    assert state.procedure_version == 1  # the newest version on the signed record

    verified = await api.http.get("/api/v1/verification/catalogue", auth=api.auth("ops.operator"))
    assert verified.json()["differences"] == [
        f"procedure {EXTRACT} version 2 is on no valid signed publication with this content"
        " (changed or planted in the database)"
    ]


async def test_an_administrator_publishes_the_counters_of_their_agencys_units_only(
    api: Api,
) -> None:
    units = yaml.safe_load((PROCEDURES / "counters.yaml").read_text())["counters"]
    commune = next(unit for unit in units if unit["agency"] == "ubnd-xa")
    fewer = commune | {"slot_minutes": 20}
    published = await api.http.post(
        "/api/v1/publications", json={"counters": [fewer]}, auth=api.auth("xa.admin")
    )
    assert published.status_code == 201, published.text
    assert published.json()["counters"] == ["ubnd-xa/one-stop"]
    slots = await api.http.get(
        "/api/v1/public/appointments/slots", params={"procedure": EXTRACT, "days": 14}
    )
    assert slots.status_code == 200, slots.text
    assert slots.json()["slot_minutes"] == 20  # the published grid, not the file's 30

    for outsider in ("xa.reception", "tnmt.admin"):
        refused = await api.http.post(
            "/api/v1/publications", json={"counters": [fewer]}, auth=api.auth(outsider)
        )
        body = assert_problem(refused, 403, "forbidden")
        assert "counters" in body["detail"]
