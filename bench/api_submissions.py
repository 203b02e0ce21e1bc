"""Submissions through the API against intake's submit in process: dossiers per second, in the
same run, on the same server, database and document store.

Each submission is an EIA dossier with its three documents of 1 MB (fresh bytes each time, so
the content-addressed store never finds one already kept). Through the API: a multipart POST to
`hoso serve` (uvicorn, a process of its own on loopback), signed by the reception officer, with
an Idempotency-Key. In process: `support.intake.submit_dossier` over a dossier file and its
three files on disk, as `hoso submit` ran before the API. `--concurrency` submissions are in
flight on each path; the paths take turns (API, in process, API, in process) so the machine's
load falls on both alike. No worker runs: the dossiers start and wait, and what is timed is the
door, not the chain.

    uv run python -m bench.api_submissions                    # 2 × 60 submissions each way
    uv run python -m bench.api_submissions --submissions 200 --concurrency 8
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from activities.database import make_engine, session_factory
from activities.document_store import DocumentStore
from bench.api_server import ApiServer, api_server
from bench.dossiers import APPLICANT
from bench.results import percentiles, publish, run_benchmark, table
from bench.stack import Stack, add_server_arguments, bench_stack
from support.credentials import Credential, issue_token
from support.intake import Sessions, submit_dossier
from support.request_signing import OfficerAuth

DOCUMENT_BYTES = 1024 * 1024
ROUNDS = 2
FILLER = os.urandom(DOCUMENT_BYTES)  # each document: a unique head, then these bytes


@dataclass
class Path_:
    """One path's submissions: their seconds, and the wall time of its turns."""

    seconds: list[float] = field(default_factory=list)
    wall: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.seconds) / self.wall if self.wall else 0.0


def documents(stack: Stack) -> list[tuple[str, str, bytes]]:
    """(kind, file name, bytes) of the EIA's required documents, 1 MB each, each with a unique
    head (a new hash: the store keeps every one)."""
    found = []
    for doc in stack.procedures["eia"].documents:
        if doc.required:
            magic = b"%PDF-1.7\n%" if doc.formats[0] == "pdf" else b"PK\x03\x04"
            head = magic + uuid.uuid4().hex.encode() + b"\n"
            data = head + FILLER[len(head) :]
            found.append((doc.kind, f"{doc.kind}.{doc.formats[0]}", data))
    return found


def dossier_json(stack: Stack, docs: list[tuple[str, str, bytes]]) -> dict[str, object]:
    return {
        "procedure": stack.procedures["eia"].code,
        "applicant": APPLICANT.model_dump(exclude_none=True),
        "documents": [{"kind": kind, "path": name} for kind, name, _ in docs],
        "delivery": "online",
    }


async def through_api(http: httpx.AsyncClient, stack: Stack) -> float:
    docs = documents(stack)
    body = {"dossier": json.dumps(dossier_json(stack, docs))}
    files = [("documents", (name, data, "application/octet-stream")) for _, name, data in docs]
    began = time.perf_counter()
    answer = await http.post(
        "/api/v1/dossiers", data=body, files=files, headers={"Idempotency-Key": uuid.uuid4().hex}
    )
    if answer.status_code != 201:
        raise RuntimeError(f"the API refused a submission: {answer.status_code} {answer.text}")
    return time.perf_counter() - began


def dossier_file(stack: Stack, folder: Path) -> Path:
    """A dossier file and its three documents on disk, as `hoso submit` was given them."""
    own = folder / uuid.uuid4().hex
    own.mkdir(parents=True)
    docs = documents(stack)
    for _, name, data in docs:
        (own / name).write_bytes(data)
    path = own / "dossier.json"
    path.write_text(json.dumps(dossier_json(stack, docs)), encoding="utf-8")
    return path


async def in_process(stack: Stack, sessions: Sessions, store: DocumentStore, path: Path) -> float:
    began = time.perf_counter()
    await submit_dossier(
        path, settings=stack.settings, client=stack.client, sessions=sessions, store=store
    )
    return time.perf_counter() - began


async def turn(
    path: Path_, submissions: list[Callable[[], Awaitable[float]]], concurrency: int
) -> None:
    """The submissions, `concurrency` in flight; the turn's wall time and each one's."""
    queue = list(submissions)

    async def one_after_another() -> None:
        while queue:
            path.seconds.append(await queue.pop()())

    began = time.perf_counter()
    await asyncio.gather(*(one_after_another() for _ in range(concurrency)))
    path.wall += time.perf_counter() - began


async def benchmark(
    stack: Stack, server: ApiServer, n: int, concurrency: int
) -> tuple[Path_, Path_]:
    sessions = session_factory(make_engine(stack.settings.resolved_database_url))
    store = DocumentStore(stack.settings.resolved_document_dir)
    officer = stack.assignee(stack.procedures["eia"], "reception")
    credential: Credential = issue_token(sessions, stack.settings, officer.id)
    folder = stack.settings.data_dir / "bench-dossiers"
    api, local = Path_(), Path_()
    timeout = httpx.Timeout(120, connect=5)
    async with httpx.AsyncClient(
        base_url=server.url, auth=OfficerAuth(credential), timeout=timeout
    ) as http:
        await through_api(http, stack)  # connections and caches
        await in_process(stack, sessions, store, dossier_file(stack, folder))
        for _ in range(ROUNDS):
            await turn(api, [lambda: through_api(http, stack)] * n, concurrency)
            files = [dossier_file(stack, folder) for _ in range(n)]  # made before the clock
            await turn(
                local,
                [lambda f=f: in_process(stack, sessions, store, f) for f in files],  # type: ignore[misc]
                concurrency,
            )
    return api, local


def report(n: int, concurrency: int, api: Path_, local: Path_) -> str:
    a, p = percentiles(api.seconds), percentiles(local.seconds)
    rows = [
        [
            "submissions a second",
            f"{api.rate:.2f}",
            f"{local.rate:.2f}",
            f"{api.rate / local.rate:.2f}×",
        ],
        *(
            [f"one submission, {q}", f"{a[q]:.0f} ms", f"{p[q]:.0f} ms", f"{a[q] / p[q]:.2f}×"]
            for q in ("p50", "p95")
        ),
    ]
    return (
        f"`uv run python -m bench.api_submissions --submissions {n} --concurrency {concurrency}`:"
        f" {ROUNDS} turns of {n} EIA submissions each way (three documents of 1 MB each, fresh"
        f" bytes), {concurrency} in flight, the paths taking turns; through the API a signed"
        " multipart POST to `hoso serve` (uvicorn, its own process, loopback), in process"
        " `support.intake.submit_dossier` over a dossier file. No worker runs. Target: the API"
        " at least 0.8× the rate in process.\n\n"
        + table(["", "through the API", "in process", "API / in process"], rows)
    )


async def _main(args: argparse.Namespace) -> str:
    stack_ = bench_stack(args.address, server_pid=args.server_pid)
    async with stack_ as stack, api_server(stack) as server:
        api, local = await benchmark(stack, server, args.submissions, args.concurrency)
    text = report(args.submissions, args.concurrency, api, local)
    return publish(args, "api_submissions", "Submissions through the API", text)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--submissions", type=int, default=60, help="submissions a turn")
    parser.add_argument("--concurrency", type=int, default=4, help="submissions in flight")
    add_server_arguments(parser)
    return parser


def main(argv: list[str] | None = None) -> str:
    return run_benchmark(_main, parser(), argv)


if __name__ == "__main__":
    main()
