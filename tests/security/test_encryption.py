"""Encrypted payloads: the Temporal store holds no readable personal data (issue 5)."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import socket
import stat
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner

import worker
from config import Settings, get_settings
from models.tables import DossierRecord, NotificationRecord
from support.codec import (
    ENCODING,
    KEY_ID_METADATA,
    EncryptionCodec,
    EncryptionError,
    codec_from_settings,
    data_converter,
)
from support.dossier_timeline import timeline
from tests.cli.api_server import api_thread
from tests.cli.test_dossier_commands import hoso, submitted, wait_state
from tests.workflows.harness import (
    APPLICANT,
    act,
    assignee,
    procedure,
    start,
    submission,
    worker_thread,
)
from tests.workflows.test_lifecycle import rows

pytestmark = pytest.mark.timeout(120)

K1, K2 = bytes(range(32)), bytes(range(32, 64))
CLI_SAMPLES = Path(__file__).resolve().parents[1] / "cli"


def plain(text: str) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=text.encode())


async def test_round_trip_hides_the_data_and_restores_it() -> None:
    codec = EncryptionCodec({"k1": K1}, "k1")
    original = plain(f'"{APPLICANT.name}"')
    (sealed,) = await codec.encode([original])
    assert sealed.metadata["encoding"] == ENCODING
    assert sealed.metadata[KEY_ID_METADATA] == b"k1"
    assert APPLICANT.name.encode() not in sealed.data
    assert await codec.decode([sealed]) == [original]
    (again,) = await codec.encode([original])
    assert again.data[:12] != sealed.data[:12]  # a fresh nonce per payload


async def test_rotation_keeps_old_payloads_readable() -> None:
    old = EncryptionCodec({"k1": K1}, "k1")
    (sealed_old,) = await old.encode([plain("old")])
    rotated = EncryptionCodec({"k1": K1, "k2": K2}, "k2")
    assert await rotated.decode([sealed_old]) == [plain("old")]
    (sealed_new,) = await rotated.encode([plain("new")])
    assert sealed_new.metadata[KEY_ID_METADATA] == b"k2"
    assert await rotated.decode([sealed_new]) == [plain("new")]


async def test_tampered_ciphertext_is_refused() -> None:
    codec = EncryptionCodec({"k1": K1}, "k1")
    (sealed,) = await codec.encode([plain("x")])
    data = bytearray(sealed.data)
    data[-1] ^= 1
    forged = Payload(metadata=dict(sealed.metadata), data=bytes(data))
    with pytest.raises(EncryptionError, match="failed authentication"):
        await codec.decode([forged])
    relabelled = Payload(metadata={**sealed.metadata, KEY_ID_METADATA: b"k2"}, data=sealed.data)
    with pytest.raises(EncryptionError, match="failed authentication"):
        await EncryptionCodec({"k1": K1, "k2": K1}, "k1").decode([relabelled])


async def test_unknown_key_id_gives_a_clear_error() -> None:
    (sealed,) = await EncryptionCodec({"k1": K1}, "k1").encode([plain("x")])
    with pytest.raises(EncryptionError, match="unknown key id 'k1'"):
        await EncryptionCodec({"k2": K2}, "k2").decode([sealed])


async def test_unencrypted_payloads_pass_through_only_where_accepted() -> None:
    lenient = EncryptionCodec({"k1": K1}, "k1", accept_plain=True)
    assert await lenient.decode([plain("x")]) == [plain("x")]
    with pytest.raises(EncryptionError, match="payload not encrypted"):
        await EncryptionCodec({"k1": K1}, "k1").decode([plain("x")])


def test_plain_payloads_pass_in_development_only_and_in_the_codec_server(tmp_path: Path) -> None:
    keys = f"k1:{base64.b64encode(K1).decode()}"
    production = Settings(environment="production", encryption_keys=keys, data_dir=tmp_path)
    assert not codec_from_settings(production).accept_plain
    assert codec_from_settings(production, reading=True).accept_plain
    assert codec_from_settings(Settings(data_dir=tmp_path)).accept_plain


def test_keyring_from_settings(tmp_path: Path) -> None:
    keys = f"k1:{base64.b64encode(K1).decode()},k2:{base64.b64encode(K2).decode()}"
    codec = codec_from_settings(
        Settings(data_dir=tmp_path, encryption_keys=keys, encryption_key_id="k2")
    )
    assert codec.current_key_id == "k2"
    with pytest.raises(EncryptionError, match="not in the keyring"):
        codec_from_settings(
            Settings(data_dir=tmp_path, encryption_keys=keys, encryption_key_id="x")
        )
    with pytest.raises(EncryptionError, match="32 bytes"):
        codec_from_settings(Settings(data_dir=tmp_path, encryption_keys="k:AAAA"))
    with pytest.raises(EncryptionError, match="id1:base64key"):
        codec_from_settings(Settings(data_dir=tmp_path, encryption_keys="nocolon"))


def test_development_generates_a_private_key_once(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, environment="development")
    first = codec_from_settings(settings)
    (key_file,) = (tmp_path / "keys").iterdir()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert codec_from_settings(settings).current_key_id == first.current_key_id
    assert list((tmp_path / "keys").iterdir()) == [key_file]


def test_production_refuses_to_start_without_keys(tmp_path: Path) -> None:
    with pytest.raises(EncryptionError, match="no payload encryption keys configured"):
        codec_from_settings(Settings(data_dir=tmp_path, environment="production"))
    assert not (tmp_path / "keys").exists()


async def test_the_server_stores_no_personal_data_in_clear(
    dev_env: WorkflowEnvironment, settings: Settings
) -> None:
    target = dev_env.client.service_client.config.target_host
    secure = await Client.connect(target, data_converter=data_converter(settings))
    raw = await Client.connect(target, data_converter=pydantic_data_converter)
    comment = "Hồ sơ đầy đủ, chữ ký hợp lệ — chuyển chuyên viên thẩm định"
    proc = procedure("eia")
    sub = submission("eia")
    queue = f"sec-{uuid.uuid4()}"
    async with worker.build_worker(secure, settings, task_queue=queue):
        handle = await start(secure, queue, sub)
        state = await act(handle, assignee(proc, "reception"), "accept", comment=comment)
        assert state.stage == "specialist"
        history = await raw.get_workflow_handle(sub.code).fetch_history()
        secrets_ = [APPLICANT.name, APPLICANT.id_number, APPLICANT.phone, comment]
        text = history.to_json()
        payloads = [
            p
            for event in history.events
            # Version markers (workflow.patched) hold only the patch id, written by the SDK core.
            if event.event_type != EventType.EVENT_TYPE_MARKER_RECORDED
            for field in event.ListFields()
            for p in _payloads(field[1])
        ]
        assert payloads, "the history carries payloads"
        for p in payloads:
            assert p.metadata["encoding"] == ENCODING
        for secret in secrets_:
            assert secret not in text
            assert base64.b64encode(secret.encode()).decode() not in text
            for p in payloads:
                assert secret.encode() not in p.data
        shown = " ".join(e.detail for e in await timeline(secure, sub.code))
        assert comment in shown
        hidden = " ".join(e.detail for e in await timeline(raw, sub.code))
        assert comment not in hidden
        await handle.terminate("test finished")


def _payloads(message: object) -> list[Payload]:
    """Every Payload nested anywhere in a protobuf message."""
    if isinstance(message, Payload):
        return [message]
    found: list[Payload] = []
    list_fields = getattr(message, "ListFields", None)
    if list_fields is None:
        return found
    for descriptor, value in list_fields():
        if descriptor.message_type is None or descriptor.name == "search_attributes":
            continue  # search attributes are indexed in clear by design: they hold no personal data
        if descriptor.message_type.GetOptions().map_entry:
            items = list(value.values())
        elif hasattr(value, "ListFields"):
            items = [value]
        else:  # a repeated field of messages
            items = list(value)
        for item in items:
            found.extend(_payloads(item))
    return found


# -- through the CLI, with a key rotation -------------------------------------------------------


def keyring(**keys: bytes) -> str:
    return ",".join(f"{key_id}:{base64.b64encode(key).decode()}" for key_id, key in keys.items())


@contextmanager
def worker_process_like(settings: Settings) -> Iterator[None]:
    """A worker as `hoso worker` builds it (support.client.connect with `settings`) and the API
    the CLI calls (HOSO_API_URL), each on a loop of its own while the CLI runs in the test's
    thread."""
    with worker_thread(settings, worker.build_worker), api_thread(settings) as url:
        before = os.environ.get("HOSO_API_URL")
        os.environ["HOSO_API_URL"] = url
        try:
            yield
        finally:
            os.environ.pop("HOSO_API_URL")
            if before is not None:
                os.environ["HOSO_API_URL"] = before


@pytest.fixture
def cli_settings(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    dev_env: WorkflowEnvironment,
    settings: Settings,
) -> Settings:
    """As tests/cli's: the session's server, this test's task queue and sample catalogue."""
    catalogue = tmp_path / "catalogue"
    shutil.copytree(CLI_SAMPLES / "samples", catalogue)
    monkeypatch.setenv("HOSO_TEMPORAL_ADDRESS", dev_env.client.service_client.config.target_host)
    monkeypatch.setenv("HOSO_TASK_QUEUE", f"sec-{uuid.uuid4()}")
    monkeypatch.setenv("HOSO_PROCEDURES_DIR", str(catalogue))
    get_settings.cache_clear()
    return get_settings()


@pytest.fixture
def dossier_file(tmp_path: Path) -> Path:
    folder = tmp_path / "dossier"
    shutil.copytree(CLI_SAMPLES / "dossier", folder)
    return folder / "dossier.yaml"


def rotate(monkeypatch: pytest.MonkeyPatch, current: str, **keys: bytes) -> Settings:
    monkeypatch.setenv("HOSO_ENCRYPTION_KEYS", keyring(**keys))
    monkeypatch.setenv("HOSO_ENCRYPTION_KEY_ID", current)
    get_settings.cache_clear()
    return get_settings()


async def raw_history(dev_env: WorkflowEnvironment, code: str) -> tuple[str, dict[int, set[str]]]:
    """The history as the server stores it (read without any key): its JSON text, and the key
    id of each event's payloads."""
    history = await dev_env.client.get_workflow_handle(code).fetch_history()
    keys: dict[int, set[str]] = {}
    for event in history.events:
        if event.event_type == EventType.EVENT_TYPE_MARKER_RECORDED:
            continue
        for _, value in event.ListFields():
            for p in _payloads(value):
                assert p.metadata["encoding"] == ENCODING, event
                keys.setdefault(event.event_id, set()).add(p.metadata[KEY_ID_METADATA].decode())
    return history.to_json(), keys


def assert_unreadable(text: str, secrets_: list[str]) -> None:
    for secret in secrets_:
        assert secret not in text
        assert base64.b64encode(secret.encode()).decode() not in text
        assert json.dumps(secret)[1:-1] not in text  # as an escaped JSON string


async def test_cli_dossier_is_sealed_in_the_server_and_stays_readable_after_key_rotation(
    dev_env: WorkflowEnvironment,
    cli_settings: Settings,
    dossier_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runner = CliRunner()
    applicant = {"name": "Nguyễn Văn A", "id_number": "001099012345", "phone": "0912345678"}
    assert all(value in dossier_file.read_text(encoding="utf-8") for value in applicant.values())
    first_comment = "Hồ sơ đầy đủ, bản vẽ đúng quy chuẩn"
    second_comment = "Đạt yêu cầu thẩm định, đề nghị lãnh đạo ký"

    before = rotate(monkeypatch, "k1", k1=K1)

    def cli() -> str:
        with worker_process_like(before):
            code = submitted(runner, before, dossier_file)
            wait_state(runner, code, status="received", stage="reception")
            accepted = hoso(
                runner, "act", code, "accept", "--as", "tn.reception", "--comment", first_comment
            )
            assert accepted.exit_code == 0, accepted.output
            return code

    code = await asyncio.to_thread(cli)
    text, keys = await raw_history(dev_env, code)
    assert keys and set().union(*keys.values()) == {"k1"}
    assert_unreadable(text, [*applicant.values(), first_comment])
    last_before_rotation = max(keys)

    after = rotate(monkeypatch, "k2", k1=K1, k2=K2)  # a new current key; the old one kept

    def cli_after_rotation() -> tuple[dict[str, Any], str]:
        with worker_process_like(after):  # a fresh worker: it replays the k1 history
            wait_state(runner, code, status="in_review", stage="specialist")
            shown = hoso(runner, "history", code, "--json")
            assert shown.exit_code == 0, shown.output
            approved = hoso(
                runner, "act", code, "approve", "--as", "tn.specialist", "--comment", second_comment
            )
            assert approved.exit_code == 0, approved.output
            return wait_state(runner, code, stage="decide"), shown.stdout

    state, shown = await asyncio.to_thread(cli_after_rotation)
    details = " ".join(entry["detail"] for entry in json.loads(shown))
    assert first_comment in details  # the old dossier's details, decrypted with the old key
    assert [a["comment"] for a in state["actions"]] == [first_comment, second_comment]

    text, keys = await raw_history(dev_env, code)
    older = {k for event, ids in keys.items() if event <= last_before_rotation for k in ids}
    newer = {k for event, ids in keys.items() if event > last_before_rotation for k in ids}
    assert (older, newer) == ({"k1"}, {"k2"})
    assert_unreadable(text, [*applicant.values(), first_comment, second_comment])


async def test_failure_messages_are_encrypted_and_operators_read_them(
    dev_env: WorkflowEnvironment, settings: Settings
) -> None:
    """An activity's error (an SMTP server refusing, say) can name an address: the server keeps
    it encrypted; `hoso history` decrypts it for the operator."""
    target = dev_env.client.service_client.config.target_host
    secure = await Client.connect(target, data_converter=data_converter(settings))
    raw = await Client.connect(target, data_converter=pydantic_data_converter)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    failing = settings.model_copy(update={"notification_channel": "smtp", "smtp_port": closed_port})
    sub = submission("extract")
    queue = f"sec-{uuid.uuid4()}"
    async with worker.build_worker(secure, failing, task_queue=queue):
        handle = await start(secure, queue, sub)
        for _ in range(100):
            description = await raw.get_workflow_handle(sub.code).describe()
            pending = [p for p in description.raw_description.pending_activities if p.attempt >= 2]
            if pending:
                break
            await asyncio.sleep(0.2)
        assert pending, "the notice never failed"
        assert pending[0].last_failure.message == "Encoded failure"
        retrying = [e for e in await timeline(secure, sub.code) if e.event == "retrying"]
        assert retrying and "Encoded failure" not in retrying[0].detail
        assert retrying[0].detail.endswith("failed: SMTPConnectError")
        await handle.terminate("test finished")


async def test_a_plain_start_is_refused_by_a_production_worker_and_has_no_effect(
    dev_env: WorkflowEnvironment, settings: Settings, tmp_path: Path
) -> None:
    """A client on the frontend without hoso's payload key starts a dossier in clear (issue 22,
    item 4): outside development the worker refuses to read it; nothing is recorded or sent."""
    keys = f"k1:{base64.b64encode(K1).decode()}"
    production = settings.model_copy(update={"environment": "production", "encryption_keys": keys})
    target = dev_env.client.service_client.config.target_host
    secure = await Client.connect(target, data_converter=data_converter(production))
    raw = await Client.connect(target, data_converter=pydantic_data_converter)
    sub = submission("eia")
    queue = f"sec-{uuid.uuid4()}"
    async with worker.build_worker(secure, production, task_queue=queue):
        handle = await raw.start_workflow("DossierWorkflow", sub, id=sub.code, task_queue=queue)
        failed = False
        for _ in range(200):
            history = await handle.fetch_history()
            kinds = [e.event_type for e in history.events]
            if EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED in kinds:
                failed = True
                break
            await asyncio.sleep(0.05)
        await handle.terminate("test finished")
    assert failed, "the worker read a plain start"
    assert EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED not in kinds
    assert rows(production, DossierRecord, sub.code) == []
    assert rows(production, NotificationRecord, sub.code) == []
