"""Hostile dossier files are refused at the edge with one line naming the file and the field, and
leave nothing behind: no document stored, no submission row, no dossier number used, no workflow
(issue 5, "Hostile input")."""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlmodel import select
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner

from activities.database import create_schema, make_engine, session_factory
from activities.document_store import DocumentStore
from config import Settings, get_settings
from models.tables import DossierCounter, DossierRecord, SubmissionRecord
from support.catalogue import publish_paths
from support.intake import IntakeError, store_documents, submit_dossier
from support.publishers import machine_publisher

PROCEDURES = Path(__file__).resolve().parents[2] / "procedures"
EIA = "1.010733"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DWG = b"AC1032\x00\x00\x00\x00\x00\x00drawing"


def write_docx(path: Path, folder: str = "word/") -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr(f"{folder}document.xml", "<document/>")


class Counter:
    """The sample catalogue in a fresh database, a document store, a dossier folder with the EIA
    documents; submits dossier files and checks that a refusal left nothing behind."""

    def __init__(self, settings: Settings, folder: Path) -> None:
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings.resolved_database_url)
        create_schema(engine)
        self.sessions = session_factory(engine)
        with self.sessions() as session:
            publish_paths(session, [PROCEDURES], publisher=machine_publisher(settings))
        self.store = DocumentStore(settings.resolved_document_dir)
        self.folder = folder
        folder.mkdir(parents=True)
        (folder / "report.pdf").write_bytes(PDF)
        (folder / "drawings.dwg").write_bytes(DWG)
        write_docx(folder / "project.docx")

    def dossier(self, **changes: Any) -> dict[str, Any]:
        dossier: dict[str, Any] = {
            "procedure": EIA,
            "applicant": {
                "name": "Trần Thị Bích",
                "id_number": "079185001234",
                "phone": "0987654321",
                "email": "bich@example.vn",
                "address": "5 Lê Lợi, Quận 1, TP. Hồ Chí Minh",
            },
            "documents": [
                {"kind": "eia_report", "path": "report.pdf"},
                {"kind": "drawings", "path": "drawings.dwg"},
                {"kind": "project", "path": "project.docx"},
            ],
            "delivery": "online",
        }
        dossier.update(changes)
        return dossier

    def applicant(self, **changes: Any) -> dict[str, Any]:
        dossier = self.dossier()
        dossier["applicant"].update(changes)
        return dossier

    def document(self, index: int, path: str, kind: str | None = None) -> dict[str, Any]:
        dossier = self.dossier()
        entry = dossier["documents"][index]
        dossier["documents"][index] = {"kind": kind or entry["kind"], "path": path}
        return dossier

    def write(self, content: dict[str, Any] | str | bytes, name: str = "dossier.yaml") -> Path:
        path = self.folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            text = (
                content if isinstance(content, str) else yaml.safe_dump(content, allow_unicode=True)
            )
            path.write_text(text, encoding="utf-8")
        return path

    async def submit(self, path: Path, client: Client | None = None) -> Any:
        return await submit_dossier(
            path,
            settings=self.settings,
            client=client or NoClient(),  # type: ignore[arg-type]
            sessions=self.sessions,
            store=self.store,
        )

    async def refused(
        self, content: dict[str, Any] | str | bytes, client: Client | None = None
    ) -> str:
        """The one-line refusal of a dossier file with `content`; asserts nothing was written."""
        path = self.write(content)
        with pytest.raises(IntakeError) as caught:
            await self.submit(path, client)
        message = str(caught.value)
        assert message.startswith(f"{path}: "), message
        assert "\n" not in message and "\r" not in message, message
        self.nothing_written()
        return message

    def nothing_written(self) -> None:
        with self.sessions() as session:
            assert session.exec(select(SubmissionRecord)).all() == []
            assert session.exec(select(DossierCounter)).all() == []
            assert session.exec(select(DossierRecord)).all() == []
        root = self.settings.resolved_document_dir
        stored = [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
        assert stored == [], f"documents were stored: {stored}"


class NoClient:
    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"Temporal was used ({name}) for a refused submission")


@pytest.fixture
def counter(settings: Settings, tmp_path: Path) -> Counter:
    return Counter(settings, tmp_path / "dossier")


# --- paths that lead elsewhere -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("../secret.pdf", "path '../secret.pdf' is outside the folder"),
        ("sub/../../secret.pdf", "path 'sub/../../secret.pdf' is outside the folder"),
        ("./../secret.pdf", "is outside the folder"),
        ("/etc/passwd.pdf", "path '/etc/passwd.pdf' is absolute"),
        ("C:/Windows/win.ini.pdf", "is absolute"),
        ("..\\secret.pdf", "separate folders with '/'"),
        ("report.pdf\x00.png", "path 'report.pdf\\x00.png' contains a NUL character"),
        ("report\x1b[2J.pdf", "contains a control or invisible character (U+001B)"),
        ("report\u202efdp.exe.pdf", "contains a control or invisible character (U+202E)"),
        ("   ", "the path is empty"),
    ],
)
async def test_document_path_leading_elsewhere_is_refused(
    counter: Counter, path: str, expected: str
) -> None:
    (counter.folder.parent / "secret.pdf").write_bytes(PDF)
    message = await counter.refused(counter.document(0, path))
    assert "documents.0 (eia_report): " in message
    assert expected in message


async def test_symbolic_link_out_of_the_dossier_folder_is_refused(counter: Counter) -> None:
    (counter.folder.parent / "secret.pdf").write_bytes(PDF)
    (counter.folder / "innocent.pdf").symlink_to(counter.folder.parent / "secret.pdf")
    message = await counter.refused(counter.document(0, "innocent.pdf"))
    assert "documents.0 (eia_report): 'innocent.pdf' goes through a symbolic link" in message


async def test_symbolic_link_to_a_folder_is_refused(counter: Counter) -> None:
    outside = counter.folder.parent / "elsewhere"
    outside.mkdir()
    (outside / "report.pdf").write_bytes(PDF)
    (counter.folder / "annex").symlink_to(outside, target_is_directory=True)
    message = await counter.refused(counter.document(0, "annex/report.pdf"))
    assert "'annex/report.pdf' goes through a symbolic link" in message


async def test_a_named_pipe_or_a_folder_is_not_a_document(counter: Counter) -> None:
    os.mkfifo(counter.folder / "pipe.pdf")  # reading it would block the intake forever
    message = await counter.refused(counter.document(0, "pipe.pdf"))
    assert "'pipe.pdf' is not a regular file" in message
    (counter.folder / "folder.pdf").mkdir()
    message = await counter.refused(counter.document(0, "folder.pdf"))
    assert "'folder.pdf' is not a regular file" in message


async def test_a_document_kind_that_is_not_an_identifier_is_refused(counter: Counter) -> None:
    message = await counter.refused(counter.document(0, "report.pdf", kind="EIA report\x1b"))
    assert "documents.0.kind: String should match pattern" in message


# --- size and content ----------------------------------------------------------------------------


async def test_document_over_the_configured_limit_is_refused(
    counter: Counter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOSO_MAX_DOCUMENT_BYTES", "1024")
    get_settings.cache_clear()
    counter.settings = get_settings()
    (counter.folder / "big.pdf").write_bytes(PDF + b"0" * 1024)
    message = await counter.refused(counter.document(0, "big.pdf"))
    assert f"documents.0 (eia_report): file 'big.pdf' is {len(PDF) + 1024} bytes" in message
    assert "over the limit of 1024" in message
    (counter.folder / "fits.pdf").write_bytes(PDF.ljust(1024, b" "))
    result = await counter.submit(counter.write(counter.document(0, "fits.pdf")), _Started())
    assert [doc.size for doc in result.documents][0] == 1024


def test_the_default_limit_is_50_megabytes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HOSO_MAX_DOCUMENT_BYTES", raising=False)
    assert Settings(_env_file=None).max_document_bytes == 50 * 1024 * 1024  # type: ignore[call-arg]


async def test_an_empty_document_is_refused(counter: Counter) -> None:
    (counter.folder / "empty.pdf").write_bytes(b"")
    assert "file 'empty.pdf' is empty" in await counter.refused(counter.document(0, "empty.pdf"))


@pytest.mark.parametrize(
    ("index", "name", "content", "expected"),
    [
        (0, "report.pdf", b"MZ\x90\x00 this is a Windows program", "its content is not PDF"),
        (0, "report.pdf", b"<html><script>alert(1)</script></html>", "its content is not PDF"),
        (1, "drawings.dwg", b"%PDF-1.4 a PDF renamed .dwg", "its content is not DWG"),
        (1, "drawings.dwg", b"AC10ab not a release number", "its content is not DWG"),
        (2, "project.docx", PDF, "its content is not DOCX"),
        (
            2,
            "project.docx",
            b"PK\x03\x04 but no archive",
            "its content is not DOCX (not a readable zip archive)",
        ),
    ],
)
async def test_content_that_does_not_match_the_format_is_refused(
    counter: Counter, index: int, name: str, content: bytes, expected: str
) -> None:
    (counter.folder / name).write_bytes(content)
    message = await counter.refused(counter.dossier())
    assert f"documents.{index} " in message and f"'{name}': {expected}" in message


async def test_a_zip_that_is_not_a_word_document_is_refused(counter: Counter) -> None:
    write_docx(counter.folder / "project.docx", folder="xl/")  # a spreadsheet renamed .docx
    message = await counter.refused(counter.dossier())
    assert "'project.docx': its content is not DOCX (a zip archive without word/ parts)" in message


async def test_more_documents_than_allowed_are_refused(counter: Counter) -> None:
    documents = [{"kind": "eia_report", "path": "report.pdf"} for _ in range(101)]
    message = await counter.refused(counter.dossier(documents=documents))
    assert "documents: List should have at most 100 items" in message


# --- the applicant -------------------------------------------------------------------------------

HUGE = "A" * 100_000


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("name", "Nguyễn\x1b[31mVăn A", "applicant.name: contains a control character (U+001B)"),
        ("name", "Nguyễn\x00Văn A", "applicant.name: contains a control character (U+0000)"),
        ("name", "Nguyễn Văn A\nAdmin", "applicant.name: contains a control character (U+000A)"),
        ("name", "\u202eA năV nễyugN", "bidirectional control character (U+202E)"),
        ("name", "Nguyễn\u200bVăn A", "applicant.name: contains an invisible format character"),
        ("name", "   ", "applicant.name: is blank"),
        ("name", HUGE, "applicant.name: String should have at most 200 characters"),
        ("address", HUGE, "applicant.address: String should have at most 500 characters"),
        ("address", "1 Lê Lợi\x07", "applicant.address: contains a control character (U+0007)"),
        ("email", "a\x00@example.vn", "applicant.email: contains a control character (U+0000)"),
        ("email", "not-an-address", "applicant.email: not an email address"),
        ("id_number", "12", "applicant.id_number: a citizen id number has exactly 12 digits"),
        ("id_number", "0010990123456", "applicant.id_number: String should have at most 12"),
        ("id_number", "00109901234a", "has exactly 12 digits"),
        ("id_number", "999099012345", "begins with a province code; 999 is none"),
        ("id_number", "003099012345", "begins with a province code; 003 is none"),
        ("id_number", 1099012345, "applicant.id_number: write it in quotes"),
        ("phone", "12345", "applicant.phone: not a Vietnamese phone number"),
        ("phone", "84912345678", "applicant.phone: not a Vietnamese phone number"),
        ("phone", "0112345678", "applicant.phone: not a Vietnamese phone number"),
        ("phone", "09123456789", "applicant.phone: not a Vietnamese phone number"),
        ("phone", "0912345678\n", "applicant.phone: not a Vietnamese phone number"),
        ("phone", HUGE, "applicant.phone: String should have at most 20 characters"),
    ],
)
async def test_hostile_or_invalid_applicant_data_is_refused(
    counter: Counter, field: str, value: Any, expected: str
) -> None:
    message = await counter.refused(counter.applicant(**{field: value}))
    assert expected in message
    if isinstance(value, str) and len(value) > 20:
        assert value[:20] not in message, "the refusal repeats the hostile value"


async def test_id_number_written_without_quotes_is_explained(counter: Counter) -> None:
    text = yaml.safe_dump(counter.dossier(), allow_unicode=True)
    # all octal digits, unquoted: YAML reads a number
    text = text.replace("079185001234", "017123456701").replace("'017123456701'", "017123456701")
    assert "write it in quotes" in await counter.refused(text)


# --- the file itself -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("procedure: [1.010733\napplicant: {", "invalid YAML at line"),
        ('{"procedure": "1.010733", "applicant": ', "invalid YAML at line"),
        (b"\xff\xfe\x00p\x00r\x00o", "the file is not UTF-8 text"),
        ("procedure: x\x07\n", "invalid YAML at character 13: unacceptable character #x0007"),
        ("", "the top level must be a mapping of fields, not empty"),
        ("- a\n- b\n", "the top level must be a mapping of fields, not a list"),
        ("just text", "the top level must be a mapping of fields, not a str"),
        ("a: &x [1, 2]\nb: *x\n", "aliases (*name) are not allowed"),
        ("[" * 5000 + "]" * 5000, "nested too deeply"),
        ("a: " + "[" * 30 + "]" * 30, "nested more than 20 levels deep"),
        ("? [a, b]\n: c\n", "a key must be a plain value"),
        ("a: !!python/object:os.system {}\n", "could not determine a constructor"),
    ],
)
async def test_malformed_file_is_refused_in_one_line(
    counter: Counter, content: str | bytes, expected: str
) -> None:
    assert expected in await counter.refused(content)


async def test_duplicate_keys_are_refused(counter: Counter) -> None:
    text = yaml.safe_dump(counter.dossier(), allow_unicode=True)
    text += "delivery: post\n"  # the last would silently win
    message = await counter.refused(text)
    assert "duplicate key 'delivery'" in message and "at line" in message
    nested = text.replace("  name: ", "  phone: '0912345678'\n  name: ", 1)
    assert "duplicate key 'phone'" in await counter.refused(nested.replace("delivery: post\n", ""))


async def test_duplicate_keys_in_json_are_refused(counter: Counter) -> None:
    text = json.dumps(counter.dossier(), ensure_ascii=False)[:-1] + ', "delivery": "post"}'
    assert "duplicate key 'delivery'" in await counter.refused(text)


async def test_file_over_one_megabyte_is_refused(counter: Counter) -> None:
    text = yaml.safe_dump(counter.dossier(), allow_unicode=True) + "#" * (1024 * 1024)
    assert "over the limit of 1 MB" in await counter.refused(text)


async def test_unknown_fields_are_named_in_json_too(counter: Counter) -> None:
    dossier = counter.dossier(priority="urgent")
    dossier["applicant"]["role\x1b[2J"] = "admin"
    message = await counter.refused(json.dumps(dossier))
    assert "priority: unknown field" in message
    assert "applicant.role\\x1b[2J: unknown field" in message  # echoed, but defused


@pytest.mark.parametrize("reference", ["../../etc/passwd", "a b", "x\n", "r" * 129, ""])
async def test_a_hostile_reference_is_refused(counter: Counter, reference: str) -> None:
    assert "reference: " in await counter.refused(counter.dossier(reference=reference))


async def test_missing_file_and_folder_are_refused(counter: Counter) -> None:
    for path in (counter.folder / "nowhere.yaml", counter.folder):
        with pytest.raises(IntakeError) as caught:
            await counter.submit(path)
        assert str(caught.value).startswith(f"{path}: ")
    counter.nothing_written()


# --- officers' documents (`hoso act --doc KIND=PATH`) ---------------------------------------------


def test_officer_documents_are_checked_the_same_way(counter: Counter) -> None:
    (counter.folder / "notes.txt").write_bytes(b"plain text has no signature to check")
    (counter.folder / "fake.png").write_bytes(PDF)
    cases = {
        ("minutes", "../secret.pdf"): "is outside the folder",
        ("minutes", "notes.txt"): "'notes.txt' is not in a format hoso accepts",
        ("minutes", "fake.png"): "its content is not PNG",
        ("Minutes!", "report.pdf"): "not a document kind",
    }
    for (kind, path), expected in cases.items():
        with pytest.raises(IntakeError) as caught:
            store_documents(
                [("minutes", "report.pdf"), (kind, path)],
                counter.folder,
                None,
                store=counter.store,
                settings=counter.settings,
            )
        message = str(caught.value)
        assert message.startswith("--doc: documents.1 ") and expected in message, message
    counter.nothing_written()


# --- Temporal: no workflow is started -------------------------------------------------------------


class _Started:
    """A client whose start_workflow succeeds without a server."""

    async def start_workflow(self, *args: Any, **kwargs: Any) -> None:
        return None


async def _workflows_on(client: Client, queue: str) -> list[str]:
    return [wf.id async for wf in client.list_workflows(f"TaskQueue = '{queue}'")]


async def test_refused_submissions_start_no_workflow_on_the_server(
    counter: Counter, dev_env: WorkflowEnvironment
) -> None:
    queue = f"hostile-{uuid.uuid4()}"
    counter.settings = counter.settings.model_copy(update={"task_queue": queue})
    client = dev_env.client
    (counter.folder / "fake.pdf").write_bytes(b"MZ\x90\x00")
    hostile = [
        counter.document(0, "../secret.pdf"),
        counter.document(0, "fake.pdf"),
        counter.applicant(id_number="999999999999"),
        counter.applicant(name="A\u202eB"),
        counter.dossier(extra="field"),
        "procedure: [",
    ]
    for content in hostile:
        await counter.refused(content, client)
    assert await _workflows_on(client, queue) == []

    # The same server and query see a valid submission: the emptiness above is not blindness.
    result = await counter.submit(counter.write(counter.dossier()), client)
    deadline = time.monotonic() + 30
    while (seen := await _workflows_on(client, queue)) != [result.code]:
        assert time.monotonic() < deadline, f"the valid dossier never appeared: {seen}"
        await asyncio.sleep(0.3)
    await client.get_workflow_handle(result.code).terminate("test finished")


# --- the CLI -------------------------------------------------------------------------------------


def test_hoso_submit_refuses_a_hostile_file_before_reaching_the_server(
    counter: Counter, monkeypatch: pytest.MonkeyPatch
) -> None:
    from starter import app

    monkeypatch.setenv("HOSO_TEMPORAL_ADDRESS", "127.0.0.1:9")  # nothing listens there
    path = counter.write(counter.applicant(phone="+1 202 555 0100", name="X\x1b]0;pwned\x07"))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["submit", str(path)], catch_exceptions=False)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"error: {path}: ")
    assert "applicant.name: contains a control character (U+001B)" in lines[0]
    assert "applicant.phone: not a Vietnamese phone number" in lines[0]
    assert "\x1b" not in result.output
    counter.nothing_written()
