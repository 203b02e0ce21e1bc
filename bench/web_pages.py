"""The officers' web pages served at 10,000 and at 100,000 open dossiers: the worklist page and a
dossier's page, rendered HTML over HTTP by `hoso serve` (uvicorn, a process of its own on
loopback) to a signed-in session's cookie; their p50, p95 and how much they grow.

The projection is filled in bulk as `bench/worklist.py` fills it (dossier and waiting rows, no
workflows): the worklist page is that benchmark's specialist's (`member-00` of `agency-0`, added
to the registry), first page of 50. A bulk row has no workflow, and a dossier's page reads its
workflow (its state, its history for the timeline) besides the projection (applicant, forms,
names): that page is timed on five real dossiers (civil-status extracts at reception, run by the
stack's worker) among the bulk ones, read by their reception officer. The two sizes are the same
database, before and after the 90,000 more rows; both officers' sessions are opened directly in
the database (password and TOTP are not what is measured).

    uv run python -m bench.web_pages                      # 200 pages of each, at each size
    uv run python -m bench.web_pages --samples 500
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import httpx
from sqlalchemy import Engine
from sqlmodel import Session, select

from activities.database import make_engine
from api.pages.cookies import SESSION_COOKIE, cookie_name
from bench.api_actions import open_dossiers
from bench.api_server import api_server
from bench.results import percentiles, publish, run_benchmark, table
from bench.stack import Stack, add_server_arguments, bench_stack, log_file, worker_logs
from bench.worklist import OFFICER, fill
from models.tables import OfficerRecord, WebSessionRecord
from support.web_sessions import open_session, verify_session

REAL_DOSSIERS = 5


@dataclass
class Sized:
    """One size's page times (seconds) and the bytes of the last page of each."""

    dossiers: int
    worklist: list[float] = field(default_factory=list)
    dossier: list[float] = field(default_factory=list)
    worklist_bytes: int = 0
    dossier_bytes: int = 0


def signed_in_cookie(engine: Engine, officer_id: str) -> str:
    """A signed-in session of the officer (second factor given), as the sign-in pages leave it."""
    now = datetime.now(UTC)
    with Session(engine) as session:
        session_id, _ = open_session(session, officer_id, now)
        session.flush()
        record = session.exec(select(WebSessionRecord).where(WebSessionRecord.id == session_id))
        cookie = verify_session(session, record.one(), now)
        session.commit()
    return cookie


def add_bulk_officer(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(
            OfficerRecord(
                id=OFFICER.id,
                name="Chuyên viên đo thử",
                role=OFFICER.role,
                unit=OFFICER.unit,
                agency=OFFICER.agency,
            )
        )
        session.commit()


def settled(engine: Engine) -> None:
    """The bulk rows written back into the database file (SQLite: the write-ahead log
    checkpointed), as a live database's are between two bursts of writes."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as db:
            db.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


async def timed(
    http: httpx.AsyncClient, path: str, cookie: str, into: list[float], shows: str
) -> int:
    """GETs the page with the session's cookie; its seconds into `into`; its size in bytes.
    The page must be the one asked for, showing `shows`."""
    began = time.perf_counter()
    answer = await http.get(path, headers={"Cookie": cookie})
    into.append(time.perf_counter() - began)
    if answer.status_code != 200 or answer.url.path != path or shows not in answer.text:
        raise RuntimeError(f"{path} answered {answer.status_code} at {answer.url.path}")
    return len(answer.content)


async def time_pages(
    http: httpx.AsyncClient, cookies: tuple[str, str], codes: list[str], sized: Sized, samples: int
) -> None:
    """The worklist page and a dossier's page in turn, `samples` times each after five to warm."""
    bulk, reception = cookies
    warm = Sized(sized.dossiers)
    for n in range(5 + samples):
        into = warm if n < 5 else sized
        code = codes[n % len(codes)]
        sized.worklist_bytes = await timed(
            http, "/worklist", bulk, into.worklist, f"{OFFICER.agency}-0"
        )
        sized.dossier_bytes = await timed(
            http, f"/dossiers/{code}", reception, into.dossier, "Quá trình xử lý"
        )


async def benchmark(stack: Stack, url: str, sizes: list[int], samples: int) -> list[Sized]:
    codes = await open_dossiers(stack, REAL_DOSSIERS)
    engine = make_engine(stack.settings.resolved_database_url)
    try:
        add_bulk_officer(engine)
        name = cookie_name(SESSION_COOKIE, stack.settings.environment != "development")
        reception = stack.assignee(stack.procedures["extract"], "reception").id
        cookies = (
            f"{name}={signed_in_cookie(engine, OFFICER.id)}",
            f"{name}={signed_in_cookie(engine, reception)}",
        )
        today: date = datetime.now(UTC).date()
        runs, filled = [], 0
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            for size in sizes:
                fill(engine, filled, size - filled, today)
                settled(engine)
                filled = size
                sized = Sized(size)
                await time_pages(http, cookies, codes, sized, samples)
                runs.append(sized)
    finally:
        engine.dispose()
    return runs


def report(args: argparse.Namespace, runs: list[Sized]) -> str:
    rows = []
    for label, pick in (("worklist page", "worklist"), ("dossier page", "dossier")):
        for p in ("p50", "p95"):
            figures = [percentiles(getattr(s, pick))[p] for s in runs]
            growth = f"{figures[-1] / figures[0]:.2f}×" if figures[0] else "–"
            rows.append([f"{label}, {p}", *(f"{f:.1f} ms" for f in figures), growth])
    rows.append(["worklist page, bytes", *(f"{s.worklist_bytes:,}" for s in runs), ""])
    rows.append(["dossier page, bytes", *(f"{s.dossier_bytes:,}" for s in runs), ""])
    header = ["", *(f"{s.dossiers:,} open" for s in runs), "growth"]
    sizes = ",".join(str(s.dossiers) for s in runs)
    return (
        f"`uv run python -m bench.web_pages --dossiers {sizes} --samples {args.samples}`: "
        "`GET /worklist` (one specialist's first page of 50, of the bulk dossiers) and `GET "
        f"/dossiers/{{code}}` (one of {REAL_DOSSIERS} real civil-status extracts at reception, "
        "read by their reception officer: its workflow's state and history, the projection's "
        "applicant and forms), rendered HTML from `hoso serve` on loopback with a signed-in "
        f"session's cookie, in turn, {args.samples} times each at each size; the projection "
        "filled in bulk as `bench.worklist` fills it, the same database before and after the "
        "rest of the rows (its write-ahead log checkpointed after each fill). Target: p95 "
        "grows at most 1.5× from the first size to the last.\n\n" + table(header, rows)
    )


async def _main(args: argparse.Namespace) -> str:
    sizes = [int(n) for n in args.dossiers.split(",")]
    async with bench_stack(args.address, server_pid=args.server_pid) as stack:
        with worker_logs(log_file(stack, args)):
            async with stack.hoso_worker(stack.settings.task_queue), api_server(stack) as server:
                runs = await benchmark(stack, server.url, sizes, args.samples)
    text = report(args, runs)
    return publish(args, "web_pages", "The officers' web pages at scale", text)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dossiers", default="10000,100000", help="sizes, comma-separated")
    parser.add_argument("--samples", type=int, default=200, help="pages of each kind at each size")
    add_server_arguments(parser)
    return parser


def main(argv: list[str] | None = None) -> str:
    return run_benchmark(_main, parser(), argv)


if __name__ == "__main__":
    main()
