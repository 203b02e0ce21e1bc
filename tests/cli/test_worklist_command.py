"""`hoso worklist`: what waits for the officer; `hoso act` then signs for the stage it showed,
in one request, and signs again for where the dossier is when it has moved on since."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from starlette.types import ASGIApp, Receive, Scope, Send
from typer.testing import CliRunner

from cli.remembered_stages import KEPT_FOR, MOST, RememberedStages, cache_folder
from config import Settings, get_settings
from support.credentials import Credential
from tests.cli.api_server import api_thread
from tests.cli.test_dossier_commands import hoso, submitted, token_file, wait_state


class Requests:
    """The requests the API received, as (method, path): an ASGI layer around the real app."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def around(self, app: ASGIApp) -> ASGIApp:
        async def recorded(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http":
                self.seen.append((scope["method"], scope["path"]))
            await app(scope, receive, send)

        return recorded


@pytest.fixture
def requests(worker: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Requests]:
    found = Requests()
    with api_thread(worker, wrap=found.around) as url:
        monkeypatch.setenv("HOSO_API_URL", url)
        get_settings.cache_clear()
        yield found
    get_settings.cache_clear()


def remembered(officer: str) -> RememberedStages:
    path = token_file(officer)
    assert path is not None
    token_id = Credential.from_token(path.read_text()).certificate.token_id
    return RememberedStages(cache_folder(get_settings()), token_id)


def test_acting_from_the_worklist_signs_for_the_stage_it_showed_in_one_request(
    runner: CliRunner, worker: Settings, requests: Requests, dossier_file: Path
) -> None:
    code = submitted(runner, worker, dossier_file)
    wait_state(runner, code, status="received", stage="reception")

    listed = hoso(runner, "worklist", "--as", "tn.reception")
    assert listed.exit_code == 0, listed.output
    assert code in listed.stdout
    rows = json.loads(hoso(runner, "worklist", "--as", "tn.reception", "--json").stdout)
    assert [(r["code"], r["waiting"], r["stage"]) for r in rows] == [(code, "stage", "reception")]
    memory = remembered("tn.reception")
    assert memory.stage(code) == "reception"
    assert stat.S_IMODE(memory.path.stat().st_mode) == 0o600

    requests.seen.clear()
    ok = hoso(runner, "act", code, "accept", "--as", "tn.reception")
    assert ok.exit_code == 0, ok.output
    assert f"{code}: in_review at specialist" in ok.stdout
    assert requests.seen == [("POST", f"/api/v1/dossiers/{code}/actions")]
    assert memory.stage(code) is None  # it has left the stage the worklist showed

    # the specialist never listed their worklist here: the CLI asks where the dossier is
    requests.seen.clear()
    sent = hoso(
        runner,
        "act",
        code,
        "return",
        "--as",
        "tn.specialist",
        "--to",
        "reception",
        "--comment",
        "Thiếu bản đồ",
    )
    assert sent.exit_code == 0, sent.output
    assert requests.seen == [
        ("GET", f"/api/v1/dossiers/{code}/stage"),
        ("POST", f"/api/v1/dossiers/{code}/actions"),
    ]
    assert "nothing waits for you" in hoso(runner, "worklist", "--as", "tn.specialist").stdout


def test_a_remembered_stage_the_dossier_has_left_is_signed_again_for_where_it_is(
    runner: CliRunner, worker: Settings, requests: Requests, dossier_file: Path
) -> None:
    code = submitted(runner, worker, dossier_file)
    wait_state(runner, code, status="received", stage="reception")
    memory = remembered("tn.reception")
    memory.remember([(code, "specialist")])  # as a worklist listed before it was sent back

    requests.seen.clear()
    ok = hoso(runner, "act", code, "accept", "--as", "tn.reception")
    assert ok.exit_code == 0, ok.output
    assert f"{code}: in_review at specialist" in ok.stdout
    action = ("POST", f"/api/v1/dossiers/{code}/actions")
    assert requests.seen == [action, action]  # 409 with the stage now, then signed for it
    assert memory.stage(code) is None


def test_the_memory_keeps_a_working_day_of_the_newest_entries_for_its_owner_only(
    tmp_path: Path,
) -> None:
    memory = RememberedStages(tmp_path / "cache", "token-1")
    now = datetime.now(UTC)
    memory.remember([("a-1", "reception"), ("a-2", "review")], now=now)
    assert memory.stage("a-1", now=now) == "reception"
    assert memory.stage("a-1", now=now + KEPT_FOR) is None
    assert stat.S_IMODE(memory.path.parent.stat().st_mode) == 0o700

    later = now + timedelta(minutes=1)
    memory.remember(((f"b-{n}", "reception") for n in range(MOST)), now=later)
    assert memory.stage("a-1", now=later) is None  # the oldest went first
    assert memory.stage(f"b-{MOST - 1}", now=later) == "reception"

    memory.path.write_text("{not json")
    assert memory.stage("b-1") is None  # an unreadable file remembers nothing
    memory.remember([("c-1", "decide")])
    assert memory.stage("c-1") == "decide"
    assert RememberedStages(tmp_path / "cache", "token-2").stage("c-1") is None
