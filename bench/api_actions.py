"""An officer's action through the API against the same action sent straight with the Temporal
client: p50 and p99 of each, in the same run, on the same server and worker.

Straight: `support.credentials.send` — query the dossier's stage, sign, execute the update.
Through the API as `hoso act` does it after `hoso worklist` showed the dossier (the stage it
showed is remembered, cli/remembered_stages.py; or named with `--stage`): sign, POST the signed
action asking for its receipt (`Prefer: return=minimal`); and as `hoso act` does it for a dossier
its worklist did not show: GET the dossier's stage (as its record says), sign, POST.
Each request is signed (RFC 9421) on the officer's side and checked by `hoso serve` (uvicorn, a
process of its own on loopback). The action is the reception officer's `accept` of a
civil-status extract; the three paths take turns (their order rotating), one dossier each, one
action at a time.

    uv run python -m bench.api_actions                     # 300 actions each way
    uv run python -m bench.api_actions --actions 1000
"""

from __future__ import annotations

import argparse
import asyncio
import time
from dataclasses import dataclass, field

import httpx
from sqlalchemy import func
from sqlmodel import Session, select

from activities.database import make_engine, session_factory
from bench.api_server import ApiServer, api_server
from bench.dossiers import Submitter
from bench.results import percentiles, publish, run_benchmark, table
from bench.stack import Stack, add_server_arguments, bench_stack, log_file, worker_logs
from models.actions import OfficerAction
from models.tables import DossierRecord
from support.credentials import Credential, issue_token
from support.request_signing import OfficerAuth
from workflows.dossier import DossierWorkflow

PROCEDURE = "extract"
DOSSIERS = "/api/v1/dossiers"


@dataclass
class Paths:
    """Seconds per action, whole and by part, for each path."""

    straight: list[float] = field(default_factory=list)
    straight_update: list[float] = field(default_factory=list)
    listed: list[float] = field(default_factory=list)
    unlisted: list[float] = field(default_factory=list)
    unlisted_get: list[float] = field(default_factory=list)


async def open_dossiers(stack: Stack, n: int, batch: int = 50) -> list[str]:
    """n dossiers waiting at reception (their rows in the projection say so)."""
    submitter = Submitter(stack, stack.settings.task_queue)
    procedure = stack.procedures[PROCEDURE]
    codes: list[str] = []
    for first in range(0, n, batch):
        handles = await asyncio.gather(
            *(submitter.start(procedure) for _ in range(min(batch, n - first)))
        )
        codes += [h.id for h in handles]
    engine = make_engine(stack.settings.resolved_database_url)
    try:
        query = select(func.count()).where(DossierRecord.stage == "reception")
        deadline = time.monotonic() + 60 + n
        while True:
            with Session(engine) as session:
                if session.exec(query).one() >= n:
                    return codes
            if time.monotonic() > deadline:
                raise TimeoutError(f"the {n} dossiers did not all reach reception")
            await asyncio.sleep(0.25)
    finally:
        engine.dispose()


async def straight(stack: Stack, code: str, credential: Credential, paths: Paths) -> None:
    handle = stack.client.get_workflow_handle_for(DossierWorkflow.run, code)
    item = OfficerAction(officer=credential.officer, action="accept", comment="Hồ sơ đầy đủ")
    began = time.perf_counter()
    stage = await handle.query("stage", result_type=str)
    asked = time.perf_counter()
    signed = credential.sign(item, dossier=code, stage=stage, update="act")
    await handle.execute_update("act", signed)
    done = time.perf_counter()
    paths.straight.append(done - began)
    paths.straight_update.append(done - asked)


MINIMAL = {"Prefer": "return=minimal"}


async def not_listed(
    http: httpx.AsyncClient, code: str, credential: Credential, paths: Paths
) -> None:
    """`hoso act` on a dossier its worklist did not show: it asks the dossier's stage first."""
    item = OfficerAction(officer=credential.officer, action="accept", comment="Hồ sơ đầy đủ")
    began = time.perf_counter()
    where = (await http.get(f"{DOSSIERS}/{code}/stage")).raise_for_status().json()
    got = time.perf_counter()
    signed = credential.sign(item, dossier=code, stage=where["stage"], update="act")
    body = signed.model_dump(mode="json")
    answer = await http.post(f"{DOSSIERS}/{code}/actions", json=body, headers=MINIMAL)
    answer.raise_for_status()
    done = time.perf_counter()
    paths.unlisted.append(done - began)
    paths.unlisted_get.append(got - began)


async def from_the_worklist(
    http: httpx.AsyncClient, code: str, credential: Credential, paths: Paths
) -> None:
    """`hoso act` after `hoso worklist` showed the dossier at reception: sign for it, POST."""
    item = OfficerAction(officer=credential.officer, action="accept", comment="Hồ sơ đầy đủ")
    began = time.perf_counter()
    signed = credential.sign(item, dossier=code, stage="reception", update="act")
    body = signed.model_dump(mode="json")
    answer = await http.post(f"{DOSSIERS}/{code}/actions", json=body, headers=MINIMAL)
    answer.raise_for_status()
    paths.listed.append(time.perf_counter() - began)


async def benchmark(stack: Stack, server: ApiServer, actions: int) -> Paths:
    codes = await open_dossiers(stack, 3 * actions + 15)
    sessions = session_factory(make_engine(stack.settings.resolved_database_url))
    officer = stack.assignee(stack.procedures[PROCEDURE], "reception")
    credential = issue_token(sessions, stack.settings, officer.id)
    paths, warm = Paths(), Paths()
    timeout = httpx.Timeout(60, connect=5)
    async with httpx.AsyncClient(
        base_url=server.url, auth=OfficerAuth(credential), timeout=timeout
    ) as http:

        async def one(path: int, into: Paths) -> None:
            code = codes.pop()
            if path == 0:
                await straight(stack, code, credential, into)
            elif path == 1:
                await from_the_worklist(http, code, credential, into)
            else:
                await not_listed(http, code, credential, into)

        for path in (0, 1, 2) * 5:  # connections, caches and the worker's first tasks
            await one(path, warm)
        for n in range(actions):
            for path in (n % 3, (n + 1) % 3, (n + 2) % 3):  # the order rotates
                await one(path, paths)
    return paths


def report(actions: int, paths: Paths) -> str:
    s, w, u = percentiles(paths.straight), percentiles(paths.listed), percentiles(paths.unlisted)
    su, ug = percentiles(paths.straight_update), percentiles(paths.unlisted_get)
    rows = [
        [
            f"whole action {p}",
            f"{s[p]:.1f} ms",
            f"{w[p]:.1f} ms",
            f"{w[p] / s[p]:.2f}×",
            f"{u[p]:.1f} ms",
            f"{u[p] / s[p]:.2f}×",
        ]
        for p in ("p50", "p95", "p99")
    ]
    parts = [
        [f"{p}", f"{su[p]:.1f} ms", f"{w[p]:.1f} ms", f"{ug[p]:.1f} ms"]
        for p in ("p50", "p95", "p99")
    ]
    head = [
        "",
        "straight",
        "`hoso act` from the worklist",
        "/ straight",
        "`hoso act`, not in the worklist",
        "/ straight",
    ]
    return (
        f"`uv run python -m bench.api_actions --actions {actions}`: {actions} `accept` actions"
        " each way at reception of a civil-status extract, one at a time, the three paths taking"
        " turns in a rotating order. Straight: `support.credentials.send` (query the stage, sign,"
        " update). Through the API as `hoso act` does it for a dossier `hoso worklist` showed (the"
        " stage it showed remembered on the officer's machine; the same as `--stage`): sign, POST"
        " the action asking for its receipt (`Prefer: return=minimal`); for a dossier the"
        " worklist did not show: GET the dossier's stage (its record), sign, POST. Each request"
        " signed, to `hoso serve` under uvicorn on loopback, in a process of its own. Target:"
        " p50 and p99 at most 1.15× the straight path's.\n\n"
        + table(head, rows)
        + "\n\nBy part: the straight path's update (sign and `execute_update`), the POST from the"
        " worklist (sign, the action, answered with its receipt) and the other path's GET (the"
        " dossier's stage).\n\n"
        + table(["", "straight: sign + update", "worklist: sign + POST", "GET stage"], parts)
    )


async def _main(args: argparse.Namespace) -> str:
    async with bench_stack(args.address, server_pid=args.server_pid) as stack:
        with worker_logs(log_file(stack, args)):
            async with stack.hoso_worker(stack.settings.task_queue), api_server(stack) as server:
                paths = await benchmark(stack, server, args.actions)
    text = report(args.actions, paths)
    return publish(args, "api_actions", "An officer's action through the API", text)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--actions", type=int, default=300, help="actions each way")
    add_server_arguments(parser)
    return parser


def main(argv: list[str] | None = None) -> str:
    return run_benchmark(_main, parser(), argv)


if __name__ == "__main__":
    main()
