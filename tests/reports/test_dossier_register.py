"""The dossier register (form 06): every dossier an agency received in a period, one line each."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from config import Settings
from models.tables import ProcedureRecord
from starter import app
from support.dossier_register import register_lines
from tests.cli.api_server import signed_in_as
from tests.reports.conftest import dossier

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


def fill(engine: Engine) -> None:
    rows = [
        dossier(
            "so-tnmt-261103-0001",
            "so-tnmt",
            "1.010733",
            "2026-11-03 09:00",
            due="2026-11-25",
            closed="2026-11-24 10:00",
            status="completed",
            outcome="approved",
            on_time=True,
            supplement_requests=1,
            applicant_address="12 Phố Huế, Hai Bà Trưng, Hà Nội",
            applicant_phone="0912345678",
        ),
        dossier(
            "so-tnmt-261102-0001",
            "so-tnmt",
            "1.010733",
            "2026-11-02 16:00",  # a Monday after 15:00, received the next day: the row says so
            received_at=None,
            due="2026-11-27",
            overdue=True,
            apologized=True,
        ),
        dossier(
            "so-tnmt-261110-0001",
            "so-tnmt",
            "1.010733",
            "2026-11-10 08:30",
            closed="2026-11-10 09:00",
            status="refused",
            outcome="refused",
            received_via="counter",
        ),
        dossier("so-tnmt-261201-0001", "so-tnmt", "1.010733", "2026-12-01 08:00"),  # after it
        dossier("so-xay-dung-261105-0001", "so-xay-dung", "1.009994", "2026-11-05 08:00"),
    ]
    with Session(engine) as session:
        session.add(
            ProcedureRecord(
                code="1.010733",
                version=1,
                name="Thẩm định báo cáo ĐTM",
                agency="so-tnmt",
                source_sha256="0" * 64,
                body={},
                published_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
        )
        session.add_all(rows)
        session.commit()


def test_the_register_lists_the_agencys_dossiers_of_the_period_in_the_order_received(
    engine: Engine,
) -> None:
    fill(engine)
    with Session(engine) as session:
        lines = register_lines(session, "so-tnmt", *NOVEMBER)
    assert [line.code for line in lines] == [
        "so-tnmt-261102-0001",
        "so-tnmt-261103-0001",
        "so-tnmt-261110-0001",
    ]
    late, done, refused = lines
    assert [line.number for line in lines] == [1, 2, 3]
    assert (done.procedure, done.procedure_name) == ("1.010733", "Thẩm định báo cáo ĐTM")
    assert done.applicant == "Nguyễn Thị Hồng"
    assert done.contact == "12 Phố Huế, Hai Bà Trưng, Hà Nội, 0912345678"
    assert late.contact == ""  # projected before the register had the column
    assert (done.received, done.due, done.returned) == ("03/11/2026", "25/11/2026", "24/11/2026")
    assert done.result == "Giải quyết"
    assert done.note == "Đã trả kết quả; yêu cầu bổ sung 1 lần"
    assert late.received == "02/11/2026" and late.returned == "" and late.result == ""
    assert late.note == "Đang giải quyết; đã xin lỗi, hẹn lại; quá hạn"
    assert (refused.result, refused.returned, refused.note) == (
        "Từ chối",
        "",
        "Từ chối tiếp nhận; tiếp nhận trực tiếp tại Bộ phận Một cửa",
    )


def test_register_command_prints_json_and_csv_and_writes_form_06(
    engine: Engine, tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(engine)
    with signed_in_as(settings, "tnmt.director", monkeypatch):  # the agency's leader
        _register_command(tmp_path)


def _register_command(tmp_path: Path) -> None:
    runner = CliRunner()
    period = ["register", "--agency", "so-tnmt", "--from", "2026-11-01", "--to", "2026-11-30"]
    as_json = runner.invoke(app, [*period, "--json"], catch_exceptions=False)
    assert as_json.exit_code == 0, as_json.output
    assert [line["code"] for line in json.loads(as_json.stdout)][0] == "so-tnmt-261102-0001"

    as_csv = runner.invoke(app, [*period, "--csv"], catch_exceptions=False)
    lines = as_csv.stdout.splitlines()
    assert lines[0] == (
        "#,code,procedure,procedure name,applicant,address and phone,received,due,result,"
        "returned,note"
    )
    assert len(lines) == 4

    pdf = tmp_path / "so-tnmt-2026-11.pdf"
    table = runner.invoke(app, [*period, "--out", str(pdf)], catch_exceptions=False)
    assert table.exit_code == 0, table.output
    assert "dossier register of so-tnmt" in table.stdout
    assert "3 dossiers; form 06 written to" in table.stdout
    assert pdf.read_bytes().startswith(b"%PDF")

    backwards = runner.invoke(app, ["register", "--agency", "so-tnmt", "--from", "2026-11-30",
                                    "--to", "2026-11-01"])  # fmt: skip
    assert backwards.exit_code == 1 and "before it starts" in backwards.output
