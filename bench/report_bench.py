"""Benchmark: `hoso report` over N dossiers in a SQLite projection (default 100,000).

    uv run python -m bench.report_bench [N]

Fills a fresh database in a temporary folder with N dossier rows spread over 2025–2026 (three
agencies, nine procedures, every reception channel, open, finished on time or late, refused,
withdrawn), then times the year's report by agency, unit and procedure (best of 5 runs each).
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from activities.database import create_schema, make_engine
from models.tables import DossierRecord
from support.calendars import resolve_calendar
from support.reports import GroupBy, compute_report

AGENCIES = ("so-tnmt", "so-xay-dung", "ubnd-xa")
UNITS = ("one-stop", "environment-office", "permits", "civil-status", "board")
START = datetime(2025, 1, 1, 1, 0, tzinfo=UTC)


def fake_rows(n: int, seed: int = 766) -> list[dict[str, object]]:
    """N plausible dossier rows; the same seed gives the same rows."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        received = START + timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60))
        due = (received + timedelta(days=rng.choice((5, 15, 30, 45)))).date()
        fate = rng.random()
        closed = received + timedelta(days=rng.uniform(0.1, 60)) if fate < 0.8 else None
        status = (
            "in_review"
            if closed is None
            else rng.choice(("completed", "completed", "completed", "refused", "withdrawn"))
        )
        agency = AGENCIES[i % len(AGENCIES)]
        rows.append(
            {
                "code": f"{agency}-{i:08d}",
                "reference": f"ref-{i}",
                "procedure_code": f"1.00{i % 9:04d}",
                "procedure_version": 1,
                "agency": agency,
                "status": status,
                "stage": None if closed else "review",
                "unit": None if closed else UNITS[i % len(UNITS)],
                "delivery": rng.choice(("online", "post", "counter")),
                "applicant_name": "Nguyễn Thị Hồng",
                "applicant_id_number": "001190012345",
                "submitted_at": received,
                "received_at": received,
                "due_date": due,
                "original_due_date": due,
                "received_via": rng.choice(("online", "online", "counter", "post")),
                "outcome": {"completed": "approved", "refused": "refused"}.get(status, status),
                "supplement_requests": int(rng.random() < 0.1),
                "suspended_days": rng.choice((0, 0, 0, 2, 5)),
                "at_risk": False,
                "overdue": False,
                "on_time": None if closed is None else closed.date() <= due,
                "closed_at": closed,
                "updated_at": received,
            }
        )
    return rows


def main(n: int = 100_000, folder: Path | None = None, runs: int = 5) -> dict[str, float]:
    """Fills a database with `n` rows and returns the best report time per grouping, seconds."""
    with tempfile.TemporaryDirectory() as scratch:
        path = (folder or Path(scratch)) / "bench.db"
        engine = make_engine(f"sqlite:///{path}")
        create_schema(engine)
        began = time.perf_counter()
        with engine.begin() as connection:
            connection.execute(insert(DossierRecord.__table__), fake_rows(n))  # type: ignore[attr-defined]
        filled = time.perf_counter() - began
        calendar = resolve_calendar(2024, 2027)
        timings: dict[str, float] = {}
        for by in GroupBy:
            samples = []
            for _ in range(runs):
                began = time.perf_counter()
                with engine.connect() as connection:
                    report = compute_report(
                        connection, calendar, datetime(2026, 1, 1).date(),
                        datetime(2026, 12, 31).date(), by=by,
                    )  # fmt: skip
                samples.append(time.perf_counter() - began)
            timings[by.value] = min(samples)
            print(
                f"report by {by.value:9} over {n:,} dossiers: best {min(samples) * 1000:.0f} ms, "
                f"median {statistics.median(samples) * 1000:.0f} ms "
                f"({report.total.handled:,} handled in 2026)"
            )
        engine.dispose()
        print(f"(filled in {filled:.1f} s)")
        return timings


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
