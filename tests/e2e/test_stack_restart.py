"""End to end, as people use it: `hoso up` in its own process, officers at the CLI, a restart.

A real dev server with its file database, started by `hoso up`; every command a separate process.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from cli.demo import write_sample_dossier
from support import vnpay
from support.devserver import free_port, is_reachable
from tests.workflows.harness import procedure

pytestmark = pytest.mark.timeout(240)
HOSO = str(Path(sys.executable).parent / "hoso")
THROUGH_API = {"submit", "status", "history", "list"}


class Stack:
    """`hoso up` as a child process, and the CLI run against it."""

    def __init__(self, data: Path) -> None:
        api_port = free_port()
        self.env = os.environ | {
            "HOSO_API_PORT": str(api_port),
            "HOSO_API_URL": f"http://127.0.0.1:{api_port}",
            "HOSO_DATA_DIR": str(data),
            "HOSO_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
            "HOSO_TEMPORAL_UI_PORT": str(free_port()),
            "HOSO_TASK_QUEUE": "hoso-e2e",
        }
        self.log = data.parent / "up.log"
        self.process: subprocess.Popen[bytes] | None = None

    def up(self) -> None:
        start = self.log.stat().st_size if self.log.exists() else 0  # this start's lines only
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [HOSO, "up"], env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        while "worker on task queue" not in self.log.read_bytes()[start:].decode(
            errors="replace"
        ) or not is_reachable(f"127.0.0.1:{self.env['HOSO_API_PORT']}"):
            assert self.process.poll() is None, self.log.read_text(encoding="utf-8")
            assert time.monotonic() < deadline, "hoso up did not start"
            time.sleep(0.2)

    def down(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        assert self.process.wait(30) == 0
        assert not is_reachable(self.env["HOSO_TEMPORAL_ADDRESS"]), "the server outlived hoso up"

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def payment_gateway(self) -> str:
        """The sandbox gateway's page that the last start printed."""
        printed = re.findall(
            r"payments \(development\): a sandbox gateway at (\S+), merchant (\w+)",
            self.log.read_text(encoding="utf-8"),
        )
        assert printed, self.log.read_text(encoding="utf-8")
        url, merchant = printed[-1]
        assert url.startswith("http://127.0.0.1:") and merchant == "HOSODEV1"
        return str(url)

    def token(self, officer: str) -> Path:
        """The officer's token, issued once through `hoso officers issue-token --out`."""
        path = Path(self.env["HOSO_DATA_DIR"]) / "tokens" / f"{officer}.token"
        if not path.exists():
            path.parent.mkdir(exist_ok=True)
            self.hoso("officers", "issue-token", officer, "--out", str(path))
        return path

    def hoso(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        env = self.env
        if "--as" in args:
            env = {**env, "HOSO_TOKEN_FILE": str(self.token(args[args.index("--as") + 1]))}
        elif args[0] in THROUGH_API:  # the API's commands that name no officer: the counter's
            env = {**env, "HOSO_TOKEN_FILE": str(self.token("tnmt.reception"))}
        done = subprocess.run([HOSO, *args], env=env, capture_output=True, text=True, timeout=60)
        if ok:
            assert done.returncode == 0, done.stderr
        return done

    def state(self, code: str) -> dict[str, Any]:
        return json.loads(self.hoso("status", code, "--json").stdout)

    def act(self, code: str, action: str, officer: str, *extra: str) -> dict[str, Any]:
        self.hoso("act", code, action, "--as", officer, *extra)
        return self.state(code)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    running = Stack(tmp_path / "data")
    yield running
    running.kill()


def _opens_a_payment_page(gateway: str, secret: str) -> bool:
    now = datetime.now(UTC)
    order = vnpay.PaymentOrder(
        reference=f"e2e-{now.timestamp()}",
        amount=8_000,
        description="Le phi trich luc",
        return_url="http://127.0.0.1:9/ket-qua",
        payer_address="127.0.0.1",
        created_at=now,
        expires_at=now + timedelta(minutes=15),
    )
    page = httpx.get(vnpay.payment_url(gateway, "HOSODEV1", secret, order), timeout=10)
    return page.status_code == 200 and "8.000 đ" in page.text


def test_eia_dossier_through_the_cli_survives_a_restart_of_the_stack(
    stack: Stack, tmp_path: Path
) -> None:
    eia = procedure("eia")
    folder = tmp_path / "applicant"
    folder.mkdir()
    dossier = write_sample_dossier(folder, eia)
    stack.up()
    gateway = stack.payment_gateway()
    secret_file = Path(stack.env["HOSO_DATA_DIR"]) / "payment-gateway.secret"
    assert secret_file.stat().st_mode & 0o777 == 0o600
    secret = secret_file.read_text().strip()
    assert secret not in stack.log.read_text(encoding="utf-8")
    assert _opens_a_payment_page(gateway, secret)

    code = stack.hoso("submit", str(dossier)).stdout.strip()
    assert code.startswith("so-tnmt-")
    again = stack.hoso("submit", str(dossier))
    assert again.stdout.strip() == f"already submitted as {code}"

    refused = stack.hoso("act", code, "accept", "--as", "tnmt.specialist", ok=False)
    assert refused.returncode == 1
    assert "may not act at stage 'reception'" in refused.stderr
    assert "Traceback" not in refused.stderr

    state = stack.act(code, "accept", "tnmt.reception", "--comment", "Hồ sơ đầy đủ")
    assert state["status"] == "in_review" and state["stage"] == "specialist"
    due_date = state["due_date"]
    state = stack.act(code, "approve", "tnmt.specialist", "--comment", "Đạt yêu cầu")
    assert state["stage"] == "consult"

    stack.down()
    assert not is_reachable(gateway.split("/")[2]), "the payment gateway outlived hoso up"
    stack.up()  # the same data folder: the dossier carries on where it was
    assert _opens_a_payment_page(stack.payment_gateway(), secret)  # the same merchant secret

    state = stack.state(code)
    assert state["stage"] == "consult" and state["due_date"] == due_date
    for officer in ("xd.specialist", "pccc.officer", "huyen.officer"):
        state = stack.act(code, "concur", officer, "--comment", "Thống nhất")
    assert state["stage"] == "head"
    stack.act(code, "approve", "tnmt.head")
    state = stack.act(code, "approve", "tnmt.director", "--comment", "Phê duyệt")
    assert state["outcome"] == "approved"
    assert state["status"] == "delivering" and state["tracking"]  # by post, as the applicant chose
    stack.hoso("deliver", code, "--as", "tnmt.reception", "--note", "Bưu điện đã phát")

    deadline = time.monotonic() + 30
    while (state := stack.state(code))["status"] != "completed":
        assert time.monotonic() < deadline, state
        time.sleep(0.5)
    assert [form["kind"] for form in state["forms"]] == ["receipt", "result"]

    deadline = time.monotonic() + 30
    while True:  # visibility is eventually consistent
        listed = json.loads(stack.hoso("list", "--status", "completed", "--json").stdout)
        if any(row["code"] == code for row in listed):
            break
        assert time.monotonic() < deadline, listed
        time.sleep(0.5)

    timeline = json.loads(stack.hoso("history", code, "--json").stdout)
    text = json.dumps(timeline, ensure_ascii=False)
    for officer in ("tnmt.reception", "tnmt.specialist", "pccc.officer", "tnmt.director"):
        assert officer in text
    assert "Phê duyệt" in text and "receipt_issued" in text


def test_up_says_so_and_stops_when_the_api_port_is_taken(stack: Stack) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", int(stack.env["HOSO_API_PORT"])))
        taken.listen()
        finished = subprocess.run(
            [HOSO, "up"], env=stack.env, capture_output=True, text=True, timeout=120
        )
    assert finished.returncode == 1, finished.stdout + finished.stderr
    assert f"cannot listen on 127.0.0.1:{stack.env['HOSO_API_PORT']}" in finished.stderr
    assert "HOSO_API_PORT" in finished.stderr
    assert not is_reachable(stack.env["HOSO_TEMPORAL_ADDRESS"]), "the server outlived hoso up"
