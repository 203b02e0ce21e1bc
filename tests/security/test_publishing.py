"""Issue 22, item 2: `hoso procedures load` needed no credential. Anyone with the database
republished 1.010733 with its decision held by the reception officer, and one officer then
decided alone.

Publishing a procedure or a roster is now an administrator's signed action through the API;
every publication is on a signed record that `hoso verify --catalogue` and the worker check; a
chain that gives reception and decision to one officer is refused unless the procedure says why.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlmodel import select
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner

from activities.database import SessionFactory, create_schema, make_engine, session_factory
from api.app import create_app
from cli import procedures as procedures_cli
from config import Settings
from models.intake import procedure_hash
from models.officer import Officer
from models.procedure import Procedure
from models.publication import PublicationKind, roster_hash
from models.tables import OfficerRecord, ProcedureRecord, PublicationRecord
from support.catalogue import latest_procedure, publish_paths
from support.credentials import Credential, issue_token
from support.intake_seal import IntakeSealer
from support.publishers import OfficerPublisher, machine_publisher
from support.request_signing import OfficerAuth
from support.seals import public_seals
from support.verify_catalogue import verify_catalogue
from tests.security.test_forged_starts import cut_chain, nothing_recorded, refused_start
from tests.workflows.harness import PROCEDURES, running_worker, submission

pytestmark = pytest.mark.timeout(120)
EIA = "1.010733"


@pytest.fixture
def catalogue(settings: Settings) -> Iterator[SessionFactory]:
    """The sample catalogue, published by this machine's issuer key (as `hoso up` does)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    create_schema(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        publish_paths(session, [PROCEDURES], publisher=machine_publisher(settings))
    yield sessions
    engine.dispose()


@pytest_asyncio.fixture(loop_scope="session")
async def http(settings: Settings, catalogue: SessionFactory) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


def token(settings: Settings, sessions: SessionFactory, officer: str) -> Credential:
    return issue_token(sessions, settings, officer)


def eia(sessions: SessionFactory) -> Procedure:
    with sessions() as session:
        return latest_procedure(session, EIA)


def publication(credential: Credential, procedure: Procedure) -> dict[str, Any]:
    """What `hoso procedures load` sends: the procedure, signed by `credential`'s officer."""
    proof = OfficerPublisher(credential).proof_for(
        PublicationKind.procedure,
        procedure.code,
        procedure.agency,
        procedure_hash(procedure),
    )
    body = procedure.model_dump(mode="json", exclude={"version"})
    return {"procedures": [{"procedure": body, "proof": proof.model_dump(mode="json")}]}


def versions(sessions: SessionFactory) -> list[int]:
    with sessions() as session:
        rows = session.exec(select(ProcedureRecord.version).where(ProcedureRecord.code == EIA))
        return sorted(rows)


async def test_publishing_without_a_credential_is_refused(
    settings: Settings,
    catalogue: SessionFactory,
    http: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    attack = publication(token(settings, catalogue, "tnmt.reception"), cut_chain(eia(catalogue)))
    refused = await http.post("/api/v1/publications", json=attack)
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"

    monkeypatch.delenv("HOSO_TOKEN", raising=False)
    monkeypatch.delenv("HOSO_TOKEN_FILE", raising=False)
    cut_file = settings.data_dir / "cut.yaml"
    cut_file.write_text(
        Procedure.model_validate(attack["procedures"][0]["procedure"]).model_dump_json(),
        encoding="utf-8",
    )
    result = await asyncio.to_thread(
        CliRunner().invoke, procedures_cli.app, ["load", str(cut_file)]
    )
    assert result.exit_code == 1
    assert "no officer token" in result.stderr
    assert versions(catalogue) == [1]


@pytest.mark.parametrize(
    ("officer", "who"),
    [
        ("xd.admin", "administrator of so-xay-dung"),
        ("tnmt.reception", "reception_officer of so-tnmt"),
        ("tnmt.director", "director of so-tnmt"),
    ],
)
async def test_only_the_agencys_administrator_publishes_its_procedures(
    settings: Settings, catalogue: SessionFactory, http: httpx.AsyncClient, officer: str, who: str
) -> None:
    credential = token(settings, catalogue, officer)
    revised = eia(catalogue).model_copy(update={"fee": 1000})
    refused = await http.post(
        "/api/v1/publications",
        json=publication(credential, revised),
        auth=OfficerAuth(credential),
    )
    assert refused.status_code == 403, refused.text
    assert refused.json()["detail"] == (
        f"only an administrator of so-tnmt publishes its procedures: {officer} is {who}"
    )
    assert versions(catalogue) == [1]


async def test_a_signature_over_other_content_or_by_another_token_is_refused(
    settings: Settings, catalogue: SessionFactory, http: httpx.AsyncClient
) -> None:
    admin = token(settings, catalogue, "tnmt.admin")
    signed = publication(admin, eia(catalogue).model_copy(update={"fee": 1000}))
    signed["procedures"][0]["procedure"]["fee"] = 0  # the content changed after signing
    changed = await http.post("/api/v1/publications", json=signed, auth=OfficerAuth(admin))
    assert changed.status_code == 422
    assert "its signed statement names other content" in changed.json()["detail"]

    other = token(settings, catalogue, "tnmt.admin")  # a second token of the same officer
    borrowed = publication(other, eia(catalogue).model_copy(update={"fee": 1000}))
    refused = await http.post("/api/v1/publications", json=borrowed, auth=OfficerAuth(admin))
    assert refused.status_code == 422
    assert "sign it with the token that signs the request" in refused.json()["detail"]
    assert versions(catalogue) == [1]


async def test_reception_and_decision_held_by_one_officer_are_refused_unless_the_law_allows(
    settings: Settings, catalogue: SessionFactory, http: httpx.AsyncClient
) -> None:
    admin = token(settings, catalogue, "tnmt.admin")
    cut = cut_chain(eia(catalogue))
    refused = await http.post(
        "/api/v1/publications", json=publication(admin, cut), auth=OfficerAuth(admin)
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["detail"] == (
        f"procedure {EIA}: stages 'reception' (reception) and 'decide' (decision) are both held"
        " by role 'reception_officer' in unit 'one-stop' (held by tnmt.reception): the law"
        " separates them, so one officer would decide what they received; give the stages to"
        " different roles, or say why the law allows it in `separation_waived`"
    )
    assert versions(catalogue) == [1]

    waived = cut.model_copy(update={"separation_waived": "Điều 5 Nghị định mẫu: một cán bộ"})
    accepted = await http.post(
        "/api/v1/publications", json=publication(admin, waived), auth=OfficerAuth(admin)
    )
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["procedures"] == [{"code": EIA, "version": 2, "changed": True}]


async def test_an_agency_roster_cannot_take_another_agencys_officer(
    settings: Settings, catalogue: SessionFactory, http: httpx.AsyncClient
) -> None:
    admin = token(settings, catalogue, "xd.admin")
    stolen = {
        "id": "tnmt.director",
        "name": "Phạm Thu Hà",
        "role": "director",
        "unit": "board",
        "agency": "so-xay-dung",
    }
    officers = [Officer.model_validate(stolen)]
    proof = OfficerPublisher(admin).proof_for(
        PublicationKind.roster, "so-xay-dung", "so-xay-dung", roster_hash(officers)
    )
    body = {"rosters": [{"officers": [stolen], "proof": proof.model_dump(mode="json")}]}
    refused = await http.post("/api/v1/publications", json=body, auth=OfficerAuth(admin))
    assert refused.status_code == 422, refused.text
    assert "officer 'tnmt.director' is an officer of agency 'so-tnmt'" in refused.json()["detail"]
    with catalogue() as session:
        assert session.get(OfficerRecord, "tnmt.director").agency == "so-tnmt"  # type: ignore[union-attr]


def plant(sessions: SessionFactory, procedure: Procedure) -> Procedure:
    """What the attacker did with a database account: a new version written straight in."""
    planted = procedure.model_copy(update={"version": 2})
    with sessions() as session:
        session.add(
            ProcedureRecord(
                code=planted.code,
                version=2,
                name=planted.name,
                agency=planted.agency,
                source_sha256=procedure_hash(planted),
                body=planted.model_dump(mode="json"),
                published_at=datetime.now(UTC),
            )
        )
        session.commit()
    return planted


async def test_a_procedure_planted_in_the_database_is_named_by_verify_and_refused_by_the_worker(
    skip_env: WorkflowEnvironment, settings: Settings, catalogue: SessionFactory
) -> None:
    issuers = public_seals(settings).issuers
    assert verify_catalogue(catalogue, issuers, None).differences == []
    planted = plant(catalogue, cut_chain(eia(catalogue)))
    with catalogue() as session:
        director = session.get(OfficerRecord, "tnmt.director")
        assert director is not None
        director.role = "reception_officer"  # and one officer's role changed
        session.add(director)
        session.commit()

    found = verify_catalogue(catalogue, issuers, None).differences
    assert found == [
        f"procedure {EIA} version 2 is on no valid signed publication with this content (changed"
        " or planted in the database)",
        "officer tnmt.director differs from their signed roster: role changed in the database",
    ]

    # hoso's own intake reads the planted version as the latest and seals it: the worker refuses.
    sealed = IntakeSealer.from_settings(settings).seal(
        submission("eia").model_copy(update={"procedure": planted})
    )
    async with running_worker(skip_env, settings) as queue:
        handle = await skip_env.client.start_workflow(
            "DossierWorkflow", sealed, id=sealed.code, task_queue=queue
        )
        reason = await refused_start(handle)
    assert f"procedure {EIA} version 2 with this content was never published" in reason
    nothing_recorded(catalogue, sealed.code)


async def test_a_publication_changed_in_the_database_is_named(
    settings: Settings, catalogue: SessionFactory
) -> None:
    with catalogue() as session:
        row = session.exec(select(PublicationRecord).where(PublicationRecord.subject == EIA)).one()
        row.content = row.content | {"fee": 1}  # the kept content no longer what was signed
        session.add(row)
        record = session.get(ProcedureRecord, (EIA, 1))
        assert record is not None
        record.body = record.body | {"fee": 1}
        session.add(record)
        session.commit()
    found = verify_catalogue(catalogue, public_seals(settings).issuers, None).differences
    assert found[0].startswith(f"publication #{row.n} (procedure {EIA}, by issuer:dev): what it")
    assert f"procedure {EIA} version 1 is on no valid signed publication" in found[1]


async def test_the_first_administrator_is_made_where_the_issuer_key_is_and_publishes_the_rest(
    settings: Settings, catalogue: SessionFactory, http: httpx.AsyncClient
) -> None:
    from cli import officers as officers_cli

    made = await asyncio.to_thread(
        CliRunner().invoke,
        officers_cli.app,
        ["new-administrator", "tp.admin", "--agency", "so-tu-phap", "--name", "Hồ Văn Nam"],
    )
    assert made.exit_code == 0, made.output
    assert "tp.admin is an administrator of so-tu-phap, published with the issuer key" in (
        made.stdout
    )
    admin = token(settings, catalogue, "tp.admin")
    clerk = Officer(
        id="tp.reception", name="Lê Thu", role="reception_officer", unit="one-stop",
        agency="so-tu-phap",
    )  # fmt: skip
    proof = OfficerPublisher(admin).proof_for(
        PublicationKind.roster, "so-tu-phap", "so-tu-phap", roster_hash([clerk])
    )
    roster = {"officers": [clerk.model_dump(mode="json")], "proof": proof.model_dump(mode="json")}
    body = {"rosters": [roster]}
    published = await http.post("/api/v1/publications", json=body, auth=OfficerAuth(admin))
    assert published.status_code == 201, published.text
    assert verify_catalogue(catalogue, public_seals(settings).issuers, None).differences == []

    stolen = await asyncio.to_thread(
        CliRunner().invoke,
        officers_cli.app,
        ["new-administrator", "tnmt.director", "--agency", "so-tu-phap", "--name", "X"],
    )
    assert stolen.exit_code == 1
    assert "tnmt.director is an officer of so-tnmt, not so-tu-phap" in stolen.stderr
