"""What the fault tests run on, as separate processes: a Temporal dev server of their own (file
database, free loopback ports) and `hoso worker` processes, each stopped by its own pid."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import IO

import httpx
from temporalio.client import Client

from activities.database import make_engine, session_factory
from config import Settings
from models.tables import OfficerRecord
from support.catalogue import load_officers, publish_officers
from support.client import connect
from support.credentials import issue_token
from support.devserver import DevServer, free_port
from support.private_files import write_private

HOSO = str(Path(sys.executable).parent / "hoso")
# The processes share compiled modules: the first compiles them, the others start in a blink
# (the test machine sets PYTHONDONTWRITEBYTECODE; writing into the venv is not ours to do).
PYCACHE = Path(tempfile.gettempdir()) / f"hoso-faults-pycache-{os.getuid()}"


def fault_settings(data_dir: Path, database_url: str, **fields: object) -> Settings:
    """hoso's settings for one fault test: its own data folder, server ports and task queue."""
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        temporal_address=f"127.0.0.1:{free_port()}",
        temporal_ui_port=free_port(),
        task_queue=f"faults-{uuid.uuid4().hex[:8]}",
        worker_graceful_shutdown_seconds=0,
        **fields,  # type: ignore[arg-type]
    )


def worker_environment(settings: Settings) -> dict[str, str]:
    """The settings as the HOSO_ variables a `hoso worker` process reads."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOSO_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    for name in (
        "data_dir",
        "database_url",
        "temporal_address",
        "task_queue",
        "notification_channel",
        "smtp_host",
        "smtp_port",
        "worker_graceful_shutdown_seconds",
    ):
        env[f"HOSO_{name.upper()}"] = str(getattr(settings, name))
    return env


class TemporalServer:
    """`temporal server start-dev` on the settings' ports with its state in the data folder's
    file database; restarted on the same ports and the same file."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._server: DevServer | None = None

    @property
    def pid(self) -> int:
        assert self._server is not None
        return self._server.pid

    async def start(self) -> None:
        self._server = await DevServer.start(self.settings)

    def stop(self) -> None:
        """SIGTERM (SIGKILL if it lingers), this pid only."""
        if self._server is not None:
            self._server.stop()

    def kill(self) -> None:
        """SIGKILL: the server gets no chance to flush anything."""
        if self._server is not None and self._server.process.poll() is None:
            os.kill(self._server.pid, signal.SIGKILL)
            self._server.process.wait(10)


async def connect_client(settings: Settings) -> Client:
    """A client with the workers' keyring (their data folder's dev key)."""
    return await connect(settings, attempts=20)


class WorkerProcess:
    """One `hoso worker`; its output goes through a pipe (so a file-size limit set on the worker
    cannot break its logging) into a log file the test can read."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [HOSO, "worker"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        self._started = threading.Event()
        self._copier = threading.Thread(target=self._copy, daemon=True)
        self._copier.start()

    def _copy(self) -> None:
        pipe: IO[bytes] | None = self.process.stdout
        assert pipe is not None
        with self.log.open("ab") as out:
            for line in pipe:
                out.write(line)
                out.flush()
                if b"worker_started" in line:
                    self._started.set()

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    async def started(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while not self._started.is_set():
            assert self.alive(), f"the worker exited:\n{self.output()[-3000:]}"
            assert time.monotonic() < deadline, "the worker did not start"
            await asyncio.sleep(0.1)

    def kill(self) -> None:
        if self.alive():
            os.kill(self.pid, signal.SIGKILL)
        self.process.wait(10)
        self._copier.join(5)

    def stop(self) -> None:
        if self.alive():
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.process.wait(10)
        self._copier.join(5)


class Workers:
    """The `hoso worker` processes of one test, all on its task queue."""

    def __init__(self, settings: Settings, folder: Path) -> None:
        self.env = worker_environment(settings)
        self.folder = folder
        self.running: list[WorkerProcess] = []
        self.spawned = 0

    def migrate(self) -> None:
        """`hoso db upgrade` once, before the workers (as the compose `migrate` service)."""
        done = subprocess.run(
            [HOSO, "db", "upgrade"], env=self.env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr

    async def start(self, count: int = 1) -> list[WorkerProcess]:
        new = []
        for _ in range(count):
            self.spawned += 1
            new.append(WorkerProcess(self.env, self.folder / f"worker-{self.spawned}.log"))
        self.running += new
        for worker in new:
            await worker.started()
        return new

    def kill(self, worker: WorkerProcess) -> None:
        worker.kill()
        self.running.remove(worker)

    def stop_all(self) -> None:
        for worker in self.running:
            if worker.alive():
                os.kill(worker.pid, signal.SIGTERM)
        for worker in self.running:
            worker.stop()
        self.running.clear()

    def report(self, tail: int = 40) -> str:
        """Each running worker: alive or its exit code, and the last lines of its log."""
        lines = []
        for worker in self.running:
            state = "alive" if worker.alive() else f"exited {worker.process.returncode}"
            lines.append(f"worker pid {worker.pid}: {state}")
            lines += ["  " + line for line in worker.output().splitlines()[-tail:]]
        return "\n".join(lines)

    def outputs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.folder.glob("*.log")))


OPERATOR = "ops.operator"  # the province's operator: reads every agency's dossiers
ROSTER = Path(__file__).resolve().parents[2] / "procedures" / "officers.yaml"


def operator_token(settings: Settings) -> Path:
    """A token for the sample operator, issued once per test by the test's own issuer (the
    operator put in the registry first if the test has not published it)."""
    path = settings.data_dir / "test-tokens" / f"{OPERATOR}.token"
    if path.exists():
        return path
    engine = make_engine(settings.resolved_database_url)
    sessions = session_factory(engine)
    try:
        with sessions() as session:
            if session.get(OfficerRecord, OPERATOR) is None:  # the operator alone: others
                roster = load_officers(ROSTER)  # in the registry would be mailed their notices
                only = [o for o in roster.officers if o.id == OPERATOR]
                publish_officers(session, roster.model_copy(update={"officers": only}))
                session.commit()
        credential = issue_token(sessions, settings, OPERATOR)
    finally:
        engine.dispose()
    path.parent.mkdir(mode=0o700, exist_ok=True)
    write_private(path, credential.token.encode())
    return path


class ApiProcess:
    """`hoso serve` on a free loopback port, as the compose `api` service runs it; stopped by
    its pid."""

    def __init__(self, settings: Settings, log: Path) -> None:
        self.port = free_port()
        env = worker_environment(settings) | {
            "HOSO_API_HOST": "127.0.0.1",
            "HOSO_API_PORT": str(self.port),
        }
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [HOSO, "serve"], env=env, stdout=out, stderr=subprocess.STDOUT
            )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def ready(self, wait: float = 30.0) -> None:
        deadline = time.monotonic() + wait
        while True:
            assert self.process.poll() is None, "`hoso serve` exited"
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "`hoso serve` did not answer"
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


async def hoso(settings: Settings, *args: str) -> str:
    """Runs the real CLI (`hoso history CODE` …) as an operator would, through the API (a
    `hoso serve` process for the call) with the operator's token; returns its output."""
    token = operator_token(settings)
    api = ApiProcess(settings, settings.data_dir.parent / "api.log")
    try:
        await asyncio.to_thread(api.ready)
        env = worker_environment(settings) | {
            "COLUMNS": "240",  # rich wraps nothing away
            "HOSO_API_URL": api.url,
            "HOSO_TOKEN_FILE": str(token),
        }
        done = await asyncio.to_thread(
            subprocess.run,
            [HOSO, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        api.stop()
    assert done.returncode == 0, f"hoso {' '.join(args)}: {done.stderr}"
    return done.stdout
