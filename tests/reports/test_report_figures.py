"""Report figures over dossiers with known dates and outcomes, April 2026 (Hùng Kings Day
moved to Monday 27 April, Reunification Day on Thursday 30 April)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from config import Settings
from models.calendar import WorkingCalendar
from models.tables import DocumentRecord
from starter import app
from support.reports import GroupBy, compute_report
from tests.reports.conftest import dossier

APRIL = (date(2026, 4, 1), date(2026, 4, 30))
LATER = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.fixture
def april(engine: Engine) -> Engine:
    """Two agencies' dossiers around April 2026."""
    rows = [
        # so-tnmt: finished on time online in 7 working days (1 → 10 April).
        dossier(
            "A",
            "so-tnmt",
            "1.010733",
            "2026-04-01 09:00",
            closed="2026-04-10 10:00",
            due="2026-04-20",
            on_time=True,
            status="completed",
            outcome="approved",
        ),
        # Friday after 15:00: counts from Tuesday 28 (27 is a holiday); rejected a day late.
        dossier(
            "B",
            "so-tnmt",
            "1.010733",
            "2026-04-24 16:00",
            closed="2026-04-29 11:00",
            due="2026-04-28",
            on_time=False,
            status="completed",
            outcome="rejected",
            received_via="counter",
            delivery="post",
        ),
        # Carried over from March, asked to supplement, past its due date: late in progress.
        dossier(
            "C",
            "so-tnmt",
            "1.009994",
            "2026-03-20 10:00",
            due="2026-04-15",
            received_via="post",
            delivery="counter",
            supplement_requests=1,
            fee_amount=150000,
            fee_channel="counter",
            fee_paid_at=datetime(2026, 4, 2, 3, tzinfo=UTC),
        ),
        dossier("D", "so-tnmt", "1.009994", "2026-04-06 08:00", due="2026-05-20"),
        # ubnd-xa: withdrawn, finished with 2 working days suspended, refused at reception,
        # cancelled.
        dossier(
            "E",
            "ubnd-xa",
            "2.000635",
            "2026-04-02 09:00",
            closed="2026-04-03 09:00",
            status="withdrawn",
            outcome="withdrawn",
        ),
        dossier(
            "F",
            "ubnd-xa",
            "2.000635",
            "2026-04-07 09:00",
            closed="2026-04-14 09:00",
            due="2026-04-16",
            on_time=True,
            status="completed",
            outcome="approved",
            suspended_days=2,
            fee_amount=8000,
            fee_channel="online",
            fee_paid_at=datetime(2026, 4, 13, 8, tzinfo=UTC),
        ),
        dossier(
            "G",
            "ubnd-xa",
            "2.000635",
            "2026-04-08 10:00",
            closed="2026-04-08 10:30",
            status="refused",
            outcome="refused",
            received_via="counter",
            delivery="counter",
        ),
        dossier(
            "J",
            "ubnd-xa",
            "2.000635",
            "2026-04-15 09:00",
            closed="2026-04-20 09:00",
            due="2026-04-20",
            status="cancelled",
            outcome="cancelled",
        ),
        # Outside the period: closed before it, received after it.
        dossier(
            "H",
            "ubnd-xa",
            "2.000635",
            "2026-03-02 09:00",
            closed="2026-03-10 09:00",
            due="2026-03-06",
            on_time=False,
            status="completed",
            outcome="approved",
            fee_amount=8000,
            fee_channel="online",
            fee_paid_at=datetime(2026, 3, 9, 8, tzinfo=UTC),  # before the period
        ),
        dossier("I", "so-tnmt", "1.010733", "2026-05-04 09:00", due="2026-06-15"),
    ]
    with Session(engine) as session:
        session.add_all(rows)
        session.commit()
        # 4.2: A's documents and its result are files; B's result is not (issued on paper).
        session.add_all(
            [
                document("A", "eia_report", "applicant"),
                document("A", "result", "form"),
                document("B", "eia_report", "applicant"),
            ]
        )
        session.commit()
    return engine


def document(code: str, kind: str, source: str) -> DocumentRecord:
    return DocumentRecord(
        dossier_code=code,
        kind=kind,
        file_name=f"{kind}.pdf",
        sha256=f"{len(code + kind):064x}",
        size=1000,
        format="pdf",
        source=source,
        added_at=LATER,
    )


def report(engine: Engine, calendar: WorkingCalendar, **options: object):  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        return compute_report(connection, calendar, *APRIL, now=LATER, **options)  # type: ignore[arg-type]


def test_counts_per_agency_follow_the_definitions(april: Engine, calendar: WorkingCalendar) -> None:
    result = report(april, calendar)
    tnmt, xa = result.groups
    assert (tnmt.group, xa.group) == ("so-tnmt", "ubnd-xa")
    assert tnmt.model_dump(exclude={"group"}) == {
        "received": 3, "received_online": 2, "received_counter": 1, "received_post": 0,
        "carried_over": 1, "handled": 4,
        "finished": 2, "finished_on_time": 1, "finished_late": 1,
        "in_progress": 2, "in_progress_on_time": 1, "in_progress_late": 1,
        "supplement_requested": 1, "refused": 1, "withdrawn": 0, "cancelled": 0,
        "electronic_results": 1, "digitised": 1, "timed": 2, "working_days": 7 + 1,
        "fees_paid": 1, "fees_paid_online": 0, "fees_collected": 150000,  # C, at the counter
    }  # fmt: skip
    assert xa.model_dump(exclude={"group"}) == {
        "received": 4, "received_online": 3, "received_counter": 1, "received_post": 0,
        "carried_over": 0, "handled": 4,
        "finished": 2, "finished_on_time": 2, "finished_late": 0,
        "in_progress": 0, "in_progress_on_time": 0, "in_progress_late": 0,
        "supplement_requested": 0, "refused": 1, "withdrawn": 1, "cancelled": 1,
        "electronic_results": 1, "digitised": 0, "timed": 2, "working_days": (5 - 2) + 0,
        "fees_paid": 1, "fees_paid_online": 1, "fees_collected": 8000,  # F; H paid in March
    }  # fmt: skip


def test_decision_766_indicators_per_agency_and_in_total(
    april: Engine, calendar: WorkingCalendar
) -> None:
    result = report(april, calendar)
    tnmt, xa = (g.indicators for g in result.groups)
    assert tnmt.model_dump() == {
        "on_time_rate": 50.0,  # A on time, D within its date; B late, C past due
        "average_resolution_days": 4.0,
        "online_share": 66.7,
        "online_payment_share": 0.0,
        "electronic_result_share": 50.0,
        "digitised_share": 50.0,  # A; not B, its result on paper
        "satisfaction_proxy": 50.0,
    }
    assert xa.model_dump() == {
        "on_time_rate": 100.0,
        "average_resolution_days": 1.5,
        "online_share": 75.0,
        "online_payment_share": 100.0,
        "electronic_result_share": 50.0,
        "digitised_share": 0.0,
        "satisfaction_proxy": 100.0,
    }
    total = result.total
    assert (total.received, total.handled, total.finished, total.in_progress) == (7, 8, 4, 2)
    assert total.indicators.on_time_rate == 66.7
    assert total.indicators.average_resolution_days == 2.8  # 11 working days over 4
    assert total.indicators.digitised_share == 25.0
    assert (total.fees_collected, total.indicators.online_payment_share) == (158000, 50.0)
    (note,) = result.notes
    assert note.startswith("5.4 counts only the late share: complaints") and "upper bound" in note


def test_groups_by_procedure_and_filters_by_agency(
    april: Engine, calendar: WorkingCalendar
) -> None:
    by_procedure = report(april, calendar, by=GroupBy.procedure)
    assert [(g.group, g.handled) for g in by_procedure.groups] == [
        ("1.009994", 2),
        ("1.010733", 2),
        ("2.000635", 4),
    ]
    only = report(april, calendar, agency="ubnd-xa", by=GroupBy.procedure)
    assert [(g.group, g.received) for g in only.groups] == [("2.000635", 4)]


def test_an_open_dossier_is_late_only_once_its_due_day_has_closed(
    engine: Engine, calendar: WorkingCalendar
) -> None:
    with Session(engine) as session:
        session.add(dossier("K", "so-tnmt", "1.010733", "2026-04-01 09:00", due="2026-04-20"))
        session.commit()
    with engine.connect() as connection:
        at_noon = compute_report(
            connection, calendar, *APRIL, now=datetime(2026, 4, 20, 5, 0, tzinfo=UTC)
        )
        evening = compute_report(
            connection, calendar, *APRIL, now=datetime(2026, 4, 20, 11, 0, tzinfo=UTC)
        )
    assert at_noon.total.in_progress_late == 0  # 12:00 ICT on its due day
    assert evening.total.in_progress_late == 1  # 18:00 ICT: the office has closed


def test_report_command_prints_table_json_csv_and_draws_a_chart(
    april: Engine, tmp_path: Path, operator_host: Settings
) -> None:
    runner = CliRunner()
    period = ["report", "--from", "2026-04-01", "--to", "2026-04-30"]
    table = runner.invoke(app, [*period, "--by", "procedure"], catch_exceptions=False)
    assert table.exit_code == 0, table.output
    assert "2.000635" in table.output and "complaints" in table.output

    as_json = runner.invoke(app, [*period, "--json"], catch_exceptions=False)
    import json

    data = json.loads(as_json.output)
    assert data["total"]["handled"] == 8
    assert data["groups"][0]["indicators"]["on_time_rate"] == 50.0

    chart = tmp_path / "april.png"
    as_csv = runner.invoke(app, [*period, "--csv", "--chart", str(chart)], catch_exceptions=False)
    lines = as_csv.output.splitlines()
    assert lines[0].startswith("group,received,online,counter,post,handled")
    assert lines[-1].startswith("total,7,5,2,0,8,")
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_command_refuses_a_period_that_ends_before_it_starts(
    operator_host: Settings,
) -> None:
    result = CliRunner().invoke(app, ["report", "--from", "2026-05-01", "--to", "2026-04-01"])
    assert result.exit_code == 1
    assert "ends (2026-04-01) before it starts (2026-05-01)" in result.output
