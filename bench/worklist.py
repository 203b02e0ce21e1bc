"""A worklist page at 10,000 and at 100,000 open dossiers: its p95, and how much it grows.

The projection is filled directly in bulk (dossier rows and their waiting rows, as
`record_change` writes them): this measures the query, not the workflows. The dossiers are
spread over 10 agencies, 5 units each and 2 roles; one in ten is at a consultation waiting for
two agencies, one in fifty at a council waiting for seven of fifty members; due dates over the
next 90 days, one in fifty without one yet. The officer timed is a specialist of one unit: their
stage holds 1% of the dossiers, their agency's consultations 2%, their council votes 0.3%.

Each size times the first page and a page from the middle (a cursor), `--size` rows each, as
`operations.worklist` reads them (the query and the items), and writes the query plans.

    uv run python -m bench.worklist                                  # 10,000 and 100,000, SQLite
    uv run python -m bench.worklist --database-url postgresql+psycopg://…   # an empty database
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, insert, text

from activities.database import create_schema, make_engine, session_factory
from activities.waiting import WAITING
from bench.results import percentiles, publish, run_benchmark, table
from models.calendar import VIETNAM
from models.officer import OfficerIdentity
from models.projection import CONSULTATION, COUNCIL, NEVER_DUE, STAGE, stage_party
from models.tables import DossierRecord
from operations.access import Caller
from operations.paging import keyset_cursor
from operations.worklist import WorklistFilter, worklist

DOSSIERS = DossierRecord.__table__  # type: ignore[attr-defined]
AGENCIES = [f"agency-{n}" for n in range(10)]
UNITS = [f"unit-{n}" for n in range(5)]
ROLES = ("specialist", "division_head")
MEMBERS = [f"member-{n:02d}" for n in range(50)]
OFFICER = OfficerIdentity(id="member-00", role="specialist", unit="unit-0", agency="agency-0")
CALLER = Caller(officer=OFFICER, token_id="bench")  # noqa: S106 - an id, not a secret
CHUNK = 5_000


@dataclass
class Sized:
    """One size's timings (seconds) and plans."""

    dossiers: int
    listed: int
    first: list[float] = field(default_factory=list)
    middle: list[float] = field(default_factory=list)
    plans: str = ""
    fill_seconds: float = 0.0


def rows(first: int, n: int, today: date, seed: int = 23) -> Iterator[tuple[dict, list[dict]]]:
    """Dossier rows and their waiting rows; the same seed gives the same rows."""
    rng = random.Random(seed + first)
    now = datetime.now(UTC)
    for i in range(first, first + n):
        agency, unit = AGENCIES[i % 10], UNITS[(i // 10) % 5]
        role = ROLES[(i // 50) % 2]
        due = today + timedelta(days=rng.randrange(0, 90)) if rng.random() > 0.02 else None
        code = f"{agency}-{i:08d}"
        waiting: list[tuple[str, str]] = []
        kind = rng.random()
        stage_role: str | None = role
        if kind < 0.1:
            stage_role, unit = None, None
            waiting += [(CONSULTATION, a) for a in rng.sample(AGENCIES, 2)]
        elif kind < 0.12:
            stage_role, unit = None, None
            waiting += [(COUNCIL, m) for m in rng.sample(MEMBERS, 7)]
        else:
            waiting.append((STAGE, stage_party(agency, unit, role)))
        yield (
            {
                "code": code,
                "reference": f"ref-{i}",
                "procedure_code": f"1.00{i % 9:04d}",
                "procedure_version": 1,
                "agency": agency,
                "status": "in_review",
                "stage": "review" if stage_role else "consult",
                "unit": unit,
                "role": stage_role,
                "stage_due_at": now + timedelta(days=rng.randrange(1, 10)),
                "delivery": "online",
                "applicant_name": "Nguyễn Thị Hồng",
                "applicant_id_number": "001190012345",
                "submitted_at": now - timedelta(days=rng.randrange(1, 30)),
                "received_at": now - timedelta(days=rng.randrange(1, 30)),
                "due_date": due,
                "updated_at": now,
            },
            [
                {"dossier_code": code, "kind": k, "party": p, "due": due or NEVER_DUE}
                for k, p in waiting
            ],
        )


def fill(engine: Engine, first: int, n: int, today: date) -> None:
    """Adds n open dossiers (and their waiting rows) in bulk, `CHUNK` a transaction."""
    generated = rows(first, n, today)
    with engine.begin() as db:
        for _ in range(0, n, CHUNK):
            chunk = [next(generated) for _ in range(min(CHUNK, n))]
            if not chunk:
                break
            db.execute(insert(DOSSIERS), [d for d, _ in chunk])
            db.execute(insert(WAITING), [w for _, ws in chunk for w in ws])
            n -= len(chunk)
        db.execute(text("ANALYZE"))  # the planner's statistics, as a live database keeps them


@contextmanager
def captured(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The statements run on `engine` meanwhile, with their parameters."""
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def plan(engine: Engine, statement: str, parameters: Any) -> str:
    """The database's plan of the statement: SQLite's EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN
    (ANALYZE, BUFFERS off)."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            return "\n".join(f"{row[0]:>3} {row[1]:>3} {row[3]}" for row in cursor.fetchall())
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + statement, parameters)
        return "\n".join(row[0] for row in cursor.fetchall())
    finally:
        raw.close()


@dataclass
class Projection:
    """One size's database, and the officer's pages in it."""

    engine: Engine
    sized: Sized
    cursor: str = ""


def prepare(engine: Engine, dossiers: int, today: date) -> Projection:
    """Fills the database and finds the cursor of the worklist's middle page."""
    began = time.perf_counter()
    create_schema(engine)
    fill(engine, 0, dossiers, today)
    everything = worklist(session_factory(engine), CALLER, WorklistFilter(), size=10**6)
    middle = everything.items[len(everything.items) // 2]
    due = middle.due_at.astimezone(VIETNAM).date() if middle.due_at else NEVER_DUE
    sized = Sized(dossiers, len(everything.items), fill_seconds=time.perf_counter() - began)
    return Projection(engine, sized, keyset_cursor(due, middle.code))


def time_pages(projections: list[Projection], samples: int, size: int) -> None:
    """Each sample pages every size in turn, so that the machine's load falls on all alike."""
    wanted = WorklistFilter()
    pages = [(p, session_factory(p.engine)) for p in projections]
    for n in range(5 + samples):  # the first five warm the caches, as a live database's are
        for projection, sessions in pages:
            began = time.perf_counter()
            worklist(sessions, CALLER, wanted, size=size)
            middle = time.perf_counter()
            worklist(sessions, CALLER, wanted, size=size, cursor=projection.cursor)
            done = time.perf_counter()
            if n >= 5:
                projection.sized.first.append(middle - began)
                projection.sized.middle.append(done - middle)
    for projection, sessions in pages:
        with captured(projection.engine) as seen:
            worklist(sessions, CALLER, wanted, size=size, cursor=projection.cursor)
        statement, parameters = next(s for s in seen if "dossier_waiting" in s[0])
        projection.sized.plans = plan(projection.engine, statement, parameters)


def report(args: argparse.Namespace, runs: list[Sized], backend: str) -> str:
    rows_ = []
    for label, pick in (("first page", "first"), ("a page from the middle", "middle")):
        p95 = [percentiles(getattr(s, pick))["p95"] for s in runs]
        cells = [f"{p:.2f} ms" for p in p95]
        growth = f"{p95[-1] / p95[0]:.2f}×" if p95[0] else "–"
        rows_.append([f"{label}, p95", *cells, growth])
    p50 = [percentiles(s.first)["p50"] for s in runs]
    rows_.append(["first page, p50", *(f"{p:.2f} ms" for p in p50), f"{p50[-1] / p50[0]:.2f}×"])
    rows_.append(["dossiers in the officer's worklist", *(f"{s.listed:,}" for s in runs), ""])
    header = ["", *(f"{s.dossiers:,} open" for s in runs), "growth"]
    sizes = ",".join(str(s.dossiers) for s in runs)
    plans = "\n\n".join(
        f"At {s.dossiers:,} open dossiers ({backend}):\n\n```\n{s.plans}\n```" for s in runs
    )
    return (
        f"`uv run python -m bench.worklist --dossiers {sizes} --samples {args.samples}` on "
        f"{backend}: a page of {args.size} of one specialist's worklist (`operations.worklist`: "
        "the query and its items), first page and a page from the middle (a cursor), "
        f"{args.samples} times each; the projection filled in bulk (dossier and waiting rows), "
        "one in ten dossiers at a consultation, one in fifty at a council. Target: p95 grows "
        "at most 1.5× from the first size to the last.\n\n"
        + table(header, rows_)
        + "\n\nThe query is three ranges of `ix_dossier_waiting_queue` (kind, party, due, code) —"
        " the officer's stage, their agency's consultations, their council votes — each read"
        " in order for at most a page, joined to the dossier row by its key, then merged:"
        " the plan holds no scan of either table and no sort of more than three pages.\n\n" + plans
    )


def engines(url: str | None, sizes: list[int], folder: Path) -> list[Engine]:
    """A database for each size: a SQLite file each, or a PostgreSQL schema each."""
    if not url:
        return [make_engine(f"sqlite:///{folder / f'projection-{n}.db'}") for n in sizes]
    found = []
    with make_engine(url).begin() as db:
        for n in sizes:
            db.execute(text(f"DROP SCHEMA IF EXISTS bench_worklist_{n} CASCADE"))
            db.execute(text(f"CREATE SCHEMA bench_worklist_{n}"))
    for n in sizes:
        options = f"-c timezone=UTC -c search_path=bench_worklist_{n}"
        found.append(create_engine(url, connect_args={"options": options}))
    return found


def drop_schemas(url: str, sizes: list[int]) -> None:
    with make_engine(url).begin() as db:
        for n in sizes:
            db.execute(text(f"DROP SCHEMA IF EXISTS bench_worklist_{n} CASCADE"))


def run_sizes(url: str | None, sizes: list[int], samples: int, size: int) -> list[Sized]:
    today = datetime.now(UTC).date()
    with tempfile.TemporaryDirectory(prefix="hoso-worklist-") as folder:
        made = engines(url, sizes, Path(folder))
        try:
            projections = [prepare(e, n, today) for e, n in zip(made, sizes, strict=True)]
            time_pages(projections, samples, size)
        finally:
            for engine in made:
                engine.dispose()
            if url:
                drop_schemas(url, sizes)
    return [p.sized for p in projections]


async def _main(args: argparse.Namespace) -> str:
    sizes = [int(n) for n in args.dossiers.split(",")]
    runs = run_sizes(args.database_url, sizes, args.samples, args.size)
    backend = "PostgreSQL" if args.database_url else "SQLite"
    text_ = report(args, runs, backend)
    key = "worklist_postgresql" if args.database_url else "worklist"
    return publish(args, key, f"A worklist page at scale ({backend})", text_)


def parser() -> argparse.ArgumentParser:
    from bench.results import add_result_arguments

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dossiers", default="10000,100000", help="sizes, comma-separated")
    parser.add_argument("--samples", type=int, default=300, help="pages timed at each size")
    parser.add_argument("--size", type=int, default=50, help="rows a page")
    parser.add_argument(
        "--database-url", help="an empty PostgreSQL database (its tables are dropped)"
    )
    add_result_arguments(parser)
    return parser


def main(argv: list[str] | None = None) -> str:
    return run_benchmark(_main, parser(), argv)


if __name__ == "__main__":
    main()
