"""Submission at the edge: validation errors leave nothing behind; codes and duplicates."""

from __future__ import annotations

import contextlib
import hashlib
import re
import uuid
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlmodel import select
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from activities.database import create_schema, make_engine, session_factory
from activities.document_store import DocumentStore
from config import Settings
from models.actions import OfficerIdentity, Withdrawal
from models.dossier import DossierStatus
from models.tables import DossierCounter, SubmissionRecord
from support.catalogue import load_officers, publish_officers, publish_procedures
from support.document_checks import check_documents
from support.intake import IntakeError, store_checked, submit_dossier
from support.publishers import machine_publisher
from support.registration import allocate_code, compute_reference
from workflows import search_attributes as sa

PDF = b"%PDF-1.4\n%%EOF\n"
DWG = b"AC1032\x00\x00\x00\x00\x00drawing"


def write_docx(path: Path) -> None:
    """A minimal Word document: the parts hoso looks for in the archive."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", "<w:document/>")


OFFICERS = {
    "officers": [
        {"id": "tn.reception", "name": "Lan", "role": "reception_officer", "unit": "one-stop",
         "agency": "so-tnmt"},
        {"id": "tn.specialist", "name": "Minh", "role": "specialist",
         "unit": "environment-office", "agency": "so-tnmt"},
        {"id": "tn.director", "name": "Hùng", "role": "director", "unit": "board",
         "agency": "so-tnmt"},
    ]
}  # fmt: skip
PROCEDURE = {
    "code": "9.000001",
    "name": "Thẩm định thử",
    "agency": "so-tnmt",
    "service": "partly_online",
    "working_days": 20,
    "documents": [
        {"kind": "eia_report", "name": "Báo cáo", "required": True, "formats": ["pdf"]},
        {"kind": "drawings", "name": "Bản vẽ", "required": True, "formats": ["pdf", "dwg"]},
        {"kind": "project", "name": "Dự án", "required": True, "formats": ["pdf", "docx"]},
        {"kind": "annex", "name": "Phụ lục", "required": False, "formats": ["pdf"]},
    ],
    "delivery": ["online", "counter"],
    "chain": [
        {"id": "reception", "name": "Tiếp nhận hồ sơ", "kind": "reception",
         "role": "reception_officer", "unit": "one-stop", "working_days": 1},
        {"id": "specialist", "name": "Thẩm định", "kind": "review", "role": "specialist",
         "unit": "environment-office", "working_days": 10},
        {"id": "decide", "name": "Phê duyệt", "kind": "decision", "role": "director",
         "unit": "board", "working_days": 5},
    ],
}  # fmt: skip


class Intake:
    """A database with the test procedure published, a document store, a dossier folder."""

    def __init__(self, settings: Settings, folder: Path) -> None:
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings.resolved_database_url)
        create_schema(engine)
        self.sessions = session_factory(engine)
        self.store = DocumentStore(settings.resolved_document_dir)
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        catalogue = folder.parent / "catalogue"
        catalogue.mkdir()
        (catalogue / "officers.yaml").write_text(yaml.safe_dump(OFFICERS, allow_unicode=True))
        (catalogue / "proc.yaml").write_text(yaml.safe_dump(PROCEDURE, allow_unicode=True))
        with self.sessions() as session:
            publisher = machine_publisher(settings)
            publish_officers(session, load_officers(catalogue / "officers.yaml"))
            publish_procedures(session, [catalogue / "proc.yaml"], publisher=publisher)
            session.commit()
        (folder / "report.pdf").write_bytes(PDF + b"report")
        (folder / "drawings.dwg").write_bytes(DWG)
        write_docx(folder / "project.docx")

    def dossier(self, **changes: Any) -> dict[str, Any]:
        dossier: dict[str, Any] = {
            "procedure": PROCEDURE["code"],
            "applicant": {"name": "Nguyễn Văn A", "id_number": "001099012345",
                          "phone": "0912345678"},
            "documents": [
                {"kind": "eia_report", "path": "report.pdf"},
                {"kind": "drawings", "path": "drawings.dwg"},
                {"kind": "project", "path": "project.docx"},
            ],
            "delivery": "online",
        }  # fmt: skip
        dossier.update(changes)
        return dossier

    def write(self, dossier: dict[str, Any], name: str = "dossier.yaml") -> Path:
        path = self.folder / name
        path.write_text(yaml.safe_dump(dossier, allow_unicode=True), encoding="utf-8")
        return path

    async def submit(self, path: Path, client: Client | None = None):  # type: ignore[no-untyped-def]
        return await submit_dossier(
            path,
            settings=self.settings,
            client=client or NoClient(),  # type: ignore[arg-type]
            sessions=self.sessions,
            store=self.store,
        )

    def nothing_left(self) -> None:
        with self.sessions() as session:
            assert session.exec(select(SubmissionRecord)).all() == []
            assert session.exec(select(DossierCounter)).all() == []
        for file in self.folder.iterdir():
            digest = hashlib.sha256(file.read_bytes()).hexdigest()
            assert not self.store.exists(digest), f"{file.name} was stored"


class NoClient:
    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"Temporal was used ({name}) for a refused submission")


@pytest.fixture
def intake(settings: Settings, tmp_path: Path) -> Intake:
    return Intake(settings, tmp_path / "dossier")


async def refused(intake: Intake, dossier: dict[str, Any]) -> str:
    path = intake.write(dossier)
    with pytest.raises(IntakeError) as caught:
        await intake.submit(path)
    intake.nothing_left()
    message = str(caught.value)
    assert message.startswith(str(path)), message
    return message


async def test_missing_required_documents_are_listed_together(intake: Intake) -> None:
    message = await refused(
        intake, intake.dossier(documents=[{"kind": "annex", "path": "report.pdf"}])
    )
    assert "required documents missing: eia_report, drawings, project" in message


async def test_wrong_format_is_refused(intake: Intake) -> None:
    docs = intake.dossier()["documents"]
    docs[0] = {"kind": "eia_report", "path": "project.docx"}
    message = await refused(intake, intake.dossier(documents=docs))
    assert "eia_report" in message and "accepted format" in message and "pdf" in message


async def test_path_outside_the_dossier_folder_is_refused(intake: Intake) -> None:
    (intake.folder.parent / "x.pdf").write_bytes(PDF)
    docs = intake.dossier()["documents"]
    docs[0] = {"kind": "eia_report", "path": "../x.pdf"}
    message = await refused(intake, intake.dossier(documents=docs))
    assert "'../x.pdf' is outside the folder" in message


async def test_missing_file_is_refused(intake: Intake) -> None:
    docs = intake.dossier()["documents"]
    docs[0] = {"kind": "eia_report", "path": "nowhere.pdf"}
    assert "does not exist" in await refused(intake, intake.dossier(documents=docs))


async def test_oversized_document_is_refused(intake: Intake) -> None:
    intake.settings = intake.settings.model_copy(update={"max_document_bytes": 10})
    message = await refused(intake, intake.dossier())
    assert "over the limit of 10" in message


async def test_unknown_procedure_is_refused(intake: Intake) -> None:
    message = await refused(intake, intake.dossier(procedure="9.999999"))
    assert "procedure" in message and "9.999999" in message


async def test_unknown_fields_are_named(intake: Intake) -> None:
    dossier = intake.dossier(priority="high")
    dossier["applicant"]["nickname"] = "A"
    message = await refused(intake, dossier)
    assert "priority: unknown field" in message
    assert "applicant.nickname: unknown field" in message


async def test_invalid_applicant_field_is_named(intake: Intake) -> None:
    dossier = intake.dossier()
    dossier["applicant"]["id_number"] = "12"
    assert "applicant.id_number" in await refused(intake, dossier)


async def test_delivery_the_procedure_does_not_offer_is_refused(intake: Intake) -> None:
    message = await refused(intake, intake.dossier(delivery="post"))
    assert "delivery" in message and "'post'" in message and "online, counter" in message


async def test_undeclared_document_kind_is_refused(intake: Intake) -> None:
    docs = [*intake.dossier()["documents"], {"kind": "photo", "path": "report.pdf"}]
    message = await refused(intake, intake.dossier(documents=docs))
    assert "declares no document kind 'photo'" in message


def test_codes_follow_the_day_sequence_per_unit(intake: Intake) -> None:
    day, other = date(2025, 7, 1), date(2025, 7, 2)
    with intake.sessions() as session:
        codes = [allocate_code(session, "so-tnmt", day) for _ in range(3)]
        codes.append(allocate_code(session, "so-xd", day))
        codes.append(allocate_code(session, "so-tnmt", other))
        session.commit()
    assert codes == [
        "so-tnmt-250701-0001",
        "so-tnmt-250701-0002",
        "so-tnmt-250701-0003",
        "so-xd-250701-0001",
        "so-tnmt-250702-0001",
    ]
    with intake.sessions() as session:
        assert allocate_code(session, "so-tnmt", day) == "so-tnmt-250701-0004"


def test_reference_ignores_document_order() -> None:
    assert compute_reference("1", "1.2", ["b", "a"]) == compute_reference("1", "1.2", ["a", "b"])
    assert compute_reference("1", "1.2", ["a"]) != compute_reference("2", "1.2", ["a"])


@pytest.fixture
def live(intake: Intake, dev_env: WorkflowEnvironment) -> Intake:
    intake.settings = intake.settings.model_copy(update={"task_queue": f"intake-{uuid.uuid4()}"})
    return intake


async def test_submission_starts_the_dossier_with_its_search_attributes(
    live: Intake, dev_env: WorkflowEnvironment
) -> None:
    result = await live.submit(live.write(live.dossier()), dev_env.client)
    assert not result.duplicate
    assert re.fullmatch(r"so-tnmt-\d{6}-\d{4}", result.code)
    assert result.procedure_version >= 1
    assert all(live.store.exists(doc.sha256) for doc in result.documents)
    assert [d.format for d in result.documents] == ["pdf", "dwg", "docx"]
    description = await dev_env.client.get_workflow_handle(result.code).describe()
    attrs = description.typed_search_attributes
    assert attrs.get(sa.STATUS) == DossierStatus.submitted.value
    assert attrs.get(sa.PROCEDURE) == PROCEDURE["code"]
    assert attrs.get(sa.AGENCY) == "so-tnmt"
    assert description.task_queue == live.settings.task_queue


async def test_same_submission_twice_returns_the_first_code(
    live: Intake, dev_env: WorkflowEnvironment
) -> None:
    path = live.write(live.dossier())
    first = await live.submit(path, dev_env.client)
    second = await live.submit(path, dev_env.client)
    assert second.duplicate and second.code == first.code
    with live.sessions() as session:
        assert len(session.exec(select(SubmissionRecord)).all()) == 1


async def test_registered_but_unstarted_dossier_is_started_on_resubmission(
    live: Intake, dev_env: WorkflowEnvironment
) -> None:
    reference = f"portal-{uuid.uuid4().hex}"
    with live.sessions() as session:
        code = allocate_code(session, "so-tnmt", date.today())
        session.add(SubmissionRecord(reference=reference, code=code, created_at=datetime.now(UTC)))
        session.commit()
    result = await live.submit(live.write(live.dossier(reference=reference)), dev_env.client)
    assert result.duplicate and result.code == code
    description = await dev_env.client.get_workflow_handle(code).describe()
    assert description.id == code


async def test_running_dossiers_keep_the_procedure_version_they_started_with(
    live: Intake, dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    from tests.workflows.harness import act
    from worker import build_worker
    from workflows.dossier import DossierWorkflow

    first = await live.submit(live.write(live.dossier(reference="portal-v1")), dev_env.client)
    revised = dict(PROCEDURE)
    revised["chain"] = [
        *PROCEDURE["chain"][:2],
        {"id": "check", "name": "Kiểm tra", "kind": "review", "role": "specialist",
         "unit": "environment-office", "working_days": 2},
        PROCEDURE["chain"][2],
    ]  # fmt: skip
    newer = tmp_path / "revised.yaml"
    newer.write_text(yaml.safe_dump(revised, allow_unicode=True), encoding="utf-8")
    with live.sessions() as session:
        (published,) = publish_procedures(
            session, [newer], publisher=machine_publisher(live.settings)
        )
    assert published.version == first.procedure_version + 1
    second = await live.submit(live.write(live.dossier(reference="portal-v2")), dev_env.client)
    assert second.procedure_version == published.version

    officer = {o["id"]: o for o in OFFICERS["officers"]}
    who = {k: OfficerIdentity(**{f: v[f] for f in ("id", "role", "unit", "agency")})
           for k, v in officer.items()}  # fmt: skip
    async with build_worker(dev_env.client, live.settings):
        old = dev_env.client.get_workflow_handle_for(DossierWorkflow.run, first.code)
        new = dev_env.client.get_workflow_handle_for(DossierWorkflow.run, second.code)
        for handle in (old, new):
            await act(handle, who["tn.reception"], "accept")
        assert (await act(old, who["tn.specialist"], "approve")).stage == "decide"
        assert (await act(new, who["tn.specialist"], "approve")).stage == "check"
        for handle in (old, new):
            await handle.terminate("test finished")


def test_a_document_replaced_between_its_check_and_its_copy_is_refused_and_nothing_stored(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "dossier"
    folder.mkdir()
    first, second = b"%PDF-1.7\n% report\n%%EOF\n", b"%PDF-1.7\n% drawing\n%%EOF\n"
    (folder / "report.pdf").write_bytes(first)
    (folder / "drawing.pdf").write_bytes(second)
    checked = check_documents(
        [("report", "report.pdf"), ("drawing", "drawing.pdf")], folder, None, 1024, "--doc"
    )
    assert [doc.format for doc in checked] == ["pdf", "pdf"]
    store = DocumentStore(tmp_path / "store")

    # The drawing becomes a script of the same size after its check: refused on its copy.
    script = b"#!/bin/sh\n" + b"x" * (len(second) - 10)
    assert len(script) == len(second)
    (folder / "drawing.pdf").write_bytes(script)
    with pytest.raises(IntakeError, match="drawing.pdf changed while it was being submitted"):
        store_checked(store, checked)
    stored = [path for path in store.root.rglob("*") if path.is_file()]
    assert stored == []  # not even the report, checked and copied first

    # Put back, it goes in, by the hash of what was copied.
    (folder / "drawing.pdf").write_bytes(second)
    refs = store_checked(store, checked)
    assert [ref.sha256 for ref in refs] == [
        hashlib.sha256(first).hexdigest(),
        hashlib.sha256(second).hexdigest(),
    ]
    assert store.read(refs[1].sha256) == second and not list((store.root / ".incoming").iterdir())


async def test_the_same_documents_after_the_first_dossier_ended_are_a_new_dossier(
    live: Intake, dev_env: WorkflowEnvironment
) -> None:
    from tests.workflows.harness import send
    from worker import build_worker
    from workflows.dossier import DossierWorkflow

    path = live.write(live.dossier())
    portal = live.write(live.dossier(reference=f"portal-{uuid.uuid4().hex}"), "portal.yaml")
    first = await live.submit(path, dev_env.client)
    from_portal = await live.submit(portal, dev_env.client)
    reception = OfficerIdentity(
        id="tn.reception", role="reception_officer", unit="one-stop", agency="so-tnmt"
    )
    async with build_worker(dev_env.client, live.settings):
        retried = await live.submit(path, dev_env.client)
        assert retried.duplicate and retried.code == first.code  # still open: the same dossier
        for code in (first.code, from_portal.code):
            handle = dev_env.client.get_workflow_handle_for(DossierWorkflow.run, code)
            withdrawn = Withdrawal(officer=reception, reason="Nộp nhầm")
            assert (await send(handle, DossierWorkflow.withdraw, withdrawn)).status == "withdrawn"

        again = await live.submit(path, dev_env.client)
        assert not again.duplicate and again.code != first.code
        assert (await live.submit(path, dev_env.client)).code == again.code
        # A portal names each request: its retry stays the dossier it was, ended or not.
        assert (await live.submit(portal, dev_env.client)).code == from_portal.code
        await dev_env.client.get_workflow_handle(again.code).terminate("test finished")
    with live.sessions() as session:
        codes = sorted(record.code for record in session.exec(select(SubmissionRecord)))
    assert codes == sorted([again.code, from_portal.code])


async def test_after_a_restored_database_the_next_code_is_the_first_temporal_does_not_hold(
    live: Intake, dev_env: WorkflowEnvironment
) -> None:
    """A database restored from a backup hands out codes Temporal already holds: more of them
    than any fixed number of tries (once 50: "could not find a free dossier code"). The dossier
    takes the first free number instead, and no dossier is merged with another."""
    from temporalio.exceptions import WorkflowAlreadyStartedError
    from temporalio.service import RPCError

    from models.calendar import VIETNAM

    day = datetime.now(VIETNAM).date()
    client = dev_env.client
    for n in range(1, 71):  # the dossiers received since the backup
        with contextlib.suppress(WorkflowAlreadyStartedError):  # another test's: taken as well
            await client.start_workflow(
                "TakenBeforeTheRestore", id=f"so-tnmt-{day:%y%m%d}-{n:04d}", task_queue="nobody"
            )

    async def held(n: int) -> bool:
        try:
            await client.get_workflow_handle(f"so-tnmt-{day:%y%m%d}-{n:04d}").describe()
        except RPCError:
            return False
        return True

    expected = 71
    while await held(expected):
        expected += 1
    result = await live.submit(live.write(live.dossier()), client)
    assert result.code == f"so-tnmt-{day:%y%m%d}-{expected:04d}"
    described = await client.get_workflow_handle(result.code).describe()
    assert described.workflow_type == "DossierWorkflow"
